// Package aop weaves advice around method calls, with tegg's semantics.
//
// # Advice
//
// An advice is a proto that implements one or more of BeforeCall,
// AfterReturn, AfterThrow, AfterFinally and Around. Each hook receives the
// *Call of the running call (tegg's AdviceContext): the target, its type and
// method names, the arguments and results (read one at a time, boxed only
// when asked, or typed with ArgAs and ResultAs; replaceable with SetArg and
// SetResult), the method's context.Context, the params given where the
// advice was applied (Params, or typed with ParamsOf), and a key/value state
// shared by the advice of that one call (Set, Get).
//
// # Declarations
//
// Advice reaches a method through a pointcut (one method) or a crosscut
// (every method a Matcher accepts: ForType, ForRegexp, ForFunc). Both are
// plain values, made by Pointcut and Crosscut and handed to the container in
// a proto.Module's Decls; nothing registers itself anywhere. `teggo gen`
// writes them from `//teggo:pointcut` and `//teggo:crosscut` directives.
// Invalid declarations do not panic: they carry an Err that the container
// reports at Build (DeclErrors). Plan gives the ordered advice list of one
// method:
//
//   - matching crosscuts in registration order, then the method's pointcuts
//     in source order;
//   - stably sorted ascending by Order; crosscuts default to 100
//     (DefaultCrosscutOrder), pointcuts to 1000 (DefaultPointcutOrder);
//     lower is outer.
//
// # Execution
//
// Calls go through generated, typed proxies (see `teggo gen`): a proxy
// method with no advice calls its target directly; one with advice fills a
// pooled, typed Frame and runs the method's Chain. For the list A1..An:
//
//  1. BeforeCall of A1..An, in order. It is outside the try: a failure
//     fails the call at once, and no AfterThrow or AfterFinally runs.
//  2. The Around chain: A1 outermost, An innermost, then the target with the
//     (possibly replaced) arguments. An Around may call next several times
//     (a retry) or not at all (a cache hit that sets the results).
//  3. On success, AfterReturn of A1..An in list order (not reversed); an
//     error from one counts as a failure of the call and skips the rest.
//  4. On failure, AfterThrow of A1..An in list order. The call's error is
//     returned, unless an AfterThrow returns another error: that one
//     replaces it and skips the remaining AfterThrow.
//  5. Always (finally), AfterFinally of A1..An in list order; one that
//     returns an error makes it the call's error and skips the rest.
//  6. A panic in the target or an advice runs AfterThrow (with a
//     *PanicError) and AfterFinally, then keeps panicking with the original
//     value. A panic in AfterThrow still runs AfterFinally; one in
//     AfterFinally runs nothing more.
//
// A method without a trailing error result has nowhere to return the
// chain's error: its proxy panics with that error (a failing BeforeCall, an
// AfterReturn, AfterThrow or AfterFinally that returns an error). Advice on
// such methods should not fail, or the method should return an error.
//
// # Scope of advice
//
// An advice is a proto like any other. A singleton advice is one object
// shared by every call (Advice.Instance); a context advice is one object per
// scope, found on each call from the call's context.Context
// (Advice.Resolve). Advice params are parsed once, at build, by an advice
// that implements ParamsParser, so nothing reflects at call time.
package aop
