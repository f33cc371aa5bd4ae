package schedule

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/redis/go-redis/v9"
)

// DefaultRedisLockTTL is how long a RedisLocker key stays taken unless
// RedisLockTTL says otherwise.
const DefaultRedisLockTTL = time.Minute

// ErrLockUnavailable is what a Locker returns when it cannot tell whether
// the lock is free (Redis does not answer) and has already reported the
// outage itself: the scheduler skips the tick and logs it at debug level
// only, so that an outage is one warning, not one per tick.
var ErrLockUnavailable = errors.New("schedule: lock service unavailable")

// RedisOption configures a RedisLocker.
type RedisOption func(*RedisLockerConfig)

// RedisLockerConfig is what the RedisOptions set; its zero value is the
// default of each field.
type RedisLockerConfig struct {
	// Prefix goes before every key the scheduler locks (which already
	// starts with "teggo:schedule:"), e.g. "myapp:" for several
	// applications on one Redis; default none.
	Prefix string
	// TTL is how long a key stays taken: DefaultRedisLockTTL when 0.
	TTL time.Duration
	// FailOpen runs the tick when Redis does not answer; default false.
	FailOpen bool
	// Logger receives the outage warning and the recovery line; default
	// slog.Default().
	Logger *slog.Logger
}

// RedisPrefix sets the key prefix (RedisLockerConfig.Prefix).
func RedisPrefix(p string) RedisOption { return func(c *RedisLockerConfig) { c.Prefix = p } }

// RedisLockTTL sets how long a key stays taken. The scheduler never
// releases a tick's key (another process firing the same tick a little
// later must still find it taken), so the TTL must exceed the clock skew
// between the processes plus the time a late process may take to fire the
// tick; used with gocron's own locker, whose key is the job's name and is
// released when the run ends, it must also exceed the run's longest
// expected length, or a second process could take an expired lock while
// the first still runs. It need not be shorter than the job's period: each
// tick has its own key. Default DefaultRedisLockTTL (one minute), which
// covers seconds of skew; a longer TTL only keeps keys in Redis longer.
func RedisLockTTL(d time.Duration) RedisOption { return func(c *RedisLockerConfig) { c.TTL = d } }

// RedisFailOpen makes a tick run when Redis does not answer, instead of
// being skipped (the default, fail-closed).
//
// Fail-closed is the default because a worker job is declared as "once per
// tick": when the lock cannot be checked, every process would run the tick,
// and a job that sends mail or charges a card does harm twice, while a
// skipped tick of a periodic job is made up by the next one. Fail open for
// jobs where a missed run costs more than a duplicate one (and that are
// idempotent).
func RedisFailOpen(open bool) RedisOption { return func(c *RedisLockerConfig) { c.FailOpen = open } }

// RedisLogger sets the logger of the outage and recovery lines.
func RedisLogger(l *slog.Logger) RedisOption { return func(c *RedisLockerConfig) { c.Logger = l } }

// RedisTickLocker is a gocron.Locker on Redis: the processes whose
// schedulers use one on the same Redis run each worker tick once. Make it
// with RedisLocker.
type RedisTickLocker struct {
	client redis.UniversalClient
	cfg    RedisLockerConfig

	mu   sync.Mutex
	down bool // Redis failed the last Lock: the outage was reported
}

var _ gocron.Locker = (*RedisTickLocker)(nil)

// releaseScript deletes the key only when it still holds the caller's
// token: a holder whose lock expired and was taken by another process
// does not delete the other's lock.
var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// RedisLocker returns a Locker on client (the App's *redis.Client, a
// cluster or a sentinel client). Give it to the scheduler with
// Locker(schedule.RedisLocker(client)).
//
// Lock(ctx, key) is one round trip, SET prefix+key token NX PX ttl, with a
// random token (16 bytes from crypto/rand): OK takes the lock; a nil reply
// (the key exists) returns ErrLocked; an error (Redis down, a timeout)
// logs one warning per outage — on the first failing Lock, and the first
// after each recovery —
// and returns an error matching ErrLockUnavailable, or with RedisFailOpen
// a lock that holds nothing, so the tick runs. The first Lock that works
// again logs the recovery. Unlock deletes the key with a compare-and-delete
// script, only if it still holds the lock's token.
func RedisLocker(client redis.UniversalClient, opts ...RedisOption) *RedisTickLocker {
	l := &RedisTickLocker{client: client}
	for _, o := range opts {
		o(&l.cfg)
	}
	if l.cfg.TTL <= 0 {
		l.cfg.TTL = DefaultRedisLockTTL
	}
	if l.cfg.Logger == nil {
		l.cfg.Logger = slog.Default()
	}
	return l
}

// Config returns the locker's settings, defaults filled in.
func (l *RedisTickLocker) Config() RedisLockerConfig { return l.cfg }

// Lock takes key for the TTL, or returns ErrLocked when another holder has
// it, or ErrLockUnavailable when Redis does not answer (nil and a no-op
// lock with RedisFailOpen).
func (l *RedisTickLocker) Lock(ctx context.Context, key string) (gocron.Lock, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	k := l.cfg.Prefix + key
	ok, err := l.client.SetNX(ctx, k, token, l.cfg.TTL).Result()
	if err != nil {
		if ctx.Err() != nil { // the scheduler stops: not an outage
			return nil, fmt.Errorf("schedule: lock %s: %w", k, err)
		}
		l.outage(k, err)
		if l.cfg.FailOpen {
			return noLock{}, nil
		}
		return nil, fmt.Errorf("schedule: lock %s: %w: %w", k, ErrLockUnavailable, err)
	}
	l.recovered()
	if !ok {
		return nil, ErrLocked
	}
	return &redisLock{l: l, key: k, token: token}, nil
}

// outage logs the first failure after a success.
func (l *RedisTickLocker) outage(key string, err error) {
	l.mu.Lock()
	first := !l.down
	l.down = true
	l.mu.Unlock()
	if !first {
		return
	}
	then := "worker ticks are skipped until it answers"
	if l.cfg.FailOpen {
		then = "worker ticks run in every process until it answers (fail open)"
	}
	l.cfg.Logger.Warn("schedule: redis locker unavailable: "+then, "key", key, "err", err.Error())
}

// recovered logs the first success after an outage.
func (l *RedisTickLocker) recovered() {
	l.mu.Lock()
	was := l.down
	l.down = false
	l.mu.Unlock()
	if was {
		l.cfg.Logger.Info("schedule: redis locker available again")
	}
}

func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("schedule: lock token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

type redisLock struct {
	l     *RedisTickLocker
	key   string
	token string
}

// Unlock deletes the key if it still holds this lock's token.
func (r *redisLock) Unlock(ctx context.Context) error {
	if err := releaseScript.Run(ctx, r.l.client, []string{r.key}, r.token).Err(); err != nil {
		return fmt.Errorf("schedule: unlock %s: %w", r.key, err)
	}
	return nil
}

// noLock is the lock of a fail-open tick: it holds nothing.
type noLock struct{}

func (noLock) Unlock(context.Context) error { return nil }
