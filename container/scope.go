package container

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/teggo/teggo/aop"
)

// Scope is the lifetime of context protos: one request, one event, one
// schedule run. Its objects are created lazily on first use — a context
// proto nobody asks for is never constructed — once per scope even under
// concurrent first use, and destroyed by Close in reverse creation order.
// After Close every access through the scope fails with TEGGO_SCOPE_CLOSED
// and the scope holds no object any more.
//
// A Scope is itself the context.Context its work runs with: the context it
// was opened on, plus the scope under ScopeKey. So opening one costs a
// single allocation (its slot table is inline for up to eight context
// protos), and nothing of dig: objects are built from plans computed at
// Build.
type Scope struct {
	parent   context.Context
	c        *Container
	slots    []slot
	closed   atomic.Bool
	teardown atomic.Bool // an object with PreDestroy or Destroy was created

	mu       sync.Mutex
	closing  bool            // Close has begun: PreDestroy phase, the scope still answers
	wait     *sync.Cond      // made when a goroutine waits for another's creation
	order    []int32         // slots in creation order, for destruction
	orderBuf [6]int32        // backs order for the usual few objects: no growth allocations
	errs     map[int32]error // creation errors by slot, rare
	proxies  map[int32]any   // fixed-target proxies of advised protos by slot, rare

	slotBuf [inlineSlots]slot // backs slots when the container has few context protos
}

// inlineSlots is how many context protos a scope holds without a second
// allocation.
const inlineSlots = 8

// slot holds one context proto's object in one scope: 16 bytes, read
// without a lock once ready. Objects of protos are always pointers, so the
// slot keeps the pointer and the proto knows its type.
type slot struct {
	state atomic.Uint32        // slotEmpty, slotCreating, slotReady
	obj   atomic.Pointer[byte] // the object's pointer; nil after Close
}

const (
	slotEmpty uint32 = iota
	slotCreating
	slotReady
)

// object returns the slot's object as p's pointer type.
func (s *slot) object(p *protoDef) any {
	ptr := s.obj.Load()
	if ptr == nil {
		return nil
	}
	return *(*any)(unsafe.Pointer(&eface{typ: p.rtype, data: unsafe.Pointer(ptr)}))
}

type scopeKey struct{}

// ScopeKey is the context key under which a context.Context carries its
// *Scope: ctx.Value(ScopeKey) returns it. A context type of your own may
// answer it itself — the HTTP layer does, to open a request's scope only
// when the request first needs it.
var ScopeKey any = scopeKey{}

// NewScope opens a scope of c on ctx and returns it twice: as the
// context.Context to do the scope's work with (lookups with Get, calls into
// proxies) and as the *Scope to close when the work is done:
//
//	ctx, scope := container.NewScope(ctx, c)
//	defer scope.Close()
func NewScope(ctx context.Context, c *Container) (context.Context, *Scope) {
	sc := &Scope{parent: ctx, c: c}
	if c.ctxCount <= inlineSlots {
		sc.slots = sc.slotBuf[:c.ctxCount]
	} else {
		sc.slots = make([]slot, c.ctxCount)
	}
	sc.order = sc.orderBuf[:0]
	return sc, sc
}

// Scope is NewScope(ctx, c).
func (c *Container) Scope(ctx context.Context) (context.Context, *Scope) { return NewScope(ctx, c) }

// ScopeFrom returns the scope ctx carries.
func ScopeFrom(ctx context.Context) (*Scope, bool) {
	if sc, ok := ctx.(*Scope); ok {
		return sc, true
	}
	sc, ok := ctx.Value(ScopeKey).(*Scope)
	return sc, ok
}

// Deadline is the deadline of the context the scope was opened on.
func (sc *Scope) Deadline() (time.Time, bool) { return sc.parent.Deadline() }

// Done is the Done channel of the context the scope was opened on.
func (sc *Scope) Done() <-chan struct{} { return sc.parent.Done() }

// Err is the error of the context the scope was opened on.
func (sc *Scope) Err() error { return sc.parent.Err() }

// Value returns the scope for ScopeKey and asks the context the scope was
// opened on for anything else.
func (sc *Scope) Value(key any) any {
	if key == ScopeKey {
		return sc
	}
	return sc.parent.Value(key)
}

// String names the scope in logs.
func (sc *Scope) String() string { return fmt.Sprintf("teggo scope %p", sc) }

// Container returns the scope's container.
func (sc *Scope) Container() *Container { return sc.c }

// Context returns the scope as a context.Context (it is one). Lifecycle
// hooks of the scope's objects receive it.
func (sc *Scope) Context() context.Context { return sc }

// HasTeardown reports whether closing the scope will run PreDestroy or
// Destroy hooks — a background helper awaiting its tasks, say — and so may
// take time. The HTTP layer flushes a response before such a close only.
func (sc *Scope) HasTeardown() bool { return sc.teardown.Load() }

// Closed reports whether Close was called.
func (sc *Scope) Closed() bool { return sc.closed.Load() }

func (sc *Scope) closedError(p *protoDef) error {
	e := &Error{Code: CodeScopeClosed, Msg: "the scope is closed", Hint: "objects of a scope are gone after Close; open a new scope"}
	if p != nil {
		e.Msg = fmt.Sprintf("%s asked for after its scope closed", p.label())
	}
	return e
}

// get returns the scope's object of context proto p, creating it on first
// use: once per scope, however many goroutines ask at once. A creator holds
// no lock while it creates (its object may need others of the scope); a
// goroutine asking for an object under creation waits for it.
func (sc *Scope) get(p *protoDef) (any, error) {
	if sc.closed.Load() {
		return nil, sc.closedError(p)
	}
	s := &sc.slots[p.slot]
	if s.state.Load() == slotReady {
		return sc.result(s, p)
	}
	if !sc.c.built.Load() {
		return nil, &Error{Code: CodeNotBuilt, Msg: "scope of a container that was not built"}
	}
	if sc.c.stopped.Load() {
		return nil, &Error{Code: CodeStopped, Msg: "scope of a stopped container"}
	}
	sc.mu.Lock()
	for s.state.Load() == slotCreating {
		if sc.wait == nil {
			sc.wait = sync.NewCond(&sc.mu)
		}
		sc.wait.Wait()
	}
	if s.state.Load() == slotReady {
		sc.mu.Unlock()
		return sc.result(s, p)
	}
	if sc.closed.Load() {
		sc.mu.Unlock()
		return nil, sc.closedError(p)
	}
	s.state.Store(slotCreating)
	sc.mu.Unlock()

	var obj any
	var err error
	done := false
	defer func() { // also on a panic in a constructor: waiters must not hang
		if !done {
			err = &Error{Code: CodeLifecycle, Proto: p.label(), Msg: "creation panicked"}
		}
		sc.finish(s, p, obj, err)
	}()
	obj, err = sc.c.create(sc, p, sc)
	done = true
	if err == nil && sc.closed.Load() {
		_ = sc.c.destroy(context.WithoutCancel(sc), p, obj)
		obj, err = nil, sc.closedError(p)
	}
	return obj, err
}

// finish publishes a creation's outcome and wakes the waiters.
func (sc *Scope) finish(s *slot, p *protoDef, obj any, err error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	idx := int32(p.slot)
	if err != nil {
		if sc.errs == nil {
			sc.errs = map[int32]error{}
		}
		sc.errs[idx] = err
	} else {
		s.obj.Store((*byte)(dataOf(obj)))
		sc.order = append(sc.order, idx)
		if p.hooks&(hookPreDestroy|hookDestroy) != 0 {
			sc.teardown.Store(true)
		}
	}
	s.state.Store(slotReady)
	if sc.wait != nil {
		sc.wait.Broadcast()
	}
}

// result is a ready slot's outcome.
func (sc *Scope) result(s *slot, p *protoDef) (any, error) {
	if obj := s.object(p); obj != nil {
		return obj, nil
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if err := sc.errs[int32(p.slot)]; err != nil {
		return nil, err
	}
	return nil, sc.closedError(p)
}

// value is what an inject site or lookup of p in this scope gets: the
// object, or its proxy when the site is an interface and advice applies.
func (sc *Scope) value(p *protoDef, iface bool) (any, error) {
	obj, err := sc.get(p)
	if err != nil || !iface || !p.advised {
		return obj, err
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	idx := int32(p.slot)
	if px, ok := sc.proxies[idx]; ok {
		return px, nil
	}
	if sc.proxies == nil {
		sc.proxies = map[int32]any{}
	}
	px := p.desc.Proxy(aop.Target{Object: obj}, p.chains)
	sc.proxies[idx] = px
	return px, nil
}

// Close ends the scope in two phases. First PreDestroy runs on each of the
// scope's objects, newest first, while the scope still answers: this is
// where background tasks are awaited, and those tasks may still use the
// scope (objects they create then get their PreDestroy too). Then the scope
// closes — every later access fails with TEGGO_SCOPE_CLOSED — and Destroy
// runs on each object, newest first, and the objects are released. Close
// reports every hook error, joined. It is idempotent: only the first call
// does anything.
func (sc *Scope) Close() error {
	sc.mu.Lock()
	if sc.closing {
		sc.mu.Unlock()
		return nil
	}
	sc.closing = true
	sc.mu.Unlock()

	var ctx context.Context // the scope's values without its cancellation, made only if a hook runs
	hookCtx := func() context.Context {
		if ctx == nil {
			ctx = context.WithoutCancel(sc.Context())
		}
		return ctx
	}
	var errs []error
	for done := 0; ; {
		sc.mu.Lock()
		if len(sc.order) == done {
			sc.closed.Store(true)
			sc.mu.Unlock()
			break
		}
		batch := sc.order[done:] // appends leave these elements alone
		sc.mu.Unlock()
		for i := len(batch) - 1; i >= 0; i-- {
			if p := sc.c.ctxProtos[batch[i]]; p.hooks&hookPreDestroy != 0 {
				if err := sc.c.preDestroy(hookCtx(), p, sc.slots[batch[i]].object(p)); err != nil {
					errs = append(errs, err)
				}
			}
		}
		done += len(batch)
	}
	order := sc.order
	for i := len(order) - 1; i >= 0; i-- {
		if p := sc.c.ctxProtos[order[i]]; p.hooks&hookDestroy != 0 {
			if err := sc.c.destroyOnly(hookCtx(), p, sc.slots[order[i]].object(p)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	sc.mu.Lock()
	sc.order, sc.proxies = nil, nil
	sc.mu.Unlock()
	for i := range sc.slots {
		sc.slots[i].obj.Store(nil) // released: later reads see nil and answer closed
	}
	return errors.Join(errs...)
}
