package schedule

import (
	"errors"
	"fmt"
	"github.com/teggo/teggo/container"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// The built-in job types.
const (
	// TypeWorker runs a job once per tick across all the processes of the
	// application that share the scheduler's Locker or Elector; with
	// neither, in this process.
	TypeWorker = "worker"
	// TypeAll runs a job in every process.
	TypeAll = "all"
)

// Spec says when and where a job runs: egg-schedule's `schedule` object.
// The first six fields are the keys of the `//teggo:schedule` directive.
type Spec struct {
	// Type is TypeWorker, TypeAll, or the name of a strategy declared with
	// Use, which then alone triggers the job.
	Type string
	// Cron is a cron expression: six fields with seconds first
	// ("0 0 3 * * *"), five without ("0 3 * * *"), or @hourly, @daily,
	// @weekly, @monthly, @yearly (@every 1h30m is an Interval). A time zone is given
	// with a "CRON_TZ=Europe/Paris " (or "TZ=") prefix or by TimeZone.
	// Day of week 7 is Sunday, as in egg.
	Cron string
	// Interval is a period: a Go duration ("3h", "1m30s", "500ms"), an
	// egg-style one ("1d", "2 days", "1.5 hours") or a number of
	// milliseconds ("60000"). Give Cron or Interval, not both.
	Interval string
	// Immediate runs the job once when the scheduler starts, then on its
	// Cron or Interval if it has one.
	Immediate bool
	// Disable registers nothing: the job never runs on its own. RunSchedule
	// still runs it.
	Disable bool
	// TimeZone is the IANA time zone of Cron ("Asia/Shanghai"); empty means
	// the scheduler's location (Location, default time.Local).
	TimeZone string

	// Overlap says what happens when a tick comes while the job's previous
	// run is still running; zero is the scheduler's default (WithOverlap),
	// itself OverlapSkip by default.
	Overlap Overlap
}

// Overlap is what a tick does while the job's previous run still runs.
type Overlap uint8

// The overlap modes.
const (
	OverlapDefault Overlap = iota // the scheduler's default
	OverlapSkip                   // skip the tick, as gocron's LimitModeReschedule
	OverlapWait                   // run the tick when the previous run ends, as gocron's LimitModeWait; one tick waits at most, more are skipped
)

// String returns "default", "skip" or "wait".
func (o Overlap) String() string {
	switch o {
	case OverlapDefault:
		return "default"
	case OverlapSkip:
		return "skip"
	case OverlapWait:
		return "wait"
	}
	return fmt.Sprintf("Overlap(%d)", uint8(o))
}

// plan is a validated spec: what gocron is given, and what computes a
// tick's time for the per-tick lock of worker jobs.
type plan struct {
	Spec
	crontab  string        // normalized, with a CRON_TZ prefix when a zone was given; "" without cron
	sched    cron.Schedule // the parsed crontab
	interval time.Duration // 0 without interval
}

// timed reports whether the job runs on a timer (worker and all types).
func (p *plan) timed() bool { return p.Type == TypeWorker || p.Type == TypeAll }

// compile validates sp for job name, with strategies the declared strategy
// names and loc the scheduler's default location. It reports every problem.
func compile(job string, sp Spec, strategies map[string]*StrategyDecl, loc *time.Location) (*plan, []error) {
	p := &plan{Spec: sp}
	var errs []error
	bad := func(code container.Code, hint, format string, args ...any) {
		errs = append(errs, &container.Error{Code: code, Job: job, Msg: fmt.Sprintf(format, args...), Hint: hint})
	}

	switch {
	case sp.Type == "" && !sp.Disable:
		bad(CodeBadSpec, "", "no type: want %q, %q or a strategy declared with schedule.Use", TypeWorker, TypeAll)
	case sp.Type == "", sp.Type == TypeWorker, sp.Type == TypeAll, strategies[sp.Type] != nil:
	case !sp.Disable:
		names := []string{TypeWorker, TypeAll}
		for n := range strategies {
			names = append(names, n)
		}
		bad(CodeUnknownType, hintFor(sp.Type, names), "unknown type %q: want %q, %q or a strategy declared with schedule.Use", sp.Type, TypeWorker, TypeAll)
	}

	zone := loc
	if sp.TimeZone != "" {
		z, err := time.LoadLocation(sp.TimeZone)
		if err != nil {
			bad(CodeBadSpec, "", "unknown time zone %q", sp.TimeZone)
		} else {
			zone = z
		}
	}
	if every, ok := strings.CutPrefix(strings.TrimSpace(sp.Cron), "@every "); ok {
		// robfig/cron's @every is an interval: run it as one.
		d, err := time.ParseDuration(strings.TrimSpace(every))
		if err != nil || d <= 0 {
			bad(CodeBadSpec, "", "bad cron %q: @every wants a positive Go duration (\"1h30m\")", sp.Cron)
		}
		p.interval = d
	} else if sp.Cron != "" {
		crontab, sched, err := parseCron(sp.Cron, sp.TimeZone, zone)
		if err != nil {
			bad(CodeBadSpec, "", "%v", err)
		}
		p.crontab, p.sched = crontab, sched
	}
	if sp.Interval != "" {
		d, err := parseInterval(sp.Interval)
		if err != nil {
			bad(CodeBadSpec, "", "%v", err)
		}
		p.interval = d
	}
	if sp.Cron != "" && sp.Interval != "" {
		bad(CodeBadSpec, "", "both cron %q and interval %q: give one", sp.Cron, sp.Interval)
	}
	if !sp.Disable && p.timed() && sp.Cron == "" && sp.Interval == "" && !sp.Immediate {
		bad(CodeBadSpec, "", "neither cron nor interval nor immediate: the job would never run")
	}
	if sp.Overlap > OverlapWait {
		bad(CodeBadSpec, "", "overlap %v: want OverlapSkip or OverlapWait", sp.Overlap)
	}
	return p, errs
}

// CheckSpec validates sp on its own, as the generator does for a
// //teggo:schedule directive: the same rules as New, with any type other
// than worker and all taken for a strategy name (whether it is declared is
// known only to the container). It returns every problem, joined.
func CheckSpec(sp Spec) error {
	strategies := map[string]*StrategyDecl{}
	if sp.Type != TypeWorker && sp.Type != TypeAll && sp.Type != "" {
		strategies[sp.Type] = &StrategyDecl{}
	}
	_, errs := compile("", sp, strategies, time.UTC)
	return errors.Join(errs...)
}
