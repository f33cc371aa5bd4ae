package container

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/teggo/teggo/proto"
)

// Build validates the whole graph before constructing anything — every
// inject site resolves to exactly one source, no private proto is reached
// from another package, no cycle, no duplicate, every advice exists — and
// reports every problem found, joined. Then it runs the constructors that
// protos need, creates every singleton in dependency order (running the
// lifecycle hooks) and weaves the advice. If a singleton fails to be
// created, those already created are destroyed in reverse order.
//
// ctx is handed to the singletons' lifecycle hooks.
func (c *Container) Build(ctx context.Context) error {
	c.buildMu.Lock()
	defer c.buildMu.Unlock()
	if c.built.Load() {
		return &Error{Code: CodeAlreadyBuilt, Msg: "Build called twice"}
	}
	if err := c.validate(); err != nil {
		return err
	}

	if err := c.supplyDig(); err != nil {
		return err
	}
	for _, p := range c.protos {
		if p.init != proto.InitSingleton {
			continue
		}
		if _, err := c.singleton(ctx, p); err != nil {
			c.destroySingletons(context.WithoutCancel(ctx))
			return err
		}
	}
	for _, p := range c.protos {
		if p.advised {
			if err := c.weave(ctx, p); err != nil {
				c.destroySingletons(context.WithoutCancel(ctx))
				return err
			}
		}
	}
	// Values that are the same for every object: objects created later, in
	// scopes, copy them without asking anything.
	for _, p := range c.protos {
		for _, f := range p.fields {
			if f.kind == depProto && f.target.init == proto.InitSingleton {
				f.fixed = c.singletonValue(f.target, f.iface)
			}
		}
	}
	c.byType = make(map[unsafe.Pointer]*lookupResult)
	count := map[reflect.Type]int{}
	for _, p := range c.protos {
		count[p.ptr]++
	}
	for _, p := range c.protos {
		if count[p.ptr] == 1 && p.replaced == nil {
			r := &lookupResult{p: p}
			if p.init == proto.InitSingleton {
				r.value = p.instance
			}
			c.byType[typeKey(p.ptr)] = r
		}
	}
	c.built.Store(true)
	return nil
}

// Validate runs Build's checks — every inject site, access, cycles,
// duplicates, advice — and constructs nothing: no constructor runs, no
// object is created. After it, Graph draws the resolved graph (`teggo graph`
// uses it). Build validates by itself; Validate is for tools.
func (c *Container) Validate() error {
	c.buildMu.Lock()
	defer c.buildMu.Unlock()
	return c.validate()
}

// validate resolves and checks the graph once; later calls return the same
// verdict.
func (c *Container) validate() error {
	if c.validated {
		return c.validErr
	}
	c.validated = true
	errs := slices.Clone(c.errs)
	for _, r := range c.regs {
		p, es := c.complete(r)
		errs = append(errs, es...)
		if p != nil {
			p.id = len(c.protos)
			c.protos = append(c.protos, p)
		}
	}
	errs = append(errs, c.checkDuplicates()...)
	errs = append(errs, c.applyReplacements()...)
	errs = append(errs, c.resolveFields()...)
	errs = append(errs, c.checkReplacements()...)
	for _, p := range c.protos {
		if p.init == proto.InitContext {
			p.slot = c.ctxCount
			c.ctxCount++
			c.ctxProtos = append(c.ctxProtos, p)
		}
	}
	c.markFromSingleton()
	errs = append(errs, c.checkContextInjection()...)
	errs = append(errs, c.checkCycles()...)
	errs = append(errs, c.planAdvice()...)
	c.validErr = errors.Join(errs...)
	return c.validErr
}

// checkDuplicates reports protos that share name, module and qualifiers.
func (c *Container) checkDuplicates() []error {
	var errs []error
	seen := map[string]*protoDef{}
	for _, p := range c.protos {
		k := p.name + "\x00" + p.quals.String()
		if prev, ok := seen[k]; ok {
			errs = append(errs, &Error{Code: CodeDuplicateProto, Proto: p.label(), Pos: p.pos,
				Msg:  fmt.Sprintf("name %q with qualifiers %s is already taken by %s (%s)", p.name, p.quals, prev.label(), prev.pos),
				Hint: "give one of them another name or a qualifier"})
			continue
		}
		seen[k] = p
	}
	return errs
}

// resolveFields finds the source of every inject site.
func (c *Container) resolveFields() []error {
	var errs []error
	for _, p := range c.protos {
		for _, f := range p.fields {
			if f.Type == objectInfoType && f.Tag.Name == "" {
				f.kind, f.fixed = depInfo, proto.ObjectInfo{Name: p.name, InitType: p.init, Qualifiers: p.quals}
				continue
			}
			kind, target, dk, err := c.resolve(request{t: f.Type, name: f.Tag.Name, quals: f.Tag.Qualifiers, group: f.Tag.Group, from: p})
			if err != nil {
				if f.Tag.Optional && err.Code == CodeProtoNotFound {
					continue
				}
				err.Proto, err.Field, err.Pos = p.label(), f.Name, p.fieldPos(f)
				errs = append(errs, err)
				continue
			}
			f.kind, f.target, f.dig = kind, target, dk
		}
	}
	return errs
}

// markFromSingleton marks always-new protos that a singleton creates: their
// context dependencies have no scope to come from.
func (c *Container) markFromSingleton() {
	var visit func(p *protoDef)
	visit = func(p *protoDef) {
		for _, f := range p.fields {
			if t := f.target; f.kind == depProto && t.init == proto.InitAlwaysNew && !t.fromSingleton {
				t.fromSingleton = true
				visit(t)
			}
		}
	}
	for _, p := range c.protos {
		if p.init == proto.InitSingleton {
			visit(p)
		}
	}
}

// checkContextInjection checks every place where a context proto is
// injected into an object that lives outside any scope: the field must be an
// interface and the proto must have a proxy whose methods can find the scope
// from their ctx argument.
func (c *Container) checkContextInjection() []error {
	var errs []error
	for _, p := range c.protos {
		if p.init != proto.InitSingleton && !(p.init == proto.InitAlwaysNew && p.fromSingleton) {
			continue
		}
		for _, f := range p.fields {
			t := f.target
			if f.kind != depProto || t.init != proto.InitContext {
				continue
			}
			e := &Error{Code: CodeContextInjection, Proto: p.label(), Field: f.Name, Pos: p.fieldPos(f)}
			switch {
			case !f.iface:
				e.Msg = fmt.Sprintf("%s injects context proto %s as %s, but a %s outlives every scope", p.init, t.label(), f.Type, p.init)
				e.Hint = "declare the field as an interface: it then gets a proxy that finds the current scope's instance on every call"
			case t.desc.Proxy == nil:
				e.Msg = fmt.Sprintf("context proto %s has no proxy to resolve it per call", t.label())
				e.Hint = "run `teggo gen` on its package (or set Proxy in its Descriptor)"
			default:
				for i := range f.Type.NumMethod() {
					m := f.Type.Method(i)
					k := slices.IndexFunc(t.desc.Methods, func(x proto.Method) bool { return x.Name == m.Name })
					if k < 0 || !t.desc.Methods[k].CtxFirst {
						e.Msg = fmt.Sprintf("method %s.%s takes no context.Context first, so its proxy cannot find the scope's instance", t.typ.Name(), m.Name)
						e.Hint = "add ctx context.Context as its first parameter, or inject the proto from a context proto"
						break
					}
				}
			}
			if e.Msg != "" {
				errs = append(errs, e)
			}
		}
	}
	return errs
}

// checkCycles reports each construction cycle once, with its path.
func (c *Container) checkCycles() []error {
	var errs []error
	color := make([]uint8, len(c.protos)) // 0 white, 1 on stack, 2 done
	type step struct {
		p     *protoDef
		field string
	}
	var stack []step
	var visit func(p *protoDef)
	visit = func(p *protoDef) {
		color[p.id] = 1
		for _, f := range p.fields {
			t := f.target
			if f.kind != depProto || (t.init == proto.InitContext && p.init == proto.InitSingleton) {
				continue // a singleton reaches a context proto through its proxy, lazily
			}
			stack = append(stack, step{p, f.Name})
			switch color[t.id] {
			case 0:
				visit(t)
			case 1:
				start := slices.IndexFunc(stack, func(s step) bool { return s.p == t })
				var b strings.Builder
				for _, s := range stack[start:] {
					fmt.Fprintf(&b, "%s -> inject %s -> ", s.p.typ.Name(), s.field)
				}
				b.WriteString(t.typ.Name())
				errs = append(errs, &Error{Code: CodeCycle, Proto: t.label(), Pos: t.pos, Msg: "objects inject each other in a cycle", Path: b.String(),
					Hint: "break the cycle: inject one side through an interface of a context proto, or move the shared part into a third proto"})
			}
			stack = stack[:len(stack)-1]
		}
		color[p.id] = 2
	}
	for _, p := range c.protos {
		if color[p.id] == 0 {
			visit(p)
		}
	}
	return errs
}

// supplyDig runs the constructors protos need and keeps their values.
func (c *Container) supplyDig() error {
	var keys []digKey
	seen := map[digKey]bool{}
	for _, p := range c.protos {
		for _, f := range p.fields {
			if f.kind == depDig && !seen[f.dig] {
				seen[f.dig] = true
				keys = append(keys, f.dig)
			}
		}
	}
	vals, err := c.invokeDig(keys)
	if err != nil {
		return err
	}
	for _, p := range c.protos {
		for _, f := range p.fields {
			if f.kind == depDig {
				f.fixed = vals[f.dig].Interface()
			}
		}
	}
	return nil
}

// singleton returns p's instance, creating it (and its dependencies) first.
// Only Build calls it, single-threaded.
func (c *Container) singleton(ctx context.Context, p *protoDef) (any, error) {
	if p.state == 2 {
		return p.instance, nil
	}
	p.state = 1
	obj, err := c.create(ctx, p, nil)
	if err != nil {
		p.state = 0
		return nil, err
	}
	p.instance, p.state = obj, 2
	c.created = append(c.created, p)
	return obj, nil
}

// singletonValue is what an inject site of a singleton gets: its proxy when
// the site is an interface and advice applies, else the object itself.
func (c *Container) singletonValue(p *protoDef, iface bool) any {
	if iface && p.proxy != nil {
		return p.proxy
	}
	return p.instance
}

// Stop destroys the singletons in reverse creation order — dependents
// before their dependencies — running PreDestroy then Destroy on each. It
// reports every hook error, joined; a failing hook does not keep the other
// objects from being destroyed. Lookups and scopes fail after Stop.
func (c *Container) Stop(ctx context.Context) error {
	if !c.built.Load() || !c.stopped.CompareAndSwap(false, true) {
		return nil
	}
	return c.destroySingletons(ctx)
}

func (c *Container) destroySingletons(ctx context.Context) error {
	var errs []error
	for i := len(c.created) - 1; i >= 0; i-- {
		p := c.created[i]
		if err := c.destroy(ctx, p, p.instance); err != nil {
			errs = append(errs, err)
		}
	}
	c.created = nil
	return errors.Join(errs...)
}
