package schedule

import (
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// definition returns what gocron schedules for timed job j.
func (s *Scheduler) definition(j *job) (gocron.JobDefinition, []gocron.JobOption) {
	p := j.plan
	opts := []gocron.JobOption{gocron.WithName(j.key)}
	if p.Immediate {
		opts = append(opts, gocron.WithStartAt(gocron.WithStartImmediately()))
	}
	switch {
	case p.crontab != "":
		return gocron.CronJob(p.crontab, true), opts
	case p.interval > 0 && p.Type == TypeWorker && s.opts.locker != nil:
		// Ticks shared between processes must fall at the same instants in
		// every process: multiples of the interval, not start + n×interval.
		opts = append(opts, gocron.WithCronImplementation(alignedInterval{p.interval}))
		return gocron.CronJob("aligned interval", true), opts
	case p.interval > 0:
		return gocron.DurationJob(p.interval), opts
	default: // immediate only
		return gocron.OneTimeJob(gocron.OneTimeJobStartImmediately()), opts
	}
}

// alignedInterval is a gocron.Cron firing at the multiples of d (counted
// from Go's zero time, the same in every process).
type alignedInterval struct{ d time.Duration }

func (a alignedInterval) IsValid(string, *time.Location, time.Time) error { return nil }

func (a alignedInterval) Next(last time.Time) time.Time { return last.Truncate(a.d).Add(a.d) }

// gocronLogger passes gocron's warnings and errors to the scheduler's
// logger; its debug and info chatter is dropped.
type gocronLogger struct{ log *slog.Logger }

func (gocronLogger) Debug(string, ...any)         {}
func (gocronLogger) Info(string, ...any)          {}
func (l gocronLogger) Warn(msg string, a ...any)  { l.log.Warn(msg, a...) }
func (l gocronLogger) Error(msg string, a ...any) { l.log.Error(msg, a...) }
