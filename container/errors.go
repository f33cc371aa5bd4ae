package container

import (
	"strings"

	"github.com/teggo/teggo/internal/suggest"
)

// Code is the stable identifier of an error, for searching and for
// errors.Is. Codes never change meaning once released.
//
// A Code is itself an error, as syscall.Errno is: errors.Is(err,
// container.CodeCycle) reports whether err's tree holds an *Error of that
// code, so each code has one name for matching, reading and searching.
type Code string

// Error returns the code, e.g. "TEGGO_CYCLE".
func (c Code) Error() string { return string(c) }

// The container's error codes.
const (
	CodeProtoNotFound      Code = "TEGGO_PROTO_NOT_FOUND"       // an inject site or lookup matches nothing
	CodeMultiProtoFound    Code = "TEGGO_MULTI_PROTO_FOUND"     // an inject site matches several protos
	CodeCycle              Code = "TEGGO_CYCLE"                 // objects inject each other in a cycle
	CodeDuplicateProto     Code = "TEGGO_DUPLICATE_PROTO"       // two protos share name, module and qualifiers
	CodePrivateAccess      Code = "TEGGO_PRIVATE_ACCESS"        // a private proto injected from another package
	CodeBadTag             Code = "TEGGO_BAD_TAG"               // a marker or inject tag is malformed
	CodeBadProto           Code = "TEGGO_BAD_PROTO"             // a registered value is not a valid proto
	CodeTypeMismatch       Code = "TEGGO_TYPE_MISMATCH"         // a named proto's type does not fit the field
	CodeContextInjection   Code = "TEGGO_CONTEXT_IN_SINGLETON"  // a context proto injected where no scope exists, without a usable proxy
	CodeScopeClosed        Code = "TEGGO_SCOPE_CLOSED"          // access through a scope after Close
	CodeNoScope            Code = "TEGGO_NO_SCOPE"              // a context proto asked for outside any scope
	CodeNotBuilt           Code = "TEGGO_NOT_BUILT"             // a lookup or scope before Build succeeded
	CodeStopped            Code = "TEGGO_STOPPED"               // a lookup or scope after Stop
	CodeAlreadyBuilt       Code = "TEGGO_ALREADY_BUILT"         // Register, Provide or Build after Build
	CodeProvide            Code = "TEGGO_PROVIDE"               // a constructor given to Provide is invalid, or it failed
	CodeLifecycle          Code = "TEGGO_LIFECYCLE"             // a lifecycle hook failed
	CodeAdviceNotFound     Code = "TEGGO_ADVICE_NOT_FOUND"      // a pointcut or crosscut names an advice that is not registered
	CodeBadAdvice          Code = "TEGGO_BAD_ADVICE"            // an advice proto implements no advice hook, or its params are invalid
	CodeNoProxy            Code = "TEGGO_NO_PROXY"              // advice targets a proto that has no generated proxy
	CodeAdviceBypassed     Code = "TEGGO_ADVICE_BYPASSED"       // a concrete-type inject site bypasses advice (strict mode)
	CodeBadDecl            Code = "TEGGO_BAD_DECL"              // a declaration (pointcut, crosscut, ...) is invalid
	CodeContextAdviceNoCtx Code = "TEGGO_CONTEXT_ADVICE_NO_CTX" // context advice on a method without a ctx first parameter
	CodeDuplicateModule    Code = "TEGGO_DUPLICATE_MODULE"      // the same module (package path) installed twice
	CodeStaleGenerated     Code = "TEGGO_STALE_GENERATED"       // generated code no longer matches its struct: run go generate
)

// Error is teggo's one error type: every package's errors are *Error, with
// a stable Code users search for (TEGGO_...), the subject concerned — a
// proto (Proto, Field, Pos), a job (Job), a config file and key (File,
// Key) —, what is wrong, and a hint when one helps. Match it with
// errors.Is against a Code (container.CodeCycle, http.CodeRouterConflict,
// ...), errors.As to read its fields, or CodeOf.
type Error struct {
	Code  Code
	Proto string // the proto concerned, as "pkg.Type" or its name
	Field string // the inject field, when one is concerned
	Pos   string // file:line of the proto's declaration or registration, when known
	Job   string // the schedule job concerned, by its type name
	File  string // the config file concerned
	Key   string // the dotted config key concerned
	Msg   string // what is wrong
	Hint  string // e.g. `did you mean "topicRepo"?`
	// Candidates lists the matching protos of a TEGGO_MULTI_PROTO_FOUND.
	Candidates []string
	// Path is the cycle of a TEGGO_CYCLE, as "A -> inject b -> B -> inject a -> A".
	Path string
	// Err is the underlying cause, when there is one.
	Err error
}

// Error renders "CODE: pkg.Type.Field (file:line): message: cause; hint",
// with "job Name: " or "file: key k: " for the other subjects.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	b.WriteString(": ")
	if e.Proto != "" {
		b.WriteString(e.Proto)
		if e.Field != "" {
			b.WriteString("." + e.Field)
		}
		if e.Pos != "" {
			b.WriteString(" (" + e.Pos + ")")
		}
		b.WriteString(": ")
	}
	if e.Job != "" {
		b.WriteString("job " + e.Job + ": ")
	}
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	if e.Key != "" {
		b.WriteString("key " + e.Key + ": ")
	}
	b.WriteString(e.Msg)
	if e.Path != "" {
		b.WriteString(": " + e.Path)
	}
	if len(e.Candidates) > 0 {
		b.WriteString(": " + strings.Join(e.Candidates, ", "))
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Code, so that errors.Is(err,
// container.CodeProtoNotFound) matches every *Error of that code.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// CodeOf returns the code of the first coded error in err's tree — an
// *Error, a Code, or an error with a Code() string method, as ajv's are —,
// or "".
func CodeOf(err error) Code {
	for err != nil {
		switch e := err.(type) {
		case *Error:
			return e.Code
		case Code:
			return e
		case interface{ Code() string }:
			return Code(e.Code())
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				if c := CodeOf(x); c != "" {
					return c
				}
			}
			return ""
		default:
			return ""
		}
	}
	return ""
}

// didYouMean returns a hint naming the candidate closest to want, when one
// is close enough to be a likely typo.
func didYouMean(want string, candidates []string) string {
	return suggest.DidYouMean(want, candidates)
}
