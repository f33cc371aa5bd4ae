package e2e

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/weave"
)

// around is an Around advice made of a func.
type around func(c aop.Call, next aop.Next) error

func (f around) Around(c aop.Call, next aop.Next) error { return f(c, next) }

func descriptor(t *testing.T, typ reflect.Type) proto.Descriptor {
	t.Helper()
	for _, d := range Module().Protos {
		if d.Type == typ {
			return d
		}
	}
	t.Fatalf("no descriptor for %v", typ)
	return proto.Descriptor{}
}

var topicType = reflect.TypeFor[TopicService]()

// methodIndex returns the chain index of a method.
func methodIndex(t *testing.T, name string) int {
	t.Helper()
	i := slices.IndexFunc(descriptor(t, topicType).Methods, func(m proto.Method) bool { return m.Name == name })
	if i < 0 {
		t.Fatalf("no method %s", name)
	}
	return i
}

// proxyWith makes a TopicService proxy with one hand-built chain on method.
func proxyWith(t *testing.T, svc *TopicService, method string, advice ...any) *topicServiceProxy {
	t.Helper()
	d := descriptor(t, topicType)
	chains := make([]*weave.Chain, len(d.Methods))
	var list []weave.Advice
	for _, a := range advice {
		list = append(list, weave.Advice{Name: reflect.TypeOf(a).String(), Instance: a})
	}
	chains[methodIndex(t, method)] = weave.NewChain("TopicService", method, list)
	return d.Proxy(weave.Target{Object: svc}, chains).(*topicServiceProxy)
}

func newService() *TopicService {
	return &TopicService{Base: Base{name: "base"}, Repo: &MemRepo{}, Label: "abc"}
}

// TestModuleMatchesReflection checks that the generated descriptors hold
// what the container would read by reflection.
func TestModuleMatchesReflection(t *testing.T) {
	mod := Module()
	if mod.Path != "github.com/teggo/teggo/internal/gen/e2e" {
		t.Errorf("Path = %q", mod.Path)
	}
	if len(mod.Protos) != 6 {
		t.Fatalf("%d protos, want 6", len(mod.Protos))
	}
	for _, d := range mod.Protos {
		typ := d.Type
		if d.New == nil || reflect.TypeOf(d.New()) != reflect.PointerTo(typ) {
			t.Errorf("%v: New makes %T", typ, d.New())
		}
		if d.Pos.File != "internal/gen/e2e/e2e.go" || d.Pos.Line == 0 {
			t.Errorf("%v: Pos = %v", typ, d.Pos)
		}
		var want []proto.Field
		for i := 1; i < typ.NumField(); i++ {
			sf := typ.Field(i)
			tag, err := proto.ParseFieldTag(sf.Tag)
			if err != nil {
				t.Fatal(err)
			}
			if tag.Inject {
				want = append(want, proto.Field{Name: sf.Name, Type: sf.Type, Offset: sf.Offset, Tag: tag})
			}
		}
		if len(d.Fields) != len(want) {
			t.Fatalf("%v: %d fields, want %d", typ, len(d.Fields), len(want))
		}
		for i, f := range d.Fields {
			w := want[i]
			if f.Name != w.Name || f.Type != w.Type || !reflect.DeepEqual(f.Tag, w.Tag) || f.Set == nil && f.Offset != w.Offset {
				t.Errorf("%v field %d = %+v, want %+v", typ, i, f, w)
			}
		}
		if d.Proxy == nil {
			if len(d.Methods) > 0 {
				t.Errorf("%v: %d methods without a proxy", typ, len(d.Methods))
			}
			continue
		}
		ptr := reflect.PointerTo(typ)
		var methods []reflect.Method
		for i := range ptr.NumMethod() {
			if !proto.IsHook(ptr.Method(i).Name) {
				methods = append(methods, ptr.Method(i))
			}
		}
		if len(d.Methods) != len(methods) {
			t.Fatalf("%v: %d methods, reflect has %d", typ, len(d.Methods), len(methods))
		}
		for i, m := range d.Methods {
			rm := methods[i]
			ctxFirst := rm.Type.NumIn() > 1 && rm.Type.In(1) == reflect.TypeFor[context.Context]()
			if m.Name != rm.Name || m.CtxFirst != ctxFirst {
				t.Errorf("%v method %d = %+v, reflect has %s ctx=%v", typ, i, m, rm.Name, ctxFirst)
			}
		}
		if (d.Proxy != nil) != (len(d.Methods) > 0) {
			t.Errorf("%v: Proxy set = %v with %d methods", typ, d.Proxy != nil, len(d.Methods))
		}
	}
	d := descriptor(t, topicType)
	if d.Name != "topics" || d.InitType != proto.InitSingleton || d.Access != proto.Public || d.Qualifiers.String() != "tier=gold" {
		t.Errorf("marker = %q %v %v %v", d.Name, d.InitType, d.Access, d.Qualifiers)
	}
	// a pointer-shaped field gets its offset, another a typed setter
	svc := new(TopicService)
	d.Fields[1].Set(svc, "lbl")
	if d.Fields[0].Set != nil || d.Fields[0].Offset != unsafe.Offsetof(svc.Repo) || svc.Label != "lbl" {
		t.Errorf("fields: %+v, %+v", d.Fields[0], svc)
	}
	if errs := weave.DeclErrors(mod.Decls); len(errs) > 0 {
		t.Errorf("invalid decls: %v", errs)
	}
}

// TestPlannedChains builds every chain from the generated Decls, as a
// container does, and runs calls through them.
func TestPlannedChains(t *testing.T) {
	mod := Module()
	tx, trace, metrics := &Tx{}, &Trace{}, &Metrics{}
	inst := map[reflect.Type]any{
		reflect.TypeFor[Tx](): tx, reflect.TypeFor[Trace](): trace, reflect.TypeFor[Metrics](): metrics,
	}
	d := descriptor(t, topicType)
	chains := make([]*weave.Chain, len(d.Methods))
	plans := map[string][]string{}
	for i, m := range d.Methods {
		var list []weave.Advice
		for _, pa := range weave.Plan(mod.Decls, topicType, m.Name) {
			list = append(list, weave.Advice{Name: pa.AdviceType.Name(), Instance: inst[pa.AdviceType], Params: pa.Params, Order: pa.Order})
			plans[m.Name] = append(plans[m.Name], pa.AdviceType.Name())
		}
		chains[i] = weave.NewChain("TopicService", m.Name, list)
	}
	want := map[string][]string{"Create": {"Trace", "Tx"}, "Sum": {"Metrics", "Trace"}, "Split": {"Metrics"}}
	if !reflect.DeepEqual(plans, want) {
		t.Fatalf("plans = %v, want %v", plans, want)
	}
	p := d.Proxy(weave.Target{Object: newService()}, chains).(*topicServiceProxy)
	ctx := context.Background()
	if id, err := p.Create(ctx, CreateTopic{Title: "go", Tags: []string{"x"}}); id != "1:go+x" || err != nil {
		t.Errorf("Create = %q, %v", id, err)
	}
	if n, err := p.Sum(ctx, 1, 2, 3); n != 6 || err != nil {
		t.Errorf("Sum = %d, %v", n, err)
	}
	if a, b := p.Split(ctx, "a/b"); a != "a" || b != "b" {
		t.Errorf("Split = %q %q", a, b)
	}
	if got := p.Describe("> "); got != "> base" {
		t.Errorf("Describe = %q", got)
	}
	if !reflect.DeepEqual(tx.Calls, []string{"TopicService.Create requires_new"}) {
		t.Errorf("Tx.Calls = %v", tx.Calls)
	}
	wantLog := []string{"before Create", "return Create", "finally Create", "before Sum", "return Sum", "finally Sum"}
	if !reflect.DeepEqual(trace.Log, wantLog) {
		t.Errorf("Trace.Log = %v", trace.Log)
	}
	if !reflect.DeepEqual(metrics.Seen, []string{"Sum", "Split"}) {
		t.Errorf("Metrics.Seen = %v", metrics.Seen)
	}
}

// TestNoAdvice calls straight through with nil chains.
func TestNoAdvice(t *testing.T) {
	p := descriptor(t, topicType).Proxy(weave.Target{Object: newService()}, nil).(*topicServiceProxy)
	var _ TopicRepo = descriptor(t, reflect.TypeFor[MemRepo]()).Proxy(weave.Target{Object: &MemRepo{}}, nil).(*memRepoProxy)
	if id, err := p.Create(context.Background(), CreateTopic{Title: "a"}); id != "1:a" || err != nil {
		t.Errorf("Create = %q, %v", id, err)
	}
	if p.Count() != 3 {
		t.Errorf("Count = %d", p.Count())
	}
	p.Touch(context.Background(), "x")
}

// TestArgsAndResults reads and replaces arguments and results in a frame.
func TestArgsAndResults(t *testing.T) {
	ctx := context.WithValue(context.Background(), "k", "v")
	var checks []string
	check := func(ok bool, what string) {
		if !ok {
			checks = append(checks, what)
		}
	}
	p := proxyWith(t, newService(), "Create", around(func(c aop.Call, next aop.Next) error {
		check(c.NumArgs() == 2 && c.NumResults() == 1, "counts")
		check(c.Context() == ctx && c.Arg(0) == ctx, "context")
		in, ok := c.Arg(1).(CreateTopic)
		check(ok && in.Title == "orig", "Arg(1)")
		check(c.SetArg(1, CreateTopic{Title: "new"}) == nil, "SetArg")
		err := c.SetArg(1, 42)
		check(err != nil && strings.Contains(err.Error(), "cannot use int as e2e.CreateTopic"), "SetArg wrong type: "+errString(err))
		check(c.SetArg(0, nil) == nil && c.SetArg(0, ctx) == nil, "SetArg nil interface")
		check(c.SetArg(2, 1) != nil, "SetArg out of range")
		check(panics(func() { c.Arg(2) }), "Arg out of range")
		if err := next(); err != nil {
			return err
		}
		check(c.Result(0) == "1:new", "Result(0)")
		check(c.SetResult(0, "replaced") == nil, "SetResult")
		check(c.SetResult(0, 1) != nil && c.SetResult(1, "") != nil, "SetResult errors")
		_, isSvc := c.Target().(*TopicService)
		check(isSvc, "Target")
		return nil
	}))
	id, err := p.Create(ctx, CreateTopic{Title: "orig"})
	if id != "replaced" || err != nil {
		t.Errorf("Create = %q, %v", id, err)
	}
	if len(checks) > 0 {
		t.Errorf("failed: %v", checks)
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func panics(f func()) (did bool) {
	defer func() { did = recover() != nil }()
	f()
	return false
}

// TestVariadic reads and replaces a variadic argument.
func TestVariadic(t *testing.T) {
	var seen any
	p := proxyWith(t, newService(), "Sum", around(func(c aop.Call, next aop.Next) error {
		seen = c.Arg(2)
		if err := c.SetArg(2, []int{100}); err != nil {
			return err
		}
		return next()
	}))
	n, err := p.Sum(context.Background(), 1, 2, 3)
	if n != 101 || err != nil || !reflect.DeepEqual(seen, []int{2, 3}) {
		t.Errorf("Sum = %d, %v; seen %v", n, err, seen)
	}
	if n, _ := p.Sum(context.Background(), 5); n != 105 {
		t.Errorf("Sum(5) = %d", n)
	}
}

// TestErrors covers a swallowed error and an advice error on a method
// without an error result.
func TestErrors(t *testing.T) {
	trace := &Trace{}
	p := proxyWith(t, newService(), "Create", trace, around(func(c aop.Call, next aop.Next) error {
		if err := next(); !errors.Is(err, ErrEmpty) {
			t.Errorf("next = %v", err)
		}
		return c.SetResult(0, "fallback")
	}))
	if id, err := p.Create(context.Background(), CreateTopic{}); id != "fallback" || err != nil {
		t.Errorf("Create = %q, %v", id, err)
	}
	boom := errors.New("boom")
	p = proxyWith(t, newService(), "Split", around(func(aop.Call, aop.Next) error { return boom }))
	defer func() {
		if r := recover(); r != boom {
			t.Errorf("recovered %v, want boom", r)
		}
	}()
	p.Split(context.Background(), "a/b")
}

// TestPanic runs AfterThrow and AfterFinally, then keeps panicking.
func TestPanic(t *testing.T) {
	trace := &Trace{}
	p := proxyWith(t, newService(), "Boom", trace)
	func() {
		defer func() {
			if r := recover(); r != "kaboom" {
				t.Errorf("recovered %v", r)
			}
		}()
		_ = p.Boom(context.Background(), "kaboom")
	}()
	want := []string{"before Boom", "throw Boom: aop: panic: kaboom", "finally Boom"}
	if !reflect.DeepEqual(trace.Log, want) {
		t.Errorf("Log = %v", trace.Log)
	}
}

// TestPooledFramesZeroed checks that a released frame retains nothing.
func TestPooledFramesZeroed(t *testing.T) {
	var kept aop.Call
	p := proxyWith(t, newService(), "Create", around(func(c aop.Call, next aop.Next) error {
		kept = c // advice must not keep a Call; this test does, to look at it afterwards
		return next()
	}))
	if _, err := p.Create(context.Background(), CreateTopic{Title: "t", Tags: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	if kept.Target() != (*TopicService)(nil) || kept.Arg(0) != nil || !reflect.DeepEqual(kept.Arg(1), CreateTopic{}) || kept.Result(0) != "" {
		t.Errorf("released frame holds target=%v args=%v,%v result=%v", kept.Target(), kept.Arg(0), kept.Arg(1), kept.Result(0))
	}
	var keptSum aop.Call
	p = proxyWith(t, newService(), "Sum", around(func(c aop.Call, next aop.Next) error { keptSum = c; return next() }))
	_, _ = p.Sum(context.Background(), 1, 2)
	if s := keptSum.Arg(2).([]int); s != nil {
		t.Errorf("variadic slice not cleared: %v", s)
	}
}

// TestResolve covers a proxy without a fixed target.
func TestResolve(t *testing.T) {
	d := descriptor(t, reflect.TypeFor[RequestInfo]())
	type key struct{}
	resolve := func(ctx context.Context) (any, error) {
		if u, ok := ctx.Value(key{}).(string); ok {
			return &RequestInfo{User: u}, nil
		}
		return nil, errors.New("no scope")
	}
	p := d.Proxy(weave.Target{Resolve: resolve}, nil).(*requestInfoProxy)
	if who := p.Who(context.WithValue(context.Background(), key{}, "ann")); who != "ann" {
		t.Errorf("Who = %q", who)
	}
	if !panics(func() { p.Who(context.Background()) }) {
		t.Error("Who without scope: want a panic (no error result)")
	}

	ts := descriptor(t, topicType).Proxy(weave.Target{Resolve: func(ctx context.Context) (any, error) {
		return nil, errors.New("no scope")
	}}, nil).(*topicServiceProxy)
	if id, err := ts.Create(context.Background(), CreateTopic{Title: "x"}); id != "" || err == nil {
		t.Errorf("Create = %q, %v; want the resolve error", id, err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "without a context.Context first parameter needs a fixed target") {
			t.Errorf("Count: recovered %v", r)
		}
	}()
	ts.Count()
}

// TestChainCount rejects a chains slice of the wrong length.
func TestChainCount(t *testing.T) {
	d := descriptor(t, topicType)
	if !panics(func() { d.Proxy(weave.Target{Object: newService()}, make([]*weave.Chain, 1)) }) {
		t.Error("want a panic")
	}
}
