package aop

import (
	"context"
	"fmt"
)

// Frame holds the typed arguments and results of one proxied call. The
// generator emits one Frame type per advised method; it embeds Call, so a
// call costs one pooled object and no boxing unless an advice asks for an
// argument or result as `any`.
//
// Results exclude a trailing error result: the call's error is what the
// chain returns (an Around may swallow an error by returning nil).
type Frame interface {
	// Target is the object whose method runs.
	Target() any
	// Context is the method's first argument when it is a context.Context,
	// else nil.
	Context() context.Context
	// NumArgs is the number of arguments, the context included; a
	// variadic parameter is one argument (a slice).
	NumArgs() int
	// Arg returns argument i boxed in an any; it panics with an IndexError
	// when i is out of range.
	Arg(i int) any
	// SetArg replaces argument i; a value of the wrong type is an error.
	SetArg(i int, v any) error
	// NumResults is the number of results, a trailing error excluded.
	NumResults() int
	// Result returns result i boxed in an any; it panics with an
	// IndexError when i is out of range.
	Result(i int) any
	// SetResult replaces result i; a value of the wrong type is an error.
	SetResult(i int, v any) error
	// Invoke calls the target with the current arguments, stores the
	// results and returns the method's error result (nil when it has none).
	Invoke() error
}

// ArgTypeError returns the error a Frame gives for a value of the wrong
// type. Generated code calls it.
func ArgTypeError(what string, i int, want string, got any) error {
	return fmt.Errorf("aop: %s %d: cannot use %T as %s", what, i, got, want)
}

// IndexError returns the error (or panic value) for an index out of range.
// Generated code calls it.
func IndexError(what string, i, n int) error {
	return fmt.Errorf("aop: %s index %d out of range [0,%d)", what, i, n)
}

// PanicError is what AfterThrow receives when the target or an advice
// panicked. The panic continues after AfterThrow and AfterFinally ran.
type PanicError struct {
	// Value is what the code panicked with.
	Value any
}

// Error renders "aop: panic: <value>".
func (e *PanicError) Error() string { return fmt.Sprintf("aop: panic: %v", e.Value) }
