package background_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teggo/teggo/background"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

type ctxKey struct{}

func TestCloseWaitsForTask(t *testing.T) {
	e := newEnv(t)
	ctx, sc, h, sig := e.scope(t)
	ctx, cancel := context.WithCancel(context.WithValue(ctx, ctxKey{}, "req-1"))
	var finished atomic.Bool
	seen := make(chan string, 1)
	if err := h.Run(ctx, func(ctx context.Context) error {
		<-sig.closing // Close has begun: the response is long gone
		if ctx.Err() != nil {
			return errors.New("task ctx was cancelled with the request")
		}
		v, _ := ctx.Value(ctxKey{}).(string)
		seen <- v
		finished.Store(true)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	cancel() // the request ends; the task must not notice
	closeWithin(t, sc)
	if !finished.Load() {
		t.Fatal("Close returned before the task finished")
	}
	if v := recv(t, seen); v != "req-1" {
		t.Fatalf("task saw value %q, want the request's", v)
	}
	if s := e.log.String(); s != "" {
		t.Fatalf("unexpected log: %s", s)
	}
}

func TestCloseTimesOutAndLateTaskGetsScopeClosed(t *testing.T) {
	e := newEnv(t)
	ctx, sc, h, _ := e.scope(t)
	h.SetTimeout(ctx, 10*time.Millisecond)
	release := make(chan struct{})
	late := make(chan [2]error, 1)
	if err := h.Run(ctx, func(ctx context.Context) error { // the slow task
		<-release
		_, getErr := container.Get[*background.Helper](ctx)
		runErr := h.Run(ctx, func(context.Context) error { return nil })
		late <- [2]error{getErr, runErr}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	closeWithin(t, sc) // returns after ~10ms although the task still runs
	e.log.WaitFor(t, "scope closed before its tasks finished", "timeout=10ms", "running=1", "helper_test.go:", "waited=", "scope=0x")
	close(release)
	errs := recv(t, late)
	for i, err := range errs {
		if !errors.Is(err, container.CodeScopeClosed) {
			t.Errorf("late access %d: got %v, want ErrScopeClosed", i, err)
		}
	}
}

func TestFailingAndPanickingTasksAreLogged(t *testing.T) {
	e := newEnv(t)
	ctx, sc, h, sig := e.scope(t)
	_ = h.Run(ctx, func(context.Context) error { return errors.New("sync failure") })
	_ = h.Run(ctx, func(context.Context) error {
		<-sig.closing
		return errors.New("async failure")
	})
	_ = h.Run(ctx, func(context.Context) error { panic("kaboom") })
	if err := h.Run(ctx, nil); err == nil {
		t.Error("Run(nil) accepted")
	}
	closeWithin(t, sc) // no error reaches the caller
	log := e.log.WaitFor(t, "sync failure", "async failure", "kaboom", "background task panicked", "Run with a nil func")
	if n := countLines(log, "origin="); n != 4 {
		t.Errorf("want 4 lines with an origin, got %d:\n%s", n, log)
	}
}

func TestTaskStartedByTaskIsAwaited(t *testing.T) {
	e := newEnv(t)
	ctx, sc, h, sig := e.scope(t)
	var outer, inner atomic.Bool
	_ = h.Run(ctx, func(ctx context.Context) error {
		<-sig.closing // start the inner task while Close is waiting
		if err := h.Run(ctx, func(context.Context) error {
			inner.Store(true)
			return nil
		}); err != nil {
			return err
		}
		outer.Store(true)
		return nil
	})
	closeWithin(t, sc)
	if !outer.Load() || !inner.Load() {
		t.Fatalf("Close returned early: outer done %v, inner done %v\n%s", outer.Load(), inner.Load(), e.log)
	}
}

func TestTimeoutFromConfigAndPerScopeOverride(t *testing.T) {
	cfg := &background.Config{Timeout: 15 * time.Millisecond}
	e := newEnvWith(t, func(c *container.Container) {
		_ = c.Provide(func() *background.Config { return cfg })
	})

	release := make(chan struct{})
	defer close(release)
	block := func(context.Context) error { <-release; return nil }

	// the config applies
	ctx, sc, h, _ := e.scope(t)
	_ = h.Run(ctx, block)
	closeWithin(t, sc)
	e.log.WaitFor(t, "timeout=15ms")

	// the last SetTimeout of the scope wins over the config
	ctx, sc, h, _ = e.scope(t)
	h.SetTimeout(ctx, time.Hour)
	h.SetTimeout(ctx, 20*time.Millisecond)
	_ = h.Run(ctx, block)
	closeWithin(t, sc)
	e.log.WaitFor(t, "timeout=20ms")
}

func TestNoLimit(t *testing.T) {
	e := newEnv(t)
	ctx, sc, h, sig := e.scope(t)
	h.SetTimeout(ctx, 0)
	var done atomic.Bool
	_ = h.Run(ctx, func(context.Context) error { <-sig.closing; done.Store(true); return nil })
	closeWithin(t, sc)
	if !done.Load() {
		t.Fatal("Close with no limit returned before the task")
	}
}

func TestInjectedLogger(t *testing.T) {
	log := newLogBuf()
	e := newEnvWith(t, func(c *container.Container) {
		_ = c.Provide(func() *slog.Logger { return slog.New(slog.NewTextHandler(log, nil)) })
	})
	ctx, sc, h, _ := e.scope(t)
	_ = h.Run(ctx, func(context.Context) error { return errors.New("to the injected logger") })
	closeWithin(t, sc)
	log.WaitFor(t, "to the injected logger")
	if s := e.log.String(); s != "" {
		t.Fatalf("the container's logger got: %s", s)
	}
}

// requestNote is a context proto a task resolves while Close waits for it.
type requestNote struct {
	proto.Context
	text string
}

func TestTaskUsesItsScopeWhileCloseWaits(t *testing.T) {
	e := newEnv(t, new(requestNote))
	ctx, sc, h, sig := e.scope(t)
	got := make(chan error, 1)
	if err := h.Run(ctx, func(ctx context.Context) error {
		<-sig.closing // Close has begun and waits for this task
		n, err := container.Get[*requestNote](ctx)
		if err == nil {
			n.text = "resolved during close"
			err = h.Run(ctx, func(context.Context) error { return nil }) // and a task of a task
		}
		got <- err
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	closeWithin(t, sc)
	if err := recv(t, got); err != nil {
		t.Fatalf("a task could not use its scope while Close waited: %v", err)
	}
}
