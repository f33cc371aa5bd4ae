package container

import (
	"context"
	"errors"
	"fmt"
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
		sc.mu.Lock()
		if sc.closed.Load() {
			sc.mu.Unlock()
			_ = sc.c.destroy(context.WithoutCancel(sc.ctx), p, obj)
			return nil, sc.closedError(p)
		}
		sc.order = append(sc.order, p.slot)
		sc.mu.Unlock()
	}
	s.obj, s.err = obj, err
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

// Close destroys the scope's objects in reverse creation order, running
// PreDestroy then Destroy on each (background tasks are awaited in the
// helper's PreDestroy), and releases them. It reports every hook error,
// joined. Close is idempotent; only the first call does anything.
func (sc *Scope) Close() error {
	sc.mu.Lock()
	if !sc.closed.CompareAndSwap(false, true) {
		sc.mu.Unlock()
		return nil
	}
	order := sc.order
	sc.order = nil
	sc.mu.Unlock()

	var ctx context.Context // the scope's values without its cancellation, made only if a hook runs
	var errs []error
	for i := len(order) - 1; i >= 0; i-- {
		p := sc.c.ctxProtos[order[i]]
		if p.hooks&(hookPreDestroy|hookDestroy) == 0 {
			continue
		}
		if ctx == nil {
			ctx = context.WithoutCancel(sc.ctx)
		}
		if err := sc.c.destroy(ctx, p, sc.slots[order[i]].obj); err != nil {
			errs = append(errs, err)
		}
	}
	for i := range sc.slots {
		s := &sc.slots[i]
		s.mu.Lock()
		s.obj, s.proxy = nil, nil
		s.mu.Unlock()
	}
	return errors.Join(errs...)
}
