// Package background runs work that outlives a request but not its scope:
// egg's backgroundTaskHelper for teggo.
//
// Helper is a context proto, one per scope (a request, an event, a schedule
// run). Run starts a task at once in its own goroutine; the task's ctx keeps
// the values of the caller's ctx — the scope included, so the task can still
// reach the scope's objects — but is not cancelled when the caller's ctx is
// (context.WithoutCancel): answering the request does not stop the task.
// Closing the scope waits for every task, tasks started by tasks included,
// up to a timeout (5 s by default, SetTimeout per scope, Config for the
// app, 0 for no limit); then the scope closes anyway and a warning names the
// scope, how long it waited and where the unfinished tasks were started.
// A task's error or panic is logged with the file:line of its Run call; it
// never reaches the request and never crashes the process.
//
// Register the helper with c.Install(background.Module()). Inject it into a
// context proto as *Helper, or into a singleton as the Runner interface: the
// singleton then holds a generated proxy that finds the current scope's
// helper from the ctx given to each call — which is why every method of
// Helper takes a ctx first.
//
//	type TriggerService struct {
//		proto.Singleton
//		Tasks background.Runner `inject:""`
//	}
//
//	func (s *TriggerService) Trigger(ctx context.Context) error {
//		return s.Tasks.Run(ctx, func(ctx context.Context) error {
//			return report(ctx) // runs after the response; the scope waits for it
//		})
//	}
//
// See docs/background.md.
package background

//go:generate go run github.com/teggo/teggo/cmd/teggo gen .
