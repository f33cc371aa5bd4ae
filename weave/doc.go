// Package weave runs woven advice: the chains the container builds for
// advised methods, the frames a call's typed arguments and results live in
// while its advice runs, and the proxies `teggo gen` emits.
//
// It is plumbing for generated code and for teggo's own packages (the
// container, HTTP, the event bus, the scheduler), which all call a proto
// method the same way: through RunAxRy with the method's Chain, or a
// proxy's CallAxRy. Users write advice against package aop and never call
// weave; its API follows the generator and may change with it.
package weave

//go:generate go run mkframes.go
