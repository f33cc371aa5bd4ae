package schedule

import (
	"context"
	"fmt"
	"github.com/teggo/teggo/container"
)

// Strategy triggers the jobs of a custom type from elsewhere — a queue, a
// webhook, another scheduler: egg's ScheduleStrategy. Declare it with Use;
// a job whose Spec.Type is the strategy's name is then driven only by it.
//
// Start is called once per enabled job of the strategy's type when the
// scheduler starts, with that job's Trigger; ctx lives until Stop, so a
// goroutine the strategy starts can end on ctx.Done(). Stop is called once
// per such job when the scheduler stops, before the runs in progress are
// awaited; after it, what the Trigger sends is dropped.
type Strategy interface {
	Start(ctx context.Context, t Trigger) error
	Stop(ctx context.Context, t Trigger) error
}

// Trigger is what a Strategy drives one job with.
type Trigger interface {
	// Job returns the job's type name, e.g. "SyncOrders".
	Job() string
	// Spec returns the job's spec (a strategy may read its Cron or
	// Interval: they are validated but not scheduled for a custom type).
	Spec() Spec
	// SendOne runs the job once, now, in a fresh scope, with args passed to
	// Subscribe. It returns at once; the run is logged like any other and
	// awaited by Stop.
	SendOne(args ...any)
	// SendAll is egg's "run in every process". Without a cross-process
	// transport it runs the job in this process, as SendOne does; the
	// Redis transport will fan it out to every process.
	SendAll(args ...any)
}

// StrategyFuncs adapts two functions to a Strategy; either may be nil.
type StrategyFuncs struct {
	OnStart func(ctx context.Context, t Trigger) error
	OnStop  func(ctx context.Context, t Trigger) error
}

// Start calls OnStart.
func (f StrategyFuncs) Start(ctx context.Context, t Trigger) error {
	if f.OnStart == nil {
		return nil
	}
	return f.OnStart(ctx, t)
}

// Stop calls OnStop.
func (f StrategyFuncs) Stop(ctx context.Context, t Trigger) error {
	if f.OnStop == nil {
		return nil
	}
	return f.OnStop(ctx, t)
}

// StrategyDecl declares a strategy under a type name. Make one with Use and
// register it in the container: there is no global registry.
type StrategyDecl struct {
	name     string
	strategy Strategy
}

// Use declares s as the strategy of the jobs of type name:
//
//	c.Register(schedule.Use("queue", &QueueStrategy{...}))
//	c.Register(new(SyncOrders), schedule.Job[*SyncOrders](schedule.Spec{Type: "queue"}))
func Use(name string, s Strategy) *StrategyDecl { return &StrategyDecl{name: name, strategy: s} }

// Name returns the type name the strategy drives.
func (d *StrategyDecl) Name() string { return d.name }

// checkStrategies indexes the strategy declarations, reporting invalid and
// duplicate ones.
func checkStrategies(decls []*StrategyDecl) (map[string]*StrategyDecl, []error) {
	out := map[string]*StrategyDecl{}
	var errs []error
	for _, d := range decls {
		bad := func(msg string) {
			errs = append(errs, &container.Error{Code: CodeBadStrategy, Msg: fmt.Sprintf("strategy %q: %s", d.name, msg)})
		}
		switch {
		case d.name == "":
			bad("no name")
		case d.name == TypeWorker || d.name == TypeAll:
			bad("the name is a built-in type")
		case d.strategy == nil:
			bad("nil Strategy")
		case out[d.name] != nil:
			bad("declared twice")
		default:
			out[d.name] = d
		}
	}
	return out, errs
}

// trigger is the Trigger of one job of a custom type.
type trigger struct {
	s *Scheduler
	j *job
}

func (t *trigger) Job() string         { return t.j.name }
func (t *trigger) Spec() Spec          { return t.j.plan.Spec }
func (t *trigger) SendOne(args ...any) { t.s.send(t.j, "sendOne", args) }
func (t *trigger) SendAll(args ...any) { t.s.send(t.j, "sendAll", args) }

// DeclaredAt returns "" (proto.Decl): a strategy is named by its type.
func (d *StrategyDecl) DeclaredAt() string { return "" }
