package aop

import "context"

// Call is the join point of one advised call: tegg's AdviceContext. Advice
// reads and replaces arguments and results through it, reads the params
// given where it was applied, and shares per-call state with the other
// advice of the same call.
//
// A Call is valid only during the call; advice must not keep it. teggo
// makes the Calls; a test of an advice may implement Call itself.
type Call interface {
	// Context returns the method's context.Context argument, or
	// context.Background() when the method takes none.
	Context() context.Context
	// Target returns the object whose method is called.
	Target() any
	// TypeName returns the target's type name, e.g. "TopicService".
	TypeName() string
	// Method returns the method name, e.g. "Create".
	Method() string
	// NumArgs returns the number of arguments, the context included; a
	// variadic parameter is one argument (a slice).
	NumArgs() int
	// Arg returns argument i boxed in an any; only this one is boxed. It
	// panics when i is out of range.
	Arg(i int) any
	// SetArg replaces argument i for the advice and target that run
	// after; a value of the wrong type is an error.
	SetArg(i int, v any) error
	// NumResults returns the number of results, a trailing error excluded.
	NumResults() int
	// Result returns result i (a trailing error excluded). It panics when
	// i is out of range.
	Result(i int) any
	// SetResult replaces result i (a trailing error excluded).
	SetResult(i int, v any) error
	// Params returns the raw params given where the running advice was
	// applied.
	Params() Params
	// ParsedParams returns what the running advice's ParamsParser made of
	// its params at build time, or nil; ParamsOf types it.
	ParsedParams() any
	// Set stores a value under key for the other advice of this call.
	Set(key, value any)
	// Get returns the value stored under key during this call.
	Get(key any) (any, bool)
}

// ParamsOf returns the params the running advice parsed at build time with
// its ParamsParser, typed. ok is false when the advice parsed none or they
// are not a P.
func ParamsOf[P any](c Call) (p P, ok bool) {
	p, ok = c.ParsedParams().(P)
	return p, ok
}

// ArgAs returns argument i as a T. ok is false when it is not a T (a nil
// interface value included). It panics, as Arg does, when i is out of range.
func ArgAs[T any](c Call, i int) (v T, ok bool) {
	v, ok = c.Arg(i).(T)
	return v, ok
}

// ResultAs returns result i (a trailing error excluded) as a T. ok is false
// when it is not a T (a nil interface value included). It panics, as Result
// does, when i is out of range.
func ResultAs[T any](c Call, i int) (v T, ok bool) {
	v, ok = c.Result(i).(T)
	return v, ok
}
