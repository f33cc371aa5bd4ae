package container_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

// Ten context protos: more than the largest inline slot table, so the
// scope's slots and its destruction order take the general path.
type (
	c0 struct{ proto.Context }
	c1 struct{ proto.Context }
	c2 struct{ proto.Context }
	c3 struct{ proto.Context }
	c4 struct{ proto.Context }
	c5 struct{ proto.Context }
	c6 struct{ proto.Context }
	c7 struct{ proto.Context }
	c8 struct{ proto.Context }
	c9 struct{ proto.Context }
)

func (*c0) Destroy(ctx context.Context) error { logTo(ctx, "c0"); return nil }
func (*c1) Destroy(ctx context.Context) error { logTo(ctx, "c1"); return nil }
func (*c2) Destroy(ctx context.Context) error { logTo(ctx, "c2"); return nil }
func (*c3) Destroy(ctx context.Context) error { logTo(ctx, "c3"); return nil }
func (*c4) Destroy(ctx context.Context) error { logTo(ctx, "c4"); return nil }
func (*c5) Destroy(ctx context.Context) error { logTo(ctx, "c5"); return nil }
func (*c6) Destroy(ctx context.Context) error { logTo(ctx, "c6"); return nil }
func (*c7) Destroy(ctx context.Context) error { logTo(ctx, "c7"); return nil }
func (*c8) Destroy(ctx context.Context) error { logTo(ctx, "c8"); return nil }
func (*c9) Destroy(ctx context.Context) error { logTo(ctx, "c9"); return nil }

// The order of destruction is the reverse of creation, not of
// registration, whatever the size of the scope's slot table.
func TestReverseCreationOrderInScopesOfEverySize(t *testing.T) {
	all := []any{new(c0), new(c1), new(c2), new(c3), new(c4), new(c5), new(c6), new(c7), new(c8), new(c9)}
	get := []func(context.Context){
		func(ctx context.Context) { container.MustGet[*c0](ctx) },
		func(ctx context.Context) { container.MustGet[*c1](ctx) },
		func(ctx context.Context) { container.MustGet[*c2](ctx) },
		func(ctx context.Context) { container.MustGet[*c3](ctx) },
		func(ctx context.Context) { container.MustGet[*c4](ctx) },
		func(ctx context.Context) { container.MustGet[*c5](ctx) },
		func(ctx context.Context) { container.MustGet[*c6](ctx) },
		func(ctx context.Context) { container.MustGet[*c7](ctx) },
		func(ctx context.Context) { container.MustGet[*c8](ctx) },
		func(ctx context.Context) { container.MustGet[*c9](ctx) },
	}
	for _, n := range []int{1, 2, 3, 4, 5, 8, 9, 10} {
		c := build(t, all[:n]...)
		j := &journal{}
		ctx, sc := container.NewScope(withJournal(context.Background(), j), c)
		// create from the last registered to the first, skipping the
		// second when there are more than two: the order differs from
		// the slots' and not every slot is used
		var want []string
		for i := n - 1; i >= 0; i-- {
			if i == 1 && n > 2 {
				continue
			}
			get[i](ctx)
			want = append([]string{"c" + string(rune('0'+i))}, want...)
		}
		if err := sc.Close(); err != nil {
			t.Fatal(err)
		}
		if got := j.list(); !slices.Equal(got, want) {
			t.Errorf("%d context protos: destroyed %v, want %v", n, got, want)
		}
	}
}

type requestState struct {
	context.Context
	route string
}

type stateKey struct{}

func (r *requestState) Value(key any) any {
	if key == (stateKey{}) {
		return r
	}
	return r.Context.Value(key)
}

// NewScopeWith allocates the caller's state with the scope, once, and
// opens the scope on the context the caller makes of it.
func TestNewScopeWithSharesOneAllocation(t *testing.T) {
	c := build(t, new(Shared), new(Session))
	sc, st := container.NewScopeWith(c, func(st *requestState) context.Context {
		st.Context, st.route = context.Background(), "/users/:id"
		return st
	})
	if got := sc.Value(stateKey{}); got != st {
		t.Fatalf("the scope's parent is not the state: %v", got)
	}
	if s := container.MustGet[*Session](sc); s.Shared == nil {
		t.Fatal("the scope does not resolve")
	}
	if err := sc.Close(); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		sc, _ := container.NewScopeWith(c, func(st *requestState) context.Context {
			st.Context = context.Background()
			return st
		})
		_ = sc.Close()
	})
	if allocs != 1 {
		t.Fatalf("open+close with state: %v allocations, want 1", allocs)
	}
}

// slowPlain has no teardown hook (published without the scope's lock);
// slowHooked has one (registered for Close under it). Both take a while to
// construct, so that concurrent first users wait for the creator.
type slowPlain struct{ proto.Context }

func (*slowPlain) PostConstruct(context.Context) error { time.Sleep(5 * time.Millisecond); return nil }

type slowHooked struct{ proto.Context }

var slowHookedDestroyed atomic.Int64

func (*slowHooked) PostConstruct(context.Context) error { time.Sleep(5 * time.Millisecond); return nil }
func (*slowHooked) Destroy(context.Context) error       { slowHookedDestroyed.Add(1); return nil }

// Goroutines that arrive while another creates an object wait for it and
// get the same one, on both publication paths.
func TestWaitersGetTheCreatorsObject(t *testing.T) {
	c := build(t, new(slowPlain), new(slowHooked))
	for round := range 20 {
		ctx, sc := container.NewScope(context.Background(), c)
		const n = 8
		plain := make([]*slowPlain, n)
		hooked := make([]*slowHooked, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { plain[i] = container.MustGet[*slowPlain](ctx) })
			wg.Go(func() { hooked[i] = container.MustGet[*slowHooked](ctx) })
		}
		wg.Wait()
		for i := range n {
			if plain[i] != plain[0] || hooked[i] != hooked[0] || plain[i] == nil || hooked[i] == nil {
				t.Fatalf("round %d: waiters got other objects", round)
			}
		}
		before := slowHookedDestroyed.Load()
		if err := sc.Close(); err != nil {
			t.Fatal(err)
		}
		if got := slowHookedDestroyed.Load() - before; got != 1 {
			t.Fatalf("round %d: destroyed %d times", round, got)
		}
	}
}

type gatedHooked struct{ proto.Context }

type gate struct {
	entered, release chan struct{}
	destroys         atomic.Int64
}

type gateKey struct{}

func (*gatedHooked) PostConstruct(ctx context.Context) error {
	g := ctx.Value(gateKey{}).(*gate)
	g.entered <- struct{}{}
	<-g.release
	return nil
}

func (*gatedHooked) Destroy(ctx context.Context) error {
	ctx.Value(gateKey{}).(*gate).destroys.Add(1)
	return nil
}

// An object with teardown hooks whose creation ends after the scope closed
// is destroyed once, by its creator, which gets TEGGO_SCOPE_CLOSED.
func TestCreationOutlivingCloseIsDestroyedOnce(t *testing.T) {
	c := build(t, new(gatedHooked))
	g := &gate{entered: make(chan struct{}), release: make(chan struct{})}
	ctx, sc := container.NewScope(context.WithValue(context.Background(), gateKey{}, g), c)
	errc := make(chan error, 1)
	go func() {
		_, err := container.Get[*gatedHooked](ctx)
		errc <- err
	}()
	<-g.entered // the creator is inside PostConstruct
	if err := sc.Close(); err != nil {
		t.Fatal(err)
	}
	close(g.release)
	err := <-errc
	if container.CodeOf(err) != container.CodeScopeClosed {
		t.Fatalf("creator got %v, want TEGGO_SCOPE_CLOSED", err)
	}
	if got := g.destroys.Load(); got != 1 {
		t.Fatalf("destroyed %d times, want once", got)
	}
}
