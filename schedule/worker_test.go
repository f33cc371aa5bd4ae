package schedule_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/teggo/teggo/schedule"
)

// countingLocker reports every Lock outcome.
type countingLocker struct {
	inner   gocron.Locker
	results chan bool
}

func (l *countingLocker) Lock(ctx context.Context, key string) (gocron.Lock, error) {
	lk, err := l.inner.Lock(ctx, key)
	l.results <- err == nil
	return lk, err
}

// lockResults waits for n Lock outcomes and returns how many succeeded.
func (l *countingLocker) wins(t *testing.T, n int, logs ...*sink) int {
	t.Helper()
	won := 0
	for range n {
		select {
		case ok := <-l.results:
			if ok {
				won++
			}
		case <-time.After(wait):
			t.Fatalf("a scheduler never tried the lock:\n%s\n%s", logs[0], logs[1])
		}
	}
	return won
}

func TestWorkerOncePerTickAcrossSchedulers(t *testing.T) {
	for _, spec := range []schedule.Spec{
		{Cron: "* * * * * *"},
		{Interval: "1s"},
	} {
		t.Run(spec.Cron+spec.Interval, func(t *testing.T) {
			clock := clockwork.NewFakeClockAt(t0)
			p := newProbe()
			lk := &countingLocker{inner: &schedule.MemoryLocker{Clock: clock}, results: make(chan bool, 100)}
			worker, all := spec, spec
			worker.Type, all.Type = schedule.TypeWorker, schedule.TypeAll
			opts := []schedule.Option{schedule.Locker(lk)}
			a := newEnv(t, clock, p, opts, new(Tick), new(Tock), schedule.Job[*Tick](worker), schedule.Job[*Tock](all))
			b := newEnv(t, clock, p, opts, new(Tick), new(Tock), schedule.Job[*Tick](worker), schedule.Job[*Tock](all))
			must(t, a.s.Start(t.Context()))
			must(t, b.s.Start(t.Context()))
			a.armed(t, 4)

			const ticks = 3
			for i := 1; i <= ticks; i++ {
				if i == 1 && spec.Interval != "" {
					// The worker's ticks fall on whole seconds (aligned, for
					// the processes to agree), the all job's 1s after start.
					a.tick(t, 1500*time.Millisecond, 4)
				} else {
					a.tick(t, time.Second, 4)
				}
				if won := lk.wins(t, 2, a.log, b.log); won != 1 {
					t.Fatalf("tick %d: %d schedulers got the lock, want 1", i, won)
				}
				a.log.waitN(t, i, "Tock execute succeed")
				b.log.waitN(t, i, "Tock execute succeed")
				waitSum(t, i, a.log, b.log, "Tick execute succeed")
				waitSum(t, i, a.log, b.log, "Tick tick skipped: lock")
			}
			a.stop(t)
			b.stop(t)
			if n := p.count("Tick"); n != ticks {
				t.Errorf("worker ran %d times in %d ticks, want %d", n, ticks, ticks)
			}
			if n := p.count("Tock"); n != 2*ticks {
				t.Errorf("all ran %d times in %d ticks on 2 schedulers, want %d", n, ticks, 2*ticks)
			}
			if a.log.count("Tick tick skipped: lock")+b.log.count("Tick tick skipped: lock") != ticks {
				t.Errorf("the losers' skips are not logged:\n%s\n%s", a.log, b.log)
			}
		})
	}
}

// waitSum waits until a and b together have n lines with every one of subs.
func waitSum(t *testing.T, n int, a, b *sink, subs ...string) {
	t.Helper()
	deadline := time.After(wait)
	for {
		a.mu.Lock()
		got, ca := a.countLocked(subs), a.changed
		a.mu.Unlock()
		b.mu.Lock()
		got, cb := got+b.countLocked(subs), b.changed
		b.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ca:
		case <-cb:
		case <-deadline:
			t.Fatalf("%d lines with %q, want %d:\n%s\n%s", got, subs, n, a, b)
		}
	}
}

func TestWorkerWithoutLockerIsLocal(t *testing.T) {
	clock := clockwork.NewFakeClockAt(t0)
	p := newProbe()
	a := newEnv(t, clock, p, nil, new(Tick), schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeWorker, Cron: "* * * * * *"}))
	b := newEnv(t, clock, p, nil, new(Tick), schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeWorker, Cron: "* * * * * *"}))
	must(t, a.s.Start(t.Context()))
	must(t, b.s.Start(t.Context()))
	a.armed(t, 2)
	a.tick(t, time.Second, 2)
	a.waitRuns(t, "Tick", 1)
	b.waitRuns(t, "Tick", 1)
	a.stop(t)
	b.stop(t)
}

// elector makes one scheduler the leader.
type elector bool

func (e elector) IsLeader(context.Context) error {
	if e {
		return nil
	}
	return errors.New("not the leader")
}

func TestWorkerWithElector(t *testing.T) {
	clock := clockwork.NewFakeClockAt(t0)
	p := newProbe()
	spec := schedule.Spec{Type: schedule.TypeWorker, Cron: "* * * * * *"}
	leader := newEnv(t, clock, p, []schedule.Option{schedule.Elector(elector(true))}, new(Tick), new(Tock),
		schedule.Job[*Tick](spec), schedule.Job[*Tock](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}))
	follower := newEnv(t, clock, p, []schedule.Option{schedule.Elector(elector(false))}, new(Tick), new(Tock),
		schedule.Job[*Tick](spec), schedule.Job[*Tock](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}))
	must(t, leader.s.Start(t.Context()))
	must(t, follower.s.Start(t.Context()))
	leader.armed(t, 4)
	leader.tick(t, time.Second, 4)
	leader.waitRuns(t, "Tick", 1)
	follower.log.waitN(t, 1, "Tick tick skipped: not the leader")
	follower.waitRuns(t, "Tock", 1) // all jobs run on followers too
	leader.stop(t)
	follower.stop(t)
	if n := p.count("Tick"); n != 1 {
		t.Errorf("worker ran %d times, want 1", n)
	}
}

func TestImmediateWorkerRunsInEveryProcess(t *testing.T) {
	clock := clockwork.NewFakeClockAt(t0)
	p := newProbe()
	lk := &schedule.MemoryLocker{Clock: clock}
	spec := schedule.Spec{Type: schedule.TypeWorker, Interval: "1h", Immediate: true}
	a := newEnv(t, clock, p, []schedule.Option{schedule.Locker(lk)}, new(Tick), schedule.Job[*Tick](spec))
	b := newEnv(t, clock, p, []schedule.Option{schedule.Locker(lk)}, new(Tick), schedule.Job[*Tick](spec))
	must(t, a.s.Start(t.Context()))
	must(t, b.s.Start(t.Context()))
	a.waitRuns(t, "Tick", 1)
	b.waitRuns(t, "Tick", 1)
	a.log.waitN(t, 1, "Tick execute succeed", "schedule.by=immediate")
	a.stop(t)
	b.stop(t)
}
