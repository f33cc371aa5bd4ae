// Package schedule runs scheduled jobs, egg-schedule's model on gocron v2.
//
// A job is a proto whose Subscribe method does the work; a declaration
// registered in the container says when it runs:
//
//	type CleanDB struct {
//		proto.Singleton
//		DB *sql.DB `inject:""`
//	}
//
//	func (j *CleanDB) Subscribe(ctx context.Context) error { ... }
//
//	c.Register(new(CleanDB), schedule.Job[*CleanDB](schedule.Spec{Type: "worker", Cron: "0 0 3 * * *"}))
//
// `teggo gen` writes that declaration from the directive
// `//teggo:schedule type=worker cron="0 0 3 * * *"`.
//
// After the container is built, New reads the job and strategy declarations,
// resolves every job and validates every spec, so that a bad cron, an
// unknown type or a missing job fails the application's start, before
// anything runs. Start starts the timers (the App calls it after its ready
// hooks); Stop stops them and waits for the runs in progress.
//
// Every run gets a fresh container scope, closed when the run ends; errors
// and panics are logged in egg's shape
//
//	[Job#12] CleanDB execute failed, used 3ms
//
// and never stop the scheduler. Types: "all" runs in every process, "worker"
// once per tick across the processes sharing a Locker (RedisLocker, on the
// App with config schedule.locker: redis) or an Elector, and
// any other type names a Strategy declared with Use, which triggers the job
// itself (from a queue, a webhook) with SendOne / SendAll.
//
// RunSchedule runs one job once, now, and returns its error: egg's
// app.runSchedule, for tests.
package schedule
