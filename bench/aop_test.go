package bench

// AOP proxy benchmarks: a proxied call without advice, with one
// Around, and with BeforeCall+Around+AfterReturn+AfterFinally, side by side
// with a direct call, an interface call, a hand-written closure decorator,
// reflect.Value.Call and a dynamic proxy that boxes arguments in []any.
//
//	cd bench && go test -run=NONE -bench=AOP -benchmem -count=10
//
// The target method is //go:noinline so that no variant gets it inlined.

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/weave"
)

type GreetReq struct {
	ID   int
	Name string
}

type Greeter struct{ greeting string }

var errNegativeID = errors.New("negative id")

//go:noinline
func (g *Greeter) Greet(ctx context.Context, in GreetReq) (string, error) {
	if in.ID < 0 {
		return "", errNegativeID
	}
	return g.greeting, nil
}

type GreeterAPI interface {
	Greet(ctx context.Context, in GreetReq) (string, error)
}

// Advice that do nothing but their part of the chain.

type aroundAdvice struct{}

func (*aroundAdvice) Around(c aop.Call, next aop.Next) error { return next() }

type fourHooksAdvice struct{}

func (*fourHooksAdvice) BeforeCall(c aop.Call) error            { return nil }
func (*fourHooksAdvice) Around(c aop.Call, next aop.Next) error { return next() }
func (*fourHooksAdvice) AfterReturn(c aop.Call) error           { return nil }
func (*fourHooksAdvice) AfterFinally(c aop.Call) error          { return nil }
func (*fourHooksAdvice) AfterThrow(c aop.Call, err error) error { return err }

type beforeAdvice struct{}

func (*beforeAdvice) BeforeCall(c aop.Call) error { return nil }

type afterReturnAdvice struct{}

func (*afterReturnAdvice) AfterReturn(c aop.Call) error { return nil }

type afterFinallyAdvice struct{}

func (*afterFinallyAdvice) AfterFinally(c aop.Call) error { return nil }

func greeterProxy(advice ...weave.Advice) GreeterAPI {
	ch := weave.NewChain("Greeter", "Greet", advice)
	return newGreeterProxy(weave.Target{Object: &Greeter{greeting: "hello"}}, []*weave.Chain{ch}).(GreeterAPI)
}

// closureDecorator is the hand-written decorator: one around-like wrapper
// that hands the rest of the call to its advice as a closure.
type closureDecorator struct {
	next   GreeterAPI
	around func(ctx context.Context, next func() error) error
}

func (d *closureDecorator) Greet(ctx context.Context, in GreetReq) (string, error) {
	var r string
	err := d.around(ctx, func() error {
		var err error
		r, err = d.next.Greet(ctx, in)
		return err
	})
	return r, err
}

// dynProxy is a generic dynamic proxy: arguments and results boxed in
// []any, one interceptor around an untyped invoker.
type dynInvocation struct {
	target  any
	method  string
	args    []any
	results []any
}

type dynProxy struct {
	target any
	around func(inv *dynInvocation, next func() error) error
	invoke func(target any, args []any) []any
}

func (p *dynProxy) Greet(ctx context.Context, in GreetReq) (string, error) {
	inv := &dynInvocation{target: p.target, method: "Greet", args: []any{ctx, in}}
	err := p.around(inv, func() error {
		inv.results = p.invoke(inv.target, inv.args)
		err, _ := inv.results[1].(error)
		return err
	})
	r, _ := inv.results[0].(string)
	return r, err
}

var (
	sinkS string
	sinkE error
)

func BenchmarkAOP(b *testing.B) {
	ctx := context.Background()
	req := GreetReq{ID: 7, Name: "gopher"}
	g := &Greeter{greeting: "hello"}

	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkS, sinkE = g.Greet(ctx, req)
		}
	})
	b.Run("interface", func(b *testing.B) {
		var api GreeterAPI = g
		b.ReportAllocs()
		for b.Loop() {
			sinkS, sinkE = api.Greet(ctx, req)
		}
	})
	b.Run("proxy_no_advice", func(b *testing.B) {
		api := greeterProxy()
		b.ReportAllocs()
		for b.Loop() {
			sinkS, sinkE = api.Greet(ctx, req)
		}
	})
	b.Run("proxy_around", func(b *testing.B) {
		api := greeterProxy(weave.Advice{Name: "around", Instance: &aroundAdvice{}})
		b.ReportAllocs()
		for b.Loop() {
			sinkS, sinkE = api.Greet(ctx, req)
		}
	})
	b.Run("proxy_before_around_afterReturn_afterFinally", func(b *testing.B) {
		api := greeterProxy(weave.Advice{Name: "four", Instance: &fourHooksAdvice{}, Kinds: weave.KindBeforeCall | weave.KindAround | weave.KindAfterReturn | weave.KindAfterFinally})
		b.ReportAllocs()
		for b.Loop() {
			sinkS, sinkE = api.Greet(ctx, req)
		}
	})
	b.Run("proxy_4_advice_1_hook_each", func(b *testing.B) {
		api := greeterProxy(
			weave.Advice{Name: "before", Instance: &beforeAdvice{}},
			weave.Advice{Name: "around", Instance: &aroundAdvice{}},
			weave.Advice{Name: "afterReturn", Instance: &afterReturnAdvice{}},
			weave.Advice{Name: "afterFinally", Instance: &afterFinallyAdvice{}},
		)
		b.ReportAllocs()
		for b.Loop() {
			sinkS, sinkE = api.Greet(ctx, req)
		}
	})
	b.Run("closure_decorator", func(b *testing.B) {
		var api GreeterAPI = &closureDecorator{next: g, around: func(ctx context.Context, next func() error) error { return next() }}
		b.ReportAllocs()
		for b.Loop() {
			sinkS, sinkE = api.Greet(ctx, req)
		}
	})
	b.Run("reflect_call", func(b *testing.B) {
		m := reflect.ValueOf(g).MethodByName("Greet")
		b.ReportAllocs()
		for b.Loop() {
			out := m.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(req)})
			sinkS = out[0].String()
			sinkE, _ = out[1].Interface().(error)
		}
	})
	b.Run("boxed_any_args", func(b *testing.B) {
		var api GreeterAPI = &dynProxy{
			target: g,
			around: func(inv *dynInvocation, next func() error) error { return next() },
			invoke: func(target any, args []any) []any {
				r, err := target.(*Greeter).Greet(args[0].(context.Context), args[1].(GreetReq))
				return []any{r, err}
			},
		}
		b.ReportAllocs()
		for b.Loop() {
			sinkS, sinkE = api.Greet(ctx, req)
		}
	})
}
