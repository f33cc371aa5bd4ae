package schedule

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/teggo/teggo/container"
	"slices"
	"strings"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// gocronStopTimeout bounds how long gocron waits, at Stop, for runs that
// outlived Stop's own deadline (gocron polls until then).
const gocronStopTimeout = time.Second

// Start starts the timers of the enabled worker and all jobs (running the
// immediate ones at once) and the strategies of the custom types. The App
// calls it after its ready hooks, so jobs never run against a half-started
// application. ctx's values reach the runs; its cancellation does not (the
// runs live until Stop). Start fails after Stop, or when already started.
func (s *Scheduler) Start(ctx context.Context) error {
	s.life.Lock()
	defer s.life.Unlock()
	s.mu.Lock()
	stopping, started := s.stopping, s.started
	s.mu.Unlock()
	switch {
	case stopping:
		return &container.Error{Code: CodeState, Msg: "Start after Stop"}
	case started:
		return &container.Error{Code: CodeState, Msg: "Start called twice"}
	}

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.runCtx, s.cancel = runCtx, cancel
	g, err := gocron.NewScheduler(
		gocron.WithClock(s.opts.clock),
		gocron.WithLocation(s.opts.location),
		gocron.WithLogger(gocronLogger{s.log}),
		gocron.WithStopTimeout(gocronStopTimeout),
	)
	if err != nil {
		cancel()
		return &container.Error{Code: CodeGocron, Msg: "cannot create the gocron scheduler", Err: err}
	}
	fail := func(err error) error {
		s.stopStrategies(ctx)
		_ = g.Shutdown()
		cancel()
		return err
	}
	timers := 0
	for _, j := range s.jobs {
		if j.plan.Disable || !j.plan.timed() {
			continue
		}
		def, opts := s.definition(j)
		if _, err := g.NewJob(def, gocron.NewTask(s.fire, j), opts...); err != nil {
			return fail(&container.Error{Code: CodeGocron, Job: j.name, Msg: "gocron refused the job", Err: err})
		}
		timers++
	}
	for _, j := range s.jobs {
		if j.plan.Disable || j.strategy == nil {
			continue
		}
		t := &trigger{s: s, j: j}
		if err := j.strategy.strategy.Start(runCtx, t); err != nil {
			return fail(&container.Error{Code: CodeBadStrategy, Job: j.name, Msg: fmt.Sprintf("strategy %q failed to start", j.strategy.name), Err: err})
		}
		s.triggers = append(s.triggers, t)
	}
	g.Start()
	s.cron = g
	s.mu.Lock()
	s.started = true
	s.mu.Unlock()
	s.log.Info(fmt.Sprintf("started: %d timed jobs, %d strategy jobs", timers, len(s.triggers)))
	return nil
}

// stopStrategies calls Stop of every started strategy, once per job.
func (s *Scheduler) stopStrategies(ctx context.Context) []error {
	var errs []error
	for _, t := range s.triggers {
		if err := t.j.strategy.strategy.Stop(ctx, t); err != nil {
			errs = append(errs, &container.Error{Code: CodeBadStrategy, Job: t.j.name, Msg: fmt.Sprintf("strategy %q failed to stop", t.j.strategy.name), Err: err})
		}
	}
	s.triggers = nil
	return errs
}

// Stop stops the strategies and the timers — no run starts after Stop
// began — and waits for the runs in progress until ctx is done. Runs still
// going then have their context cancelled and are reported in an
// CodeStopTimeout error, by run id, job and time running. Stop is
// idempotent; a scheduler that was never started just stops accepting
// runs.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.life.Lock()
	defer s.life.Unlock()
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return nil
	}
	s.stopping = true
	s.idle = make(chan struct{})
	if len(s.active) == 0 {
		close(s.idle)
		s.idleClosed = true
	}
	s.mu.Unlock()

	errs := s.stopStrategies(ctx)
	select {
	case <-s.idle:
	case <-ctx.Done():
		errs = append(errs, s.unfinished(ctx.Err()))
	}
	if s.cancel != nil {
		s.cancel()
	}
	if s.cron != nil {
		// Every run has ended (or been reported): gocron's runners return
		// at once since fire sees the scheduler stopping.
		if err := s.cron.Shutdown(); err != nil && !errors.Is(err, gocron.ErrStopJobsTimedOut) {
			errs = append(errs, &container.Error{Code: CodeGocron, Msg: "gocron failed to stop", Err: err})
		}
	}
	if len(errs) == 0 {
		s.log.Info("stopped")
	}
	return errors.Join(errs...)
}

// unfinished reports the runs still active when Stop's deadline passed.
func (s *Scheduler) unfinished(cause error) error {
	now := s.opts.clock.Now()
	s.mu.Lock()
	runs := make([]*activeRun, 0, len(s.active))
	for _, r := range s.active {
		runs = append(runs, r)
	}
	s.mu.Unlock()
	slices.SortFunc(runs, func(a, b *activeRun) int { return cmp.Compare(a.id, b.id) })
	parts := make([]string, len(runs))
	for i, r := range runs {
		parts[i] = fmt.Sprintf("[Job#%d] %s (running %dms)", r.id, r.job.name, now.Sub(r.start).Milliseconds())
	}
	err := &container.Error{Code: CodeStopTimeout, Msg: "runs did not finish before the deadline: " + strings.Join(parts, ", "), Err: cause}
	s.log.Error(err.Error())
	return err
}
