// Package gen is the engine of `teggo gen`: it loads Go packages with
// golang.org/x/tools/go/packages, finds their protos (structs whose first
// field is an embedded proto marker) and their `//teggo:` directives, and
// writes one zz_teggo.go per package holding the package's proto.Module,
// a typed proxy per proto with exported methods, and the declarations read
// from the directives (pointcuts, crosscuts, event handlers, schedules).
//
// The pipeline is: load (load.go) → analyse into a per-package model
// (analyze.go, methods.go, bind.go, using the directive grammar of
// directive.go) → emit (imports.go, emit*.go) → gofmt. Every problem found
// in the source is an *Error carrying a file:line position; Generate
// returns them all at once as an ErrorList.
package gen
