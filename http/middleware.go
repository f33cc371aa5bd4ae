package http

import (
	"context"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/container"
)

// Middleware order of one route (see docs/http.md):
//
//	request
//	  │
//	  ▼
//	echo's global middleware (e.Use, the user's)
//	  │
//	  ▼
//	teggo scope: open scope ─ recover ─ problem writer ─ close scope
//	  │
//	  ▼
//	controller echo middleware C1 → C2 (given order)
//	  │
//	  ▼
//	route echo middleware R1 → R2
//	  │
//	  ▼
//	bind + validate input, resolve the controller
//	  │
//	  ▼
//	AOP chain: route advice A1 → A2 (outer), then controller advice B1 → B2 (inner)
//	  │
//	  ▼
//	controller method
//
// Echo middleware is composed once at Mount, not per request.

// chainEcho composes the route's echo middleware around h: the first in
// mws is the outermost.
func chainEcho(h echo.HandlerFunc, mws []echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// adviceResolver resolves an advice proto given by type.
type adviceResolver interface {
	resolve(c *container.Container, spec *mwSpec) (aop.Advice, error)
}

// typedAdvice resolves the advice proto M (a pointer type): a singleton
// once, a context proto per request from the request's scope.
type typedAdvice[M any] struct{}

func (typedAdvice[M]) resolve(c *container.Container, spec *mwSpec) (aop.Advice, error) {
	kinds := aop.KindsOf(spec.sample)
	if kinds == 0 {
		return aop.Advice{}, fmt.Errorf("%s implements no advice hook (BeforeCall, AfterReturn, AfterThrow, AfterFinally, Around)", spec.typ)
	}
	v, err := container.Lookup[M](c)
	if err == nil {
		return aop.Advice{Name: spec.name, Instance: v, From: "middleware"}, nil
	}
	if container.CodeOf(err) != container.CodeNoScope {
		return aop.Advice{}, err
	}
	return aop.Advice{Name: spec.name, Kinds: kinds, From: "middleware", Resolve: func(ctx context.Context) (any, error) {
		return container.Get[M](ctx)
	}}, nil
}

// namedAdvice resolves an advice proto given by name. A context advice's
// hooks are learnt from an instance made in a throwaway scope at Mount.
func namedAdvice(c *container.Container, name string) (aop.Advice, error) {
	v, err := container.Lookup[any](c, name)
	if err == nil {
		if aop.KindsOf(v) == 0 {
			return aop.Advice{}, fmt.Errorf("proto %q implements no advice hook", name)
		}
		return aop.Advice{Name: name, Instance: v, From: "middleware"}, nil
	}
	if container.CodeOf(err) != container.CodeNoScope {
		return aop.Advice{}, err
	}
	ctx, sc := container.NewScope(context.Background(), c)
	sample, err := container.Get[any](ctx, name)
	_ = sc.Close()
	if err != nil {
		return aop.Advice{}, err
	}
	kinds := aop.KindsOf(sample)
	if kinds == 0 {
		return aop.Advice{}, fmt.Errorf("proto %q implements no advice hook", name)
	}
	return aop.Advice{Name: name, Kinds: kinds, From: "middleware", Resolve: func(ctx context.Context) (any, error) {
		return container.Get[any](ctx, name)
	}}, nil
}

// adviceChain builds the route's AOP middleware chain: route advice first
// (outer), then controller advice (inner), as tegg orders them. nil when
// the route has none.
func (m *mount) adviceChain(r *route) (*aop.Chain, error) {
	if len(r.advice) == 0 {
		return nil, nil
	}
	list := make([]aop.Advice, 0, len(r.advice))
	for i := range r.advice {
		spec := &r.advice[i]
		var a aop.Advice
		var err error
		if spec.kind == mwNamed {
			a, err = namedAdvice(m.c, spec.name)
		} else {
			a, err = spec.advice.resolve(m.c, spec)
		}
		if err != nil {
			return nil, routeError(CodeBadMiddleware, r, fmt.Sprintf("middleware %s", spec.name), err)
		}
		a.Order = i
		list = append(list, a)
	}
	return aop.NewChain(r.ctrlName, r.decl.Handler, list), nil
}

// frame is the aop.Frame of a handler call: typed arguments and result,
// pooled by the chain, boxed only when an advice asks.
type frame[C, In, Out any] struct {
	aop.Call
	h      *handler[C, In, Out]
	target C
	ctx    context.Context
	in     In
	out    Out
}

func (f *frame[C, In, Out]) Target() any              { return f.target }
func (f *frame[C, In, Out]) Context() context.Context { return f.ctx }

func (f *frame[C, In, Out]) NumArgs() int {
	if f.h.r.decl.In == nil {
		return 1
	}
	return 2
}

func (f *frame[C, In, Out]) Arg(i int) any {
	switch {
	case i == 0:
		return f.ctx
	case i == 1 && f.h.r.decl.In != nil:
		return f.in
	}
	panic(aop.IndexError("argument", i, f.NumArgs()))
}

func (f *frame[C, In, Out]) SetArg(i int, v any) error {
	switch {
	case i == 0:
		ctx, ok := v.(context.Context)
		if !ok {
			return aop.ArgTypeError("argument", i, "context.Context", v)
		}
		f.ctx = ctx
		return nil
	case i == 1 && f.h.r.decl.In != nil:
		in, ok := v.(In)
		if !ok {
			return aop.ArgTypeError("argument", i, f.h.r.decl.In.String(), v)
		}
		f.in = in
		return nil
	}
	return aop.IndexError("argument", i, f.NumArgs())
}

func (f *frame[C, In, Out]) NumResults() int {
	if f.h.r.decl.Out == nil {
		return 0
	}
	return 1
}

func (f *frame[C, In, Out]) Result(i int) any {
	if i == 0 && f.h.r.decl.Out != nil {
		return f.out
	}
	panic(aop.IndexError("result", i, f.NumResults()))
}

func (f *frame[C, In, Out]) SetResult(i int, v any) error {
	if i != 0 || f.h.r.decl.Out == nil {
		return aop.IndexError("result", i, f.NumResults())
	}
	out, ok := v.(Out)
	if !ok && v != nil {
		return aop.ArgTypeError("result", i, f.h.r.decl.Out.String(), v)
	}
	f.out = out
	return nil
}

func (f *frame[C, In, Out]) Invoke() error {
	out, err := f.h.fn(f.target, f.ctx, f.in)
	f.out = out
	return err
}

// call runs the handler inside its AOP middleware chain.
func (h *handler[C, In, Out]) call(target C, ctx context.Context, in In) (Out, error) {
	f := h.chain.Acquire(h.newFrame).(*frame[C, In, Out])
	f.target, f.ctx, f.in = target, ctx, in
	err := h.chain.Run(&f.Call)
	out := f.out
	var zc C
	var zi In
	var zo Out
	f.target, f.ctx, f.in, f.out = zc, nil, zi, zo
	h.chain.Release(&f.Call)
	return out, err
}

func (h *handler[C, In, Out]) newFrame() aop.Frame {
	f := &frame[C, In, Out]{h: h}
	f.Bind(f)
	return f
}
