package aop_test

// A hand-written proxy in exactly the shape `teggo gen` emits (see the
// generator's golden files), for a small service with every kind of
// signature: ctx + arg with (string, error) results, variadic, no results,
// only an error, several results, no ctx.

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/teggo/teggo/aop"
)

// recorder collects what targets and advice see, in order.
type recorder struct {
	mu sync.Mutex
	ev []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	r.ev = append(r.ev, s)
	r.mu.Unlock()
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev := r.ev
	r.ev = nil
	return ev
}

type Input struct {
	Title string
	Blob  *[]byte
}

type ctxKey string

var errTarget = errors.New("target failed")

// Svc is the proxied service.
type Svc struct {
	log   *recorder
	name  string // tells instances apart (context targets)
	flaky int    // Create("flaky") fails while flaky > 0
}

func (s *Svc) Create(ctx context.Context, in Input) (string, error) {
	tag := ""
	if v, ok := ctx.Value(ctxKey("tag")).(string); ok {
		tag = "[" + v + "]"
	}
	s.log.add("target:Create(" + in.Title + ")" + tag)
	switch in.Title {
	case "fail":
		return "partial", errTarget
	case "panic":
		panic("boom")
	case "flaky":
		if s.flaky > 0 {
			s.flaky--
			return "", errTarget
		}
	}
	return s.name + "created:" + in.Title, nil
}

func (s *Svc) Join(ctx context.Context, sep string, parts ...string) (string, error) {
	s.log.add("target:Join(" + strings.Join(parts, ",") + ")")
	return strings.Join(parts, sep), nil
}

func (s *Svc) Touch(ctx context.Context, key string) {
	s.log.add("target:Touch(" + key + ")")
}

func (s *Svc) Check(ctx context.Context, n int) error {
	s.log.add("target:Check")
	if n < 0 {
		return errTarget
	}
	return nil
}

func (s *Svc) Split(ctx context.Context, in string) (string, int, error) {
	s.log.add("target:Split(" + in + ")")
	return strings.ToUpper(in), len(in), nil
}

func (s *Svc) Upper(in string) string {
	s.log.add("target:Upper(" + in + ")")
	return strings.ToUpper(in)
}

// SvcAPI is what the container injects: the proxy implements it.
type SvcAPI interface {
	Create(ctx context.Context, in Input) (string, error)
	Join(ctx context.Context, sep string, parts ...string) (string, error)
	Touch(ctx context.Context, key string)
	Check(ctx context.Context, n int) error
	Split(ctx context.Context, in string) (string, int, error)
	Upper(in string) string
}

// svcMethods is the descriptor's Methods order, which chains follow.
var svcMethods = []string{"Create", "Join", "Touch", "Check", "Split", "Upper"}

// ---- generated shape starts here ----

type SvcProxy struct {
	target  *Svc
	resolve func(ctx context.Context) (any, error)
	chains  []*aop.Chain
}

func newSvcProxy(t aop.Target, chains []*aop.Chain) any {
	p := &SvcProxy{resolve: t.Resolve, chains: chains}
	if t.Object != nil {
		p.target = t.Object.(*Svc)
	}
	return p
}

var _ aop.ProxyFactory = newSvcProxy

// Create

type svcCreateFrame struct {
	aop.Call
	t  *Svc
	a0 context.Context
	a1 Input
	r0 string
	r1 error
}

func newSvcCreateFrame() aop.Frame { f := new(svcCreateFrame); f.Bind(f); return f }

func (f *svcCreateFrame) Target() any              { return f.t }
func (f *svcCreateFrame) Context() context.Context { return f.a0 }
func (f *svcCreateFrame) NumArgs() int             { return 2 }
func (f *svcCreateFrame) Arg(i int) any {
	switch i {
	case 0:
		return f.a0
	case 1:
		return f.a1
	}
	panic(aop.IndexError("argument", i, 2))
}
func (f *svcCreateFrame) SetArg(i int, v any) error {
	switch i {
	case 0:
		x, ok := v.(context.Context)
		if !ok {
			return aop.ArgTypeError("argument", i, "context.Context", v)
		}
		f.a0 = x
		return nil
	case 1:
		x, ok := v.(Input)
		if !ok {
			return aop.ArgTypeError("argument", i, "aop_test.Input", v)
		}
		f.a1 = x
		return nil
	}
	return aop.IndexError("argument", i, 2)
}
func (f *svcCreateFrame) NumResults() int { return 1 }
func (f *svcCreateFrame) Result(i int) any {
	switch i {
	case 0:
		return f.r0
	}
	panic(aop.IndexError("result", i, 1))
}
func (f *svcCreateFrame) SetResult(i int, v any) error {
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
func (f *svcCreateFrame) Invoke() error { f.r0, f.r1 = f.t.Create(f.a0, f.a1); return f.r1 }

func (p *SvcProxy) Create(ctx context.Context, in Input) (string, error) {
	t := p.target
	if t == nil {
		o, err := p.resolve(ctx)
		if err != nil {
			var r0 string
			return r0, err
		}
		t = o.(*Svc)
	}
	ch := p.chains[0]
	if ch == nil {
		return t.Create(ctx, in)
	}
	f := ch.Acquire(newSvcCreateFrame).(*svcCreateFrame)
	f.t, f.a0, f.a1 = t, ctx, in
	err := ch.Run(&f.Call)
	r0 := f.r0
	f.t, f.a0, f.a1, f.r0, f.r1 = nil, nil, Input{}, "", nil
	ch.Release(&f.Call)
	return r0, err
}

// Join (variadic)

type svcJoinFrame struct {
	aop.Call
	t  *Svc
	a0 context.Context
	a1 string
	a2 []string
	r0 string
	r1 error
}

func newSvcJoinFrame() aop.Frame { f := new(svcJoinFrame); f.Bind(f); return f }

func (f *svcJoinFrame) Target() any              { return f.t }
func (f *svcJoinFrame) Context() context.Context { return f.a0 }
func (f *svcJoinFrame) NumArgs() int             { return 3 }
func (f *svcJoinFrame) Arg(i int) any {
	switch i {
	case 0:
		return f.a0
	case 1:
		return f.a1
	case 2:
		return f.a2
	}
	panic(aop.IndexError("argument", i, 3))
}
func (f *svcJoinFrame) SetArg(i int, v any) error {
	switch i {
	case 0:
		x, ok := v.(context.Context)
		if !ok {
			return aop.ArgTypeError("argument", i, "context.Context", v)
		}
		f.a0 = x
		return nil
	case 1:
		x, ok := v.(string)
		if !ok {
			return aop.ArgTypeError("argument", i, "string", v)
		}
		f.a1 = x
		return nil
	case 2:
		x, ok := v.([]string)
		if !ok {
			return aop.ArgTypeError("argument", i, "[]string", v)
		}
		f.a2 = x
		return nil
	}
	return aop.IndexError("argument", i, 3)
}
func (f *svcJoinFrame) NumResults() int { return 1 }
func (f *svcJoinFrame) Result(i int) any {
	switch i {
	case 0:
		return f.r0
	}
	panic(aop.IndexError("result", i, 1))
}
func (f *svcJoinFrame) SetResult(i int, v any) error {
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
func (f *svcJoinFrame) Invoke() error { f.r0, f.r1 = f.t.Join(f.a0, f.a1, f.a2...); return f.r1 }

func (p *SvcProxy) Join(ctx context.Context, sep string, parts ...string) (string, error) {
	t := p.target
	if t == nil {
		o, err := p.resolve(ctx)
		if err != nil {
			var r0 string
			return r0, err
		}
		t = o.(*Svc)
	}
	ch := p.chains[1]
	if ch == nil {
		return t.Join(ctx, sep, parts...)
	}
	f := ch.Acquire(newSvcJoinFrame).(*svcJoinFrame)
	f.t, f.a0, f.a1, f.a2 = t, ctx, sep, parts
	err := ch.Run(&f.Call)
	r0 := f.r0
	f.t, f.a0, f.a1, f.a2, f.r0, f.r1 = nil, nil, "", nil, "", nil
	ch.Release(&f.Call)
	return r0, err
}

// Touch (no results)

type svcTouchFrame struct {
	aop.Call
	t  *Svc
	a0 context.Context
	a1 string
}

func newSvcTouchFrame() aop.Frame { f := new(svcTouchFrame); f.Bind(f); return f }

func (f *svcTouchFrame) Target() any              { return f.t }
func (f *svcTouchFrame) Context() context.Context { return f.a0 }
func (f *svcTouchFrame) NumArgs() int             { return 2 }
func (f *svcTouchFrame) Arg(i int) any {
	switch i {
	case 0:
		return f.a0
	case 1:
		return f.a1
	}
	panic(aop.IndexError("argument", i, 2))
}
func (f *svcTouchFrame) SetArg(i int, v any) error {
	switch i {
	case 0:
		x, ok := v.(context.Context)
		if !ok {
			return aop.ArgTypeError("argument", i, "context.Context", v)
		}
		f.a0 = x
		return nil
	case 1:
		x, ok := v.(string)
		if !ok {
			return aop.ArgTypeError("argument", i, "string", v)
		}
		f.a1 = x
		return nil
	}
	return aop.IndexError("argument", i, 2)
}
func (f *svcTouchFrame) NumResults() int { return 0 }
func (f *svcTouchFrame) Result(i int) any {
	panic(aop.IndexError("result", i, 0))
}
func (f *svcTouchFrame) SetResult(i int, v any) error {
	return aop.IndexError("result", i, 0)
}
func (f *svcTouchFrame) Invoke() error { f.t.Touch(f.a0, f.a1); return nil }

func (p *SvcProxy) Touch(ctx context.Context, key string) {
	t := p.target
	if t == nil {
		o, err := p.resolve(ctx)
		if err != nil {
			panic(err)
		}
		t = o.(*Svc)
	}
	ch := p.chains[2]
	if ch == nil {
		t.Touch(ctx, key)
		return
	}
	f := ch.Acquire(newSvcTouchFrame).(*svcTouchFrame)
	f.t, f.a0, f.a1 = t, ctx, key
	err := ch.Run(&f.Call)
	f.t, f.a0, f.a1 = nil, nil, ""
	ch.Release(&f.Call)
	if err != nil {
		panic(err)
	}
}

// Check (only an error)

type svcCheckFrame struct {
	aop.Call
	t  *Svc
	a0 context.Context
	a1 int
	r0 error
}

func newSvcCheckFrame() aop.Frame { f := new(svcCheckFrame); f.Bind(f); return f }

func (f *svcCheckFrame) Target() any              { return f.t }
func (f *svcCheckFrame) Context() context.Context { return f.a0 }
func (f *svcCheckFrame) NumArgs() int             { return 2 }
func (f *svcCheckFrame) Arg(i int) any {
	switch i {
	case 0:
		return f.a0
	case 1:
		return f.a1
	}
	panic(aop.IndexError("argument", i, 2))
}
func (f *svcCheckFrame) SetArg(i int, v any) error {
	switch i {
	case 0:
		x, ok := v.(context.Context)
		if !ok {
			return aop.ArgTypeError("argument", i, "context.Context", v)
		}
		f.a0 = x
		return nil
	case 1:
		x, ok := v.(int)
		if !ok {
			return aop.ArgTypeError("argument", i, "int", v)
		}
		f.a1 = x
		return nil
	}
	return aop.IndexError("argument", i, 2)
}
func (f *svcCheckFrame) NumResults() int { return 0 }
func (f *svcCheckFrame) Result(i int) any {
	panic(aop.IndexError("result", i, 0))
}
func (f *svcCheckFrame) SetResult(i int, v any) error {
	return aop.IndexError("result", i, 0)
}
func (f *svcCheckFrame) Invoke() error { f.r0 = f.t.Check(f.a0, f.a1); return f.r0 }

func (p *SvcProxy) Check(ctx context.Context, n int) error {
	t := p.target
	if t == nil {
		o, err := p.resolve(ctx)
		if err != nil {
			return err
		}
		t = o.(*Svc)
	}
	ch := p.chains[3]
	if ch == nil {
		return t.Check(ctx, n)
	}
	f := ch.Acquire(newSvcCheckFrame).(*svcCheckFrame)
	f.t, f.a0, f.a1 = t, ctx, n
	err := ch.Run(&f.Call)
	f.t, f.a0, f.a1, f.r0 = nil, nil, 0, nil
	ch.Release(&f.Call)
	return err
}

// Split (several results)

type svcSplitFrame struct {
	aop.Call
	t  *Svc
	a0 context.Context
	a1 string
	r0 string
	r1 int
	r2 error
}

func newSvcSplitFrame() aop.Frame { f := new(svcSplitFrame); f.Bind(f); return f }

func (f *svcSplitFrame) Target() any              { return f.t }
func (f *svcSplitFrame) Context() context.Context { return f.a0 }
func (f *svcSplitFrame) NumArgs() int             { return 2 }
func (f *svcSplitFrame) Arg(i int) any {
	switch i {
	case 0:
		return f.a0
	case 1:
		return f.a1
	}
	panic(aop.IndexError("argument", i, 2))
}
func (f *svcSplitFrame) SetArg(i int, v any) error {
	switch i {
	case 0:
		x, ok := v.(context.Context)
		if !ok {
			return aop.ArgTypeError("argument", i, "context.Context", v)
		}
		f.a0 = x
		return nil
	case 1:
		x, ok := v.(string)
		if !ok {
			return aop.ArgTypeError("argument", i, "string", v)
		}
		f.a1 = x
		return nil
	}
	return aop.IndexError("argument", i, 2)
}
func (f *svcSplitFrame) NumResults() int { return 2 }
func (f *svcSplitFrame) Result(i int) any {
	switch i {
	case 0:
		return f.r0
	case 1:
		return f.r1
	}
	panic(aop.IndexError("result", i, 2))
}
func (f *svcSplitFrame) SetResult(i int, v any) error {
	switch i {
	case 0:
		x, ok := v.(string)
		if !ok {
			return aop.ArgTypeError("result", i, "string", v)
		}
		f.r0 = x
		return nil
	case 1:
		x, ok := v.(int)
		if !ok {
			return aop.ArgTypeError("result", i, "int", v)
		}
		f.r1 = x
		return nil
	}
	return aop.IndexError("result", i, 2)
}
func (f *svcSplitFrame) Invoke() error { f.r0, f.r1, f.r2 = f.t.Split(f.a0, f.a1); return f.r2 }

func (p *SvcProxy) Split(ctx context.Context, in string) (string, int, error) {
	t := p.target
	if t == nil {
		o, err := p.resolve(ctx)
		if err != nil {
			var r0 string
			var r1 int
			return r0, r1, err
		}
		t = o.(*Svc)
	}
	ch := p.chains[4]
	if ch == nil {
		return t.Split(ctx, in)
	}
	f := ch.Acquire(newSvcSplitFrame).(*svcSplitFrame)
	f.t, f.a0, f.a1 = t, ctx, in
	err := ch.Run(&f.Call)
	r0, r1 := f.r0, f.r1
	f.t, f.a0, f.a1, f.r0, f.r1, f.r2 = nil, nil, "", "", 0, nil
	ch.Release(&f.Call)
	return r0, r1, err
}

// Upper (no ctx, no error)

type svcUpperFrame struct {
	aop.Call
	t  *Svc
	a0 string
	r0 string
}

func newSvcUpperFrame() aop.Frame { f := new(svcUpperFrame); f.Bind(f); return f }

func (f *svcUpperFrame) Target() any              { return f.t }
func (f *svcUpperFrame) Context() context.Context { return nil }
func (f *svcUpperFrame) NumArgs() int             { return 1 }
func (f *svcUpperFrame) Arg(i int) any {
	switch i {
	case 0:
		return f.a0
	}
	panic(aop.IndexError("argument", i, 1))
}
func (f *svcUpperFrame) SetArg(i int, v any) error {
	switch i {
	case 0:
		x, ok := v.(string)
		if !ok {
			return aop.ArgTypeError("argument", i, "string", v)
		}
		f.a0 = x
		return nil
	}
	return aop.IndexError("argument", i, 1)
}
func (f *svcUpperFrame) NumResults() int { return 1 }
func (f *svcUpperFrame) Result(i int) any {
	switch i {
	case 0:
		return f.r0
	}
	panic(aop.IndexError("result", i, 1))
}
func (f *svcUpperFrame) SetResult(i int, v any) error {
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
func (f *svcUpperFrame) Invoke() error { f.r0 = f.t.Upper(f.a0); return nil }

func (p *SvcProxy) Upper(in string) string {
	t := p.target
	if t == nil {
		o, err := p.resolve(context.Background())
		if err != nil {
			panic(err)
		}
		t = o.(*Svc)
	}
	ch := p.chains[5]
	if ch == nil {
		return t.Upper(in)
	}
	f := ch.Acquire(newSvcUpperFrame).(*svcUpperFrame)
	f.t, f.a0 = t, in
	err := ch.Run(&f.Call)
	r0 := f.r0
	f.t, f.a0, f.r0 = nil, "", ""
	ch.Release(&f.Call)
	if err != nil {
		panic(err)
	}
	return r0
}
