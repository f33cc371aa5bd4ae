package schedule

import (
	"fmt"
)

// Overlap control of timed jobs. gocron's singleton mode does the same
// (LimitModeReschedule / LimitModeWait), but it frees the job only after
// its bookkeeping that follows the run, which nothing can observe: a tick
// right after a run ends (on a fake clock in tests) might be skipped or
// not. Here the job is free before its outcome is logged, and a skipped
// tick is logged.

// overlapGuard admits the ticks of one job.
type overlapGuard struct {
	mode    Overlap       // OverlapSkip or OverlapWait
	running chan struct{} // holds a token while a tick runs
	waiting chan struct{} // holds a token while a tick waits (OverlapWait)
}

func newOverlapGuard(mode Overlap) *overlapGuard {
	return &overlapGuard{mode: mode, running: make(chan struct{}, 1), waiting: make(chan struct{}, 1)}
}

// enter admits a tick, returning the function that frees the job when the
// run ends, or false when the tick is skipped: the job runs and the mode
// is skip, or a tick already waits. A waiting tick gives up when done is
// closed.
func (g *overlapGuard) enter(done <-chan struct{}) (func(), bool) {
	leave := func() { <-g.running }
	select {
	case g.running <- struct{}{}:
		return leave, true
	default:
	}
	if g.mode != OverlapWait {
		return nil, false
	}
	select {
	case g.waiting <- struct{}{}:
	default:
		return nil, false // one tick waits already: this one is skipped
	}
	defer func() { <-g.waiting }()
	select {
	case g.running <- struct{}{}:
		return leave, true
	case <-done:
		return nil, false
	}
}

// skipped logs a tick that overlap control skipped.
func (s *Scheduler) skipped(j *job) {
	why := "the previous run is still running"
	if j.guard.mode == OverlapWait {
		why = "a tick already waits for the running one"
	}
	s.log.Info(fmt.Sprintf("[Job] %s tick skipped: %s", j.name, why), "job", j.name)
}
