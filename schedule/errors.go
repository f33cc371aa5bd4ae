package schedule

import (
	"errors"

	"github.com/teggo/teggo/container"
)

// The schedule's error codes. Its errors are *container.Error, teggo's one
// error type, with the job in Job; match them with errors.Is against the
// codes below (errors.Is(err, schedule.CodeBadSpec)) or with
// container.CodeOf.
const (
	CodeBadSpec     container.Code = "TEGGO_SCHEDULE_BAD_SPEC"      // a job's spec is invalid (cron, interval, time zone, missing timing)
	CodeUnknownType container.Code = "TEGGO_SCHEDULE_UNKNOWN_TYPE"  // a job's type is neither worker, all nor a declared strategy
	CodeBadJob      container.Code = "TEGGO_SCHEDULE_BAD_JOB"       // a job proto is missing, unresolvable, or has no Subscribe method
	CodeBadStrategy container.Code = "TEGGO_SCHEDULE_BAD_STRATEGY"  // a strategy declaration is invalid, or its hook failed
	CodeJobNotFound container.Code = "TEGGO_SCHEDULE_JOB_NOT_FOUND" // RunSchedule names no job
	CodeState       container.Code = "TEGGO_SCHEDULE_STATE"         // Start twice, Start after Stop, a run after Stop
	CodeStopTimeout container.Code = "TEGGO_SCHEDULE_STOP_TIMEOUT"  // Stop's deadline passed with runs still in progress
	CodeRunPanicked container.Code = "TEGGO_SCHEDULE_PANIC"         // a run panicked; the panic value and stack are in the error
	CodeGocron      container.Code = "TEGGO_SCHEDULE_GOCRON"        // gocron refused a job, or failed to stop
)

// ErrLocked is what a Locker returns when another process holds the lock:
// the run is skipped quietly. Any other Lock error is logged as a warning
// (and the run skipped too: running without the lock could run it twice),
// but ErrLockUnavailable, whose locker reports the outage itself.
var ErrLocked = errors.New("schedule: lock held by another process")
