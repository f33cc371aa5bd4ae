package container_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"weak"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/weave"
)

type Shared struct {
	proto.Singleton
	n int // non-zero size, so that two instances have two addresses
}

type Session struct {
	proto.Context
	Shared *Shared `inject:""`
	User   string
}

var sessionsMade atomic.Int64

func (s *Session) PostConstruct(context.Context) error { sessionsMade.Add(1); return nil }

func TestConcurrentScopesGetTheirOwnContextObjectsAndShareSingletons(t *testing.T) {
	c := build(t, new(Shared), new(Session))
	const n = 16
	got := make([]*Session, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx, sc := container.NewScope(context.Background(), c)
			defer sc.Close()
			s := container.MustGet[*Session](ctx)
			if again := container.MustGet[*Session](ctx); again != s {
				t.Error("one scope gave two instances")
			}
			got[i] = s
		})
	}
	wg.Wait()
	seen := map[*Session]bool{}
	for _, s := range got {
		if seen[s] {
			t.Fatal("two scopes shared a context instance")
		}
		seen[s] = true
		if s.Shared != got[0].Shared || s.Shared == nil {
			t.Fatal("scopes do not share the singleton")
		}
	}
}

func TestOneInstancePerScopeUnderConcurrentFirstUse(t *testing.T) {
	c := build(t, new(Shared), new(Session))
	ctx, sc := container.NewScope(context.Background(), c)
	defer sc.Close()
	before := sessionsMade.Load()
	const n = 32
	got := make([]*Session, n)
	var start sync.WaitGroup
	start.Add(1)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			start.Wait()
			got[i] = container.MustGet[*Session](ctx)
		})
	}
	start.Done()
	wg.Wait()
	for _, s := range got {
		if s != got[0] {
			t.Fatal("concurrent first use created two instances")
		}
	}
	if made := sessionsMade.Load() - before; made != 1 {
		t.Fatalf("constructed %d times, want 1", made)
	}
}

func TestContextProtoIsLazy(t *testing.T) {
	c := build(t, new(Shared), new(Session))
	before := sessionsMade.Load()
	_, sc := container.NewScope(context.Background(), c)
	sc.Close()
	if sessionsMade.Load() != before {
		t.Fatal("a context proto nobody asked for was constructed")
	}
}

func TestAccessAfterCloseFails(t *testing.T) {
	c := build(t, new(Shared), new(Session))
	ctx, sc := container.NewScope(context.Background(), c)
	container.MustGet[*Session](ctx)
	if err := sc.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := container.Get[*Session](ctx)
	wantCode(t, err, container.CodeScopeClosed, "closed")
	if err := sc.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

func TestCloseReleasesTheScopesObjects(t *testing.T) {
	c := build(t, new(Shared), new(Session))
	ctx, sc := container.NewScope(context.Background(), c)
	w := weak.Make(container.MustGet[*Session](ctx))
	sc.Close()
	for range 3 {
		runtime.GC()
	}
	if w.Value() != nil {
		t.Fatal("the scope still holds its object after Close")
	}
	runtime.KeepAlive(sc)
	runtime.KeepAlive(ctx)
}

func TestNoScopeInContext(t *testing.T) {
	build(t, new(Shared), new(Session))
	_, err := container.Get[*Session](context.Background())
	wantCode(t, err, container.CodeNoScope, "carries no scope")
}

func TestLookupOfContextProtoNeedsScope(t *testing.T) {
	c := build(t, new(Shared), new(Session))
	_, err := container.Lookup[*Session](c)
	wantCode(t, err, container.CodeNoScope, "context proto")
}

// AlwaysNew: each holder gets its own instance, stable for that holder.
type Fresh struct {
	proto.AlwaysNew
	n int // non-zero size: Go gives every zero-size allocation the same address
}

type holderOne struct {
	proto.Singleton
	F *Fresh `inject:""`
	G *Fresh `inject:""`
}
type holderTwo struct {
	proto.Context
	F *Fresh `inject:""`
}

func TestAlwaysNewPerInjectionPoint(t *testing.T) {
	c := build(t, new(Fresh), new(holderOne), new(holderTwo))
	h1 := mustLookup[*holderOne](t, c)
	if h1.F == nil || h1.F == h1.G {
		t.Fatal("two inject points of one holder share an always-new instance")
	}
	if again := mustLookup[*holderOne](t, c); again.F != h1.F {
		t.Fatal("the holder's instance is not stable")
	}
	ctx, sc := container.NewScope(context.Background(), c)
	defer sc.Close()
	h2 := container.MustGet[*holderTwo](ctx)
	if h2.F == nil || h2.F == h1.F || h2.F == h1.G {
		t.Fatal("holders share an always-new instance")
	}
	if container.MustGet[*holderTwo](ctx).F != h2.F {
		t.Fatal("the context holder's instance is not stable within its scope")
	}
	a, b := container.MustGet[*Fresh](ctx), container.MustGet[*Fresh](ctx)
	if a == b {
		t.Fatal("two lookups of an always-new proto gave one instance")
	}
}

func mustLookup[T any](t *testing.T, c *container.Container, name ...string) T {
	t.Helper()
	v, err := container.Lookup[T](c, name...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Singleton-to-context injection through a proxy (hand-written here; `teggo
// gen` emits the same shape): each call finds the instance of the scope its
// ctx carries.
type Greeter interface {
	Greet(ctx context.Context) string
}

type RequestUser struct {
	proto.Context
	name string
}

func (u *RequestUser) Greet(ctx context.Context) string { return "hello " + u.name }

// requestUserProxy is what the generator writes for RequestUser.
type requestUserProxy struct {
	target  *RequestUser
	resolve func(context.Context) (any, error)
}

func (p *requestUserProxy) Greet(ctx context.Context) string {
	t := p.target
	if t == nil {
		o, err := p.resolve(ctx)
		if err != nil {
			panic(err)
		}
		t = o.(*RequestUser)
	}
	return t.Greet(ctx)
}

var requestUserDescriptor = proto.Descriptor{
	Type:    reflectTypeOf[RequestUser](),
	Methods: []proto.Method{{Name: "Greet", CtxFirst: true}},
	Proxy: func(t weave.Target, _ []*weave.Chain) any {
		p := &requestUserProxy{resolve: t.Resolve}
		if t.Object != nil {
			p.target = t.Object.(*RequestUser)
		}
		return p
	},
}

type Front struct {
	proto.Singleton
	User Greeter `inject:"requestUser"`
}

func TestSingletonInjectsContextProtoThroughProxy(t *testing.T) {
	c := build(t, requestUserDescriptor, new(Front))
	front := mustLookup[*Front](t, c)
	greet := func(name string) string {
		ctx, sc := container.NewScope(context.Background(), c)
		defer sc.Close()
		container.MustGet[*RequestUser](ctx).name = name
		return front.User.Greet(ctx)
	}
	if a, b := greet("ann"), greet("bob"); a != "hello ann" || b != "hello bob" {
		t.Fatalf("got %q and %q: the proxy did not resolve per scope", a, b)
	}
	defer func() {
		err, _ := recover().(error)
		wantCode(t, err, container.CodeNoScope, "carries no scope")
	}()
	front.User.Greet(context.Background())
}

// waiter stands for the background helper: its PreDestroy waits for work
// that still uses the scope.
type waiter struct {
	proto.Context
	done chan error
}

func (w *waiter) PreDestroy(ctx context.Context) error { return <-w.done }

type lateObject struct {
	proto.Context
	n int
}

func (l *lateObject) PreDestroy(ctx context.Context) error {
	logTo(ctx, "late pre-destroy")
	return nil
}
func (l *lateObject) Destroy(ctx context.Context) error { logTo(ctx, "late destroy"); return nil }

func TestScopeAnswersDuringPreDestroyAndClosesAfter(t *testing.T) {
	c := build(t, new(waiter), new(lateObject))
	j := &journal{}
	ctx, sc := container.NewScope(withJournal(context.Background(), j), c)
	w := container.MustGet[*waiter](ctx)
	w.done = make(chan error)
	closed := make(chan error)
	go func() { closed <- sc.Close() }()
	// While Close waits in PreDestroy, work of the scope still resolves
	// objects of it, and those are destroyed too.
	if _, err := container.Get[*lateObject](ctx); err != nil {
		t.Fatalf("the scope refused a lookup during PreDestroy: %v", err)
	}
	w.done <- nil
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if got := j.list(); !slices.Equal(got, []string{"late pre-destroy", "late destroy"}) {
		t.Fatalf("hooks of an object made during PreDestroy: %v", got)
	}
	if _, err := container.Get[*lateObject](ctx); !errors.Is(err, container.CodeScopeClosed) {
		t.Fatalf("after Close: %v", err)
	}
}
