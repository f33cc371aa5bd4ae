package schedule_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/schedule"
)

func TestFreshScopePerRun(t *testing.T) {
	e := newEnv(t, nil, nil, nil, new(Scoped), new(RunState),
		schedule.Job[*Scoped](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}))
	e.start(t, 1)
	e.tick(t, time.Second, 1)
	e.waitRuns(t, "Scoped", 1)
	e.tick(t, time.Second, 1)
	e.waitRuns(t, "Scoped", 2)
	must(t, e.s.RunSchedule(t.Context(), "Scoped"))
	e.stop(t)

	if n := e.log.count("Scoped execute failed"); n != 0 {
		t.Fatalf("runs failed:\n%s", e.log)
	}
	args := e.probe.args["Scoped"]
	if len(args) != 3 {
		t.Fatalf("%d runs, want 3", len(args))
	}
	jobs, states := map[any]bool{}, map[any]bool{}
	for _, a := range args {
		jobs[a[0]], states[a[1]] = true, true
	}
	if len(jobs) != 3 || len(states) != 3 {
		t.Errorf("%d jobs and %d RunStates for 3 runs: want one of each per run", len(jobs), len(states))
	}
	if n := e.probe.count("RunState destroyed"); n != 3 {
		t.Errorf("%d RunStates destroyed, want 3: a run's scope closes with it", n)
	}
}

func TestFailingJobLoggedAndSchedulerGoesOn(t *testing.T) {
	e := newEnv(t, nil, nil, nil, new(Failing),
		schedule.Job[*Failing](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}))
	e.start(t, 1)
	for i := 1; i <= 2; i++ {
		e.tick(t, time.Second, 1)
		e.waitRuns(t, "Failing", i)
	}
	e.stop(t)
	for _, id := range []string{"1", "2"} {
		e.log.waitN(t, 1, `level=ERROR msg="[Job#`+id+`] Failing execute failed, used 0ms"`, "schedule.job=Failing", "schedule.run="+id, `schedule.err="db is down"`)
	}
}

func TestPanickingJobLoggedAndReturned(t *testing.T) {
	e := newEnv(t, nil, nil, nil, new(Panicking), new(Tick),
		schedule.Job[*Panicking](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}),
		schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}))
	e.start(t, 2)
	e.tick(t, time.Second, 2)
	e.waitRuns(t, "Panicking", 1)
	e.waitRuns(t, "Tick", 1)
	e.log.waitN(t, 1, "Panicking execute failed, used 0ms", "panicked: boom", "schedule.stack=")

	err := e.s.RunSchedule(t.Context(), "Panicking")
	if !errors.Is(err, schedule.CodeRunPanicked) {
		t.Fatalf("RunSchedule = %v, want CodeRunPanicked", err)
	}
	contains(t, err.Error(), "job Panicking", "boom")
	// The scheduler goes on.
	e.tick(t, time.Second, 2)
	e.waitRuns(t, "Tick", 2)
	e.stop(t)
}

func TestRunSchedule(t *testing.T) {
	e := newEnv(t, nil, nil, nil, new(Tick), new(Failing), new(WithArgs), new(Scoped), new(RunState),
		schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeWorker, Cron: "0 0 3 * * *", Disable: true}),
		schedule.Job[*Failing](schedule.Spec{Type: schedule.TypeAll, Interval: "1h"}),
		schedule.Job[*WithArgs](schedule.Spec{Type: schedule.TypeAll, Interval: "1h"}),
		schedule.Job[*Scoped](schedule.Spec{Type: schedule.TypeAll, Interval: "1h"}))
	ctx := t.Context()

	// Before Start, by type name, proto name and qualified name; disabled or not.
	for _, name := range []string{"Tick", "tick", "schedule_test.Tick"} {
		must(t, e.s.RunSchedule(ctx, name))
	}
	if n := e.probe.count("Tick"); n != 3 {
		t.Errorf("Tick ran %d times, want 3", n)
	}
	must(t, e.s.RunSchedule(ctx, "scopedJob")) // a name from the marker tag
	e.log.waitN(t, 1, "[Job#1] Tick execute succeed, used 0ms", "schedule.by=runSchedule")

	if err := e.s.RunSchedule(ctx, "Failing"); err == nil || err.Error() != "db is down" {
		t.Errorf("RunSchedule(Failing) = %v, want the job's own error", err)
	}
	must(t, e.s.RunSchedule(ctx, "WithArgs", "a", 1))
	if got := e.probe.args["WithArgs"]; len(got) != 1 || len(got[0]) != 2 || got[0][0] != "a" || got[0][1] != 1 {
		t.Errorf("args = %v", got)
	}

	err := e.s.RunSchedule(ctx, "Tik")
	if !errors.Is(err, schedule.CodeJobNotFound) {
		t.Fatalf("RunSchedule(Tik) = %v", err)
	}
	contains(t, err.Error(), `Tik`, `did you mean "Tick"?`)

	e.start(t, 3)
	must(t, e.s.RunSchedule(ctx, "Tick"))
	e.stop(t)
	if err := e.s.RunSchedule(ctx, "Tick"); !errors.Is(err, schedule.CodeState) {
		t.Errorf("RunSchedule after Stop = %v, want CodeState", err)
	}
}

func TestRunScheduleScopeFromCaller(t *testing.T) {
	type key struct{}
	e := newEnv(t, nil, nil, nil, new(ctxJob), schedule.Job[*ctxJob](schedule.Spec{Type: schedule.TypeAll, Interval: "1h"}))
	ctx := context.WithValue(t.Context(), key{}, "caller")
	must(t, e.s.RunSchedule(ctx, "ctxJob"))
	got := e.probe.args["ctxJob"][0]
	if got[0] != true {
		t.Error("Subscribe's ctx carries no scope")
	}
	if v, _ := got[1].(context.Context).Value(key{}).(string); v != "caller" {
		t.Error("Subscribe's ctx does not derive from RunSchedule's")
	}
}

type ctxJob struct {
	proto.Singleton
	P *probe `inject:""`
}

func (j *ctxJob) Subscribe(ctx context.Context) error {
	_, ok := container.ScopeFrom(ctx)
	j.P.hit("ctxJob", ok, ctx)
	return nil
}

func TestGracefulStopWaitsForRunningJob(t *testing.T) {
	e := newEnv(t, nil, nil, nil, new(Blocking),
		schedule.Job[*Blocking](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}))
	e.start(t, 1)
	e.tick(t, time.Second, 1)
	<-e.gate.started

	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		stopped <- e.s.Stop(ctx)
	}()
	// No new run starts once Stop began, and Stop returns only after the
	// running one ended.
	e.gate.release <- struct{}{}
	select {
	case err := <-stopped:
		must(t, err)
	case <-time.After(wait):
		t.Fatal("Stop did not return")
	}
	if n := e.probe.count("Blocking"); n != 1 {
		t.Errorf("Stop returned before the run ended (%d finished)", n)
	}
	if err := e.s.Start(t.Context()); !errors.Is(err, schedule.CodeState) {
		t.Errorf("Start after Stop = %v", err)
	}
}

func TestStopDeadlineReportsUnfinishedRuns(t *testing.T) {
	e := newEnv(t, nil, nil, nil, new(Blocking),
		schedule.Job[*Blocking](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}))
	e.start(t, 1)
	e.tick(t, time.Second, 1)
	<-e.gate.started

	ctx, cancel := context.WithCancel(t.Context())
	cancel() // the deadline has passed
	err := e.s.Stop(ctx)
	if !errors.Is(err, schedule.CodeStopTimeout) {
		t.Fatalf("Stop = %v, want CodeStopTimeout", err)
	}
	contains(t, err.Error(), "[Job#1] Blocking (running 0ms)")
	// The run saw its context cancelled, and ended.
	e.log.waitN(t, 1, "[Job#1] Blocking execute failed", "context canceled")
	if !strings.Contains(e.log.String(), "runs did not finish before the deadline") {
		t.Errorf("the timeout is not logged:\n%s", e.log)
	}
}
