// Package broken has a real wiring problem, a cycle, for teggo graph's
// exit status.
package broken

import "github.com/teggo/teggo/proto"

// A needs B.
type A struct {
	proto.Singleton
	B *B `inject:""`
}

// B needs A.
type B struct {
	proto.Singleton
	A *A `inject:""`
}
