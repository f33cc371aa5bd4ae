package weave

import (
	"context"
	"fmt"
)

// Target is what a proxy forwards to: a fixed object, or, for a context
// proto injected into a singleton, a resolver that finds the instance of the
// scope carried by each call's context.Context.
type Target struct {
	// Object is the target itself, when it is fixed.
	Object any
	// Resolve returns the target for the call's ctx, when Object is nil.
	Resolve func(ctx context.Context) (any, error)
}

// Factory makes a proxy for target. chains holds one entry per proxied
// method, in the order of the descriptor's Methods; a nil entry means the
// method has no advice. A generated proxy type provides one.
type Factory func(target Target, chains []*Chain) any

// Proxy is the state every generated proxy embeds: the fixed target, or the
// resolver of a context proto's target, and one chain per method.
type Proxy[T any] struct {
	// Fixed is the target, the zero T for a context proto.
	Fixed T
	// Chains are the methods' chains, in the descriptor's order.
	Chains  []*Chain
	resolve func(ctx context.Context) (any, error)
	name    string
}

// NewProxy returns the proxy state of target for a type with n proxied
// methods; nil chains means none is advised.
func NewProxy[T any](target Target, chains []*Chain, n int) Proxy[T] {
	if chains == nil {
		chains = make([]*Chain, n)
	}
	if len(chains) != n {
		panic(fmt.Sprintf("weave: the proxy of %T takes %d chains, got %d", *new(T), n, len(chains)))
	}
	p := Proxy[T]{Chains: chains, resolve: target.Resolve, name: fmt.Sprintf("%T", *new(T))}
	if target.Object != nil {
		p.Fixed = target.Object.(T)
		p.resolve = nil
	}
	return p
}

// Dynamic reports whether the target is found per call (a context proto).
func (p *Proxy[T]) Dynamic() bool { return p.resolve != nil }

// Resolve finds the target of one call from its first argument, which must
// be the call's context.Context.
func (p *Proxy[T]) Resolve(first any) (T, error) {
	ctx, ok := first.(context.Context)
	if !ok {
		var zero T
		return zero, fmt.Errorf("weave: a method of %s without a context.Context first parameter needs a fixed target", p.name)
	}
	o, err := p.resolve(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return o.(T), nil
}

// Must returns r, panicking with err: a method without an error result has
// nowhere to return the error of its advice.
func Must[R any](r R, err error) R {
	if err != nil {
		panic(err)
	}
	return r
}

// Check panics with err, for a method without results nor an error.
func Check(err error) {
	if err != nil {
		panic(err)
	}
}
