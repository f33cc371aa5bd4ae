package aop

import "context"

// Target is what a proxy forwards to: a fixed object, or, for a context
// proto injected into a singleton, a resolver that finds the instance of the
// scope carried by each call's context.Context.
type Target struct {
	// Object is the target itself, when it is fixed.
	Object any
	// Resolve returns the target for the call's ctx, when Object is nil.
	Resolve func(ctx context.Context) (any, error)
}

// ProxyFactory makes a proxy for target. chains holds one entry per proxied
// method, in the order of the descriptor's Methods; a nil entry means the
// method has no advice. Generated code provides one per proto.
type ProxyFactory func(target Target, chains []*Chain) any
