package eventbus_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/teggo/teggo/internal/logbuf"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// guard bounds every wait: reaching it is a failure, never a
// synchronisation.
const guard = 10 * time.Second

// Events.
type TopicCreated struct{ ID string }
type TopicDeleted struct{ ID string }
type Unhandled struct{ N int }

// Sink records what handlers saw, and lets tests gate slow handlers.
type Sink struct {
	mu      sync.Mutex
	seen    []string
	gate    chan struct{} // Slow waits on it
	started chan string   // Slow announces itself
}

func newSink() *Sink { return &Sink{gate: make(chan struct{}), started: make(chan string, 16)} }

func (s *Sink) add(v string) {
	s.mu.Lock()
	s.seen = append(s.seen, v)
	s.mu.Unlock()
}

func (s *Sink) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.seen)
	slices.Sort(out)
	return out
}

// Indexer handles two event types.
type Indexer struct {
	proto.Singleton
	Sink *Sink `inject:""`
}

func (h *Indexer) Created(ctx context.Context, e TopicCreated) error {
	h.Sink.add("indexed:" + e.ID)
	return nil
}

func (h *Indexer) Deleted(ctx context.Context, e TopicDeleted) error {
	h.Sink.add("unindexed:" + e.ID)
	return nil
}

// Failing always fails.
type Failing struct{ proto.Singleton }

func (h *Failing) Handle(ctx context.Context, e TopicCreated) error {
	return errors.New("index is down")
}

// Panicky panics.
type Panicky struct{ proto.Singleton }

func (h *Panicky) Handle(ctx context.Context, e TopicCreated) error { panic("handler exploded") }

// Slow waits for the sink's gate.
type Slow struct {
	proto.Singleton
	Sink *Sink `inject:""`
}

func (h *Slow) Handle(ctx context.Context, e TopicCreated) error {
	h.Sink.started <- e.ID
	<-h.Sink.gate
	h.Sink.add("slow:" + e.ID)
	return nil
}

// EventState is a context proto: one per event scope.
type EventState struct {
	proto.Context
	Sink *Sink `inject:""`
}

func (s *EventState) Destroy(ctx context.Context) error {
	s.Sink.add(fmt.Sprintf("destroyed:%p", s))
	return nil
}

// Auditor is a context-proto handler that uses the event's EventState.
type Auditor struct {
	proto.Context
	State *EventState `inject:""`
	Sink  *Sink       `inject:""`
}

func (a *Auditor) Handle(ctx context.Context, e TopicCreated) error {
	a.Sink.add(fmt.Sprintf("state:%p", a.State))
	return nil
}

// logBuf is the tests' log sink (internal/logbuf).
type logBuf = logbuf.Buffer

func newLogBuf() *logBuf { return logbuf.New() }

// env is a built container with a bus, a sink and a log.
type env struct {
	c    *container.Container
	bus  *eventbus.Bus
	sink *Sink
	log  *logBuf
}

func newEnv(t *testing.T, items ...any) *env {
	t.Helper()
	e, err := tryEnv(t, items...)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func tryEnv(t *testing.T, items ...any) (*env, error) {
	t.Helper()
	e := &env{sink: newSink(), log: newLogBuf()}
	e.c = container.New(container.Logger(slog.New(slog.NewTextHandler(e.log, nil))))
	e.c.Install(eventbus.Module())
	_ = e.c.Provide(func() *Sink { return e.sink })
	var setups []func(*container.Container)
	for _, it := range items {
		if f, ok := it.(func(*container.Container)); ok {
			setups = append(setups, f)
			continue
		}
		e.c.Register(it)
	}
	for _, f := range setups {
		f(e.c)
	}
	if err := e.c.Build(context.Background()); err != nil {
		return nil, err
	}
	t.Cleanup(func() {
		if err := e.c.Stop(context.Background()); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	bus, err := container.Lookup[*eventbus.Bus](e.c)
	if err != nil {
		return nil, err
	}
	e.bus = bus
	if err := e.bus.Start(context.Background()); err != nil {
		return nil, err
	}
	return e, nil
}

// request opens a scope, as the HTTP layer does per request.
func (e *env) request(t *testing.T) (context.Context, *container.Scope) {
	t.Helper()
	ctx, sc := container.NewScope(context.Background(), e.c)
	t.Cleanup(func() { _ = sc.Close() })
	return ctx, sc
}

func guardCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	t.Cleanup(cancel)
	return ctx
}

func wait[E any](t *testing.T, w *eventbus.Waiter[E]) E {
	t.Helper()
	e, err := w.Wait(guardCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func wantSeen(t *testing.T, s *Sink, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := s.list(); !slices.Equal(got, want) {
		t.Fatalf("handlers saw %q, want %q", got, want)
	}
}
