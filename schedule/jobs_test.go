package schedule_test

import (
	"context"
	"errors"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/schedule"
)

// The jobs of the tests. A job's spec is in its declaration, so one type
// serves under several specs.

type Tick struct {
	proto.Singleton
	P *probe `inject:""`
}

func (j *Tick) Subscribe(context.Context) error { j.P.hit("Tick"); return nil }

type Tock struct {
	proto.Singleton
	P *probe `inject:""`
}

func (j *Tock) Subscribe(context.Context) error { j.P.hit("Tock"); return nil }

// Blocking reports that it started, then waits for release (or for its
// context to end).
type Blocking struct {
	proto.Singleton
	P *probe `inject:""`
	G *gate  `inject:""`
}

type gate struct {
	started chan struct{}
	release chan struct{}
}

func newGate() *gate {
	return &gate{started: make(chan struct{}, 100), release: make(chan struct{}, 100)}
}

func (j *Blocking) Subscribe(ctx context.Context) error {
	j.G.started <- struct{}{}
	select {
	case <-j.G.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	j.P.hit("Blocking")
	return nil
}

type Failing struct {
	proto.Singleton
	P *probe `inject:""`
}

func (j *Failing) Subscribe(context.Context) error {
	j.P.hit("Failing")
	return errors.New("db is down")
}

type Panicking struct {
	proto.Singleton
	P *probe `inject:""`
}

func (j *Panicking) Subscribe(context.Context) error {
	j.P.hit("Panicking")
	panic("boom")
}

// RunState is a context proto: one per run.
type RunState struct {
	proto.Context
	P *probe `inject:""`
}

func (r *RunState) Destroy(context.Context) error {
	r.P.mu.Lock()
	r.P.counts["RunState destroyed"]++
	r.P.mu.Unlock()
	return nil
}

// Scoped is a context-scoped job: a new one in every run's scope.
type Scoped struct {
	proto.Context `name:"scopedJob"`
	P             *probe    `inject:""`
	State         *RunState `inject:""`
}

func (j *Scoped) Subscribe(ctx context.Context) error {
	got, err := container.Get[*RunState](ctx)
	if err != nil {
		return err
	}
	if got != j.State {
		return errors.New("the scope's RunState is not the injected one")
	}
	j.P.hit("Scoped", j, j.State)
	return nil
}

// WithArgs receives the arguments of SendOne / SendAll / RunSchedule.
type WithArgs struct {
	proto.Singleton
	P *probe `inject:""`
}

func (j *WithArgs) Subscribe(_ context.Context, args ...any) error {
	j.P.hit("WithArgs", args...)
	return nil
}

// Config tells this process's host and the host that runs Sync.
type Config struct {
	proto.Singleton
	Host, SyncHost string
}

func (c *Config) PostConstruct(context.Context) error {
	c.Host, c.SyncHost = "sync-host", "sync-host"
	return nil
}

// Sync computes its spec: every second, on the configured host only.
type Sync struct {
	proto.Singleton
	P   *probe  `inject:""`
	Cfg *Config `inject:""`
}

func (j *Sync) Schedule() schedule.Spec {
	return schedule.Spec{Type: schedule.TypeAll, Interval: "1s", Disable: j.Cfg.Host != j.Cfg.SyncHost}
}

func (j *Sync) Subscribe(context.Context) error { j.P.hit("Sync"); return nil }

// OtherHost runs only on "other-host", which this process is not.
type OtherHost struct {
	proto.Singleton
	P   *probe  `inject:""`
	Cfg *Config `inject:""`
}

func (j *OtherHost) Schedule() schedule.Spec {
	return schedule.Spec{Type: schedule.TypeAll, Interval: "1s", Disable: j.Cfg.Host != "other-host"}
}

func (j *OtherHost) Subscribe(context.Context) error { j.P.hit("OtherHost"); return nil }

// NoSubscribe is not a job.
type NoSubscribe struct {
	proto.Singleton
}
