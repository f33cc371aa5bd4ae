// Package stale has a zz_teggo.go that no longer compiles, and code that
// uses what it generates.
package stale

import (
	"context"

	"github.com/teggo/teggo/proto"
)

// Svc is a proto.
type Svc struct {
	proto.Singleton `access:"public"`
}

// Ping pings.
func (s *Svc) Ping(ctx context.Context) error { return nil }

// install uses the generated Module and proxy.
func install() (int, *svcProxy) { return len(Module().Protos), nil }

var _ = install
