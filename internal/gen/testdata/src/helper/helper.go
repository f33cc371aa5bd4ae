// Package helper holds types that other test packages use.
package helper

import (
	"context"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// Opts are options.
type Opts struct{ N int }

// Result is a result.
type Result struct{ S string }

// Tool is embedded by pointer in a proto of another package.
type Tool struct{}

// Use uses the tool.
func (t *Tool) Use(ctx context.Context, o Opts) (Result, error) { return Result{}, nil }

type secret int

// Widget has a method that mentions an unexported type.
type Widget struct{}

// Secret cannot be proxied from another package.
func (Widget) Secret() secret { return 0 }

// Tx is an advice proto of another package.
type Tx struct{ proto.Singleton }

// Around runs next.
func (Tx) Around(c aop.Call, next aop.Next) error { return next() }
