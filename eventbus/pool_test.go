package eventbus_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/proto"
)

type PoolEvent struct{ N int }

type NestedEvent struct{ N int }

// Sleepy is a slow handler that counts its calls.
type Sleepy struct {
	proto.Singleton
	calls atomic.Int64
	seen  sync.Map
}

func (h *Sleepy) Handle(ctx context.Context, e PoolEvent) error {
	time.Sleep(2 * time.Millisecond)
	h.seen.Store(e.N, true)
	h.calls.Add(1)
	return nil
}

// Fanout emits NestedEvents from inside a handler.
type Fanout struct {
	proto.Singleton
	nested atomic.Int64
}

func (h *Fanout) OnPool(ctx context.Context, e PoolEvent) error {
	for i := range 8 {
		eventbus.Emit(ctx, NestedEvent{N: e.N*8 + i})
	}
	return nil
}

func (h *Fanout) OnNested(ctx context.Context, e NestedEvent) error {
	time.Sleep(time.Millisecond)
	h.nested.Add(1)
	return nil
}

func poolSize(workers, queue int) func(*container.Container) {
	return func(c *container.Container) {
		_ = c.Provide(func() *eventbus.Config { return &eventbus.Config{Workers: workers, Queue: queue} })
	}
}

// A slow handler under a high emit rate: the goroutines stay within the
// pool's bound (emitters block instead), and every event is handled.
func TestPoolBoundsGoroutinesAndLosesNothing(t *testing.T) {
	const workers, emitters, perEmitter = 4, 8, 60
	e := newEnv(t, new(Sleepy), eventbus.On((*Sleepy).Handle), poolSize(workers, 8))
	h, err := container.Lookup[*Sleepy](e.c)
	if err != nil {
		t.Fatal(err)
	}
	ctx := eventbus.WithBus(context.Background(), e.bus)

	base := runtime.NumGoroutine()
	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if n := int64(runtime.NumGoroutine()); n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}()
	var wg sync.WaitGroup
	for g := range emitters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perEmitter {
				if !eventbus.Emit(ctx, PoolEvent{N: g*perEmitter + i}) {
					t.Errorf("Emit %d returned false", g*perEmitter+i)
				}
			}
		}()
	}
	wg.Wait()
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	close(stop)
	<-sampled

	// base counts the sampler's future self out; the emitters, the sampler
	// and the workers come on top, plus a little slack for the runtime.
	if limit := int64(base + emitters + 1 + workers + 3); peak.Load() > limit {
		t.Errorf("peak goroutines = %d, want ≤ %d (base %d + %d emitters + sampler + %d workers + 3)", peak.Load(), limit, base, emitters, workers)
	}
	if got := h.calls.Load(); got != emitters*perEmitter {
		t.Errorf("handled %d events, want %d", got, emitters*perEmitter)
	}
	for n := range emitters * perEmitter {
		if _, ok := h.seen.Load(n); !ok {
			t.Fatalf("event %d was never handled", n)
		}
	}
}

// When the queue stays full, Emit waits until its ctx is done, then drops
// the event with a warning naming its type, and returns false.
func TestEmitBlocksOnFullQueueUntilCtxDone(t *testing.T) {
	e := newEnv(t, new(Slow), eventbus.On((*Slow).Handle), poolSize(1, 1))
	ctx := eventbus.WithBus(context.Background(), e.bus)
	eventbus.Emit(ctx, TopicCreated{ID: "running"})
	<-e.sink.started // the one worker is busy
	eventbus.Emit(ctx, TopicCreated{ID: "queued"})

	tctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if eventbus.Emit(tctx, TopicCreated{ID: "dropped"}) {
		t.Error("Emit into a full queue returned true after its ctx ended")
	}
	if tctx.Err() == nil {
		t.Error("Emit returned before its ctx was done: it did not wait for room")
	}
	e.log.WaitFor(t, "queue stayed full", "eventbus_test.TopicCreated")

	close(e.sink.gate)
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	wantSeen(t, e.sink, "slow:queued", "slow:running")
}

// Handlers that emit into a full queue run the new events themselves
// rather than wait on workers that are all waiting too.
func TestHandlersEmittingIntoAFullQueueDoNotDeadlock(t *testing.T) {
	e := newEnv(t, new(Fanout), eventbus.On((*Fanout).OnPool), eventbus.On((*Fanout).OnNested), poolSize(1, 1))
	h, err := container.Lookup[*Fanout](e.c)
	if err != nil {
		t.Fatal(err)
	}
	ctx := eventbus.WithBus(context.Background(), e.bus)
	for i := range 10 {
		eventbus.Emit(ctx, PoolEvent{N: i})
	}
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := h.nested.Load(); got != 80 {
		t.Errorf("nested events handled = %d, want 80", got)
	}
}

// The eventbus.workers and eventbus.queue keys are read from the app's
// config, and a bad value fails Build with the key named.
func TestPoolSizeConfigKeys(t *testing.T) {
	load := func(src string) *config.Config {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(config.Dir(dir), config.Env("local"))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	for _, bad := range []string{"eventbus:\n  workers: 0\n", "eventbus:\n  queue: -5\n", "eventbus:\n  queue: 99999999\n"} {
		cfg := load(bad)
		_, err := tryEnv(t, func(c *container.Container) { _ = c.Supply(cfg) })
		if err == nil || !strings.Contains(err.Error(), "eventbus.") {
			t.Errorf("%q: err = %v, want an error naming the key", bad, err)
		}
	}

	// One worker from the config: two slow events run one after the other.
	cfg := load("eventbus:\n  workers: 1\n  queue: 4\n")
	e := newEnv(t, new(Slow), eventbus.On((*Slow).Handle), func(c *container.Container) { _ = c.Supply(cfg) })
	ctx := eventbus.WithBus(context.Background(), e.bus)
	eventbus.Emit(ctx, TopicCreated{ID: "a"})
	eventbus.Emit(ctx, TopicCreated{ID: "b"})
	<-e.sink.started
	select {
	case id := <-e.sink.started:
		t.Errorf("event %s started while the only worker was busy", id)
	case <-time.After(20 * time.Millisecond):
	}
	close(e.sink.gate)
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
}
