package schedule

import (
	"context"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

// The distributed seam. A worker job runs once per tick across the
// processes whose schedulers share a gocron.Locker (Locker) or a
// gocron.Elector (Elector):
//
//   - with a Locker, every process fires the tick and calls
//     Lock(ctx, "teggo:schedule:<pkg.Type>:<tick in unix ms>"); the one that
//     gets the lock runs the job, the others skip the tick. The key names
//     one tick of one job, so the scheduler never unlocks it: an
//     implementation must keep a key taken for a TTL longer than the clock
//     skew between processes, then expire it (Redis: SET key NX PX ttl).
//     Lock returns ErrLocked when the key is taken; any other error is
//     logged and the tick skipped.
//   - with an Elector, only the process whose IsLeader returns nil runs
//     worker jobs.
//
// gocron applies its own Locker and Elector to every job and keys the lock
// by job name only, which lets a fast job run twice in one tick when
// another process fires a little later; the scheduler therefore does the
// locking itself, around the run, with the tick in the key.

// MemoryLocker is an in-process gocron.Locker: schedulers of one process
// (or of tests) that share it run each worker tick once. The zero value is
// ready to use. RedisLocker is the drop-in for several processes.
type MemoryLocker struct {
	// TTL is how long a key stays taken; 0 means one minute.
	TTL time.Duration
	// Clock measures TTLs; nil means the real clock.
	Clock clockwork.Clock

	mu   sync.Mutex
	held map[string]time.Time // key → expiry
}

var _ gocron.Locker = (*MemoryLocker)(nil)

// Lock takes key, or returns ErrLocked when it is taken and not expired.
func (l *MemoryLocker) Lock(ctx context.Context, key string) (gocron.Lock, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held = map[string]time.Time{}
	}
	for k, exp := range l.held {
		if !now.Before(exp) {
			delete(l.held, k)
		}
	}
	if _, taken := l.held[key]; taken {
		return nil, ErrLocked
	}
	ttl := l.TTL
	if ttl <= 0 {
		ttl = time.Minute
	}
	exp := now.Add(ttl)
	l.held[key] = exp
	return &memoryLock{l: l, key: key, exp: exp}, nil
}

// Held reports whether key is taken now.
func (l *MemoryLocker) Held(key string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	exp, ok := l.held[key]
	return ok && now.Before(exp)
}

func (l *MemoryLocker) now() time.Time {
	if l.Clock != nil {
		return l.Clock.Now()
	}
	return time.Now()
}

type memoryLock struct {
	l   *MemoryLocker
	key string
	exp time.Time
}

// Unlock frees the key, unless it expired and was taken again since.
func (m *memoryLock) Unlock(context.Context) error {
	m.l.mu.Lock()
	defer m.l.mu.Unlock()
	if m.l.held[m.key] == m.exp {
		delete(m.l.held, m.key)
	}
	return nil
}
