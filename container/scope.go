package container

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/teggo/teggo/aop"
)

// Scope is the lifetime of context protos: one request, one event, one
// schedule run. Its objects are created lazily on first use — a context
// proto nobody asks for is never constructed — once per scope even under
// concurrent first use, and destroyed by Close in reverse creation order.
// After Close every access through the scope fails with TEGGO_SCOPE_CLOSED
// and the scope holds no object any more.
//
// A scope costs three allocations to open (the scope, its slot table sized
// to the container's context protos, the context value), and nothing of dig:
// objects are built from the plans computed at Build.
type Scope struct {
	c      *Container
	ctx    context.Context
	slots  []slot
	closed atomic.Bool

	mu       sync.Mutex
	closing  bool   // Close has begun: PreDestroy phase, the scope still answers
	order    []int  // slots in creation order, for destruction
	orderBuf [6]int // backs order for the usual few objects: no growth allocations
}

// slot holds one context proto's object in one scope.
type slot struct {
	ready atomic.Bool
	mu    sync.Mutex
	obj   any
	proxy any // the fixed-target proxy, made on first interface use of an advised proto
	err   error
}

type scopeKey struct{}

// NewScope opens a scope of c and returns a context that carries it. Use the
// returned context for lookups (Get) and for calls into proxies; close the
// scope when its work is done:
//
//	ctx, scope := container.NewScope(ctx, c)
//	defer scope.Close()
func NewScope(ctx context.Context, c *Container) (context.Context, *Scope) {
	sc := &Scope{c: c, slots: make([]slot, c.ctxCount)}
	sc.order = sc.orderBuf[:0]
	ctx = context.WithValue(ctx, scopeKey{}, sc)
	sc.ctx = ctx
	return ctx, sc
}

// Scope is NewScope(ctx, c).
func (c *Container) Scope(ctx context.Context) (context.Context, *Scope) { return NewScope(ctx, c) }

// ScopeFrom returns the scope ctx carries.
func ScopeFrom(ctx context.Context) (*Scope, bool) {
	sc, ok := ctx.Value(scopeKey{}).(*Scope)
	return sc, ok
}

// Container returns the scope's container.
func (sc *Scope) Container() *Container { return sc.c }

// Context returns the context the scope was opened with (carrying the
// scope). Lifecycle hooks of the scope's objects receive it.
func (sc *Scope) Context() context.Context { return sc.ctx }

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
// use.
func (sc *Scope) get(p *protoDef) (any, error) {
	if sc.closed.Load() {
		return nil, sc.closedError(p)
	}
	if !sc.c.built.Load() {
		return nil, &Error{Code: CodeNotBuilt, Msg: "scope of a container that was not built"}
	}
	if sc.c.stopped.Load() {
		return nil, &Error{Code: CodeStopped, Msg: "scope of a stopped container"}
	}
	s := &sc.slots[p.slot]
	if s.ready.Load() {
		return s.obj, s.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready.Load() {
		return s.obj, s.err
	}
	obj, err := sc.c.create(sc.ctx, p, sc)
	if err == nil {
		// The object is stored before it joins the order: Close reads the
		// order under sc.mu and then the object.
		s.obj = obj
		sc.mu.Lock()
		if sc.closed.Load() {
			s.obj = nil
			sc.mu.Unlock()
			_ = sc.c.destroy(context.WithoutCancel(sc.ctx), p, obj)
			obj, err = nil, sc.closedError(p)
		} else {
			sc.order = append(sc.order, p.slot)
			sc.mu.Unlock()
		}
	}
	s.err = err
	s.ready.Store(true)
	return obj, err
}

// value is what an inject site or lookup of p in this scope gets: the
// object, or its proxy when the site is an interface and advice applies.
func (sc *Scope) value(p *protoDef, iface bool) (any, error) {
	obj, err := sc.get(p)
	if err != nil || !iface || !p.advised {
		return obj, err
	}
	s := &sc.slots[p.slot]
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proxy == nil {
		s.proxy = p.desc.Proxy(aop.Target{Object: obj}, p.chains)
	}
	return s.proxy, nil
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
			ctx = context.WithoutCancel(sc.ctx)
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
		batch := slices.Clone(sc.order[done:])
		sc.mu.Unlock()
		for i := len(batch) - 1; i >= 0; i-- {
			if p := sc.c.ctxProtos[batch[i]]; p.hooks&hookPreDestroy != 0 {
				if err := sc.c.preDestroy(hookCtx(), p, sc.slots[batch[i]].obj); err != nil {
					errs = append(errs, err)
				}
			}
		}
		done += len(batch)
	}
	order := sc.order
	for i := len(order) - 1; i >= 0; i-- {
		if p := sc.c.ctxProtos[order[i]]; p.hooks&hookDestroy != 0 {
			if err := sc.c.destroyOnly(hookCtx(), p, sc.slots[order[i]].obj); err != nil {
				errs = append(errs, err)
			}
		}
	}
	sc.mu.Lock()
	sc.order = nil
	sc.mu.Unlock()
	for i := range sc.slots {
		s := &sc.slots[i]
		s.mu.Lock()
		s.obj, s.proxy = nil, nil
		s.mu.Unlock()
	}
	return errors.Join(errs...)
}
