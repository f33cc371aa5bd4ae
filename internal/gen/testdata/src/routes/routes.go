// Package routes is a controller with every handler shape, route options
// and both kinds of middleware.
package routes

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// Audit is an advice used as AOP middleware.
type Audit struct{ proto.Singleton }

// BeforeCall does nothing.
func (*Audit) BeforeCall(aop.Call) error { return nil }

// Trace is an advice used as AOP middleware on one method.
type Trace struct{ proto.Context }

// Around calls on.
func (*Trace) Around(c aop.Call, next aop.Next) error { return next() }

// Recover is an echo middleware.
func Recover(next echo.HandlerFunc) echo.HandlerFunc { return next }

// ShowIn is the input of Show.
type ShowIn struct {
	ID string `param:"id"`
}

// Topic is an output.
type Topic struct {
	ID string `json:"id"`
}

// Topics is the controller.
//
//teggo:controller /api/v2/topics host=api.example.com,apple.example.com timeout=3s
//teggo:middleware Recover
//teggo:middleware Audit
type Topics struct{ proto.Singleton }

// Show has input and output.
//
//teggo:http GET /:id timeout=1500ms
//teggo:middleware Trace
func (t *Topics) Show(ctx context.Context, in ShowIn) (*Topic, error) { return &Topic{ID: in.ID}, nil }

// List has output only.
//
//teggo:http GET / priority=5
func (t *Topics) List(ctx context.Context) ([]Topic, error) { return nil, nil }

// Create has input only.
//
//teggo:http POST / status=201 timeout=2s
func (t *Topics) Create(ctx context.Context, in Topic) error { return nil }

// Ping has neither.
//
//teggo:http HEAD /ping
func (t *Topics) Ping(ctx context.Context) error { return nil }
