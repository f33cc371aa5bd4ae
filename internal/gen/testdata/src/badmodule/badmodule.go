// Package badmodule declares identifiers that teggo gen generates.
package badmodule

import (
	"context"

	"github.com/teggo/teggo/proto"
)

// Module is taken.
var Module = 1

// Svc is a proto.
type Svc struct {
	proto.Singleton `access:"public"`
}

// Run runs.
func (s *Svc) Run(ctx context.Context) error { return nil }

// svcProxy is taken too.
type svcProxy struct{}

func newSvcProxy() {}

var _ = newSvcProxy
