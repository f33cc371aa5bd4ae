package schedule_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // time zones in tests do not depend on the machine

	"github.com/jonboulle/clockwork"
	"go.uber.org/goleak"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/schedule"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// wait is the generous bound of every wait on a signal; tests never sleep.
const wait = 10 * time.Second

// t0 is where fake clocks start: 1ms after a whole minute (a Monday
// midnight), so cron ticks are easy to count and the clock, like a real
// one, is always a little past a tick when it fires it. (On a fake clock
// whose now is exactly the tick, gocron may reschedule the tick itself and
// run it twice.)
var t0 = time.Date(2024, 1, 1, 0, 0, 0, int(time.Millisecond), time.UTC)

// sink captures log lines and lets a test wait for one.
type sink struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	lines   []string
	changed chan struct{}
}

func newSink() *sink { return &sink{changed: make(chan struct{})} }

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(p)
	for _, l := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		s.lines = append(s.lines, l)
	}
	close(s.changed)
	s.changed = make(chan struct{})
	return len(p), nil
}

func (s *sink) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(s, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// count returns how many lines contain every one of subs.
func (s *sink) count(subs ...string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.countLocked(subs)
}

func (s *sink) countLocked(subs []string) int {
	n := 0
next:
	for _, l := range s.lines {
		for _, sub := range subs {
			if !strings.Contains(l, sub) {
				continue next
			}
		}
		n++
	}
	return n
}

// waitN waits until n lines contain every one of subs.
func (s *sink) waitN(t *testing.T, n int, subs ...string) {
	t.Helper()
	deadline := time.After(wait)
	for {
		s.mu.Lock()
		got := s.countLocked(subs)
		ch := s.changed
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no %d log lines with %q; log:\n%s", n, subs, s.String())
		}
	}
}

func (s *sink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// probe is supplied to test containers: jobs report their runs to it.
type probe struct {
	mu     sync.Mutex
	counts map[string]int
	args   map[string][][]any
}

func newProbe() *probe {
	return &probe{counts: map[string]int{}, args: map[string][][]any{}}
}

func (p *probe) hit(name string, args ...any) {
	p.mu.Lock()
	p.counts[name]++
	p.args[name] = append(p.args[name], args)
	p.mu.Unlock()
}

func (p *probe) count(name string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[name]
}

// waitRuns waits until n runs of job name ended: their outcome is logged
// once the job is free for its next tick.
func (e *env) waitRuns(t *testing.T, name string, n int) {
	t.Helper()
	e.log.waitN(t, n, "] "+name+" execute ")
}

// env is one application in a test: a built container and its scheduler
// on a fake clock.
type env struct {
	c     *container.Container
	s     *schedule.Scheduler
	clock *clockwork.FakeClock
	log   *sink
	probe *probe
	gate  *gate
}

// newEnv builds a container of items with a probe, and a scheduler on a
// fake clock (shared when clock is given) — not started.
func newEnv(t *testing.T, clock *clockwork.FakeClock, p *probe, opts []schedule.Option, items ...any) *env {
	t.Helper()
	if clock == nil {
		clock = clockwork.NewFakeClockAt(t0)
	}
	if p == nil {
		p = newProbe()
	}
	e := &env{clock: clock, log: newSink(), probe: p, gate: newGate()}
	e.c = container.New(container.Logger(e.log.logger()))
	if err := e.c.Supply(p, e.gate); err != nil {
		t.Fatal(err)
	}
	e.c.Register(items...)
	if err := e.c.Build(context.Background()); err != nil {
		t.Fatalf("Build: %v", err)
	}
	t.Cleanup(func() { _ = e.c.Stop(context.Background()) })
	opts = append([]schedule.Option{schedule.Clock(clock), schedule.Logger(e.log.logger()), schedule.Location(time.UTC)}, opts...)
	s, err := schedule.New(e.c, opts...)
	if err != nil {
		t.Fatalf("schedule.New: %v", err)
	}
	e.s = s
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	return e
}

// start starts the scheduler and waits until gocron armed n timers.
func (e *env) start(t *testing.T, timers int) {
	t.Helper()
	if err := e.s.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	e.armed(t, timers)
}

// armed waits until the fake clock has n timers.
func (e *env) armed(t *testing.T, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := e.clock.BlockUntilContext(ctx, n); err != nil {
		t.Fatalf("the clock never had %d timers", n)
	}
}

// tick advances the clock by d, then waits until n timers are armed again
// (the fired ones rescheduled).
func (e *env) tick(t *testing.T, d time.Duration, n int) {
	t.Helper()
	e.clock.Advance(d)
	e.armed(t, n)
}

// stop stops the scheduler, failing the test on error.
func (e *env) stop(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := e.s.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func contains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%q does not contain %q", got, w)
		}
	}
}

var _ = fmt.Sprint
