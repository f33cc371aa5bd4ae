// Package badbind has well-formed directives in the wrong places or
// naming the wrong things.
package badbind

import (
	"context"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// Tx is an advice.
type Tx struct{ proto.Singleton }

// Around runs next.
func (Tx) Around(c aop.Call, next aop.Next) error { return next() }

// NoHooks is no advice.
type NoHooks struct{ proto.Singleton }

// Plain is no proto.
//
//teggo:crosscut type=Svc
type Plain struct{}

// Run is a method of a non-proto.
//
//teggo:pointcut Tx
func (p *Plain) Run(ctx context.Context) error { return nil }

// Svc is a proto.
//
//teggo:crosscut type=Svc method=Runn
//teggo:schedule type=worker cron="@daily"
type Svc struct{ proto.Singleton }

// Run is advised wrongly.
//
//teggo:pointcut Txx
//teggo:pointcut NoHooks
//teggo:pointcut fmt.Stringer
//teggo:pointcut aop.Call
//teggo:http GET /run
//teggo:event
func (s *Svc) Run(ctx context.Context) error { return nil }

// run is unexported.
//
//teggo:pointcut Tx
func (s *Svc) run() {}

// Handle has the wrong shape for an event.
//
//teggo:event
func (s *Svc) Handle(e string) {}

// Ctl is a controller.
//
//teggo:controller /api
//teggo:controller /api2
type Ctl struct{ proto.Singleton }

// Get has no handler shape.
//
//teggo:http GET /x
//teggo:middleware Nowhere
func (c *Ctl) Get(a, b int) {}

// Helper is a function.
//
//teggo:pointcut Tx
func Helper() {}

//teggo:event
var _ = Helper

var _ = (*Svc).run

// Elsewhere names an advice by the import path of a package that does not
// exist.
//
//teggo:pointcut github.com/teggo/teggo/nowhere.Log
func (s *Svc) Elsewhere(ctx context.Context) error { return nil }
