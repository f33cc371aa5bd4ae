package bench

// Container benchmarks, teggo beside its peers in one run:
//
//	cd bench && go test -run=NONE -bench='Scope|Lookup|Build1000|Retained' -benchmem -count=5
//
// The per-request case is the same everywhere: open a scope, resolve a
// request object CtrA that injects two request objects CtrB and CtrC and one
// singleton CtrS, close the scope.

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"testing"

	"github.com/samber/do/v2"
	"github.com/sarulabs/di/v2"
	"go.uber.org/dig"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

type CtrS struct {
	proto.Singleton
	n int
}

type CtrB struct {
	proto.Context
	n int
}

type CtrC struct {
	proto.Context
	n int
}

type CtrA struct {
	proto.Context
	B *CtrB `inject:""`
	C *CtrC `inject:""`
	S *CtrS `inject:""`
}

var sinkCtrA *CtrA
var sinkCtrS *CtrS

func newCtrTeggo(b *testing.B) *container.Container {
	c := container.New()
	c.Register(new(CtrS), new(CtrA), new(CtrB), new(CtrC))
	if err := c.Build(context.Background()); err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkScope(b *testing.B) {
	b.Run("teggo", func(b *testing.B) {
		c := newCtrTeggo(b)
		bg := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			ctx, sc := container.NewScope(bg, c)
			a, err := container.Get[*CtrA](ctx)
			if err != nil {
				b.Fatal(err)
			}
			sinkCtrA = a
			sc.Close()
		}
	})
	b.Run("hand-written", func(b *testing.B) {
		s := &CtrS{}
		b.ReportAllocs()
		for b.Loop() {
			sinkCtrA = &CtrA{B: &CtrB{}, C: &CtrC{}, S: s}
		}
	})
	b.Run("sarulabs-di", func(b *testing.B) {
		app := newCtrSarulabs(b)
		b.ReportAllocs()
		for b.Loop() {
			req, err := app.SubContainer()
			if err != nil {
				b.Fatal(err)
			}
			sinkCtrA = req.Get("a").(*CtrA)
			req.Delete()
		}
	})
	b.Run("samber-do", func(b *testing.B) {
		root := do.New()
		do.Provide(root, func(do.Injector) (*CtrS, error) { return &CtrS{}, nil })
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			sc := root.Scope(strconv.Itoa(i)) // names must be unique per parent
			provideCtrDo(sc)
			sinkCtrA = do.MustInvoke[*CtrA](sc)
			sc.Shutdown()
		}
	})
	b.Run("dig-child-scope", func(b *testing.B) {
		root := dig.New()
		ctrMust(b, root.Provide(func() *CtrS { return &CtrS{} }))
		b.ReportAllocs()
		for b.Loop() {
			sc := root.Scope("request")
			provideCtrDig(b, sc)
			ctrMust(b, sc.Invoke(func(a *CtrA) { sinkCtrA = a }))
		}
	})
}

func newCtrSarulabs(b *testing.B) di.Container {
	builder, err := di.NewBuilder()
	ctrMust(b, err)
	ctrMust(b, builder.Add(
		di.Def{Name: "s", Scope: di.App, Build: func(di.Container) (any, error) { return &CtrS{}, nil }},
		di.Def{Name: "b", Scope: di.Request, Build: func(di.Container) (any, error) { return &CtrB{}, nil }},
		di.Def{Name: "c", Scope: di.Request, Build: func(di.Container) (any, error) { return &CtrC{}, nil }},
		di.Def{Name: "a", Scope: di.Request, Build: func(ctn di.Container) (any, error) {
			return &CtrA{B: ctn.Get("b").(*CtrB), C: ctn.Get("c").(*CtrC), S: ctn.Get("s").(*CtrS)}, nil
		}},
	))
	return builder.Build()
}

func provideCtrDo(sc do.Injector) {
	do.Provide(sc, func(do.Injector) (*CtrB, error) { return &CtrB{}, nil })
	do.Provide(sc, func(do.Injector) (*CtrC, error) { return &CtrC{}, nil })
	do.Provide(sc, func(i do.Injector) (*CtrA, error) {
		return &CtrA{B: do.MustInvoke[*CtrB](i), C: do.MustInvoke[*CtrC](i), S: do.MustInvoke[*CtrS](i)}, nil
	})
}

func provideCtrDig(b *testing.B, sc *dig.Scope) {
	ctrMust(b, sc.Provide(func() *CtrB { return &CtrB{} }))
	ctrMust(b, sc.Provide(func() *CtrC { return &CtrC{} }))
	ctrMust(b, sc.Provide(func(x *CtrB, y *CtrC, s *CtrS) *CtrA { return &CtrA{B: x, C: y, S: s} }))
}

func ctrMust(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func BenchmarkLookup(b *testing.B) {
	b.Run("teggo", func(b *testing.B) {
		c := newCtrTeggo(b)
		b.ReportAllocs()
		for b.Loop() {
			s, err := container.Lookup[*CtrS](c)
			if err != nil {
				b.Fatal(err)
			}
			sinkCtrS = s
		}
	})
	b.Run("hand-written-map", func(b *testing.B) {
		m := map[reflect.Type]any{reflect.TypeFor[*CtrS](): &CtrS{}}
		b.ReportAllocs()
		for b.Loop() {
			sinkCtrS = m[reflect.TypeFor[*CtrS]()].(*CtrS)
		}
	})
	b.Run("sarulabs-di", func(b *testing.B) {
		app := newCtrSarulabs(b)
		b.ReportAllocs()
		for b.Loop() {
			sinkCtrS = app.Get("s").(*CtrS)
		}
	})
	b.Run("samber-do", func(b *testing.B) {
		root := do.New()
		do.Provide(root, func(do.Injector) (*CtrS, error) { return &CtrS{}, nil })
		b.ReportAllocs()
		for b.Loop() {
			sinkCtrS = do.MustInvoke[*CtrS](root)
		}
	})
	b.Run("dig-invoke", func(b *testing.B) {
		root := dig.New()
		ctrMust(b, root.Provide(func() *CtrS { return &CtrS{} }))
		b.ReportAllocs()
		for b.Loop() {
			ctrMust(b, root.Invoke(func(s *CtrS) { sinkCtrS = s }))
		}
	})
}

// synthCtrProtos makes n distinct proto types: type i embeds proto.Singleton
// (every fourth one proto.Context) and injects types i-1 and i/2.
func synthCtrProtos(n int) []reflect.Type {
	types := make([]reflect.Type, n)
	for i := range n {
		marker := reflect.TypeFor[proto.Singleton]()
		if i%4 == 3 {
			marker = reflect.TypeFor[proto.Context]()
		}
		fields := []reflect.StructField{{Name: marker.Name(), Type: marker, Anonymous: true}}
		for j, dep := range []int{i - 1, i / 2} {
			if dep < 0 || dep == i || (dep%4 == 3 && i%4 != 3) {
				continue
			}
			fields = append(fields, reflect.StructField{Name: fmt.Sprintf("D%d", j), Type: reflect.PointerTo(types[dep]), Tag: `inject:""`})
		}
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("ID%d", i), Type: reflect.TypeFor[int]()})
		types[i] = reflect.StructOf(fields)
	}
	return types
}

func BenchmarkBuild1000(b *testing.B) {
	types := synthCtrProtos(1000)
	b.Run("teggo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := container.New()
			for i, t := range types {
				c.Register(proto.Descriptor{Type: t, Name: "p" + strconv.Itoa(i)})
			}
			if err := c.Build(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dig", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := dig.New()
			var singletons []reflect.Type
			for _, t := range types {
				var in []reflect.Type
				for k := 1; k < t.NumField(); k++ {
					if f := t.Field(k); f.Tag != "" {
						in = append(in, f.Type)
					}
				}
				fn := reflect.MakeFunc(reflect.FuncOf(in, []reflect.Type{reflect.PointerTo(t)}, false),
					func(args []reflect.Value) []reflect.Value { return []reflect.Value{reflect.New(t)} })
				ctrMust(b, c.Provide(fn.Interface()))
				if t.Field(0).Type == reflect.TypeFor[proto.Singleton]() {
					singletons = append(singletons, reflect.PointerTo(t))
				}
			}
			// Construct every singleton, as teggo's Build does (in chunks:
			// a func type takes at most a few hundred parameters).
			for len(singletons) > 0 {
				chunk := singletons[:min(100, len(singletons))]
				singletons = singletons[len(chunk):]
				inv := reflect.MakeFunc(reflect.FuncOf(chunk, nil, false), func([]reflect.Value) []reflect.Value { return nil })
				ctrMust(b, c.Invoke(inv.Interface()))
			}
		}
	})
}

// BenchmarkRetained opens and closes 100,000 request scopes per iteration
// and reports the heap still held afterwards, per scope (run with
// -benchtime=1x).
func BenchmarkRetained(b *testing.B) {
	const n = 100_000
	measure := func(b *testing.B, run func()) {
		for b.Loop() {
			before := ctrHeap()
			run()
			b.ReportMetric(float64(int64(ctrHeap())-int64(before))/n, "B-retained/scope")
		}
	}
	b.Run("teggo", func(b *testing.B) {
		c := newCtrTeggo(b)
		measure(b, func() {
			for range n {
				ctx, sc := container.NewScope(context.Background(), c)
				sinkCtrA = container.MustGet[*CtrA](ctx)
				sc.Close()
			}
			sinkCtrA = nil
		})
		runtime.KeepAlive(c)
	})
	b.Run("sarulabs-di", func(b *testing.B) {
		app := newCtrSarulabs(b)
		measure(b, func() {
			for range n {
				req, _ := app.SubContainer()
				sinkCtrA = req.Get("a").(*CtrA)
				req.Delete()
			}
			sinkCtrA = nil
		})
		runtime.KeepAlive(app)
	})
	b.Run("samber-do", func(b *testing.B) {
		root := do.New()
		do.Provide(root, func(do.Injector) (*CtrS, error) { return &CtrS{}, nil })
		i := 0
		measure(b, func() {
			for range n {
				i++
				sc := root.Scope(strconv.Itoa(i))
				provideCtrDo(sc)
				sinkCtrA = do.MustInvoke[*CtrA](sc)
				sc.Shutdown()
			}
			sinkCtrA = nil
		})
		runtime.KeepAlive(root)
	})
	b.Run("dig-child-scope", func(b *testing.B) {
		root := dig.New()
		ctrMust(b, root.Provide(func() *CtrS { return &CtrS{} }))
		measure(b, func() {
			for range n {
				sc := root.Scope("request")
				provideCtrDig(b, sc)
				ctrMust(b, sc.Invoke(func(a *CtrA) { sinkCtrA = a }))
			}
			sinkCtrA = nil
		})
		runtime.KeepAlive(root)
	})
}

func ctrHeap() uint64 {
	var m runtime.MemStats
	for range 2 {
		runtime.GC()
	}
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
