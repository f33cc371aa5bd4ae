package container

import (
	"context"
	"fmt"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// Advice is woven in two steps. planAdvice, during validation, asks package
// aop which advice applies to each method of each proto and checks that
// every advice exists, has hooks, and can reach its scope; weave, after the
// singletons exist, turns the plans into aop.Chains and proxies.

// planAdvice computes each proto's advice plan and reports what is wrong.
func (c *Container) planAdvice() []error {
	var errs []error
	for _, err := range aop.DeclErrors(c.decls) {
		errs = append(errs, &Error{Code: CodeBadDecl, Msg: "invalid declaration", Err: err})
	}
	for _, p := range c.protos {
		if p.replaced != nil || aop.KindsOf(p.newFn()) != 0 {
			continue // a replacement is used as it is; advice is not advised: its hooks are called on the object itself
		}
		methods := p.desc.Methods
		p.planned = make([][]aop.PlannedAdvice, len(methods))
		for i, m := range methods {
			plan := aop.Plan(c.decls, p.typ, m.Name)
			for _, a := range plan {
				ap, err := c.adviceProto(a)
				if err != nil {
					err.Proto, err.Pos = fmt.Sprintf("%s.%s", p.typ, m.Name), a.From
					errs = append(errs, err)
					continue
				}
				if ap.init == proto.InitContext && !m.CtxFirst {
					errs = append(errs, &Error{Code: CodeContextAdviceNoCtx, Proto: fmt.Sprintf("%s.%s", p.typ, m.Name), Pos: a.From,
						Msg:  fmt.Sprintf("context advice %s applies to a method without a context.Context first parameter", ap.label()),
						Hint: "make the advice a singleton, or give the method a ctx first parameter"})
				}
			}
			if len(plan) > 0 {
				p.planned[i] = plan
				p.advised = true
			}
		}
		if p.advised && p.desc.Proxy == nil {
			errs = append(errs, &Error{Code: CodeNoProxy, Proto: p.label(), Pos: p.pos,
				Msg: "advice applies to this proto but it has no proxy", Hint: "run `teggo gen` on its package and register its Module()"})
		}
	}
	for _, p := range c.protos {
		for _, f := range p.fields {
			if f.kind != depProto || f.iface || !f.target.advised {
				continue
			}
			e := &Error{Code: CodeAdviceBypassed, Proto: p.label(), Field: f.Name, Pos: p.pos,
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
func (c *Container) adviceProto(a aop.PlannedAdvice) (*protoDef, *Error) {
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
	if aop.KindsOf(ap.newFn()) == 0 {
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
	chains := make([]*aop.Chain, len(p.desc.Methods))
	for i, plan := range p.planned {
		if len(plan) == 0 {
			continue
		}
		list := make([]aop.Advice, len(plan))
		for j, a := range plan {
			ap, _ := c.adviceProto(a) // checked by planAdvice
			adv := aop.Advice{Name: ap.name, Params: a.Params, Order: a.Order}
			var sample any
			switch ap.init {
			case proto.InitContext:
				sample = ap.newFn()
				adv.Kinds = aop.KindsOf(sample)
				adv.Resolve = func(ctx context.Context) (any, error) { return c.resolveContext(ctx, ap) }
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
					return &Error{Code: CodeBadAdvice, Proto: fmt.Sprintf("%s.%s", p.typ, p.desc.Methods[i].Name), Pos: a.From,
						Msg: fmt.Sprintf("advice %s refused its params %v", ap.label(), a.Params), Err: err}
				}
				adv.Parsed = parsed
			}
			list[j] = adv
		}
		chains[i] = aop.NewChain(p.typ.Name(), p.desc.Methods[i].Name, list)
	}
	p.chains = chains
	if p.init == proto.InitSingleton {
		p.proxy = p.desc.Proxy(aop.Target{Object: p.instance}, chains)
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
	p.ctxProxy = p.desc.Proxy(aop.Target{Resolve: func(ctx context.Context) (any, error) { return c.resolveContext(ctx, p) }}, p.chains)
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
