package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/internal/suggest"
)

// Scheduler runs the jobs declared in one container. Create it with New
// after the container is built, Start it when the application is ready,
// Stop it before the container stops.
//
// Start, Stop and RunSchedule are safe for concurrent use.
type Scheduler struct {
	c      *container.Container
	log    *slog.Logger
	opts   options
	jobs   []*job
	byName map[string][]*job // type name, proto name, "pkg.Type"
	byKey  map[string]*job   // gocron's job name

	life     sync.Mutex // serializes Start and Stop
	cron     gocron.Scheduler
	triggers []*trigger // the strategies started, one trigger per job
	runCtx   context.Context
	cancel   context.CancelFunc // cancels runCtx: the runs' and the strategies' context

	mu         sync.Mutex
	started    bool
	stopping   bool
	active     map[uint64]*activeRun
	idle       chan struct{} // closed when stopping and no run is active
	idleClosed bool
	seq        atomic.Uint64 // run ids: Job#1, Job#2...
}

// New reads the job and strategy declarations of c (which must be built),
// resolves every job — a singleton once, a context or always-new proto in
// each run's scope —, asks each Dynamic job for its spec, and validates
// every spec. It reports every problem at once, each naming its job, so a
// bad schedule fails the application's start before anything runs. New
// starts nothing: no goroutine exists until Start.
func New(c *container.Container, opts ...Option) (*Scheduler, error) {
	o := options{overlap: OverlapSkip, location: time.Local}
	for _, f := range opts {
		f(&o)
	}
	if c == nil {
		return nil, &container.Error{Code: CodeState, Msg: "New(nil container)"}
	}
	if !c.Built() {
		return nil, &container.Error{Code: CodeState, Msg: "the container is not built", Hint: "create the scheduler after container.Build"}
	}
	if o.log == nil {
		o.log = c.Logger()
	}
	if o.clock == nil {
		o.clock = clockwork.NewRealClock()
	}
	if o.location == nil {
		o.location = time.Local
	}
	var errs []error
	switch o.overlap {
	case OverlapDefault:
		o.overlap = OverlapSkip
	case OverlapSkip, OverlapWait:
	default:
		errs = append(errs, &container.Error{Code: CodeBadSpec, Msg: fmt.Sprintf("WithOverlap(%v): want OverlapSkip or OverlapWait", o.overlap)})
	}

	var jobDecls []*JobDecl
	var strategyDecls []*StrategyDecl
	for _, d := range c.Decls() {
		switch v := d.(type) {
		case *JobDecl:
			jobDecls = append(jobDecls, v)
		case *StrategyDecl:
			strategyDecls = append(strategyDecls, v)
		}
	}
	strategies, serrs := checkStrategies(strategyDecls)
	errs = append(errs, serrs...)

	s := &Scheduler{c: c, log: o.log.WithGroup("schedule"), opts: o,
		byName: map[string][]*job{}, byKey: map[string]*job{}, active: map[uint64]*activeRun{}}
	for _, d := range jobDecls {
		j := &job{decl: d}
		j.describe()
		if prev := s.byKey[j.key]; prev != nil {
			errs = append(errs, &container.Error{Code: CodeBadJob, Job: j.name, Msg: "declared twice", Hint: "use JobDecl.Named to declare several protos of one type"})
			continue
		}
		spec, err := s.resolve(j)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, perrs := compile(j.name, spec, strategies, o.location)
		errs = append(errs, perrs...)
		j.plan, j.strategy = p, strategies[spec.Type]
		mode := p.Overlap
		if mode == OverlapDefault {
			mode = o.overlap
		}
		j.guard = newOverlapGuard(mode)
		s.jobs = append(s.jobs, j)
		s.byKey[j.key] = j
		for _, n := range []string{j.name, j.protoName, j.qualified} {
			if !slices.Contains(s.byName[n], j) {
				s.byName[n] = append(s.byName[n], j)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// resolve checks that j's proto exists and has a Subscribe method, keeps
// its object when it is a singleton, and returns its spec: the declared
// one, or what its Schedule method says.
func (s *Scheduler) resolve(j *job) (Spec, error) {
	d := j.decl
	if !d.typ.Implements(subscriberType) && !d.typ.Implements(argsSubscriberType) {
		return Spec{}, &container.Error{Code: CodeBadJob, Job: j.name,
			Msg: fmt.Sprintf("%s has no method Subscribe(ctx context.Context) error nor Subscribe(ctx context.Context, args ...any) error", d.typ)}
	}
	j.advice = s.c.AdviceChain(d.typ, "Subscribe")
	obj, err := d.lookup(s.c, d.proto)
	switch {
	case err == nil:
		j.singleton = obj
	case container.CodeOf(err) == container.CodeNoScope:
		// a context or always-new proto: resolved in each run's scope
	default:
		return Spec{}, &container.Error{Code: CodeBadJob, Job: j.name, Msg: "cannot resolve the job's proto", Err: err}
	}
	if !d.typ.Implements(dynamicType) {
		return d.spec, nil
	}
	if obj == nil {
		_, sc := container.NewScope(context.Background(), s.c)
		defer func() { _ = sc.Close() }()
		obj, err = j.object(sc)
		if err != nil {
			return Spec{}, &container.Error{Code: CodeBadJob, Job: j.name, Msg: "cannot create the job to ask its Schedule", Err: err}
		}
	}
	return dynamicSpec(j, obj.(Dynamic))
}

// dynamicSpec asks a job for its spec; a panic in Schedule is the job's
// error, not the application's crash.
func dynamicSpec(j *job, d Dynamic) (sp Spec, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &container.Error{Code: CodeBadJob, Job: j.name, Msg: fmt.Sprintf("its Schedule method panicked: %v", r)}
		}
	}()
	return d.Schedule(), nil
}

// JobInfo describes a declared job.
type JobInfo struct {
	Name  string // type name, "CleanDB"
	Proto string // proto name, "cleanDB"
	Spec  Spec   // the spec in force (a Dynamic job's computed one)
}

// Jobs lists the declared jobs in declaration order.
func (s *Scheduler) Jobs() []JobInfo {
	out := make([]JobInfo, len(s.jobs))
	for i, j := range s.jobs {
		out[i] = JobInfo{Name: j.name, Proto: j.protoName, Spec: j.plan.Spec}
	}
	return out
}

// find returns the job named name: its type name ("CleanDB"), its proto
// name ("cleanDB") or its qualified type name ("jobs.CleanDB").
func (s *Scheduler) find(name string) (*job, error) {
	js := s.byName[name]
	switch len(js) {
	case 1:
		return js[0], nil
	case 0:
		names := make([]string, 0, len(s.byName))
		for n := range s.byName {
			names = append(names, n)
		}
		return nil, &container.Error{Code: CodeJobNotFound, Job: name, Msg: "no such job", Hint: hintFor(name, names)}
	}
	var qs []string
	for _, j := range js {
		qs = append(qs, j.qualified)
	}
	return nil, &container.Error{Code: CodeJobNotFound, Job: name, Msg: "several jobs have this name: " + strings.Join(qs, ", "), Hint: "use the qualified name"}
}

func hintFor(want string, names []string) string {
	slices.Sort(names)
	return suggest.DidYouMean(want, names)
}

// RunSchedule runs the job name once, now, in a fresh scope of ctx,
// whatever its type and even when disabled, and returns its error (a panic
// is returned as an CodeRunPanicked error): egg's app.runSchedule, for
// tests. args reach an ArgsSubscriber's Subscribe. name is the job's type
// name ("CleanDB"), its proto name ("cleanDB") or its qualified type name.
// It works before Start, and fails after Stop.
func (s *Scheduler) RunSchedule(ctx context.Context, name string, args ...any) error {
	j, err := s.find(name)
	if err != nil {
		return err
	}
	r, err := s.begin(j, "runSchedule")
	if err != nil {
		return err
	}
	return s.exec(ctx, r, args, nil)
}
