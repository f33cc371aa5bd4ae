package bench

// A proxy for Greeter in exactly the shape `teggo gen` emits (see
// internal/gen's golden files), written here so that the benchmark does
// not depend on the generator; aop_gen_test.go measures generated code.

import (
	"context"

	"github.com/teggo/teggo/weave"
)

type greeterGenProxy struct{ w weave.Proxy[*Greeter] }

func newGreeterProxy(t weave.Target, ch []*weave.Chain) any {
	return &greeterGenProxy{weave.NewProxy[*Greeter](t, ch, 1)}
}

func (p *greeterGenProxy) Greet(ctx context.Context, in GreetReq) (string, error) {
	if t := p.w.Fixed; t != nil && p.w.Chains[0] == nil {
		return t.Greet(ctx, in)
	}
	return weave.CallA2R1(&p.w, 0, (*Greeter).Greet, ctx, in)
}
