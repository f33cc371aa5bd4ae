package http

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"unsafe"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/weave"
)

// routeHandler is what a route declaration builds: the typed handler,
// called with the request's context.
type routeHandler interface {
	serve(c echo.Context, ctx context.Context) error
}

// handler serves one route with a typed call of its method: nothing on the
// request path uses reflection.
type handler[C, In, Out any] struct {
	fn     func(C, context.Context, In) (Out, error)
	m      *mount
	r      *route
	ctrl   C    // the controller, when it is a singleton
	scoped bool // the controller is a context proto: resolved per request
	bind   *bindPlan
	chain  *weave.Chain // the method's advice, nil when none applies
	// advised runs the method inside chain with the method's own
	// arguments: an adapted handler (NoIn, NoOut) without its None.
	advised func(t C, ctx context.Context, in In) (Out, error)
	out     outPlan
	// inputs holds *In to bind into: the handler gets a copy, so the
	// input itself never escapes to the heap per request
	inputs sync.Pool
}

func newHandler[C, In, Out any](m *mount, r *route, fn func(C, context.Context, In) (Out, error), orig any) (routeHandler, error) {
	h := &handler[C, In, Out]{fn: fn, m: m, r: r, bind: r.plan, out: planOut(reflect.TypeFor[Out]())}
	h.inputs.New = func() any { return new(In) }
	ctrl, err := container.Lookup[C](m.c)
	switch {
	case err == nil:
		h.ctrl = ctrl
	case container.CodeOf(err) == container.CodeNoScope:
		h.scoped = true
	default:
		return nil, err
	}
	h.chain = m.c.AdviceChain(r.decl.controller, r.decl.handler)
	h.advised = advisedCall[C, In, Out](h.chain, fn, orig)
	return h, nil
}

// advisedCall returns the call of a route's method inside ch, with the
// arity of the method itself: orig is the method an adapter wraps (or fn).
func advisedCall[C, In, Out any](ch *weave.Chain, fn func(C, context.Context, In) (Out, error), orig any) func(C, context.Context, In) (Out, error) {
	switch o := orig.(type) {
	case func(C, context.Context) (Out, error): // NoIn
		return func(t C, ctx context.Context, _ In) (Out, error) { return weave.RunA1R1(ch, o, t, ctx) }
	case func(C, context.Context, In) error: // NoOut
		return func(t C, ctx context.Context, in In) (Out, error) {
			var out Out
			return out, weave.RunA2R0(ch, o, t, ctx, in)
		}
	case func(C, context.Context) error: // NoInOut
		return func(t C, ctx context.Context, _ In) (Out, error) {
			var out Out
			return out, weave.RunA1R0(ch, o, t, ctx)
		}
	}
	return func(t C, ctx context.Context, in In) (Out, error) { return weave.RunA2R1(ch, fn, t, ctx, in) }
}

func (h *handler[C, In, Out]) serve(c echo.Context, ctx context.Context) error {
	if d := h.r.timeout; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	var in In
	if h.bind != nil && h.bind.pathOnly {
		h.bind.bindPath(c, unsafe.Pointer(&in))
	} else if h.bind != nil {
		ip := h.inputs.Get().(*In)
		err := h.bindInput(c, ip)
		in = *ip
		*ip = *new(In)
		h.inputs.Put(ip)
		if err != nil {
			return err
		}
	}
	target := h.ctrl
	if h.scoped {
		t, err := container.Get[C](ctx)
		if err != nil {
			return err
		}
		target = t
	}
	var out Out
	var err error
	if h.chain == nil {
		out, err = h.fn(target, ctx, in)
	} else {
		out, err = h.advised(target, ctx, in)
	}
	if h.r.timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) && !own5xx(err) {
		return &timeoutError{err: err}
	}
	if err != nil {
		return err
	}
	return h.respond(c, ctx, out)
}

// own5xx reports an error that carries its own 5xx status: it stays what
// it is when the deadline passed too.
func own5xx(err error) bool {
	var coded interface{ StatusCode() int }
	return err != nil && errors.As(err, &coded) && coded.StatusCode() >= 500
}

// bindInput fills in from the request: the JSON body validated as raw JSON
// and then decoded, the parameters parsed and validated, then transforms.
// Every violation of every location is reported at once.
func (h *handler[C, In, Out]) bindInput(c echo.Context, in *In) error {
	p := h.bind
	var bodyViols []Violation
	var omitted int
	if p.body {
		buf, err := h.m.readJSONBody(c.Request())
		if err != nil {
			return err
		}
		data := buf.Bytes()
		if len(data) == 0 {
			data = emptyObject
		}
		// the body as validated, without decoding it again; the types and
		// values the fast path leaves alone go to encoding/json. The
		// decoders copy what they keep (strings are never borrowed), so
		// the validated value's memory can be reused (ValidateDecodedFunc)
		err = p.bodySchema.ValidateDecodedFunc(data, func(tree any) error {
			if p.decode != nil && p.decode(unsafe.Pointer(in), tree) {
				return nil
			}
			var zero In
			*in = zero
			return json.Unmarshal(data, in)
		})
		h.m.putBuf(buf)
		if err != nil {
			bv, n, ok := bodyViolations(err)
			if !ok {
				return err // malformed JSON (400), or encoding/json's error
			}
			bodyViols, omitted = bv, n
		}
	}
	viols, pomitted := p.bindParams(c, unsafe.Pointer(in))
	omitted += pomitted
	if len(bodyViols) > 0 || len(viols) > 0 {
		return &ValidationError{Violations: append(viols, bodyViols...), Omitted: omitted}
	}
	if p.hasTransform {
		if err := h.m.ajv.Transform(in); err != nil {
			return err
		}
	}
	return nil
}

var emptyObject = []byte("{}")
