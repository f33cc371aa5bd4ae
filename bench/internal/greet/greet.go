// Package greet is the benchmarks' fixture for generated proxies: the same
// small service twice, once with a target Go cannot inline (as the AOP
// budget's worst case) and once with one it can (the usual small method).
package greet

//go:generate go tool teggo gen .

import (
	"context"
	"errors"

	"github.com/teggo/teggo/proto"
)

// Req is the argument.
type Req struct {
	ID   int
	Name string
}

// API is what callers hold: the proxy or the target.
type API interface {
	Greet(ctx context.Context, in Req) (string, error)
}

var errNegative = errors.New("negative id")

// Opaque is never inlined into its caller, not even into its proxy.
type Opaque struct {
	proto.Singleton `access:"public"`
	Greeting        string
}

// Greet answers the greeting.
//
//go:noinline
func (g *Opaque) Greet(ctx context.Context, in Req) (string, error) {
	if in.ID < 0 {
		return "", errNegative
	}
	return g.Greeting, nil
}

// Small is inlined into its proxy, as small methods usually are.
type Small struct {
	proto.Singleton `access:"public"`
	Greeting        string
}

// Greet answers the greeting.
func (g *Small) Greet(ctx context.Context, in Req) (string, error) {
	if in.ID < 0 {
		return "", errNegative
	}
	return g.Greeting, nil
}
