package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/teggo/teggo/container"
)

// activeRun is one run in progress.
type activeRun struct {
	id    uint64
	job   *job
	by    string // what triggered it: schedule, immediate, sendOne, sendAll, runSchedule
	start time.Time
}

// begin registers a run of j, unless the scheduler is stopping.
func (s *Scheduler) begin(j *job, by string) (*activeRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return nil, &container.Error{Code: CodeState, Job: j.name, Msg: "the scheduler is stopped"}
	}
	r := &activeRun{id: s.seq.Add(1), job: j, by: by, start: s.opts.clock.Now()}
	s.active[r.id] = r
	return r, nil
}

// end unregisters r, waking Stop when it was the last run.
func (s *Scheduler) end(r *activeRun) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.active, r.id)
	if s.stopping && len(s.active) == 0 && !s.idleClosed {
		close(s.idle)
		s.idleClosed = true
	}
}

// fire is gocron's task for a timed job: one tick.
func (s *Scheduler) fire(j *job) {
	by := "schedule"
	immediate := j.plan.Immediate && j.ranOnce.CompareAndSwap(false, true)
	if immediate {
		by = "immediate"
	}
	leave, ok := j.guard.enter(s.runCtx.Done())
	if !ok {
		if s.runCtx.Err() == nil {
			s.skipped(j)
		}
		return
	}
	r, err := s.begin(j, by)
	if err != nil {
		leave()
		return // stopping: the tick is dropped
	}
	// The immediate run is this process's own, as in egg where each agent
	// runs it at its start: only ticks are shared between processes.
	if j.plan.Type == TypeWorker && !immediate {
		if skip := s.acquire(j); skip != nil {
			leave()
			s.end(r)
			skip()
			return
		}
	}
	_ = s.exec(s.runCtx, r, nil, leave)
}

// send is a strategy's SendOne / SendAll: one run, now, in the background.
func (s *Scheduler) send(j *job, by string, args []any) {
	r, err := s.begin(j, by)
	if err != nil {
		s.log.Warn(fmt.Sprintf("[Job] %s %s dropped: the scheduler is stopped", j.name, by), "job", j.name)
		return
	}
	go func() { _ = s.exec(s.runCtx, r, args, nil) }()
}

// exec runs r in a fresh scope of ctx, calls leave (when not nil) once the
// run is over, logs its outcome in egg's shape and returns its error.
func (s *Scheduler) exec(ctx context.Context, r *activeRun, args []any, leave func()) error {
	defer s.end(r)
	j := r.job
	s.log.Debug(fmt.Sprintf("[Job#%d] %s executing by %s", r.id, j.name, r.by), "job", j.name, "run", r.id, "by", r.by)
	err := s.invoke(ctx, j, args)
	if leave != nil {
		leave()
	}
	used := s.opts.clock.Since(r.start)
	attrs := []any{"job", j.name, "run", r.id, "by", r.by, "used", used}
	if err == nil {
		s.log.Info(fmt.Sprintf("[Job#%d] %s execute succeed, used %dms", r.id, j.name, used.Milliseconds()), attrs...)
		return nil
	}
	attrs = append(attrs, "err", err.Error())
	var p *panicError
	if errors.As(err, &p) {
		attrs = append(attrs, "stack", p.stack)
	}
	s.log.Error(fmt.Sprintf("[Job#%d] %s execute failed, used %dms", r.id, j.name, used.Milliseconds()), attrs...)
	return err
}

// invoke resolves the job in a new scope and calls its Subscribe; a panic
// becomes an error. The scope is closed (its objects destroyed) before
// invoke returns.
func (s *Scheduler) invoke(ctx context.Context, j *job, args []any) (err error) {
	ctx, sc := container.NewScope(ctx, s.c)
	defer func() {
		if cerr := sc.Close(); cerr != nil {
			s.log.Warn(fmt.Sprintf("[Job] %s: closing the run's scope failed", j.name), "job", j.name, "err", cerr.Error())
		}
	}()
	defer func() {
		if v := recover(); v != nil {
			err = &container.Error{Code: CodeRunPanicked, Job: j.name, Msg: "panicked",
				Err: &panicError{value: v, stack: string(debug.Stack())}}
		}
	}()
	obj, err := j.object(sc)
	if err != nil {
		return &container.Error{Code: CodeBadJob, Job: j.name, Msg: "cannot resolve the job", Err: err}
	}
	return subscribe(ctx, j.advice, obj, args)
}

// panicError carries a run's panic value and stack.
type panicError struct {
	value any
	stack string
}

func (p *panicError) Error() string { return fmt.Sprint(p.value) }

// Unwrap returns the panic value when it is an error.
func (p *panicError) Unwrap() error {
	err, _ := p.value.(error)
	return err
}

// acquire returns nil when this process runs the current tick of worker
// job j: it is the leader (with an Elector) and it got the tick's lock (with
// a Locker). Otherwise it returns what logs the skip, for the caller to
// call once the job is free again.
func (s *Scheduler) acquire(j *job) (skip func()) {
	ctx := s.runCtx
	if s.opts.elector != nil {
		if err := s.opts.elector.IsLeader(ctx); err != nil {
			return func() {
				s.log.Debug(fmt.Sprintf("[Job] %s tick skipped: not the leader", j.name), "job", j.name, "err", err.Error())
			}
		}
	}
	if s.opts.locker == nil {
		return nil
	}
	key := lockKey(j, s.tick(j, s.opts.clock.Now()))
	if _, err := s.opts.locker.Lock(ctx, key); err != nil {
		level := slog.LevelWarn
		if errors.Is(err, ErrLocked) || errors.Is(err, ErrLockUnavailable) { // taken, or an outage the locker reported
			level = slog.LevelDebug
		}
		return func() {
			s.log.Log(ctx, level, fmt.Sprintf("[Job] %s tick skipped: lock %s not acquired", j.name, key), "job", j.name, "err", err.Error())
		}
	}
	return nil
}

// lockKey names one tick of one job.
func lockKey(j *job, tick time.Time) string {
	return fmt.Sprintf("teggo:schedule:%s:%d", j.key, tick.UnixMilli())
}

// tick returns the tick a run of j starting at now belongs to: the same in
// every process that fires it.
func (s *Scheduler) tick(j *job, now time.Time) time.Time {
	if j.plan.sched != nil {
		return lastTick(j.plan.sched, now)
	}
	if j.plan.interval > 0 {
		return now.Truncate(j.plan.interval)
	}
	return now
}
