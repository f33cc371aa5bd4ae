package eventbus

import (
	"context"
	"log/slog"
	"reflect"

	"github.com/teggo/teggo/container"
)

type busKey struct{}

// WithBus returns a ctx that carries b, for code that emits outside any
// scope of b's container (a goroutine of its own, a test).
func WithBus(ctx context.Context, b *Bus) context.Context {
	return context.WithValue(ctx, busKey{}, b)
}

// From returns the bus that Emit(ctx, ...) uses: the one WithBus put into
// ctx, else the Bus singleton of the container whose scope ctx carries
// (a request, an event, a schedule run), else nil.
func From(ctx context.Context) *Bus {
	if b, ok := ctx.Value(busKey{}).(*Bus); ok {
		return b
	}
	if sc, ok := container.ScopeFrom(ctx); ok {
		if b, err := container.Lookup[*Bus](sc.Container()); err == nil {
			return b
		}
	}
	return nil
}

// Emit emits e on the bus of ctx (see From) and returns once its handlers
// are queued: true when handlers of E exist and were queued (with a
// Transport: when it accepted e, handlers here or not), false when none
// does, when ctx leads to no bus, when the bus is stopped, or when
// ctx was done while the queue was full (all but the first logged). The
// handlers run later on the bus's bounded worker pool, each event in a
// fresh scope, concurrently with each other; their errors and panics are
// logged and never reach the emitter. While ctx's scope is corked, e is
// held until the outermost Uncork.
//
// Backpressure: when the pool's queue (Config.Queue) is full, Emit blocks
// until a worker frees a slot or ctx is done; then the event is dropped,
// with a warning naming its type. A handler that emits into a full queue
// runs the new event's handler itself instead of waiting, so the workers
// can never all wait on each other.
//
// The handlers' ctx keeps ctx's values but not its cancellation: an event
// emitted by a request is handled even when the request is over.
func Emit[E any](ctx context.Context, e E) bool {
	b := From(ctx)
	if b == nil {
		logger(ctx).Warn("eventbus: event dropped: ctx carries no scope of a container with an eventbus.Bus, nor a bus (WithBus)",
			"event", reflect.TypeFor[E]().String())
		return false
	}
	typ := reflect.TypeFor[E]()
	if typ.Kind() == reflect.Interface { // Emit[any](ctx, e): route by e's dynamic type
		return b.Emit(ctx, e)
	}
	t, open := b.route(typ)
	if t != nil {
		return t.(*topic[E]).emit(ctx, e)
	}
	return b.unrouted(ctx, open, typ, e)
}

// unrouted emits e, which no local handler takes: published for the other
// processes when the bus has a transport, else shown to the waiters as
// processed at once. It reports whether e was published.
func (b *Bus) unrouted(ctx context.Context, open bool, typ reflect.Type, e any) bool {
	if !open {
		return false
	}
	if b.transport != nil {
		return b.publishRemote(ctx, typ, e)
	}
	if b.nwait.Load() > 0 {
		b.notify(typ, e)
	}
	return false
}

// Emit is the package's Emit on this bus, routing by e's dynamic type.
func (b *Bus) Emit(ctx context.Context, e any) bool {
	if e == nil {
		b.log.Warn("eventbus: Emit(nil) ignored")
		return false
	}
	typ := reflect.TypeOf(e)
	t, open := b.route(typ)
	if t != nil {
		return t.emitAny(ctx, e)
	}
	return b.unrouted(ctx, open, typ, e)
}

// route finds the topic of typ: nil when no handler takes typ — the
// callers then show the event to the waiters, as processed at once — or
// when the bus is stopped (open is false; logged).
func (b *Bus) route(typ reflect.Type) (t anyTopic, open bool) {
	if b.stopped.Load() {
		b.log.Warn("eventbus: event dropped: the bus is stopped", "event", typ.String())
		return nil, false
	}
	return b.topics[typ], true
}

func logger(ctx context.Context) *slog.Logger {
	if sc, ok := container.ScopeFrom(ctx); ok {
		return sc.Container().Logger()
	}
	return slog.Default()
}
