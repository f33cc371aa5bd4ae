package container_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

// hooked records every lifecycle hook; whether the dependency was injected
// when PreInject and PostInject ran shows the order relative to injection.
type hookedDep struct{ proto.Singleton }

type Hooked struct {
	proto.Singleton
	Dep *hookedDep `inject:""`
}

func (h *Hooked) PostConstruct(ctx context.Context) error { logTo(ctx, "PostConstruct"); return nil }
func (h *Hooked) PreInject(ctx context.Context) error {
	logTo(ctx, "PreInject dep="+set(h.Dep != nil))
	return nil
}
func (h *Hooked) PostInject(ctx context.Context) error {
	logTo(ctx, "PostInject dep="+set(h.Dep != nil))
	return nil
}
func (h *Hooked) Init(ctx context.Context) error       { logTo(ctx, "Init"); return nil }
func (h *Hooked) PreDestroy(ctx context.Context) error { logTo(ctx, "PreDestroy"); return nil }
func (h *Hooked) Destroy(ctx context.Context) error    { logTo(ctx, "Destroy"); return nil }

type HookedCtx struct {
	proto.Context
	Dep *hookedDep `inject:""`
}

func (h *HookedCtx) PostConstruct(ctx context.Context) error { logTo(ctx, "PostConstruct"); return nil }
func (h *HookedCtx) PreInject(ctx context.Context) error {
	logTo(ctx, "PreInject dep="+set(h.Dep != nil))
	return nil
}
func (h *HookedCtx) PostInject(ctx context.Context) error {
	logTo(ctx, "PostInject dep="+set(h.Dep != nil))
	return nil
}
func (h *HookedCtx) Init(ctx context.Context) error       { logTo(ctx, "Init"); return nil }
func (h *HookedCtx) PreDestroy(ctx context.Context) error { logTo(ctx, "PreDestroy"); return nil }
func (h *HookedCtx) Destroy(ctx context.Context) error    { logTo(ctx, "Destroy"); return nil }

func set(b bool) string {
	if b {
		return "set"
	}
	return "nil"
}

var wantLifecycle = []string{"PostConstruct", "PreInject dep=nil", "PostInject dep=set", "Init"}

func TestLifecycleOrderSingleton(t *testing.T) {
	j := &journal{}
	ctx := withJournal(context.Background(), j)
	c := container.New()
	c.Register(new(Hooked), new(hookedDep))
	if err := c.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if got := j.list(); !slices.Equal(got, wantLifecycle) {
		t.Fatalf("creation hooks %v, want %v", got, wantLifecycle)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(wantLifecycle), "PreDestroy", "Destroy")
	if got := j.list(); !slices.Equal(got, want) {
		t.Fatalf("hooks %v, want %v", got, want)
	}
}

func TestLifecycleOrderContext(t *testing.T) {
	c := build(t, new(HookedCtx), new(hookedDep))
	j := &journal{}
	ctx, sc := container.NewScope(withJournal(context.Background(), j), c)
	if len(j.list()) != 0 {
		t.Fatal("a context proto was created before anyone asked for it")
	}
	if _, err := container.Get[*HookedCtx](ctx); err != nil {
		t.Fatal(err)
	}
	if got := j.list(); !slices.Equal(got, wantLifecycle) {
		t.Fatalf("creation hooks %v, want %v", got, wantLifecycle)
	}
	if err := sc.Close(); err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(wantLifecycle), "PreDestroy", "Destroy")
	if got := j.list(); !slices.Equal(got, want) {
		t.Fatalf("hooks %v, want %v", got, want)
	}
}

// A chain A -> B -> C of singletons: created C, B, A; destroyed A, B, C.
type chainA struct {
	proto.Singleton
	B *chainB `inject:""`
}
type chainB struct {
	proto.Singleton
	C *chainC `inject:""`
}
type chainC struct{ proto.Singleton }

func (x *chainA) Init(ctx context.Context) error    { logTo(ctx, "init A"); return nil }
func (x *chainB) Init(ctx context.Context) error    { logTo(ctx, "init B"); return nil }
func (x *chainC) Init(ctx context.Context) error    { logTo(ctx, "init C"); return nil }
func (x *chainA) Destroy(ctx context.Context) error { logTo(ctx, "destroy A"); return nil }
func (x *chainB) Destroy(ctx context.Context) error { logTo(ctx, "destroy B"); return nil }
func (x *chainC) Destroy(ctx context.Context) error { logTo(ctx, "destroy C"); return nil }

func TestSingletonsInDependencyOrder(t *testing.T) {
	j := &journal{}
	ctx := withJournal(context.Background(), j)
	c := container.New()
	c.Register(new(chainA), new(chainB), new(chainC)) // registered dependents first
	if err := c.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"init C", "init B", "init A", "destroy A", "destroy B", "destroy C"}
	if got := j.list(); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// Context objects are destroyed in reverse creation order too.
type ctxOuter struct {
	proto.Context
	In *ctxInner `inject:""`
}
type ctxInner struct{ proto.Context }

func (x *ctxOuter) Destroy(ctx context.Context) error { logTo(ctx, "destroy outer"); return nil }
func (x *ctxInner) Destroy(ctx context.Context) error { logTo(ctx, "destroy inner"); return nil }

func TestScopeDestroysInReverseCreationOrder(t *testing.T) {
	c := build(t, new(ctxOuter), new(ctxInner))
	j := &journal{}
	ctx, sc := container.NewScope(withJournal(context.Background(), j), c)
	container.MustGet[*ctxOuter](ctx)
	sc.Close()
	if got, want := j.list(), []string{"destroy outer", "destroy inner"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// A failing Init fails Build with TEGGO_LIFECYCLE, and the singletons
// already created are destroyed.
type failingInit struct {
	proto.Singleton
	Dep *chainC `inject:""`
}

var errBoom = errors.New("boom")

func (f *failingInit) Init(context.Context) error { return errBoom }

func TestFailingHookFailsBuildAndRollsBack(t *testing.T) {
	j := &journal{}
	ctx := withJournal(context.Background(), j)
	c := container.New()
	c.Register(new(failingInit), new(chainC))
	err := c.Build(ctx)
	wantCode(t, err, container.CodeLifecycle, "Init failed", "boom")
	if !errors.Is(err, errBoom) {
		t.Fatal("the hook's error is not wrapped")
	}
	if got, want := j.list(), []string{"init C", "destroy C"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

type failingDestroy struct{ proto.Context }

func (f *failingDestroy) PreDestroy(ctx context.Context) error { return errBoom }
func (f *failingDestroy) Destroy(ctx context.Context) error    { logTo(ctx, "destroy ran"); return nil }

func TestDestroyErrorsAreReportedAndDoNotStopDestruction(t *testing.T) {
	c := build(t, new(failingDestroy))
	j := &journal{}
	ctx, sc := container.NewScope(withJournal(context.Background(), j), c)
	container.MustGet[*failingDestroy](ctx)
	err := sc.Close()
	wantCode(t, err, container.CodeLifecycle, "PreDestroy failed")
	if got := j.list(); !slices.Equal(got, []string{"destroy ran"}) {
		t.Fatalf("Destroy did not run after a failed PreDestroy: %v", got)
	}
}
