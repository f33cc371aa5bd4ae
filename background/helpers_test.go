package background_test

import (
	"context"
	"github.com/teggo/teggo/internal/logbuf"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/teggo/teggo/background"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// guard bounds every wait of a test: reaching it is a failure, never a
// synchronisation.
const guard = 10 * time.Second

// logBuf is the tests' log sink (internal/logbuf).
type logBuf = logbuf.Buffer

func newLogBuf() *logBuf { return logbuf.New() }

// closeSignal is a context proto that, created after the helper, is
// destroyed before it: its PreDestroy tells tasks that Close has begun.
type closeSignal struct {
	proto.Context
	once    sync.Once
	closing chan struct{}
}

func (s *closeSignal) PostConstruct(context.Context) error {
	s.closing = make(chan struct{})
	return nil
}

func (s *closeSignal) PreDestroy(context.Context) error {
	s.once.Do(func() { close(s.closing) })
	return nil
}

// env is a built container with the helper and a log to inspect.
type env struct {
	c   *container.Container
	log *logBuf
}

func newEnv(t *testing.T, items ...any) *env {
	t.Helper()
	return newEnvWith(t, func(*container.Container) {}, items...)
}

// scope opens a scope with its helper and close signal created in that
// order.
func (e *env) scope(t *testing.T) (context.Context, *container.Scope, *background.Helper, *closeSignal) {
	t.Helper()
	ctx, sc := container.NewScope(context.Background(), e.c)
	h := container.MustGet[*background.Helper](ctx)
	sig := container.MustGet[*closeSignal](ctx)
	return ctx, sc, h, sig
}

// closeWithin closes sc and fails when that takes longer than the guard.
func closeWithin(t *testing.T, sc *container.Scope) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- sc.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(guard):
		t.Fatalf("Close did not return within %s", guard)
	}
}

// recv receives from ch within the guard.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guard):
		t.Fatalf("nothing received within %s", guard)
		panic("unreachable")
	}
}

// newEnvWith is newEnv with a hook to provide constructors before Build.
func newEnvWith(t *testing.T, setup func(c *container.Container), items ...any) *env {
	t.Helper()
	log := newLogBuf()
	c := container.New(container.Logger(slog.New(slog.NewTextHandler(log, nil))))
	c.Install(background.Module())
	c.Register(new(closeSignal))
	c.Register(items...)
	setup(c)
	if err := c.Build(context.Background()); err != nil {
		t.Fatalf("Build: %v", err)
	}
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	return &env{c: c, log: log}
}

func countLines(s, fragment string) int {
	n := 0
	for line := range strings.Lines(s) {
		if strings.Contains(line, fragment) {
			n++
		}
	}
	return n
}
