// Package promoted has a proto whose methods are promoted from embedded
// fields.
package promoted

import (
	"context"
	"sync"

	"github.com/teggo/teggo/internal/gen/testdata/src/helper"
	"github.com/teggo/teggo/proto"
)

// Base is embedded by value.
type Base struct{}

// Hello is promoted with a pointer receiver.
func (b *Base) Hello(ctx context.Context) string { return "hello" }

// Name is shadowed by Service.Name.
func (b Base) Name() string { return "base" }

// Greeter is an embedded interface.
type Greeter interface{ Greet(name string) string }

// Box is a generic embedded struct.
type Box[T any] struct{ V T }

// Get is promoted from Box[int].
func (b *Box[T]) Get() T { return b.V }

// Service embeds a bit of everything.
type Service struct {
	proto.Context
	Base
	*helper.Tool
	Greeter
	sync.Mutex
	Box[int]

	Dep *Base `inject:""`
}

// Own is its own method.
func (s *Service) Own(ctx context.Context) error { return nil }

// Name shadows Base.Name.
func (s *Service) Name() string { return "service" }
