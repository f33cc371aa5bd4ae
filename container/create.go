package container

import (
	"context"
	"errors"

	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/weave"
)

// create makes one object of p and runs its creation hooks in tegg's order:
// construct → PostConstruct → PreInject → fields injected → PostInject →
// Init. sc is the scope it is created in, nil for singletons (and always-new
// objects that singletons hold).
func (c *Container) create(ctx context.Context, p *protoDef, sc *Scope) (any, error) {
	obj := p.newFn()
	h := p.hooks
	if h&hookPostConstruct != 0 {
		if err := obj.(proto.PostConstructor).PostConstruct(ctx); err != nil {
			return nil, hookError(p, "PostConstruct", err)
		}
	}
	if h&hookPreInject != 0 {
		if err := obj.(proto.PreInjector).PreInject(ctx); err != nil {
			return nil, hookError(p, "PreInject", err)
		}
	}
	for _, f := range p.fields {
		v, err := c.valueFor(ctx, f, sc)
		if err != nil {
			return nil, err
		}
		if v != nil {
			f.set(obj, v)
		}
	}
	if h&hookPostInject != 0 {
		if err := obj.(proto.PostInjector).PostInject(ctx); err != nil {
			return nil, hookError(p, "PostInject", err)
		}
	}
	if h&hookInit != 0 {
		if err := obj.(proto.Initializer).Init(ctx); err != nil {
			return nil, hookError(p, "Init", err)
		}
	}
	return obj, nil
}

// valueFor returns what field f of a new object gets.
func (c *Container) valueFor(ctx context.Context, f *fieldPlan, sc *Scope) (any, error) {
	if f.fixed != nil || f.kind != depProto {
		return f.fixed, nil
	}
	t := f.target
	switch t.init {
	case proto.InitSingleton: // only during Build: afterwards f.fixed is set
		if _, err := c.singleton(ctx, t); err != nil {
			return nil, err
		}
		if f.iface && t.proxied {
			if err := c.weave(ctx, t); err != nil {
				return nil, err
			}
		}
		return c.singletonValue(t, f.iface), nil
	case proto.InitContext:
		if sc == nil {
			return c.contextProxy(ctx, t)
		}
		return sc.value(t, f.iface)
	default:
		obj, err := c.create(ctx, t, sc)
		if err != nil || !f.iface || !t.proxied {
			return obj, err
		}
		return t.desc.Proxy(weave.Target{Object: obj}, t.chains), nil
	}
}

// destroy runs PreDestroy then Destroy on obj; both run even if the first
// fails, and both errors are reported. Scopes run the two phases apart (see
// Scope.Close).
func (c *Container) destroy(ctx context.Context, p *protoDef, obj any) error {
	return errors.Join(c.preDestroy(ctx, p, obj), c.destroyOnly(ctx, p, obj))
}

func (c *Container) preDestroy(ctx context.Context, p *protoDef, obj any) error {
	if p.hooks&hookPreDestroy != 0 {
		if err := obj.(proto.PreDestroyer).PreDestroy(ctx); err != nil {
			return hookError(p, "PreDestroy", err)
		}
	}
	return nil
}

func (c *Container) destroyOnly(ctx context.Context, p *protoDef, obj any) error {
	if p.hooks&hookDestroy != 0 {
		if err := obj.(proto.Destroyer).Destroy(ctx); err != nil {
			return hookError(p, "Destroy", err)
		}
	}
	return nil
}

func hookError(p *protoDef, hook string, err error) error {
	return &Error{Code: CodeLifecycle, Proto: p.label(), Pos: p.pos, Msg: hook + " failed", Err: err}
}
