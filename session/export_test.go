package session

import "time"

// SetClock makes m read the time from now, for expiry and renew tests.
func SetClock(m *Manager, now func() time.Time) { m.now = now }

// SetMemoryClock makes s read the time from now.
func SetMemoryClock(s *MemoryStore, now func() time.Time) { s.now = now }
