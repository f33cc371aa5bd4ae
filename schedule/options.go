package schedule

import (
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

// Option configures a Scheduler.
type Option func(*options)

type options struct {
	log      *slog.Logger
	clock    clockwork.Clock
	locker   gocron.Locker
	elector  gocron.Elector
	overlap  Overlap
	location *time.Location
}

// Logger sets the logger; the scheduler logs into its "schedule" group.
// The default is the container's logger.
func Logger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// Clock sets the clock of the timers and of the durations logged, e.g.
// clockwork.NewFakeClock() in tests (given to gocron as gocron.WithClock).
func Clock(c clockwork.Clock) Option { return func(o *options) { o.clock = c } }

// Locker makes worker jobs run once per tick across the processes that
// share locker (see MemoryLocker, and the seam described there).
func Locker(locker gocron.Locker) Option { return func(o *options) { o.locker = locker } }

// Elector makes worker jobs run only in the process elector says is the
// leader. It may be combined with Locker: the leader then also locks.
func Elector(elector gocron.Elector) Option { return func(o *options) { o.elector = elector } }

// WithOverlap sets what a tick does while the job's previous run still
// runs, for jobs whose Spec.Overlap is OverlapDefault: OverlapSkip (the
// default) or OverlapWait.
func WithOverlap(mode Overlap) Option { return func(o *options) { o.overlap = mode } }

// Location sets the time zone of cron expressions that name none; the
// default is time.Local.
func Location(loc *time.Location) Option { return func(o *options) { o.location = loc } }
