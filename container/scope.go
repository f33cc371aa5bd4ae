package container

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/teggo/teggo/weave"
)

// Scope is the lifetime of context protos: one request, one event, one
// schedule run. Its objects are created lazily on first use — a context
// proto nobody asks for is never constructed — once per scope even under
// concurrent first use, and destroyed by Close in reverse creation order.
// After Close every access through the scope fails with TEGGO_SCOPE_CLOSED
// and the scope holds no object any more.
//
// A Scope is itself the context.Context its work runs with: the context it
// was opened on, plus the scope under its key. So opening one costs a
// single allocation sized to the container (the scope and a slot table
// of 16 bytes per context proto, for up to eight), and nothing of dig: objects are built from plans computed at
// Build.
type Scope struct {
	parent context.Context
	c      *Container
	slot0  *slot // the slot table: nslots slots from here, inline in the scope's allocation when few
	nslots uint32
	flags  atomic.Uint32 // scopeClosed, scopeTeardown; scopeClosing under mu

	mu      sync.Mutex
	created uint32                    // objects with teardown hooks so far, under mu; a slot's seq is its rank
	waiting atomic.Int32              // goroutines waiting for another's creation
	rare    atomic.Pointer[scopeRare] // what few scopes need, made on first need under mu
}

// Scope flags.
const (
	scopeClosed   uint32 = 1 << iota // every access fails
	scopeTeardown                    // an object with PreDestroy or Destroy was created
	scopeClosing                     // Close has begun: PreDestroy phase, the scope still answers
)

// scopeRare holds what a scope needs only when creations race, fail, or
// hand out proxies: kept out of line so that the usual scope is small.
type scopeRare struct {
	wait    *sync.Cond      // made when a goroutine waits for another's creation
	errs    map[int32]error // creation errors by slot
	proxies map[int32]any   // fixed-target proxies of advised protos by slot
}

// sized is a Scope, its slot table S (an array of slots, as many as the
// container's context protos, rounded up) and a caller's T in one
// allocation.
type sized[S, T any] struct {
	Scope
	buf S
	t   T
}

// newSized allocates a scope with room for n slots and a T.
func newSized[T any](n int) (*Scope, *T) {
	switch {
	case n <= 1:
		return alloc[[1]slot, T](n)
	case n <= 2:
		return alloc[[2]slot, T](n)
	case n <= 4:
		return alloc[[4]slot, T](n)
	case n <= 8:
		return alloc[[8]slot, T](n)
	}
	s := &sized[struct{}, T]{}
	s.slot0, s.nslots = unsafe.SliceData(make([]slot, n)), uint32(n)
	return &s.Scope, &s.t
}

func alloc[S, T any](n int) (*Scope, *T) {
	s := &sized[S, T]{}
	s.slot0, s.nslots = (*slot)(unsafe.Pointer(&s.buf)), uint32(n)
	return &s.Scope, &s.t
}

// slot holds one context proto's object in one scope: 16 bytes, read
// without a lock once ready. Objects of protos are always pointers, so the
// slot keeps the pointer and the proto knows its type.
type slot struct {
	state atomic.Uint32        // slotEmpty, slotCreating, slotReady
	seq   uint32               // rank among the objects with teardown hooks, from 1, under the scope's mu; 0 = none
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

// scopeKey is the context key under which a context.Context carries its
// *Scope.
type scopeKey struct{}

// NewScope opens a scope of c on ctx and returns it twice: as the
// context.Context to do the scope's work with (lookups with Get, calls into
// proxies) and as the *Scope to close when the work is done:
//
//	ctx, scope := container.NewScope(ctx, c)
//	defer scope.Close()
func NewScope(ctx context.Context, c *Container) (context.Context, *Scope) {
	sc, _ := newSized[struct{}](c.ctxCount)
	sc.parent, sc.c = ctx, c
	return sc, sc
}

// NewScopeWith opens a scope of c together with a T, in one allocation: the
// state of what the scope serves lives with it (the HTTP layer keeps a
// request's state there, so a request costs one allocation for both).
// parent receives the zeroed T, fills it, and returns the context the scope
// is opened on — the T itself when *T is a context.Context. The T lives as
// long as the scope is referenced.
func NewScopeWith[T any](c *Container, parent func(t *T) context.Context) (*Scope, *T) {
	sc, t := newSized[T](c.ctxCount)
	sc.parent, sc.c = parent(t), c
	return sc, t
}

// ScopeFrom returns the scope ctx carries.
func ScopeFrom(ctx context.Context) (*Scope, bool) {
	if sc, ok := ctx.(*Scope); ok {
		return sc, true
	}
	sc, ok := ctx.Value(scopeKey{}).(*Scope)
	return sc, ok
}

// Deadline is the deadline of the context the scope was opened on.
func (sc *Scope) Deadline() (time.Time, bool) { return sc.parent.Deadline() }

// Done is the Done channel of the context the scope was opened on.
func (sc *Scope) Done() <-chan struct{} { return sc.parent.Done() }

// Err is the error of the context the scope was opened on.
func (sc *Scope) Err() error { return sc.parent.Err() }

// Value returns the scope for its key and asks the context the scope was
// opened on for anything else.
func (sc *Scope) Value(key any) any {
	if key == (scopeKey{}) {
		return sc
	}
	return sc.parent.Value(key)
}

// String names the scope in logs.
func (sc *Scope) String() string { return fmt.Sprintf("teggo scope %p", sc) }

// Container returns the scope's container.
func (sc *Scope) Container() *Container { return sc.c }

// HasTeardown reports whether closing the scope will run PreDestroy or
// Destroy hooks — a background helper awaiting its tasks, say — and so may
// take time. The HTTP layer flushes a response before such a close only.
func (sc *Scope) HasTeardown() bool { return sc.has(scopeTeardown) }

// Closed reports whether Close has finished its first phase: from then on
// every access fails.
func (sc *Scope) Closed() bool { return sc.has(scopeClosed) }

// slots is the scope's slot table, one slot per context proto.
func (sc *Scope) slots() []slot { return unsafe.Slice(sc.slot0, sc.nslots) }

func (sc *Scope) has(f uint32) bool { return sc.flags.Load()&f != 0 }

// rareLocked returns the scope's rare state, making it; sc.mu is held.
func (sc *Scope) rareLocked() *scopeRare {
	r := sc.rare.Load()
	if r == nil {
		r = &scopeRare{}
		sc.rare.Store(r)
	}
	return r
}

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
// goroutine asking for an object under creation waits for it. An object
// without teardown hooks is created and published without taking the
// scope's lock: the usual request takes none.
func (sc *Scope) get(p *protoDef) (any, error) {
	if sc.has(scopeClosed) {
		return nil, sc.closedError(p)
	}
	s := &sc.slots()[p.slot]
	if s.state.Load() == slotReady {
		return sc.result(s, p)
	}
	if !sc.c.built.Load() {
		return nil, &Error{Code: CodeNotBuilt, Msg: "scope of a container that was not built"}
	}
	if sc.c.stopped.Load() {
		return nil, &Error{Code: CodeStopped, Msg: "scope of a stopped container"}
	}
	if !s.state.CompareAndSwap(slotEmpty, slotCreating) {
		return sc.await(s, p)
	}
	return sc.createIn(s, p)
}

// await waits for another goroutine's creation of slot s.
func (sc *Scope) await(s *slot, p *protoDef) (any, error) {
	sc.mu.Lock()
	// counted before the state is read: a creator that publishes after
	// this sees the count and wakes us (see publish)
	sc.waiting.Add(1)
	for s.state.Load() == slotCreating {
		r := sc.rareLocked()
		if r.wait == nil {
			r.wait = sync.NewCond(&sc.mu)
		}
		r.wait.Wait()
	}
	sc.waiting.Add(-1)
	sc.mu.Unlock()
	return sc.result(s, p)
}

// createIn creates p's object into slot s, which this goroutine claimed.
func (sc *Scope) createIn(s *slot, p *protoDef) (obj any, err error) {
	if sc.has(scopeClosed) {
		err = sc.closedError(p)
		sc.publish(s, p, nil, err)
		return nil, err
	}
	done := false
	defer func() { // on a panic in a constructor: waiters must not hang
		if !done {
			sc.publish(s, p, nil, &Error{Code: CodeLifecycle, Proto: p.label(), Msg: "creation panicked"})
		}
	}()
	obj, err = sc.c.create(sc, p, sc)
	done = true
	if err != nil {
		sc.publish(s, p, nil, err)
		return nil, err
	}
	if !sc.publish(s, p, obj, nil) {
		// the scope closed meanwhile: Close will not see this object
		_ = sc.c.destroy(context.WithoutCancel(sc), p, obj)
		return nil, sc.closedError(p)
	}
	return obj, nil
}

// publish makes a creation's outcome visible and wakes the waiters. An
// object with teardown hooks is registered for Close under the scope's
// lock — unless the scope closed first: then publish reports false and the
// creator destroys it. An object without hooks needs no registration and
// takes no lock.
func (sc *Scope) publish(s *slot, p *protoDef, obj any, err error) bool {
	if err == nil && p.hooks&(hookPreDestroy|hookDestroy) == 0 {
		s.obj.Store((*byte)(dataOf(obj)))
		s.state.Store(slotReady)
		ok := !sc.has(scopeClosed)
		if !ok {
			s.obj.Store(nil)
		}
		if sc.waiting.Load() > 0 {
			sc.mu.Lock()
			if r := sc.rare.Load(); r != nil && r.wait != nil {
				r.wait.Broadcast()
			}
			sc.mu.Unlock()
		}
		return ok
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	ok := true
	switch {
	case err != nil:
		r := sc.rareLocked()
		if r.errs == nil {
			r.errs = map[int32]error{}
		}
		r.errs[int32(p.slot)] = err
	default:
		// set the teardown flag unless the scope closed: Close's one-step
		// path (a CAS from no flags) and this cannot both succeed
		for {
			f := sc.flags.Load()
			if f&scopeClosed != 0 {
				ok = false // the slot stays empty-handed: readers get TEGGO_SCOPE_CLOSED
				break
			}
			if sc.flags.CompareAndSwap(f, f|scopeTeardown) {
				s.obj.Store((*byte)(dataOf(obj)))
				sc.created++
				s.seq = sc.created
				break
			}
		}
	}
	s.state.Store(slotReady)
	if r := sc.rare.Load(); r != nil && r.wait != nil {
		r.wait.Broadcast()
	}
	return ok
}

// result is a ready slot's outcome.
func (sc *Scope) result(s *slot, p *protoDef) (any, error) {
	if obj := s.object(p); obj != nil {
		return obj, nil
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if r := sc.rare.Load(); r != nil {
		if err := r.errs[int32(p.slot)]; err != nil {
			return nil, err
		}
	}
	return nil, sc.closedError(p)
}

// value is what an inject site or lookup of p in this scope gets: the
// object, or its proxy when the site is an interface and advice applies.
func (sc *Scope) value(p *protoDef, iface bool) (any, error) {
	obj, err := sc.get(p)
	if err != nil || !iface || !p.proxied {
		return obj, err
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	r := sc.rareLocked()
	idx := int32(p.slot)
	if px, ok := r.proxies[idx]; ok {
		return px, nil
	}
	if r.proxies == nil {
		r.proxies = map[int32]any{}
	}
	px := p.desc.Proxy(weave.Target{Object: obj}, p.chains)
	r.proxies[idx] = px
	return px, nil
}

// createdBetween returns the slots whose objects were created with ranks
// from+1 to to, in creation order, in buf when it is long enough; sc.mu is
// held.
func (sc *Scope) createdBetween(from, to uint32, buf []int32) []int32 {
	n := int(to - from)
	if n > len(buf) {
		buf = make([]int32, n)
	}
	buf = buf[:n]
	slots := sc.slots()
	for i := range slots {
		if q := slots[i].seq; q > from && q <= to {
			buf[q-from-1] = int32(i)
		}
	}
	return buf
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
	if sc.flags.CompareAndSwap(0, scopeClosing|scopeClosed) {
		// no object has a hook and Close had not begun: closed in one
		// step, without the lock (a creation still running when the flag
		// is set destroys its own object)
		if r := sc.rare.Load(); r != nil {
			sc.mu.Lock()
			r.proxies = nil
			sc.mu.Unlock()
		}
		sc.release()
		return nil
	}
	sc.mu.Lock()
	if sc.has(scopeClosing) {
		sc.mu.Unlock()
		return nil
	}
	sc.flags.Or(scopeClosing)
	sc.mu.Unlock()

	var ctx context.Context // the scope's values without its cancellation, made only if a hook runs
	hookCtx := func() context.Context {
		if ctx == nil {
			ctx = context.WithoutCancel(sc)
		}
		return ctx
	}
	var errs []error
	var buf [8]int32
	for done := uint32(0); ; {
		sc.mu.Lock()
		to := sc.created
		if to == done {
			sc.flags.Or(scopeClosed)
			sc.mu.Unlock()
			break
		}
		batch := sc.createdBetween(done, to, buf[:])
		sc.mu.Unlock()
		for i := len(batch) - 1; i >= 0; i-- {
			if p := sc.c.ctxProtos[batch[i]]; p.hooks&hookPreDestroy != 0 {
				if err := sc.c.preDestroy(hookCtx(), p, sc.slots()[batch[i]].object(p)); err != nil {
					errs = append(errs, err)
				}
			}
		}
		done = to
	}
	// closed: no creation can start, and none is left running (a creation
	// that finishes after the flag destroys its own object)
	sc.mu.Lock()
	order := sc.createdBetween(0, sc.created, buf[:])
	sc.mu.Unlock()
	for i := len(order) - 1; i >= 0; i-- {
		if p := sc.c.ctxProtos[order[i]]; p.hooks&hookDestroy != 0 {
			if err := sc.c.destroyOnly(hookCtx(), p, sc.slots()[order[i]].object(p)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	sc.mu.Lock()
	if r := sc.rare.Load(); r != nil {
		r.proxies = nil
	}
	sc.mu.Unlock()
	sc.release()
	return errors.Join(errs...)
}

// release drops the scope's objects: later reads see nil and answer
// closed.
func (sc *Scope) release() {
	slots := sc.slots()
	for i := range slots {
		slots[i].obj.Store(nil)
	}
}
