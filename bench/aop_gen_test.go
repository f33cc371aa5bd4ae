package bench

// The AOP budgets measured on proxies written by `teggo gen`
// (bench/internal/greet/zz_teggo.go), with two targets: one Go cannot
// inline (//go:noinline: a proxy then costs one more call, the budget's
// worst case) and a small one it inlines into its proxy, as it does for
// most small methods.
//
//	cd bench && go test -run=NONE -bench=AOPGenerated -benchmem -count=10

import (
	"context"
	"reflect"
	"testing"

	"github.com/teggo/teggo/bench/internal/greet"
	"github.com/teggo/teggo/weave"
)

func generatedProxy(target any, advice ...weave.Advice) greet.API {
	var chain *weave.Chain
	if len(advice) > 0 {
		chain = weave.NewChain(reflect.TypeOf(target).Elem().Name(), "Greet", advice)
	}
	for _, d := range greet.Module().Protos {
		if d.Type == reflect.TypeOf(target).Elem() {
			return d.Proxy(weave.Target{Object: target}, []*weave.Chain{chain}).(greet.API)
		}
	}
	panic("no generated proxy")
}

var sinkGreet string

func benchGreet(b *testing.B, api greet.API) {
	ctx, in := context.Background(), greet.Req{ID: 1, Name: "ann"}
	b.ReportAllocs()
	for b.Loop() {
		s, err := api.Greet(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		sinkGreet = s
	}
}

func BenchmarkAOPGenerated(b *testing.B) {
	for _, tc := range []struct {
		name   string
		target func() any
	}{
		{"opaque", func() any { return &greet.Opaque{Greeting: "hello"} }},
		{"small", func() any { return &greet.Small{Greeting: "hello"} }},
	} {
		b.Run(tc.name+"/interface-call", func(b *testing.B) { benchGreet(b, tc.target().(greet.API)) })
		b.Run(tc.name+"/proxy-no-advice", func(b *testing.B) { benchGreet(b, generatedProxy(tc.target())) })
		b.Run(tc.name+"/proxy-one-around", func(b *testing.B) {
			benchGreet(b, generatedProxy(tc.target(), weave.Advice{Name: "around", Instance: &aroundAdvice{}}))
		})
		b.Run(tc.name+"/proxy-four-hooks", func(b *testing.B) {
			benchGreet(b, generatedProxy(tc.target(), weave.Advice{Name: "four", Instance: &fourHooksAdvice{}}))
		})
	}
}
