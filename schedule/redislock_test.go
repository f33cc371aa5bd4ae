package schedule_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/internal/redistest"
	"github.com/teggo/teggo/schedule"
)

// redisClient is a client of srv that fails at once when it is down.
func redisClient(t testing.TB, srv *redistest.Server) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// waitFor polls cond until it holds, or fails the test after wait.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitWithin(t, wait, what, cond)
}

// waitWithin polls cond until it holds, or fails the test after d.
func waitWithin(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRedisLockerAcquireContendRelease(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	a := schedule.RedisLocker(redisClient(t, srv), schedule.RedisPrefix("app:"))
	b := schedule.RedisLocker(redisClient(t, srv), schedule.RedisPrefix("app:"))
	rc := redisClient(t, srv)

	lk, err := a.Lock(ctx, "teggo:schedule:x.Job:1000")
	if err != nil {
		t.Fatalf("first Lock: %v", err)
	}
	if _, err := b.Lock(ctx, "teggo:schedule:x.Job:1000"); !errors.Is(err, schedule.ErrLocked) {
		t.Fatalf("second process: %v, want ErrLocked", err)
	}
	if _, err := a.Lock(ctx, "teggo:schedule:x.Job:1000"); !errors.Is(err, schedule.ErrLocked) {
		t.Fatalf("the same locker again: %v, want ErrLocked", err)
	}
	// The next tick is another key, free.
	next, err := b.Lock(ctx, "teggo:schedule:x.Job:2000")
	if err != nil {
		t.Fatalf("next tick: %v", err)
	}
	// The key carries the prefix, a random token and the default TTL.
	token, err := rc.Get(ctx, "app:teggo:schedule:x.Job:1000").Result()
	if err != nil || len(token) != 32 {
		t.Fatalf("token %q, %v: want 32 hex digits", token, err)
	}
	if other, _ := rc.Get(ctx, "app:teggo:schedule:x.Job:2000").Result(); other == token {
		t.Fatalf("two locks share the token %s", token)
	}
	if ttl := rc.PTTL(ctx, "app:teggo:schedule:x.Job:1000").Val(); ttl <= 50*time.Second || ttl > schedule.DefaultRedisLockTTL {
		t.Fatalf("PTTL %v, want about %v", ttl, schedule.DefaultRedisLockTTL)
	}
	if err := lk.Unlock(ctx); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	if n := rc.Exists(ctx, "app:teggo:schedule:x.Job:1000").Val(); n != 0 {
		t.Fatal("the key survives Unlock")
	}
	if _, err := b.Lock(ctx, "teggo:schedule:x.Job:1000"); err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	must(t, next.Unlock(ctx))
}

// A key expires after the TTL; a holder whose lock expired and was taken
// by another process does not delete the other's lock when it releases.
func TestRedisLockerExpiryAndLateRelease(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	const key = "teggo:schedule:x.Job:1000"
	a := schedule.RedisLocker(redisClient(t, srv), schedule.RedisLockTTL(50*time.Millisecond))
	b := schedule.RedisLocker(redisClient(t, srv), schedule.RedisLockTTL(time.Minute))
	rc := redisClient(t, srv)

	late, err := a.Lock(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if ttl := rc.PTTL(ctx, key).Val(); ttl <= 0 || ttl > 50*time.Millisecond {
		t.Fatalf("PTTL %v, want ≤ 50ms", ttl)
	}
	var held error
	waitFor(t, "the key expires and b takes it", func() bool {
		_, held = b.Lock(ctx, key)
		return held == nil
	})
	bToken := rc.Get(ctx, key).Val()
	if err := late.Unlock(ctx); err != nil {
		t.Fatalf("late Unlock: %v", err)
	}
	if got := rc.Get(ctx, key).Val(); got != bToken {
		t.Fatalf("after a's late Unlock the key holds %q, want b's token %q", got, bToken)
	}
	if _, err := a.Lock(ctx, key); !errors.Is(err, schedule.ErrLocked) {
		t.Fatalf("a after its late Unlock: %v, want ErrLocked (b holds it)", err)
	}
}

// Redis down: every Lock fails with ErrLockUnavailable, with one warning
// for the outage; back up, the first Lock logs the recovery; a second
// outage is a second warning.
func TestRedisLockerDownWarnsOncePerOutage(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	log := newSink()
	l := schedule.RedisLocker(redisClient(t, srv), schedule.RedisLogger(log.logger()))
	srv.Stop()
	for i := range 5 {
		if lk, err := l.Lock(ctx, "teggo:schedule:x.Job:"+string(rune('0'+i))); !errors.Is(err, schedule.ErrLockUnavailable) || lk != nil {
			t.Fatalf("Lock %d with Redis down: %v, %v; want ErrLockUnavailable", i, lk, err)
		}
	}
	if n := log.count("level=WARN", "redis locker unavailable: worker ticks are skipped"); n != 1 {
		t.Fatalf("%d warnings for one outage, want 1:\n%s", n, log)
	}
	srv.Restart()
	if _, err := l.Lock(ctx, "teggo:schedule:x.Job:9"); err != nil {
		t.Fatalf("Lock after restart: %v", err)
	}
	if _, err := l.Lock(ctx, "teggo:schedule:x.Job:10"); err != nil {
		t.Fatalf("Lock after restart: %v", err)
	}
	if n := log.count("level=INFO", "redis locker available again"); n != 1 {
		t.Fatalf("%d recovery lines, want 1:\n%s", n, log)
	}
	srv.Stop()
	_, _ = l.Lock(ctx, "teggo:schedule:x.Job:11")
	_, _ = l.Lock(ctx, "teggo:schedule:x.Job:12")
	if n := log.count("level=WARN"); n != 2 {
		t.Fatalf("%d warnings for two outages, want 2:\n%s", n, log)
	}
}

// With RedisFailOpen a tick runs when Redis is down, still with one
// warning per outage.
func TestRedisLockerFailOpen(t *testing.T) {
	srv := redistest.Start(t)
	ctx := t.Context()
	log := newSink()
	l := schedule.RedisLocker(redisClient(t, srv), schedule.RedisFailOpen(true), schedule.RedisLogger(log.logger()))
	srv.Stop()
	for range 3 {
		lk, err := l.Lock(ctx, "teggo:schedule:x.Job:1")
		if err != nil || lk == nil {
			t.Fatalf("fail-open Lock with Redis down: %v, %v; want a lock", lk, err)
		}
		must(t, lk.Unlock(ctx))
	}
	if n := log.count("level=WARN", "run in every process until it answers (fail open)"); n != 1 {
		t.Fatalf("%d warnings, want 1:\n%s", n, log)
	}
}

// A scheduler on the Redis locker: its worker ticks are skipped while
// Redis is down, with one warning (and debug lines only for the skipped
// ticks), and run again once it is back.
func TestRedisLockerSchedulerSkipsWhileDownAndResumes(t *testing.T) {
	srv := redistest.Start(t)
	clock := clockwork.NewFakeClockAt(t0)
	locks := newSink()
	l := schedule.RedisLocker(redisClient(t, srv), schedule.RedisLogger(locks.logger()))
	e := newEnv(t, clock, nil, []schedule.Option{schedule.Locker(l)},
		new(Tick), schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeWorker, Cron: "* * * * * *"}))
	e.start(t, 1)

	e.tick(t, time.Second, 1)
	e.waitRuns(t, "Tick", 1)

	srv.Stop()
	for i := 1; i <= 3; i++ {
		e.tick(t, time.Second, 1)
		e.log.waitN(t, i, "Tick tick skipped: lock", "schedule: lock service unavailable")
	}
	if n := e.probe.count("Tick"); n != 1 {
		t.Fatalf("%d runs, want 1: the ticks while Redis is down must be skipped", n)
	}
	if n := locks.count("level=WARN"); n != 1 {
		t.Fatalf("%d warnings for the outage, want 1:\n%s", n, locks)
	}
	if n := e.log.count("level=WARN"); n != 0 {
		t.Fatalf("the scheduler warns per tick:\n%s", e.log)
	}

	srv.Restart()
	e.tick(t, time.Second, 1)
	e.waitRuns(t, "Tick", 2)
	e.tick(t, time.Second, 1)
	e.waitRuns(t, "Tick", 3)
	if n := locks.count("redis locker available again"); n != 1 {
		t.Fatalf("%d recovery lines, want 1:\n%s", n, locks)
	}
	e.stop(t)
	if !strings.Contains(e.log.String(), "Tick execute succeed") {
		t.Fatal("no run logged")
	}
}

// countHook counts the commands a client sends, a pipeline's each.
type countHook struct{ n *int64 }

func (countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { *h.n++; return next(ctx, cmd) }
}

func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { *h.n++; return next(ctx, cmds) }
}

// Acquiring is one command, one round trip, whether the key is free or
// taken; releasing is one more.
func TestRedisLockerOneRoundTripPerAcquire(t *testing.T) {
	srv := redistest.Start(t)
	c := redisClient(t, srv)
	must(t, c.Ping(t.Context()).Err()) // the connection is dialled
	var n int64
	c.AddHook(countHook{&n})
	l := schedule.RedisLocker(c)
	lk, err := l.Lock(t.Context(), "teggo:schedule:x.Job:1")
	if err != nil || n != 1 {
		t.Fatalf("free key: %v, %d round trips, want 1", err, n)
	}
	n = 0
	if _, err := l.Lock(t.Context(), "teggo:schedule:x.Job:1"); !errors.Is(err, schedule.ErrLocked) || n != 1 {
		t.Fatalf("taken key: %v, %d round trips, want ErrLocked in 1", err, n)
	}
	n = 0
	must(t, lk.Unlock(t.Context()))
	if n > 2 { // EVALSHA, plus EVAL the first time the script is not cached
		t.Fatalf("Unlock: %d round trips", n)
	}
}

// BenchmarkRedisLocker acquires a free tick key per iteration (as the
// first process to fire a worker tick does), and a taken one (as the
// others do), and reports the round trips to Redis per acquire.
func BenchmarkRedisLocker(b *testing.B) {
	srv := redistest.Start(b)
	c := redisClient(b, srv)
	var n int64
	c.AddHook(countHook{&n})
	l := schedule.RedisLocker(c, schedule.RedisLockTTL(10*time.Second))
	ctx := context.Background()
	b.Run("free", func(b *testing.B) {
		keys := make([]string, b.N)
		for i := range keys {
			keys[i] = fmt.Sprintf("teggo:schedule:bench.Job:%d", int64(i)*1000)
		}
		if err := c.FlushDB(ctx).Err(); err != nil { // each round of b.N starts on free keys
			b.Fatal(err)
		}
		n = 0
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := l.Lock(ctx, keys[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(n)/float64(b.N), "roundtrips/op")
	})
	b.Run("taken", func(b *testing.B) {
		const key = "teggo:schedule:bench.Job:taken"
		holder := schedule.RedisLocker(c, schedule.RedisLockTTL(time.Hour)) // taken for the whole benchmark
		if _, err := holder.Lock(ctx, key); err != nil && !errors.Is(err, schedule.ErrLocked) {
			b.Fatal(err)
		}
		n = 0
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := l.Lock(ctx, key); !errors.Is(err, schedule.ErrLocked) {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(n)/float64(b.N), "roundtrips/op")
	})
}

// shopLocker is the guide's locker.
func shopLocker(client redis.UniversalClient) *schedule.RedisTickLocker {
	return schedule.RedisLocker(client,
		schedule.RedisPrefix("shop:"),        // several apps on one Redis
		schedule.RedisLockTTL(2*time.Minute), // > the clock skew between the hosts
		schedule.RedisFailOpen(false),        // Redis down: skip the tick (the default)
	)
}

// Two schedulers, each with its own client of one Redis: the worker job
// runs once per tick, the all job in both.
func TestRedisLockerTwoSchedulersOncePerTick(t *testing.T) {
	srv := redistest.Start(t)
	clock := clockwork.NewFakeClockAt(t0)
	p := newProbe()
	worker := schedule.Spec{Type: schedule.TypeWorker, Cron: "* * * * * *"}
	all := schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}
	a := newEnv(t, clock, p, []schedule.Option{schedule.Locker(shopLocker(redisClient(t, srv)))},
		new(Tick), new(Tock), schedule.Job[*Tick](worker), schedule.Job[*Tock](all))
	b := newEnv(t, clock, p, []schedule.Option{schedule.Locker(shopLocker(redisClient(t, srv)))},
		new(Tick), new(Tock), schedule.Job[*Tick](worker), schedule.Job[*Tock](all))
	must(t, a.s.Start(t.Context()))
	must(t, b.s.Start(t.Context()))
	a.armed(t, 4)
	const ticks = 3
	for i := 1; i <= ticks; i++ {
		a.tick(t, time.Second, 4)
		a.log.waitN(t, i, "Tock execute succeed")
		b.log.waitN(t, i, "Tock execute succeed")
		waitSum(t, i, a.log, b.log, "Tick execute succeed")
		waitSum(t, i, a.log, b.log, "Tick tick skipped: lock")
	}
	a.stop(t)
	b.stop(t)
	if n := p.count("Tick"); n != ticks {
		t.Fatalf("worker ran %d times in %d ticks, want %d", n, ticks, ticks)
	}
	if n := p.count("Tock"); n != 2*ticks {
		t.Fatalf("all ran %d times in %d ticks, want %d", n, ticks, 2*ticks)
	}
	keys := redisClient(t, srv).Keys(t.Context(), "shop:teggo:schedule:*").Val()
	if len(keys) != ticks {
		t.Fatalf("lock keys %v, want one per tick", keys)
	}
}
