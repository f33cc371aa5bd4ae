package schedule

import (
	"context"
	"reflect"
	"sync/atomic"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/weave"
)

// Subscriber is a job that takes no arguments: its Subscribe runs once per
// tick, in the run's scope (ctx carries it: container.Get works).
type Subscriber interface {
	Subscribe(ctx context.Context) error
}

// ArgsSubscriber is a job that receives arguments: those a strategy sends
// with SendOne or SendAll, or those given to RunSchedule; none on a tick.
type ArgsSubscriber interface {
	Subscribe(ctx context.Context, args ...any) error
}

// Dynamic is a job that computes its spec when the scheduler is created
// (New), e.g. to disable itself unless the hostname or the config says so.
// What Schedule returns replaces the declaration's spec.
type Dynamic interface {
	Schedule() Spec
}

var (
	subscriberType     = reflect.TypeFor[Subscriber]()
	argsSubscriberType = reflect.TypeFor[ArgsSubscriber]()
	dynamicType        = reflect.TypeFor[Dynamic]()
)

// JobDecl declares a job: the proto that runs and its spec. Make one with
// Job and register it in the container with the proto.
type JobDecl struct {
	spec  Spec
	typ   reflect.Type // J
	proto string       // resolve by this proto name; "" resolves by type

	lookup func(c *container.Container, name string) (any, error)
	get    func(sc *container.Scope, name string) (any, error)
}

// Job declares the proto J (its pointer type, e.g. *CleanDB, or an
// interface it is injected as) as a job with spec:
//
//	c.Register(new(CleanDB), schedule.Job[*CleanDB](schedule.Spec{Type: "worker", Cron: "0 0 3 * * *"}))
//
// J must implement Subscriber or ArgsSubscriber; New checks it.
func Job[J any](spec Spec) *JobDecl {
	return &JobDecl{
		spec: spec,
		typ:  reflect.TypeFor[J](),
		lookup: func(c *container.Container, name string) (any, error) {
			return container.Lookup[J](c, name)
		},
		get: func(sc *container.Scope, name string) (any, error) {
			return container.GetIn[J](sc, name)
		},
	}
}

// Named returns a copy of d that resolves the proto by name as well as by
// type, for a type registered several times under different names.
func (d *JobDecl) Named(proto string) *JobDecl {
	c := *d
	c.proto = proto
	return &c
}

// Spec returns the declared spec.
func (d *JobDecl) Spec() Spec { return d.spec }

// Type returns J.
func (d *JobDecl) Type() reflect.Type { return d.typ }

// job is a declared job, resolved and validated by New.
type job struct {
	decl      *JobDecl
	name      string // type name: "CleanDB"
	qualified string // "pkg.CleanDB"
	protoName string // "cleanDB"
	key       string // stable across processes: gocron's job name and the lock key's stem
	plan      *plan
	strategy  *StrategyDecl
	guard     *overlapGuard // admits the ticks of a timed job

	singleton any          // the object, when the proto is a singleton
	advice    *weave.Chain // Subscribe's advice, nil when none applies (or J is an interface: its proxy applies it)
	ranOnce   atomic.Bool  // the first timer run of an immediate job is the immediate one
}

// describe fills the names of j from its decl's type.
func (j *job) describe() {
	t := j.decl.typ
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	j.name = st.Name()
	if j.name == "" {
		j.name = t.String()
	}
	j.qualified = st.String()
	j.key = st.PkgPath() + "." + j.name
	j.protoName = proto.DefaultName(j.name)
	if st.Kind() == reflect.Struct && st.NumField() > 0 && st.Field(0).Anonymous {
		if mt, err := proto.ParseMarkerTag(st.Field(0).Tag); err == nil && mt.Name != "" {
			j.protoName = mt.Name
		}
	}
	if j.decl.proto != "" {
		j.protoName = j.decl.proto
		j.key += "#" + j.decl.proto
	}
}

// object returns the job's object for a run in scope sc.
func (j *job) object(sc *container.Scope) (any, error) {
	if j.singleton != nil {
		return j.singleton, nil
	}
	return j.decl.get(sc, j.decl.proto)
}

// subscribeArgs is ArgsSubscriber.Subscribe with its arguments as one
// slice, the shape of an advised call.
func subscribeArgs(o ArgsSubscriber, ctx context.Context, args []any) error {
	return o.Subscribe(ctx, args...)
}

// subscribe calls the job's Subscribe, with args when it takes them,
// inside its advice.
func subscribe(ctx context.Context, advice *weave.Chain, obj any, args []any) error {
	switch o := obj.(type) {
	case ArgsSubscriber:
		return weave.RunA2R0(advice, subscribeArgs, o, ctx, args)
	case Subscriber:
		return weave.RunA1R0(advice, Subscriber.Subscribe, o, ctx)
	}
	return &container.Error{Code: CodeBadJob, Msg: reflect.TypeOf(obj).String() + " has no Subscribe method"}
}

// DeclaredAt returns "" (proto.Decl): a job is named by its type.
func (d *JobDecl) DeclaredAt() string { return "" }
