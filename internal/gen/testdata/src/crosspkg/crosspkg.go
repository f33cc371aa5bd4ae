// Package crosspkg names an advice of another package by its import path,
// without importing that package.
package crosspkg

import (
	"context"

	"github.com/teggo/teggo/proto"
)

// Svc is advised by the advice package's Log.
type Svc struct {
	proto.Singleton `access:"public"`
}

// Run runs.
//
//teggo:pointcut github.com/teggo/teggo/internal/gen/testdata/src/advice.Log
func (s *Svc) Run(ctx context.Context) error { return nil }
