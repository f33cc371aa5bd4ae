// Package logbuf is a log sink for tests that assert on what a component
// logs from its own goroutines: safe for concurrent writes, and waitable.
package logbuf

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// Guard bounds every wait: reaching it fails the test, it never
// synchronises anything.
const Guard = 10 * time.Second

// Buffer is an io.Writer for a slog handler that tests can wait on.
type Buffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

// New returns an empty Buffer.
func New() *Buffer { return &Buffer{changed: make(chan struct{})} }

// Write appends p and wakes the waiters.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.changed)
	l.changed = make(chan struct{})
	return l.buf.Write(p)
}

// String returns everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// WaitFor blocks until the log holds every fragment and returns it; it
// fails the test after Guard.
func (l *Buffer) WaitFor(t testing.TB, fragments ...string) string {
	t.Helper()
	deadline := time.After(Guard)
	for {
		l.mu.Lock()
		s, ch := l.buf.String(), l.changed
		l.mu.Unlock()
		if containsAll(s, fragments) {
			return s
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("log lacks %q after %s:\n%s", fragments, Guard, s)
		}
	}
}

func containsAll(s string, fragments []string) bool {
	for _, f := range fragments {
		if !strings.Contains(s, f) {
			return false
		}
	}
	return true
}
