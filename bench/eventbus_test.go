package bench

import (
	"context"
	"testing"
	"time"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/proto"
)

// Emit → handler done, in process (budget: ≥ 200k events/s). Each
// iteration emits one event from a request scope; the clock stops when the
// bus is idle, i.e. every handler of every event has returned and every
// event scope is closed. events/s = b.N / elapsed.

type benchEvent struct{ N int }

type benchHandler1 struct{ proto.Singleton }
type benchHandler2 struct{ proto.Singleton }
type benchHandler3 struct{ proto.Singleton }
type benchHandler4 struct{ proto.Singleton }

func (*benchHandler1) Handle(ctx context.Context, e benchEvent) error { return nil }
func (*benchHandler2) Handle(ctx context.Context, e benchEvent) error { return nil }
func (*benchHandler3) Handle(ctx context.Context, e benchEvent) error { return nil }
func (*benchHandler4) Handle(ctx context.Context, e benchEvent) error { return nil }

func benchBus(b *testing.B, handlers int) (*container.Container, *eventbus.Bus) {
	c := container.New()
	c.Install(eventbus.Module())
	items := []any{
		new(benchHandler1), eventbus.On((*benchHandler1).Handle),
		new(benchHandler2), eventbus.On((*benchHandler2).Handle),
		new(benchHandler3), eventbus.On((*benchHandler3).Handle),
		new(benchHandler4), eventbus.On((*benchHandler4).Handle),
	}
	c.Register(items[:2*handlers]...)
	ctx := context.Background()
	if err := c.Build(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Stop(ctx) })
	bus, err := container.Lookup[*eventbus.Bus](c)
	if err != nil {
		b.Fatal(err)
	}
	if err := bus.Start(ctx); err != nil {
		b.Fatal(err)
	}
	return c, bus
}

func benchEmit(b *testing.B, handlers int) {
	c, bus := benchBus(b, handlers)
	ctx, sc := container.NewScope(context.Background(), c)
	defer sc.Close()
	idle, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if !eventbus.Emit(ctx, benchEvent{N: i}) {
			b.Fatal("no handler")
		}
	}
	if err := bus.WaitIdle(idle); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

func BenchmarkEventbusEmit1Handler(b *testing.B)  { benchEmit(b, 1) }
func BenchmarkEventbusEmit4Handlers(b *testing.B) { benchEmit(b, 4) }
