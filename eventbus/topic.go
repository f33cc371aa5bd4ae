package eventbus

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/teggo/teggo/container"
)

// anyTopic is a topic seen without its event type: what the bus's tables
// hold.
type anyTopic interface {
	// emitAny emits e, which is of the topic's type, and reports whether
	// it was held, published or queued.
	emitAny(ctx context.Context, e any) bool
	// receive decodes and dispatches an event that came through a transport.
	receive(ctx context.Context, m Message) error
	// sets tells which handler sets t has: plain (grouped) and broadcast.
	sets() (grouped, broadcast bool)
	// info returns the topic's names and counters.
	info() *topicInfo
	// running lists the handlers running now.
	running() []string
	// names lists the handlers.
	names() []string
}

// topicInfo is what a topic tells about itself regardless of its type.
type topicInfo struct {
	label    string       // the event type as Go prints it, e.g. "app.TopicCreated"
	key      string       // the transport topic: package path + "." + type name
	inflight atomic.Int64 // events of this type being processed
}

// topic is the handlers of one event type E. Its handler lists are fixed
// when the bus is created.
type topic[E any] struct {
	topicInfo
	b         *Bus
	typ       reflect.Type
	handlers  []*handler[E] // all of them, in registration order: in process, an event runs these
	grouped   []*handler[E] // the plain ones: through a transport, once per app
	broadcast []*handler[E] // the Broadcast ones: through a transport, in every process
}

// add appends h to t's handlers and to its set.
func (t *topic[E]) add(h *handler[E], broadcast bool) {
	t.handlers = append(t.handlers, h)
	if broadcast {
		t.broadcast = append(t.broadcast, h)
	} else {
		t.grouped = append(t.grouped, h)
	}
}

func (t *topic[E]) sets() (grouped, broadcast bool) { return len(t.grouped) > 0, len(t.broadcast) > 0 }

// handler is one handler method bound to its proto.
type handler[E any] struct {
	name    string
	call    func(ctx context.Context, e E) error // finds the proto in ctx's scope and calls the method
	running atomic.Int64
}

// topicOf returns the bus's topic of E, creating it when create is set
// (only while the bus is created, before it is shared).
func topicOf[E any](b *Bus, create bool) *topic[E] {
	typ := reflect.TypeFor[E]()
	if t, ok := b.topics[typ]; ok {
		return t.(*topic[E])
	}
	if !create {
		return nil
	}
	t := &topic[E]{b: b, typ: typ}
	t.label, t.key = typ.String(), typeKey(typ)
	b.topics[typ] = t
	b.byKey[t.key] = t
	return t
}

func (t *topic[E]) info() *topicInfo { return &t.topicInfo }

func (t *topic[E]) emitAny(ctx context.Context, e any) bool { return t.emit(ctx, e.(E)) }

// emit holds e when ctx's scope is corked, else publishes it; false when
// e was dropped.
func (t *topic[E]) emit(ctx context.Context, e E) bool {
	if t.b.corked.Load() > 0 && t.b.hold(ctx, func() { t.publish(ctx, e) }) {
		return true
	}
	return t.publish(ctx, e)
}

// publish hands e to the transport, or dispatches it in process; false
// when e was dropped.
func (t *topic[E]) publish(ctx context.Context, e E) bool {
	if tr := t.b.transport; tr != nil {
		return t.b.send(ctx, tr, t.key, t.label, e)
	}
	if !t.b.enter() {
		t.b.log.Warn("eventbus: event dropped: the bus is stopped", "event", t.label)
		return false
	}
	ev := &event[E]{t: t, e: e}
	return t.start(ctx, ev, ev, len(t.handlers))
}

// The handler sets an event runs.
const (
	setAll       uint8 = iota // in process: every handler
	setGrouped                // through a transport, once per app
	setBroadcast              // through a transport, in every process
)

// receive decodes m and queues the handlers of its set. The bus takes
// deliveries until its transport is closed, even while Stop drains it.
func (t *topic[E]) receive(ctx context.Context, m Message) error {
	set := setGrouped
	if m.Broadcast {
		set = setBroadcast
	}
	n := len(t.set(set))
	if n == 0 {
		return fmt.Errorf("eventbus: no %s handler for topic %q", setName(m.Broadcast), m.Topic)
	}
	var e E
	if err := m.Decode(&e); err != nil {
		return fmt.Errorf("eventbus: decoding %s: %w", t.key, err)
	}
	t.b.inflight.Add(1)
	done := m.Done
	if done == nil {
		done = func(error) {}
	}
	rx := &rxEvent[E]{event: event[E]{t: t, e: e}, set: set, done: done}
	if !t.start(ctx, &rx.event, rx, n) {
		return errDropped
	}
	return nil
}

// set returns the handlers of set.
func (t *topic[E]) set(set uint8) []*handler[E] {
	switch set {
	case setGrouped:
		return t.grouped
	case setBroadcast:
		return t.broadcast
	}
	return t.handlers
}

// errDropped is Deliver's error when the pool stayed full until the
// transport's ctx was done.
var errDropped = errors.New("eventbus: delivery dropped: the queue stayed full until the transport's ctx was done")

func setName(broadcast bool) string {
	if broadcast {
		return "broadcast"
	}
	return "grouped"
}

// start processes ev, counted in flight by the caller, r being ev or the
// delivery that embeds it: a fresh scope for the event, and one pool job
// for each of its n handlers, so that the handlers run concurrently; the last
// handler to return closes the scope and tells the waiters (and the
// transport). When the pool's queue is full, start waits for room until
// ctx is done; the handlers not queued by then do not run (logged; the
// transport is then not told). It reports whether every handler was
// queued.
func (t *topic[E]) start(ctx context.Context, ev *event[E], r runner, n int) bool {
	t.inflight.Add(1)
	var sctx context.Context
	sctx, ev.scope = container.NewScope(context.WithoutCancel(ctx), t.b.C)
	ev.ctx = &handlerCtx{Context: sctx, info: &t.topicInfo}
	ev.left.Store(int32(n))
	for i := range n {
		if t.b.pool.submit(ctx, job{r, i}) {
			continue
		}
		t.b.log.Warn("eventbus: event dropped: the queue stayed full until the emitter's ctx was done",
			"event", t.label, "handlersSkipped", n-i, "handlers", n, "error", context.Cause(ctx))
		ev.dropped.Store(true)
		if ev.left.Add(int32(i-n)) == 0 {
			ev.finish()
		}
		return false
	}
	return true
}

// event is one event being processed.
type event[E any] struct {
	t       *topic[E]
	e       E
	ctx     context.Context // carries the event's scope
	scope   *container.Scope
	left    atomic.Int32 // handlers still running
	dropped atomic.Bool  // some handlers were never queued: the waiters are not told
}

// runHandler runs handler i of all; the last handler to finish ends the
// event.
func (ev *event[E]) runHandler(i int) {
	_ = ev.t.invoke(ev.ctx, ev.t.handlers[i], ev.e)
	if ev.left.Add(-1) == 0 {
		ev.finish()
	}
}

// finish closes the event's scope and tells the waiters.
func (ev *event[E]) finish() {
	t := ev.t
	defer t.b.leave()
	if err := ev.scope.Close(); err != nil {
		t.b.log.Error("eventbus: closing the event's scope failed", "event", t.label, "error", err)
	}
	t.inflight.Add(-1)
	if !ev.dropped.Load() && t.b.nwait.Load() > 0 {
		t.b.notify(t.typ, ev.e)
	}
}

// rxEvent is an event delivered by a transport: it also collects the
// handlers' errors, for Message.Done. In-process events do without, so
// they stay as small as they were.
type rxEvent[E any] struct {
	event[E]
	set  uint8 // which handlers it runs
	done func(error)

	mu   sync.Mutex
	errs []error
}

// runHandler runs handler i; the last handler to finish ends the event and
// reports to the transport.
func (rx *rxEvent[E]) runHandler(i int) {
	ev := &rx.event
	if err := ev.t.invoke(ev.ctx, ev.t.set(rx.set)[i], ev.e); err != nil {
		rx.mu.Lock()
		rx.errs = append(rx.errs, err)
		rx.mu.Unlock()
	}
	if ev.left.Add(-1) != 0 {
		return
	}
	dropped := ev.dropped.Load()
	ev.finish()
	if !dropped {
		rx.mu.Lock()
		err := errors.Join(rx.errs...)
		rx.mu.Unlock()
		rx.done(err)
	}
}

// invoke runs one handler; its error or panic is logged and returned.
func (t *topic[E]) invoke(ctx context.Context, h *handler[E], e E) (err error) {
	h.running.Add(1)
	defer h.running.Add(-1)
	defer func() {
		if v := recover(); v != nil {
			t.b.log.Error("eventbus: handler panicked", "event", t.label, "handler", h.name, "panic", v, "stack", string(debug.Stack()))
			err = fmt.Errorf("eventbus: handler %s panicked: %v", h.name, v)
		}
	}()
	if err = h.call(ctx, e); err != nil {
		t.b.log.Error("eventbus: handler failed", "event", t.label, "handler", h.name, "error", err)
		err = fmt.Errorf("eventbus: handler %s: %w", h.name, err)
	}
	return err
}

// running lists the handlers of t running now.
func (t *topic[E]) running() []string {
	var out []string
	for _, h := range t.handlers {
		if h.running.Load() > 0 {
			out = append(out, h.name)
		}
	}
	return out
}

// typeKey names an event type across processes.
func typeKey(t reflect.Type) string {
	if t.Name() != "" && t.PkgPath() != "" {
		return t.PkgPath() + "." + t.Name()
	}
	return t.String()
}

// handlerCtx is the context handlers of one event run with: the event's
// scope, marked as a pool worker's, and telling which event it is.
type handlerCtx struct {
	context.Context
	info *topicInfo
}

func (c *handlerCtx) Value(key any) any {
	switch key.(type) {
	case workerKey:
		return true
	case eventKey:
		return c.info
	}
	return c.Context.Value(key)
}

type eventKey struct{}

// EventName returns the name of the event a handler's ctx was made for —
// its type's package path and name, e.g. "example.com/app/topic.TopicCreated",
// as it is known across processes —, or "" outside a handler. A method
// shared by the handlers of several event types tells them apart with it
// (tegg's EventContext).
func EventName(ctx context.Context) string {
	if info, ok := ctx.Value(eventKey{}).(*topicInfo); ok {
		return info.key
	}
	return ""
}

// names returns the names of t's handlers, in registration order.
func (t *topic[E]) names() []string {
	out := make([]string, len(t.handlers))
	for i, h := range t.handlers {
		out[i] = h.name
	}
	return out
}
