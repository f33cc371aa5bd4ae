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

// Proxy is the state every generated proxy holds: the fixed target, or
// the resolver of a context proto's target, and one chain per method. It
// has no methods, so that a package's proxies cost the compiler no
// wrapper per proto type.
type Proxy[T any] struct {
	// Fixed is the target, the zero T for a context proto.
	Fixed T
	// Chains are the methods' chains, in the descriptor's order.
	Chains []*Chain
	// Resolver finds a context proto's target per call; nil for a fixed
	// target.
	Resolver *Resolver
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
	p := Proxy[T]{Chains: chains}
	if target.Object != nil {
		p.Fixed = target.Object.(T)
	} else {
		p.Resolver = &Resolver{resolve: target.Resolve, name: fmt.Sprintf("%T", *new(T))}
	}
	return p
}

// Resolver finds the target of a context proto's proxy for one call.
type Resolver struct {
	resolve func(ctx context.Context) (any, error)
	name    string
}

// Target finds the target of one call from its first argument, which must
// be the call's context.Context.
func (r *Resolver) Target(first any) (any, error) {
	ctx, ok := first.(context.Context)
	if !ok {
		return nil, fmt.Errorf("weave: a method of %s without a context.Context first parameter needs a fixed target", r.name)
	}
	return r.resolve(ctx)
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
