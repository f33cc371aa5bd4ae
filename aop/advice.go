package aop

import "fmt"

// BeforeCall runs before the call, outside its try: an error fails the call
// at once and no AfterThrow or AfterFinally runs.
type BeforeCall interface{ BeforeCall(c Call) error }

// AfterReturn runs after a successful call; the results are in c. An error
// makes the call fail (AfterThrow then runs with it).
type AfterReturn interface{ AfterReturn(c Call) error }

// AfterThrow runs after a failed call with its error. Returning a non-nil
// error replaces the call's error and skips the remaining AfterThrow advice,
// as a throw inside tegg's catch block does.
type AfterThrow interface {
	AfterThrow(c Call, err error) error
}

// AfterFinally runs after every call that got past BeforeCall. Returning a
// non-nil error makes it the call's error and skips the remaining
// AfterFinally advice, as a throw inside tegg's finally block does.
type AfterFinally interface{ AfterFinally(c Call) error }

// Around wraps the rest of the chain: next runs the inner advice and, last,
// the target. It may call next several times (a retry) or not at all (a
// cache hit: set the results with c.SetResult and return nil).
type Around interface {
	Around(c Call, next Next) error
}

// Next runs the rest of an Around chain and returns the call's error.
type Next func() error

// ParamsParser is implemented by advice that wants its params typed: the
// container calls ParseParams once per pointcut or crosscut when it builds,
// and the advice reads the result on every call with ParamsOf, with no
// parsing and no reflection at call time. An error fails the build.
type ParamsParser interface {
	ParseParams(p Params) (any, error)
}

// Params are the key=value params given where advice is applied, e.g.
// `//teggo:pointcut Tx propagation=requires_new`.
type Params map[string]string

// PanicError is what AfterThrow receives when the target or an advice
// panicked. The panic continues after AfterThrow and AfterFinally ran.
type PanicError struct {
	// Value is what the code panicked with.
	Value any
}

// Error renders "aop: panic: <value>".
func (e *PanicError) Error() string { return fmt.Sprintf("aop: panic: %v", e.Value) }
