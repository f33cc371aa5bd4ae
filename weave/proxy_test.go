package weave_test

// A proxy in exactly the shape `teggo gen` emits (see the
// generator's golden files), for a small service with every kind of
// signature: ctx + arg with (string, error) results, variadic, no results,
// only an error, several results, no ctx.

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/teggo/teggo/weave"
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

type svcProxy struct{ w weave.Proxy[*Svc] }

func newSvcProxy(t weave.Target, ch []*weave.Chain) any {
	return &svcProxy{weave.NewProxy[*Svc](t, ch, 6)}
}

var _ weave.Factory = newSvcProxy

func (p *svcProxy) Create(ctx context.Context, in Input) (string, error) {
	if t := p.w.Fixed; t != nil && p.w.Chains[0] == nil {
		return t.Create(ctx, in)
	}
	return weave.CallA2R1(&p.w, 0, (*Svc).Create, ctx, in)
}

func (p *svcProxy) Join(ctx context.Context, sep string, parts ...string) (string, error) {
	if t := p.w.Fixed; t != nil && p.w.Chains[1] == nil {
		return t.Join(ctx, sep, parts...)
	}
	return weave.CallA3R1(&p.w, 1, func(t *Svc, a0 context.Context, a1 string, a2 []string) (string, error) { return t.Join(a0, a1, a2...) }, ctx, sep, parts)
}

func (p *svcProxy) Touch(ctx context.Context, key string) {
	if t := p.w.Fixed; t != nil && p.w.Chains[2] == nil {
		t.Touch(ctx, key)
		return
	}
	weave.Check(weave.CallA2R0(&p.w, 2, func(t *Svc, a0 context.Context, a1 string) error { t.Touch(a0, a1); return nil }, ctx, key))
}

func (p *svcProxy) Check(ctx context.Context, n int) error {
	if t := p.w.Fixed; t != nil && p.w.Chains[3] == nil {
		return t.Check(ctx, n)
	}
	return weave.CallA2R0(&p.w, 3, (*Svc).Check, ctx, n)
}

func (p *svcProxy) Split(ctx context.Context, in string) (string, int, error) {
	if t := p.w.Fixed; t != nil && p.w.Chains[4] == nil {
		return t.Split(ctx, in)
	}
	return weave.CallA2R2(&p.w, 4, (*Svc).Split, ctx, in)
}

func (p *svcProxy) Upper(in string) string {
	if t := p.w.Fixed; t != nil && p.w.Chains[5] == nil {
		return t.Upper(in)
	}
	return weave.Must(weave.CallA1R1(&p.w, 5, func(t *Svc, a0 string) (string, error) { return t.Upper(a0), nil }, in))
}
