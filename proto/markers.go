package proto

import "fmt"

// Singleton marks a proto with one instance per container, created eagerly
// at Build in dependency order and destroyed at Stop in reverse order.
type Singleton struct{}

// Context marks a proto with one instance per scope (a request, an event, a
// schedule run), created lazily on first use in that scope and destroyed when
// the scope closes.
type Context struct{}

// AlwaysNew marks a proto of which every inject site gets its own fresh
// instance. Such instances are never tracked nor destroyed by the container.
type AlwaysNew struct{}

// InitType is a proto's scope, tegg's initType.
type InitType uint8

// The three scopes. The zero value is not a valid InitType.
const (
	InitSingleton InitType = iota + 1
	InitContext
	InitAlwaysNew
)

// String returns the name used in tags, qualifiers and messages.
func (t InitType) String() string {
	switch t {
	case InitSingleton:
		return "singleton"
	case InitContext:
		return "context"
	case InitAlwaysNew:
		return "alwaysNew"
	}
	return fmt.Sprintf("InitType(%d)", uint8(t))
}

// Access says who may inject a proto.
type Access uint8

// The access levels. Private is the default.
const (
	Private Access = iota // injectable only from protos of the same Go package
	Public                // injectable from anywhere
)

// String returns the tag spelling: "private" or "public".
func (a Access) String() string {
	if a == Public {
		return "public"
	}
	return "private"
}
