package weave

import (
	"errors"
	"fmt"
	"reflect"
)

// Frame holds the typed arguments and results of one advised call. Package
// weave has a generic frame per arity (frameAxRy); the generator emits
// larger ones into the package that needs them. A frame holds its Call, so
// a call costs one pooled object and no boxing unless an advice asks for an
// argument or result as `any`.
//
// A frame has two methods only: every instantiation of a generic frame type
// costs the compiler a wrapper per method, and a package has one
// instantiation per advised method shape of each proto.
//
// Results exclude a trailing error result: the call's error is what the
// chain returns (an Around may swallow an error by returning nil).
type Frame interface {
	// Access reads (OpTarget, OpArg, OpResult) or replaces (OpSetArg,
	// OpSetResult) the target, argument i or result i. An index out of
	// range gives ErrOutOfRange; a value of the wrong type, an error.
	Access(op Op, i int, v any) (any, error)
	// Invoke calls the target with the current arguments, stores the
	// results and returns the method's error result (nil when it has none).
	Invoke() error
}

// Op is what Frame.Access does.
type Op uint8

// The operations of Frame.Access.
const (
	OpTarget Op = iota
	OpArg
	OpSetArg
	OpResult
	OpSetResult
)

// ErrOutOfRange is what Frame.Access returns for an index out of range.
var ErrOutOfRange = errors.New("index out of range")

// Assign stores v in *dst for OpSetArg and OpSetResult: nil is the zero
// value of a type that can be nil, anything else must be a T.
func Assign[T any](dst *T, v any, what string, i int) error {
	if v == nil {
		switch reflect.TypeFor[T]().Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
			var zero T
			*dst = zero
			return nil
		}
	} else if x, ok := v.(T); ok {
		*dst = x
		return nil
	}
	return fmt.Errorf("aop: %s %d: cannot use %T as %s", what, i, v, reflect.TypeFor[T]())
}

// indexError is the error (or panic value) for an argument or result
// index out of range.
func indexError(what string, i, n int) error {
	return fmt.Errorf("aop: %s index %d out of range [0,%d)", what, i, n)
}
