package container

import (
	"context"
	"fmt"
	"reflect"
	"runtime"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/weave"
)

// Advice is woven in two steps. planAdvice, during validation, asks package
// weave which advice applies to each exported method of each proto and
// checks that every advice exists, has hooks, and can reach its scope;
// weave, after the singletons exist, turns the plans into weave.Chains and
// proxies. Every call teggo makes of a proto method — through a proxy, an
// HTTP route, a job or an event handler — runs the same chain.

// planAdvice computes each proto's advice plan and reports what is wrong.
func (c *Container) planAdvice() []error {
	var errs []error
	c.advisable = weave.Expand(c.decls)
	for _, err := range weave.DeclErrors(c.advisable) {
		errs = append(errs, &Error{Code: CodeBadDecl, Msg: "invalid declaration", Err: err})
	}
	for _, p := range c.protos {
		if p.replaced != nil && p.replaced != p.ptr || weave.KindsOfType(p.ptr) != 0 {
			// a replacement of another type has no proxy to go through;
			// advice is not advised: its hooks are called on the object
			continue
		}
		for _, m := range methodsOf(p.typ) {
			plan := weave.PlanPromoted(c.advisable, p.typ, m.declaring, m.name)
			for _, a := range plan {
				ap, err := c.adviceProto(a)
				if err != nil {
					err.Proto, err.Pos = fmt.Sprintf("%s.%s", p.typ, m.name), a.From
					errs = append(errs, err)
					continue
				}
				if ap.init == proto.InitContext && !m.ctxFirst {
					errs = append(errs, &Error{Code: CodeContextAdviceNoCtx, Proto: fmt.Sprintf("%s.%s", p.typ, m.name), Pos: a.From,
						Msg:  fmt.Sprintf("context advice %s applies to a method without a context.Context first parameter", ap.label()),
						Hint: "make the advice a singleton, or give the method a ctx first parameter"})
				}
			}
			if len(plan) > 0 {
				if p.planned == nil {
					p.planned = map[string][]weave.PlannedAdvice{}
				}
				p.planned[m.name] = plan
				p.advised = true
			}
		}
		if p.desc.Proxy != nil {
			for _, m := range p.desc.Methods {
				if p.planned[m.Name] != nil {
					p.proxied = true
				}
			}
		}
	}
	for _, p := range c.protos {
		for _, f := range p.fields {
			if f.kind != depProto || !f.target.advised {
				continue
			}
			if f.iface && !f.target.proxied {
				if f.target.desc.Proxy == nil {
					errs = append(errs, &Error{Code: CodeNoProxy, Proto: p.label(), Field: f.Name, Pos: p.fieldPos(f),
						Msg:  fmt.Sprintf("advice applies to %s, injected here by interface, but it has no proxy", f.target.label()),
						Hint: "teggo gen emits a proxy for a public proto (access:\"public\") and for one its own package injects by interface; run it and register the package's Module()"})
				}
				continue
			}
			if f.iface {
				continue
			}
			e := &Error{Code: CodeAdviceBypassed, Proto: p.label(), Field: f.Name, Pos: p.fieldPos(f),
				Msg:  fmt.Sprintf("the field's concrete type %s bypasses the advice woven around %s", f.Type, f.target.label()),
				Hint: "declare the field as an interface to get the proxy"}
			if c.strict {
				errs = append(errs, e)
			} else {
				c.warnings = append(c.warnings, e)
				c.log.Warn("teggo: advice bypassed", "code", string(e.Code), "proto", e.Proto, "field", e.Field, "detail", e.Msg)
			}
		}
	}
	return errs
}

// adviceProto finds the proto a planned advice names, by type or by name.
func (c *Container) adviceProto(a weave.PlannedAdvice) (*protoDef, *Error) {
	var found []*protoDef
	var names []string
	for _, p := range c.protos {
		names = append(names, p.name)
		if (a.AdviceType != nil && p.typ == a.AdviceType) || (a.AdviceType == nil && p.name == a.AdviceName) {
			found = append(found, p)
		}
	}
	want := a.AdviceName
	if a.AdviceType != nil {
		want = a.AdviceType.String()
	}
	switch len(found) {
	case 0:
		return nil, &Error{Code: CodeAdviceNotFound, Msg: fmt.Sprintf("advice %s is not registered", want),
			Hint: didYouMean(a.AdviceName, names)}
	case 1:
	default:
		return nil, &Error{Code: CodeMultiProtoFound, Msg: fmt.Sprintf("advice %s is registered %d times", want, len(found)),
			Hint: "apply the advice by name"}
	}
	ap := found[0]
	if weave.KindsOfType(ap.ptr) == 0 {
		return nil, &Error{Code: CodeBadAdvice, Msg: fmt.Sprintf("%s implements no advice hook (BeforeCall, AfterReturn, AfterThrow, AfterFinally, Around)", ap.label())}
	}
	return ap, nil
}

// weave builds p's chains (creating singleton advice as needed) and, for a
// singleton, its fixed-target proxy. Build calls it single-threaded.
func (c *Container) weave(ctx context.Context, p *protoDef) error {
	switch p.weaving {
	case 2:
		return nil
	case 1:
		return &Error{Code: CodeCycle, Proto: p.label(), Pos: p.pos, Msg: "an advice of this proto depends on the proto itself through its proxy"}
	}
	p.weaving = 1
	chainOf := make(map[string]*weave.Chain, len(p.planned))
	for method, plan := range p.planned {
		list := make([]weave.Advice, len(plan))
		for j, a := range plan {
			ap, _ := c.adviceProto(a) // checked by planAdvice
			adv := weave.Advice{Name: ap.name, Params: a.Params, Order: a.Order, From: a.From}
			var sample any
			switch ap.init {
			case proto.InitContext:
				adv.Kinds = weave.KindsOfType(ap.ptr)
				adv.Resolve = func(ctx context.Context) (any, error) { return c.resolveContext(ctx, ap) }
				if reflect.PointerTo(ap.typ).Implements(paramsParserType) {
					sample = ap.newFn() // ParseParams runs on a zero value: it reads params, not state
				}
			case proto.InitSingleton:
				obj, err := c.singleton(ctx, ap)
				if err != nil {
					return err
				}
				sample, adv.Instance = obj, obj
			default: // always new: one instance per place the advice applies
				obj, err := c.create(ctx, ap, nil)
				if err != nil {
					return err
				}
				sample, adv.Instance = obj, obj
			}
			if pp, ok := sample.(aop.ParamsParser); ok {
				parsed, err := pp.ParseParams(a.Params)
				if err != nil {
					return &Error{Code: CodeBadAdvice, Proto: fmt.Sprintf("%s.%s", p.typ, method), Pos: a.From,
						Msg: fmt.Sprintf("advice %s refused its params %v", ap.label(), a.Params), Err: err}
				}
				adv.Parsed = parsed
			}
			list[j] = adv
		}
		chainOf[method] = weave.NewChain(p.typ.Name(), method, list)
	}
	p.chainOf = chainOf
	if p.proxied {
		p.chains = make([]*weave.Chain, len(p.desc.Methods))
		for i, m := range p.desc.Methods {
			p.chains[i] = chainOf[m.Name]
		}
		if p.init == proto.InitSingleton {
			p.proxy = p.desc.Proxy(weave.Target{Object: p.instance}, p.chains)
		}
	}
	p.weaving = 2
	return nil
}

// contextProxy returns the proxy through which objects outside any scope
// reach context proto p: each call finds the instance of the scope its ctx
// carries.
func (c *Container) contextProxy(ctx context.Context, p *protoDef) (any, error) {
	if p.ctxProxy != nil {
		return p.ctxProxy, nil
	}
	if err := c.weave(ctx, p); err != nil {
		return nil, err
	}
	p.ctxProxy = p.desc.Proxy(weave.Target{Resolve: func(ctx context.Context) (any, error) { return c.resolveContext(ctx, p) }}, p.chains)
	return p.ctxProxy, nil
}

// resolveContext returns the object of context proto p in the scope ctx
// carries.
func (c *Container) resolveContext(ctx context.Context, p *protoDef) (any, error) {
	sc, ok := ScopeFrom(ctx)
	if !ok {
		return nil, &Error{Code: CodeNoScope, Proto: p.label(), Pos: p.pos,
			Msg:  "a call reached a context proto with a ctx that carries no scope",
			Hint: "pass the ctx of a scope (a request, an event, a schedule run) or open one with container.NewScope"}
	}
	if sc.c != c {
		return nil, &Error{Code: CodeNoScope, Proto: p.label(), Msg: "the ctx carries a scope of another container"}
	}
	return sc.get(p)
}

var paramsParserType = reflect.TypeFor[aop.ParamsParser]()

// method is an exported method of a proto, as advice plans see it.
type method struct {
	name      string
	ctxFirst  bool
	declaring reflect.Type // the embedded struct it is promoted from, or nil
}

// methodsOf lists the exported methods of *t but the lifecycle hooks:
// every one of them can be advised, whoever calls it.
func methodsOf(t reflect.Type) []method {
	pt := reflect.PointerTo(t)
	out := make([]method, 0, pt.NumMethod())
	for i := range pt.NumMethod() {
		m := pt.Method(i)
		if proto.IsHook(m.Name) {
			continue
		}
		out = append(out, method{name: m.Name, ctxFirst: m.Type.NumIn() > 1 && m.Type.In(1) == ctxType, declaring: promotedFrom(t, m.Name)})
	}
	return out
}

// promotedFrom returns the embedded struct type that declares method of
// the struct t, or nil when t declares it itself (or it comes from an
// embedded interface). Go gives a promoted method an autogenerated
// wrapper; a method t declares has a file of its own.
func promotedFrom(t reflect.Type, method string) reflect.Type {
	if declares(t, method) {
		return nil
	}
	for i := range t.NumField() {
		f := t.Field(i)
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if !f.Anonymous || ft.Kind() != reflect.Struct {
			continue
		}
		if _, ok := reflect.PointerTo(ft).MethodByName(method); !ok {
			continue
		}
		if d := promotedFrom(ft, method); d != nil {
			return d
		}
		return ft
	}
	return nil
}

// declares reports whether the struct t declares method itself, with a
// pointer or a value receiver.
func declares(t reflect.Type, method string) bool {
	for _, x := range []reflect.Type{reflect.PointerTo(t), t} {
		if m, ok := x.MethodByName(method); ok {
			if fn := runtime.FuncForPC(m.Func.Pointer()); fn != nil {
				if file, _ := fn.FileLine(fn.Entry()); file != "<autogenerated>" {
					return true
				}
			}
		}
	}
	return false
}

// AdviceChain returns the woven advice of method of the proto type t (a
// struct or a pointer to one), or nil when none applies. teggo's HTTP
// routes, jobs and event handlers run their method through it, so advice
// reaches them as it reaches a proxy's callers. It is valid after Build.
func (c *Container) AdviceChain(t reflect.Type, method string) *weave.Chain {
	if t == nil {
		return nil
	}
	if t.Kind() != reflect.Pointer {
		t = reflect.PointerTo(t)
	}
	if ps := c.byPtr[t]; len(ps) > 0 { // the index Build made
		return ps[0].chainOf[method]
	}
	for _, p := range c.protos {
		if p.ptr == t {
			return p.chainOf[method]
		}
	}
	return nil
}
