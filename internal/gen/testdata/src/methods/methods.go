// Package methods has one proto with every method shape a proxy handles.
package methods

import (
	"context"
	"fmt"
	"io"
	"unsafe"

	"github.com/teggo/teggo/proto"
)

// Point is a struct argument.
type Point struct{ X, Y int }

// Level is a named basic type.
type Level int

// Shapes has every method shape.
type Shapes struct {
	proto.Singleton `access:"public"`
}

// Fire has no result.
func (s *Shapes) Fire(ctx context.Context, msg string) {}

// Check has only an error result.
func (s *Shapes) Check(ctx context.Context) error { return nil }

// Split has several results and an error.
func (s *Shapes) Split(ctx context.Context, in string) (head string, tail []string, n Level, err error) {
	return "", nil, 0, nil
}

// Pair has several results without error and no context.
func (s *Shapes) Pair() (Point, [2]int) { return Point{}, [2]int{} }

// Sum is variadic.
func (s *Shapes) Sum(ctx context.Context, base int, xs ...int) (int, error) { return 0, nil }

// Join is variadic only.
func (s *Shapes) Join(parts ...fmt.Stringer) string { return "" }

// Unnamed has unnamed parameters.
func (s *Shapes) Unnamed(context.Context, int, string) error { return nil }

// Blank has blank parameters.
func (s *Shapes) Blank(ctx context.Context, _ int, _ string) bool { return false }

// Collide has parameter names that the proxy body or the imports use.
func (s *Shapes) Collide(ctx context.Context, t, f, err, ch, o, p int, r0 string, context string, string_ string) (string, error) {
	return "", nil
}

// Clash has a name that a renamed parameter would take.
func (s *Shapes) Clash(a1 int, _ int) {}

// Kinds takes and returns every kind of type.
func (s *Shapes) Kinds(ctx context.Context, fn func(int) error, m map[string][]byte, c <-chan struct{}, p *Point, u unsafe.Pointer, w io.Writer, a any, e error) (func() error, map[string]int, chan int, *Point, unsafe.Pointer, io.Reader, any, error) {
	return nil, nil, nil, nil, nil, nil, nil, nil
}

// Anon returns an anonymous struct.
func (s *Shapes) Anon() struct{ A int } { return struct{ A int }{} }

// Value has a value receiver.
func (s Shapes) Value(x Level) Level { return x }

func (s *Shapes) hidden() {}

var _ = (*Shapes).hidden
