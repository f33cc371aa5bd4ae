package schedule

import (
	"errors"
	"strings"
)

// Code is the stable identifier of a schedule error, for searching and for
// errors.Is.
type Code string

// The schedule's error codes.
const (
	CodeBadSpec     Code = "TEGGO_SCHEDULE_BAD_SPEC"      // a job's spec is invalid (cron, interval, time zone, missing timing)
	CodeUnknownType Code = "TEGGO_SCHEDULE_UNKNOWN_TYPE"  // a job's type is neither worker, all nor a declared strategy
	CodeBadJob      Code = "TEGGO_SCHEDULE_BAD_JOB"       // a job proto is missing, unresolvable, or has no Subscribe method
	CodeBadStrategy Code = "TEGGO_SCHEDULE_BAD_STRATEGY"  // a strategy declaration is invalid, or its hook failed
	CodeJobNotFound Code = "TEGGO_SCHEDULE_JOB_NOT_FOUND" // RunSchedule names no job
	CodeState       Code = "TEGGO_SCHEDULE_STATE"         // Start twice, Start after Stop, a run after Stop
	CodeStopTimeout Code = "TEGGO_SCHEDULE_STOP_TIMEOUT"  // Stop's deadline passed with runs still in progress
	CodeRunPanicked Code = "TEGGO_SCHEDULE_PANIC"         // a run panicked; the panic value and stack are in the error
	CodeGocron      Code = "TEGGO_SCHEDULE_GOCRON"        // gocron refused a job, or failed to stop
)

// Error is a schedule error: a stable Code, the job concerned (its type
// name), what is wrong, and the cause.
type Error struct {
	Code Code
	Job  string // the job's type name, e.g. "CleanDB", when one is concerned
	Msg  string
	Hint string // e.g. `did you mean "CleanDB"?`
	Err  error
}

// Error renders "CODE: job Name: message: cause; hint".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	b.WriteString(": ")
	if e.Job != "" {
		b.WriteString("job " + e.Job + ": ")
	}
	b.WriteString(e.Msg)
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

// Is reports whether target is an *Error of the same Code with no message,
// so that errors.Is(err, schedule.ErrBadSpec) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Msg == ""
}

// Sentinels for errors.Is; each matches every *Error of its code.
var (
	ErrBadSpec     = &Error{Code: CodeBadSpec}
	ErrUnknownType = &Error{Code: CodeUnknownType}
	ErrBadJob      = &Error{Code: CodeBadJob}
	ErrBadStrategy = &Error{Code: CodeBadStrategy}
	ErrJobNotFound = &Error{Code: CodeJobNotFound}
	ErrState       = &Error{Code: CodeState}
	ErrStopTimeout = &Error{Code: CodeStopTimeout}
	ErrRunPanicked = &Error{Code: CodeRunPanicked}
	ErrGocron      = &Error{Code: CodeGocron}
)

// ErrLocked is what a Locker returns when another process holds the lock:
// the run is skipped quietly. Any other Lock error is logged as a warning
// (and the run skipped too: running without the lock could run it twice).
var ErrLocked = errors.New("schedule: lock held by another process")

// CodeOf returns the code of the first *Error in err's tree, or "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
