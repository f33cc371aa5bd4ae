package bench

// A proxy for Greeter in exactly the shape `teggo gen` emits (see
// internal/gen's golden files). It is written by hand here so the benchmark
// does not depend on the generator; once the generator lands this file may
// be swapped for generated code without changing the numbers' meaning.

import (
	"context"

	"github.com/teggo/teggo/aop"
)

type GreeterProxy struct {
	target  *Greeter
	resolve func(ctx context.Context) (any, error)
	chains  []*aop.Chain
}

func newGreeterProxy(t aop.Target, chains []*aop.Chain) any {
	p := &GreeterProxy{resolve: t.Resolve, chains: chains}
	if t.Object != nil {
		p.target = t.Object.(*Greeter)
	}
	return p
}

type greeterGreetFrame struct {
	aop.Call
	t  *Greeter
	a0 context.Context
	a1 GreetReq
	r0 string
	r1 error
}

func newGreeterGreetFrame() aop.Frame { f := new(greeterGreetFrame); f.Bind(f); return f }

func (f *greeterGreetFrame) Target() any              { return f.t }
func (f *greeterGreetFrame) Context() context.Context { return f.a0 }
func (f *greeterGreetFrame) NumArgs() int             { return 2 }
func (f *greeterGreetFrame) Arg(i int) any {
	switch i {
	case 0:
		return f.a0
	case 1:
		return f.a1
	}
	panic(aop.IndexError("argument", i, 2))
}
func (f *greeterGreetFrame) SetArg(i int, v any) error {
	switch i {
	case 0:
		x, ok := v.(context.Context)
		if !ok {
			return aop.ArgTypeError("argument", i, "context.Context", v)
		}
		f.a0 = x
		return nil
	case 1:
		x, ok := v.(GreetReq)
		if !ok {
			return aop.ArgTypeError("argument", i, "bench.GreetReq", v)
		}
		f.a1 = x
		return nil
	}
	return aop.IndexError("argument", i, 2)
}
func (f *greeterGreetFrame) NumResults() int { return 1 }
func (f *greeterGreetFrame) Result(i int) any {
	switch i {
	case 0:
		return f.r0
	}
	panic(aop.IndexError("result", i, 1))
}
func (f *greeterGreetFrame) SetResult(i int, v any) error {
	switch i {
	case 0:
		x, ok := v.(string)
		if !ok {
			return aop.ArgTypeError("result", i, "string", v)
		}
		f.r0 = x
		return nil
	}
	return aop.IndexError("result", i, 1)
}
func (f *greeterGreetFrame) Invoke() error { f.r0, f.r1 = f.t.Greet(f.a0, f.a1); return f.r1 }

func (p *GreeterProxy) Greet(ctx context.Context, in GreetReq) (string, error) {
	t := p.target
	if t == nil {
		o, err := p.resolve(ctx)
		if err != nil {
			var r0 string
			return r0, err
		}
		t = o.(*Greeter)
	}
	ch := p.chains[0]
	if ch == nil {
		return t.Greet(ctx, in)
	}
	f := ch.Acquire(newGreeterGreetFrame).(*greeterGreetFrame)
	f.t, f.a0, f.a1 = t, ctx, in
	err := ch.Run(&f.Call)
	r0 := f.r0
	f.t, f.a0, f.a1, f.r0, f.r1 = nil, nil, GreetReq{}, "", nil
	ch.Release(&f.Call)
	return r0, err
}
