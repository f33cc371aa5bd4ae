package weave_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"weak"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/weave"
)

// adv is a test advice with every hook; weave.Advice.Kinds picks the hooks a
// test wants. Each hook records what it sees; Around wraps the first string
// result as name(r) and AfterReturn appends |name, so the final value shows
// the nesting and the order.
type adv struct {
	name string
	log  *recorder

	failBefore, failReturn, failThrow, failFinally error
	around                                         func(a *adv, c aop.Call, next aop.Next) error
	before                                         func(c aop.Call) error
	panicThrow, panicFinally                       bool
}

func (a *adv) BeforeCall(c aop.Call) error {
	a.log.add(a.name + ".before")
	if a.before != nil {
		if err := a.before(c); err != nil {
			return err
		}
	}
	return a.failBefore
}

func (a *adv) Around(c aop.Call, next aop.Next) error {
	if a.around != nil {
		return a.around(a, c, next)
	}
	a.log.add(a.name + ".around>")
	err := next()
	wrap(c, a.name+"(", ")")
	a.log.add(a.name + ".around<")
	return err
}

func (a *adv) AfterReturn(c aop.Call) error {
	a.log.add(a.name + ".afterReturn")
	wrap(c, "", "|"+a.name)
	return a.failReturn
}

func (a *adv) AfterThrow(c aop.Call, err error) error {
	a.log.add(a.name + ".afterThrow:" + err.Error())
	if a.panicThrow {
		panic("throw-panic")
	}
	return a.failThrow
}

func (a *adv) AfterFinally(c aop.Call) error {
	a.log.add(a.name + ".afterFinally")
	if a.panicFinally {
		panic("finally-panic")
	}
	return a.failFinally
}

// wrap rewrites the first result when it is a string.
func wrap(c aop.Call, pre, post string) {
	if c.NumResults() == 0 {
		return
	}
	if r, ok := aop.ResultAs[string](c, 0); ok {
		if err := c.SetResult(0, pre+r+post); err != nil {
			panic(err)
		}
	}
}

const allHooks = weave.KindBeforeCall | weave.KindAround | weave.KindAfterReturn | weave.KindAfterThrow | weave.KindAfterFinally

// fixture is a proxy over a Svc with the given advice per method.
type fixture struct {
	log   *recorder
	svc   *Svc
	proxy SvcAPI
}

func newFixture(t *testing.T, advice map[string][]weave.Advice) *fixture {
	t.Helper()
	log := &recorder{}
	svc := &Svc{log: log}
	return &fixture{log: log, svc: svc, proxy: proxyFor(weave.Target{Object: svc}, advice)}
}

func proxyFor(target weave.Target, advice map[string][]weave.Advice) SvcAPI {
	chains := make([]*weave.Chain, len(svcMethods))
	for i, m := range svcMethods {
		chains[i] = weave.NewChain("Svc", m, advice[m])
	}
	return newSvcProxy(target, chains).(SvcAPI)
}

func (f *fixture) adv(name string) *adv { return &adv{name: name, log: f.log} }

func use(a *adv, kinds weave.Kind) weave.Advice {
	return weave.Advice{Name: a.name, Instance: a, Kinds: kinds}
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

var ctx = context.Background()

func TestExecutionOrderSuccess(t *testing.T) {
	f := newFixture(t, nil)
	a, b := f.adv("A"), f.adv("B")
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, allHooks), use(b, allHooks)}})
	r, err := f.proxy.Create(ctx, Input{Title: "x"})
	eq(t, "err", err, nil)
	// Around: A outermost; AfterReturn in list order, not reversed.
	eq(t, "result", r, "A(B(created:x))|A|B")
	eq(t, "events", f.log.take(), []string{
		"A.before", "B.before",
		"A.around>", "B.around>", "target:Create(x)", "B.around<", "A.around<",
		"A.afterReturn", "B.afterReturn",
		"A.afterFinally", "B.afterFinally",
	})
}

func TestNoAdviceCallsTargetDirectly(t *testing.T) {
	f := newFixture(t, nil)
	r, err := f.proxy.Create(ctx, Input{Title: "x"})
	eq(t, "result", r, "created:x")
	eq(t, "err", err, nil)
	if weave.NewChain("Svc", "Create", nil) != nil {
		t.Error("NewChain of an empty list is not nil")
	}
}

func TestBeforeCallFailureIsOutsideTheTry(t *testing.T) {
	f := newFixture(t, nil)
	a, b, c := f.adv("A"), f.adv("B"), f.adv("C")
	errB := errors.New("B refuses")
	b.failBefore = errB
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, allHooks), use(b, allHooks), use(c, allHooks)}})
	_, err := f.proxy.Create(ctx, Input{Title: "x"})
	if err != errB {
		t.Fatalf("err = %v, want B's", err)
	}
	// No later BeforeCall, no target, no AfterThrow, no AfterFinally.
	eq(t, "events", f.log.take(), []string{"A.before", "B.before"})
}

func TestTargetErrorRunsAfterThrowInOrder(t *testing.T) {
	f := newFixture(t, nil)
	a, b := f.adv("A"), f.adv("B")
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, allHooks), use(b, allHooks)}})
	r, err := f.proxy.Create(ctx, Input{Title: "fail"})
	if err != errTarget {
		t.Fatalf("err = %v, want the target's", err)
	}
	eq(t, "result", r, "A(B(partial))")
	eq(t, "events", f.log.take(), []string{
		"A.before", "B.before",
		"A.around>", "B.around>", "target:Create(fail)", "B.around<", "A.around<",
		"A.afterThrow:target failed", "B.afterThrow:target failed",
		"A.afterFinally", "B.afterFinally",
	})
}

func TestAfterReturnErrorIsAFailure(t *testing.T) {
	f := newFixture(t, nil)
	a, b := f.adv("A"), f.adv("B")
	errA := errors.New("A rejects the result")
	a.failReturn = errA
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, allHooks), use(b, allHooks)}})
	_, err := f.proxy.Create(ctx, Input{Title: "x"})
	if err != errA {
		t.Fatalf("err = %v, want A's", err)
	}
	eq(t, "events", f.log.take()[7:], []string{
		"A.afterReturn", // B.afterReturn does not run
		"A.afterThrow:A rejects the result", "B.afterThrow:A rejects the result",
		"A.afterFinally", "B.afterFinally",
	})
}

func TestAfterThrowReplacesTheError(t *testing.T) {
	f := newFixture(t, nil)
	a, b, c := f.adv("A"), f.adv("B"), f.adv("C")
	errB := errors.New("B's error")
	b.failThrow = errB
	hooks := weave.KindAfterThrow | weave.KindAfterFinally
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, hooks), use(b, hooks), use(c, hooks)}})
	_, err := f.proxy.Create(ctx, Input{Title: "fail"})
	if err != errB {
		t.Fatalf("err = %v, want B's replacement", err)
	}
	// A returned nil: that does not swallow the error. B replaced it and
	// ended the catch block: C's AfterThrow did not run. Finally always.
	eq(t, "events", f.log.take(), []string{
		"target:Create(fail)",
		"A.afterThrow:target failed", "B.afterThrow:target failed",
		"A.afterFinally", "B.afterFinally", "C.afterFinally",
	})
}

func TestAfterFinallyErrorRule(t *testing.T) {
	f := newFixture(t, nil)
	a, b, c := f.adv("A"), f.adv("B"), f.adv("C")
	errB := errors.New("B's finally error")
	b.failFinally = errB
	hooks := weave.KindAfterFinally | weave.KindAfterReturn
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, hooks), use(b, hooks), use(c, hooks)}})

	// A successful call fails with the finally error; C's does not run.
	r, err := f.proxy.Create(ctx, Input{Title: "x"})
	if err != errB {
		t.Fatalf("err = %v, want B's", err)
	}
	eq(t, "result", r, "created:x|A|B|C")
	eq(t, "events", f.log.take(), []string{
		"target:Create(x)", "A.afterReturn", "B.afterReturn", "C.afterReturn",
		"A.afterFinally", "B.afterFinally",
	})

	// A failed call: the finally error replaces the call's error.
	_, err = f.proxy.Create(ctx, Input{Title: "fail"})
	if err != errB {
		t.Fatalf("err = %v, want B's", err)
	}
}

func TestAfterFinallyRunsAlways(t *testing.T) {
	f := newFixture(t, nil)
	a := f.adv("A")
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Check": {use(a, weave.KindAfterFinally)}})
	if err := f.proxy.Check(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.proxy.Check(ctx, -1); err != errTarget {
		t.Fatalf("err = %v", err)
	}
	eq(t, "events", f.log.take(), []string{"target:Check", "A.afterFinally", "target:Check", "A.afterFinally"})
}

// catch runs f and returns what it panicked with.
func catch(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

func TestPanicInTargetRunsThrowAndFinallyThenPanics(t *testing.T) {
	f := newFixture(t, nil)
	a, b := f.adv("A"), f.adv("B")
	var seen error
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, allHooks), use(b, allHooks)}})
	v := catch(func() { _, _ = f.proxy.Create(ctx, Input{Title: "panic"}) })
	if v != "boom" {
		t.Fatalf("panic value = %#v, want the original %q", v, "boom")
	}
	eq(t, "events", f.log.take(), []string{
		"A.before", "B.before", "A.around>", "B.around>", "target:Create(panic)",
		"A.afterThrow:aop: panic: boom", "B.afterThrow:aop: panic: boom",
		"A.afterFinally", "B.afterFinally",
	})

	// AfterThrow sees a *aop.PanicError holding the value.
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {{Name: "probe", Instance: throwProbe(func(err error) { seen = err })}}})
	_ = catch(func() { _, _ = f.proxy.Create(ctx, Input{Title: "panic"}) })
	var pe *aop.PanicError
	if !errors.As(seen, &pe) || pe.Value != "boom" {
		t.Fatalf("AfterThrow got %#v, want *aop.PanicError{boom}", seen)
	}

	// The proxy is usable afterwards (the frame was not left half-used).
	f.log.take()
	if r, err := f.proxy.Create(ctx, Input{Title: "ok"}); err != nil || r != "created:ok" {
		t.Fatalf("after a panic: %q, %v", r, err)
	}
}

type throwProbe func(err error)

func (p throwProbe) AfterThrow(c aop.Call, err error) error { p(err); return nil }

func TestPanicInAdvice(t *testing.T) {
	f := newFixture(t, nil)
	a, b := f.adv("A"), f.adv("B")
	b.around = func(a *adv, c aop.Call, next aop.Next) error { panic("around-panic") }
	hooks := weave.KindAround | weave.KindAfterThrow | weave.KindAfterFinally
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, hooks), use(b, hooks)}})
	if v := catch(func() { _, _ = f.proxy.Create(ctx, Input{Title: "x"}) }); v != "around-panic" {
		t.Fatalf("panic value = %#v", v)
	}
	eq(t, "events", f.log.take(), []string{
		"A.around>", "A.afterThrow:aop: panic: around-panic", "B.afterThrow:aop: panic: around-panic",
		"A.afterFinally", "B.afterFinally",
	})

	// A panic in AfterThrow (the catch block) still runs AfterFinally,
	// once, and the catch block does not run again.
	a, b = f.adv("A"), f.adv("B")
	a.panicThrow = true
	hooks = weave.KindAfterThrow | weave.KindAfterFinally
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, hooks), use(b, hooks)}})
	if v := catch(func() { _, _ = f.proxy.Create(ctx, Input{Title: "fail"}) }); v != "throw-panic" {
		t.Fatalf("panic value = %#v", v)
	}
	eq(t, "events", f.log.take(), []string{
		"target:Create(fail)", "A.afterThrow:target failed", "A.afterFinally", "B.afterFinally",
	})

	// A panic in AfterFinally runs nothing more.
	a, b = f.adv("A"), f.adv("B")
	a.panicFinally = true
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, hooks), use(b, hooks)}})
	if v := catch(func() { _, _ = f.proxy.Create(ctx, Input{Title: "x"}) }); v != "finally-panic" {
		t.Fatalf("panic value = %#v", v)
	}
	eq(t, "events", f.log.take(), []string{"target:Create(x)", "A.afterFinally"})
}

func TestGoexitInTargetRunsFinallyOnly(t *testing.T) {
	log := &recorder{}
	a := &adv{name: "A", log: log}
	ch := weave.NewChain("X", "Exit", []weave.Advice{use(a, weave.KindAfterThrow|weave.KindAfterFinally)})
	done := make(chan struct{})
	go func() {
		defer close(done)
		// the target calls runtime.Goexit, as t.FailNow does
		_ = weave.RunA0R0(ch, func(l *recorder) error { l.add("target:Exit"); runtime.Goexit(); return nil }, log)
		log.add("not reached")
	}()
	<-done
	eq(t, "events", log.take(), []string{"target:Exit", "A.afterFinally"})
}

func TestAroundRetry(t *testing.T) {
	f := newFixture(t, nil)
	f.svc.flaky = 1
	a, b := f.adv("A"), f.adv("B")
	a.around = func(a *adv, c aop.Call, next aop.Next) error {
		a.log.add("A.try")
		err := next()
		if err != nil {
			a.log.add("A.retry")
			err = next()
		}
		return err
	}
	hooks := weave.KindAround | weave.KindAfterReturn
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, hooks), use(b, hooks)}})
	r, err := f.proxy.Create(ctx, Input{Title: "flaky"})
	if err != nil {
		t.Fatal(err)
	}
	// The second next() ran B and the target again; AfterReturn once.
	eq(t, "result", r, "B(created:flaky)|A|B")
	eq(t, "events", f.log.take(), []string{
		"A.try", "B.around>", "target:Create(flaky)", "B.around<",
		"A.retry", "B.around>", "target:Create(flaky)", "B.around<",
		"A.afterReturn", "B.afterReturn",
	})
}

func TestAroundWithoutNextSetsResults(t *testing.T) {
	f := newFixture(t, nil)
	a, b := f.adv("A"), f.adv("B")
	a.around = func(a *adv, c aop.Call, next aop.Next) error {
		a.log.add("A.cached")
		return c.SetResult(0, "cached")
	}
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, allHooks), use(b, allHooks)}})
	r, err := f.proxy.Create(ctx, Input{Title: "x"})
	eq(t, "err", err, nil)
	eq(t, "result", r, "cached|A|B")
	// BeforeCall of every advice ran; B's Around and the target did not.
	eq(t, "events", f.log.take(), []string{
		"A.before", "B.before", "A.cached", "A.afterReturn", "B.afterReturn", "A.afterFinally", "B.afterFinally",
	})
}

func TestAroundCanSwallowAnError(t *testing.T) {
	f := newFixture(t, nil)
	a := f.adv("A")
	a.around = func(a *adv, c aop.Call, next aop.Next) error {
		if err := next(); err != nil {
			return c.SetResult(0, "fallback")
		}
		return nil
	}
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, weave.KindAround|weave.KindAfterThrow|weave.KindAfterReturn)}})
	r, err := f.proxy.Create(ctx, Input{Title: "fail"})
	eq(t, "err", err, nil)
	eq(t, "result", r, "fallback|A")
	eq(t, "events", f.log.take(), []string{"target:Create(fail)", "A.afterReturn"})
}

func TestReplacingArgumentsReachesTheTarget(t *testing.T) {
	f := newFixture(t, nil)
	a, b := f.adv("A"), f.adv("B")
	a.before = func(c aop.Call) error {
		in, _ := aop.ArgAs[Input](c, 1)
		in.Title += "+before"
		return c.SetArg(1, in)
	}
	b.around = func(_ *adv, c aop.Call, next aop.Next) error {
		in, _ := aop.ArgAs[Input](c, 1)
		in.Title += "+around"
		if err := c.SetArg(1, in); err != nil {
			return err
		}
		if err := c.SetArg(0, context.WithValue(c.Context(), ctxKey("tag"), "B")); err != nil {
			return err
		}
		return next()
	}
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {use(a, weave.KindBeforeCall), use(b, weave.KindAround)}})
	r, err := f.proxy.Create(ctx, Input{Title: "x"})
	eq(t, "err", err, nil)
	eq(t, "result", r, "created:x+before+around")
	eq(t, "events", f.log.take(), []string{"A.before", "target:Create(x+before+around)[B]"})
}

func TestVariadicAndSeveralResults(t *testing.T) {
	f := newFixture(t, nil)
	a := f.adv("A")
	a.around = func(_ *adv, c aop.Call, next aop.Next) error {
		switch c.Method() {
		case "Join":
			parts, _ := aop.ArgAs[[]string](c, 2)
			if err := c.SetArg(2, append(slices.Clone(parts), "z")); err != nil {
				return err
			}
			return next()
		case "Split":
			if err := next(); err != nil {
				return err
			}
			n, ok := aop.ResultAs[int](c, 1)
			if !ok || c.NumResults() != 2 {
				return fmt.Errorf("results: %d %v", c.NumResults(), ok)
			}
			return c.SetResult(1, n*100)
		}
		return next()
	}
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{
		"Join":  {use(a, weave.KindAround)},
		"Split": {use(a, weave.KindAround)},
	})
	r, err := f.proxy.Join(ctx, "-", "x", "y")
	eq(t, "join", r, "x-y-z")
	eq(t, "err", err, nil)
	s, n, err := f.proxy.Split(ctx, "abc")
	eq(t, "split", []any{s, n, err}, []any{"ABC", 300, nil})
}

func TestSetArgAndResultTypeErrors(t *testing.T) {
	f := newFixture(t, nil)
	var errs []string
	probe := aroundProbe(func(c aop.Call, next aop.Next) error {
		for _, err := range []error{
			c.SetArg(1, 42), c.SetArg(0, "not a ctx"), c.SetArg(5, nil), c.SetResult(0, 7), c.SetResult(3, "x"),
		} {
			if err == nil {
				errs = append(errs, "<nil>")
			} else {
				errs = append(errs, err.Error())
			}
		}
		if v := catch(func() { c.Arg(9) }); v == nil {
			errs = append(errs, "Arg(9) did not panic")
		}
		if _, ok := aop.ArgAs[int](c, 1); ok {
			errs = append(errs, "ArgAs[int] of an Input is ok")
		}
		return next()
	})
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {{Name: "probe", Instance: probe}}})
	r, err := f.proxy.Create(ctx, Input{Title: "x"})
	eq(t, "call", []any{r, err}, []any{"created:x", nil})
	eq(t, "errors", errs, []string{
		"aop: argument 1: cannot use int as weave_test.Input",
		"aop: argument 0: cannot use string as context.Context",
		"aop: argument index 5 out of range [0,2)",
		"aop: result 0: cannot use int as string",
		"aop: result index 3 out of range [0,1)",
	})
}

type aroundProbe func(c aop.Call, next aop.Next) error

func (p aroundProbe) Around(c aop.Call, next aop.Next) error { return p(c, next) }

func TestCallAccessors(t *testing.T) {
	f := newFixture(t, nil)
	var got []any
	probe := aroundProbe(func(c aop.Call, next aop.Next) error {
		got = append(got, c.TypeName(), c.Method(), c.Target() == any(f.svc), c.NumArgs(), c.NumResults(), c.Context() != nil)
		return next()
	})
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{
		"Create": {{Name: "probe", Instance: probe}},
		"Upper":  {{Name: "probe", Instance: probe}},
		"Touch":  {{Name: "probe", Instance: probe}},
	})
	_, _ = f.proxy.Create(ctx, Input{})
	_ = f.proxy.Upper("x") // no ctx: Context() is context.Background()
	f.proxy.Touch(ctx, "k")
	eq(t, "accessors", got, []any{
		"Svc", "Create", true, 2, 1, true,
		"Svc", "Upper", true, 1, 1, true,
		"Svc", "Touch", true, 2, 0, true,
	})
}

func TestMethodWithoutErrorResultPanicsWithTheChainError(t *testing.T) {
	f := newFixture(t, nil)
	a := f.adv("A")
	errA := errors.New("A refuses")
	a.failBefore = errA
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{
		"Upper": {use(a, weave.KindBeforeCall)},
		"Touch": {use(a, weave.KindBeforeCall)},
	})
	if v := catch(func() { f.proxy.Upper("x") }); v != errA {
		t.Errorf("Upper panicked with %#v, want A's error", v)
	}
	if v := catch(func() { f.proxy.Touch(ctx, "k") }); v != errA {
		t.Errorf("Touch panicked with %#v, want A's error", v)
	}
	a.failBefore = nil
	eq(t, "Upper", f.proxy.Upper("x"), "X")
}

// paramAdvice parses its params at build time into a typed value.
type paramAdvice struct{ seen []string }

type txParams struct{ Propagation string }

func (p *paramAdvice) ParseParams(raw aop.Params) (any, error) {
	prop := raw["propagation"]
	if prop == "" {
		prop = "required"
	}
	if prop != "required" && prop != "requires_new" {
		return nil, fmt.Errorf("bad propagation %q", prop)
	}
	return txParams{Propagation: prop}, nil
}

func (p *paramAdvice) Around(c aop.Call, next aop.Next) error {
	typed, ok := aop.ParamsOf[txParams](c)
	p.seen = append(p.seen, fmt.Sprintf("%s:raw=%v typed=%v/%v", c.Method(), map[string]string(c.Params()), typed.Propagation, ok))
	return next()
}

// build does what the container does at Build: plan each method, resolve
// advice types to instances, parse params once, make the chains.
func build(t *testing.T, decls []any, target any, instances map[reflect.Type]any) SvcAPI {
	t.Helper()
	if errs := weave.DeclErrors(decls); len(errs) > 0 {
		t.Fatal(errs)
	}
	chains := make([]*weave.Chain, len(svcMethods))
	for i, m := range svcMethods {
		var list []weave.Advice
		for _, pa := range weave.Plan(decls, reflect.TypeOf(target), m) {
			inst := instances[pa.AdviceType]
			a := weave.Advice{Name: pa.AdviceType.Name(), Instance: inst, Params: pa.Params, Order: pa.Order, From: pa.From}
			if pp, ok := inst.(aop.ParamsParser); ok {
				parsed, err := pp.ParseParams(pa.Params)
				if err != nil {
					t.Fatal(err)
				}
				a.Parsed = parsed
			}
			list = append(list, a)
		}
		chains[i] = weave.NewChain("Svc", m, list)
	}
	return newSvcProxy(weave.Target{Object: target}, chains).(SvcAPI)
}

func TestParamsPerPointcutAndCrosscut(t *testing.T) {
	log := &recorder{}
	svc := &Svc{log: log}
	pa := &paramAdvice{}
	decls := []any{
		aop.Pointcut((*Svc).Create, new(paramAdvice), aop.Param("propagation", "requires_new")),
		aop.Pointcut((*Svc).Check, new(paramAdvice)),
		aop.Crosscut(new(paramAdvice), aop.ForType((*Svc)(nil), "Create", "Split"), aop.WithParams(aop.Params{"from": "crosscut"})),
	}
	p := build(t, decls, svc, map[reflect.Type]any{reflect.TypeFor[paramAdvice](): pa})
	_, _ = p.Create(ctx, Input{})
	_ = p.Check(ctx, 1)
	_, _, _ = p.Split(ctx, "x")
	eq(t, "seen", pa.seen, []string{
		// The same advice object sees, per application, its own params.
		"Create:raw=map[from:crosscut] typed=required/true",
		"Create:raw=map[propagation:requires_new] typed=requires_new/true",
		"Check:raw=map[] typed=required/true",
		"Split:raw=map[from:crosscut] typed=required/true",
	})
}

func TestParamsOfWithoutParser(t *testing.T) {
	f := newFixture(t, nil)
	var got []any
	probe := aroundProbe(func(c aop.Call, next aop.Next) error {
		p, ok := aop.ParamsOf[txParams](c)
		got = append(got, p, ok, c.Params()["k"])
		return next()
	})
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {{Name: "probe", Instance: probe, Params: aop.Params{"k": "v"}}}})
	_, _ = f.proxy.Create(ctx, Input{})
	eq(t, "got", got, []any{txParams{}, false, "v"})
}

type stateKey struct{}

func TestPerCallStateIsSharedWithinACallOnly(t *testing.T) {
	f := newFixture(t, nil)
	var mu sync.Mutex
	var problems []string
	bad := func(s string) { mu.Lock(); problems = append(problems, s); mu.Unlock() }
	first := aroundProbe(func(c aop.Call, next aop.Next) error {
		if v, ok := c.Get(stateKey{}); ok {
			bad(fmt.Sprintf("state leaked from another call: %v", v))
		}
		in, _ := aop.ArgAs[Input](c, 1)
		c.Set(stateKey{}, in.Title)
		c.Set("other", 1)
		c.Set("other", 2) // overwrite, not append
		return next()
	})
	second := finallyProbe(func(c aop.Call) error {
		in, _ := aop.ArgAs[Input](c, 1)
		v, ok := c.Get(stateKey{})
		if !ok || v != in.Title {
			bad(fmt.Sprintf("call %s saw state %v %v", in.Title, v, ok))
		}
		if o, _ := c.Get("other"); o != 2 {
			bad(fmt.Sprintf("other = %v", o))
		}
		return nil
	})
	f.proxy = proxyFor(weave.Target{Object: f.svc}, map[string][]weave.Advice{"Create": {{Name: "first", Instance: first}, {Name: "second", Instance: second}}})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				_, _ = f.proxy.Create(ctx, Input{Title: strconv.Itoa(g) + "/" + strconv.Itoa(i)})
			}
		}()
	}
	wg.Wait()
	if len(problems) > 0 {
		t.Fatal(problems[:min(5, len(problems))])
	}
}

type finallyProbe func(c aop.Call) error

func (p finallyProbe) AfterFinally(c aop.Call) error { return p(c) }

// scope stands for a container scope carried by the ctx.
type scope struct {
	name    string
	mu      sync.Mutex
	advice  *adv
	made    *int
	log     *recorder
	target  *Svc
	refuses bool
}

type scopeKey struct{}

func (s *scope) resolveAdvice(ctx context.Context) (any, error) {
	sc, ok := ctx.Value(scopeKey{}).(*scope)
	if !ok {
		return nil, errors.New("no scope in ctx")
	}
	if sc.refuses {
		return nil, errors.New("scope closed")
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.advice == nil {
		*sc.made++
		sc.advice = &adv{name: "ctx-" + sc.name, log: sc.log}
	}
	return sc.advice, nil
}

func TestContextAdviceIsResolvedPerScope(t *testing.T) {
	log := &recorder{}
	made := 0
	var resolver scope
	p := proxyFor(weave.Target{Object: &Svc{log: log}}, map[string][]weave.Advice{
		"Create": {{Name: "ctxAdvice", Resolve: resolver.resolveAdvice, Kinds: allHooks}},
	})
	s1 := &scope{name: "1", made: &made, log: log}
	s2 := &scope{name: "2", made: &made, log: log}
	ctx1 := context.WithValue(context.Background(), scopeKey{}, s1)
	ctx2 := context.WithValue(context.Background(), scopeKey{}, s2)
	r1, _ := p.Create(ctx1, Input{Title: "a"})
	r2, _ := p.Create(ctx2, Input{Title: "b"})
	r3, _ := p.Create(ctx1, Input{Title: "c"})
	eq(t, "results", []string{r1, r2, r3}, []string{
		"ctx-1(created:a)|ctx-1", "ctx-2(created:b)|ctx-2", "ctx-1(created:c)|ctx-1",
	})
	if made != 2 {
		t.Errorf("made %d advice instances, want one per scope (2)", made)
	}
	log.take()

	// A resolution error fails the call, with the advice's name.
	s1.refuses = true
	_, err := p.Create(ctx1, Input{Title: "d"})
	if err == nil || !strings.Contains(err.Error(), "ctxAdvice") || !strings.Contains(err.Error(), "scope closed") {
		t.Fatalf("err = %v", err)
	}
	eq(t, "events", log.take(), []string(nil))
}

func TestContextTargetIsResolvedPerCall(t *testing.T) {
	log := &recorder{}
	targets := map[string]*Svc{"1": {log: log, name: "t1:"}, "2": {log: log, name: "t2:"}}
	resolve := func(ctx context.Context) (any, error) {
		s, ok := targets[fmt.Sprint(ctx.Value(scopeKey{}))]
		if !ok {
			return nil, errors.New("no scope")
		}
		return s, nil
	}
	a := &adv{name: "A", log: log}
	p := proxyFor(weave.Target{Resolve: resolve}, map[string][]weave.Advice{"Create": {use(a, weave.KindAround)}})
	r1, _ := p.Create(context.WithValue(ctx, scopeKey{}, "1"), Input{Title: "x"})
	r2, _ := p.Join(context.WithValue(ctx, scopeKey{}, "2"), "", "y") // no advice
	eq(t, "results", []string{r1, r2}, []string{"A(t1:created:x)", "y"})
	if _, err := p.Create(ctx, Input{}); err == nil || err.Error() != "no scope" {
		t.Fatalf("err = %v", err)
	}
}

func TestNewChainWithoutInstanceOrResolvePanics(t *testing.T) {
	if v := catch(func() { weave.NewChain("Svc", "Create", []weave.Advice{{Name: "broken"}}) }); v == nil {
		t.Fatal("no panic")
	}
}

func TestKindsMaskAndChainAccessors(t *testing.T) {
	a := &adv{name: "A", log: &recorder{}}
	if k := weave.KindsOf(a); k != allHooks {
		t.Fatalf("KindsOf = %b", k)
	}
	ch := weave.NewChain("Svc", "Create", []weave.Advice{{Name: "A", Instance: a, Kinds: weave.KindAround, From: "pointcut at x.go:1"}})
	eq(t, "accessors", []any{ch.TypeName(), ch.Method(), ch.Advice()[0].Kinds, ch.Advice()[0].From}, []any{"Svc", "Create", weave.KindAround, "pointcut at x.go:1"})
}

// callWithBlob calls Create with a fresh heap argument and keeps only a
// weak pointer to it.
//
//go:noinline
func callWithBlob(p SvcAPI) weak.Pointer[[]byte] {
	b := make([]byte, 1<<10)
	w := weak.Make(&b)
	_, _ = p.Create(ctx, Input{Title: "blob", Blob: &b})
	return w
}

func TestPooledFramesRetainNothing(t *testing.T) {
	log := &recorder{}
	svc := &Svc{log: log}
	keep := aroundProbe(func(c aop.Call, next aop.Next) error {
		in, _ := aop.ArgAs[Input](c, 1)
		c.Set("blob", in.Blob) // state holds it during the call
		if err := next(); err != nil {
			return err
		}
		return c.SetResult(0, strings.Repeat("r", 100))
	})
	ch := weave.NewChain("Svc", "Create", []weave.Advice{{Name: "keep", Instance: keep}})
	chains := make([]*weave.Chain, len(svcMethods))
	chains[0] = ch
	p := newSvcProxy(weave.Target{Object: svc}, chains).(SvcAPI)

	var weaks []weak.Pointer[[]byte]
	for range 8 {
		weaks = append(weaks, callWithBlob(p))
	}
	runtime.GC()
	runtime.GC()
	for i, w := range weaks {
		if w.Value() != nil {
			t.Errorf("call %d: its argument is still reachable after the call", i)
		}
	}

	// Look at the pooled frames themselves. sync.Pool may drop frames
	// (always under -race, at random), so try a few times.
	recycled := 0
	for range 50 {
		_, _ = p.Create(ctx, Input{Title: "x"})
		cf, ok := ch.Frame().(weave.Frame)
		if !ok {
			continue
		}
		recycled++
		get := func(op weave.Op, i int) any { v, _ := cf.Access(op, i, nil); return v }
		if s, _ := get(weave.OpTarget, 0).(*Svc); s != nil || get(weave.OpArg, 0) != nil || get(weave.OpArg, 1) != (Input{}) || get(weave.OpResult, 0) != "" {
			t.Fatalf("pooled frame retains %v %v %v", get(weave.OpTarget, 0), get(weave.OpArg, 1), get(weave.OpResult, 0))
		}
	}
	if recycled == 0 {
		t.Skip("sync.Pool never returned a frame")
	}
}
