// Package aop weaves advice around method calls, with tegg's semantics.
//
// An advice is a proto that implements one or more of BeforeCall,
// AfterReturn, AfterThrow, AfterFinally and Around. Advice reaches a method
// through a pointcut (one method) or a crosscut (every method a matcher
// accepts). Calls go through generated, typed proxies (see `teggo gen`): a
// proxy method with no advice calls its target directly; one with advice
// fills a pooled, typed frame and runs the method's Chain:
//
//  1. BeforeCall of every advice, in list order. A failure fails the call at
//     once: no AfterThrow or AfterFinally runs.
//  2. The Around chain: the first advice outermost, the target innermost.
//  3. On success, AfterReturn of every advice in list order (not reversed);
//     an error from one counts as a failure of the call.
//  4. On failure, AfterThrow of every advice in list order; the error (or one
//     that an AfterThrow returns instead) is the call's error.
//  5. Always, AfterFinally of every advice in list order.
//  6. A panic in the target or an advice runs AfterThrow (with a *PanicError)
//     and AfterFinally, then keeps panicking.
//
// The list is: matching crosscuts in registration order, then the method's
// pointcuts in source order, stably sorted by Order (lower is outer;
// crosscuts default to 100, pointcuts to 1000).
package aop
