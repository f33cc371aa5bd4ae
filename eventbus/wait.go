package eventbus

import (
	"context"
	"fmt"
	"reflect"
	"slices"
)

// The waiters are test helpers (teggotest builds on them): register one
// before the code that emits runs, then wait with a ctx whose deadline
// bounds the wait.

// waiter is one registered wait for the next processing of any of types.
type waiter struct {
	types []reflect.Type
	ch    chan any // buffered: notify never blocks
}

// Waiter waits for the next processing of an event of type E (or, made by
// ExpectFirst, of any of several types, with E = any). It fires once.
type Waiter[E any] struct {
	b *Bus
	w *waiter
}

// Expect registers, now, a wait for the next event of type E that the bus
// finishes processing: Wait returns once all its handlers have returned and
// its scope has closed. An event that no handler takes counts as processed
// when it is emitted. Register before emitting, so the event cannot be
// missed.
func Expect[E any](b *Bus) *Waiter[E] {
	return &Waiter[E]{b: b, w: b.addWaiter([]reflect.Type{reflect.TypeFor[E]()})}
}

// ExpectFirst registers a wait for the next event of any of types, e.g.
// ExpectFirst(b, reflect.TypeFor[Created](), reflect.TypeFor[Failed]()).
func ExpectFirst(b *Bus, types ...reflect.Type) *Waiter[any] {
	return &Waiter[any]{b: b, w: b.addWaiter(slices.Clone(types))}
}

// Wait returns the event once processed, or ctx's error (the wait is then
// withdrawn).
func (w *Waiter[E]) Wait(ctx context.Context) (E, error) {
	select {
	case v := <-w.w.ch:
		return v.(E), nil
	case <-ctx.Done():
	}
	w.b.removeWaiter(w.w)
	select {
	case v := <-w.w.ch: // delivered just before the withdrawal
		return v.(E), nil
	default:
	}
	var zero E
	return zero, fmt.Errorf("eventbus: waiting for %v: %w", w.w.types, ctx.Err())
}

// Await is Expect(b).Wait(ctx): it waits for the next event of type E
// processed from now on. Use Expect when the emit could finish first.
func Await[E any](ctx context.Context, b *Bus) (E, error) { return Expect[E](b).Wait(ctx) }

// AwaitFirst is ExpectFirst(b, types...).Wait(ctx).
func AwaitFirst(ctx context.Context, b *Bus, types ...reflect.Type) (any, error) {
	return ExpectFirst(b, types...).Wait(ctx)
}

// WaitIdle returns when no event is being processed (events held by a
// cork do not count), or with ctx's error.
func (b *Bus) WaitIdle(ctx context.Context) error {
	for {
		b.idleMu.Lock()
		if b.inflight.Load() == 0 {
			b.idleMu.Unlock()
			return nil
		}
		if b.idleCh == nil {
			b.idleCh = make(chan struct{})
		}
		ch := b.idleCh
		b.idleMu.Unlock()
		select {
		case <-ch: // idle for a moment: check again, another event may have started
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (b *Bus) addWaiter(types []reflect.Type) *waiter {
	w := &waiter{types: types, ch: make(chan any, 1)}
	b.waitMu.Lock()
	b.waiters = append(b.waiters, w)
	b.nwait.Store(int32(len(b.waiters)))
	b.waitMu.Unlock()
	return w
}

func (b *Bus) removeWaiter(w *waiter) {
	b.waitMu.Lock()
	b.waiters = slices.DeleteFunc(b.waiters, func(x *waiter) bool { return x == w })
	b.nwait.Store(int32(len(b.waiters)))
	b.waitMu.Unlock()
}

// notify hands e, just processed, to the waiters of its type and
// withdraws them.
func (b *Bus) notify(typ reflect.Type, e any) {
	b.waitMu.Lock()
	defer b.waitMu.Unlock()
	b.waiters = slices.DeleteFunc(b.waiters, func(w *waiter) bool {
		if slices.Contains(w.types, typ) {
			w.ch <- e
			return true
		}
		return false
	})
	b.nwait.Store(int32(len(b.waiters)))
}
