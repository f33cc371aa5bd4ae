package schedule_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/schedule"
)

// CleanDB is a job: a proto with a Subscribe method.
type CleanDB struct {
	proto.Singleton
}

func (j *CleanDB) Subscribe(ctx context.Context) error {
	fmt.Println("cleaning the database")
	return nil
}

// Declare a job, create the scheduler once the container is built, start
// it when the application is ready, stop it before the container.
func Example() {
	ctx := context.Background()
	c := container.New(container.Logger(slog.New(slog.DiscardHandler)))
	c.Register(
		new(CleanDB),
		// What `teggo gen` writes for //teggo:schedule type=worker cron="0 0 3 * * *"
		schedule.Job[*CleanDB](schedule.Spec{Type: schedule.TypeWorker, Cron: "0 0 3 * * *"}),
	)
	if err := c.Build(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Stop(ctx)

	s, err := schedule.New(c) // validates every spec: a bad cron fails here
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, j := range s.Jobs() {
		fmt.Printf("%s (%s): %s %q\n", j.Name, j.Proto, j.Spec.Type, j.Spec.Cron)
	}
	if err := s.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	if err := s.Stop(ctx); err != nil {
		fmt.Println(err)
	}
	// Output:
	// CleanDB (cleanDB): worker "0 0 3 * * *"
}

// Report is a job that takes arguments.
type Report struct {
	proto.Singleton
}

func (j *Report) Subscribe(ctx context.Context, args ...any) error {
	fmt.Println("report for", args)
	if len(args) == 0 {
		return fmt.Errorf("which day?")
	}
	return nil
}

// RunSchedule runs a job once, now, and returns its error: for tests.
func ExampleScheduler_RunSchedule() {
	ctx := context.Background()
	c := container.New(container.Logger(slog.New(slog.DiscardHandler)))
	c.Register(new(Report), schedule.Job[*Report](schedule.Spec{Type: schedule.TypeAll, Cron: "@daily", Disable: true}))
	if err := c.Build(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Stop(ctx)
	s, err := schedule.New(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Stop(ctx)

	fmt.Println(s.RunSchedule(ctx, "Report", "2024-01-01")) // by type name
	fmt.Println(s.RunSchedule(ctx, "report"))               // by proto name
	fmt.Println(s.RunSchedule(ctx, "Reprot"))
	// Output:
	// report for [2024-01-01]
	// <nil>
	// report for []
	// which day?
	// TEGGO_SCHEDULE_JOB_NOT_FOUND: job Reprot: no such job; did you mean "Report"?
}

// A custom strategy triggers its jobs from elsewhere (a queue, a webhook);
// the arguments it sends reach Subscribe.
func ExampleUse() {
	ctx := context.Background()
	webhook := schedule.StrategyFuncs{
		OnStart: func(ctx context.Context, t schedule.Trigger) error {
			t.SendOne("2024-01-01") // e.g. on each call of a webhook
			return nil
		},
	}
	c := container.New(container.Logger(slog.New(slog.DiscardHandler)))
	c.Register(new(Report),
		schedule.Use("webhook", webhook),
		schedule.Job[*Report](schedule.Spec{Type: "webhook"}))
	if err := c.Build(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Stop(ctx)
	s, err := schedule.New(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	_ = s.Stop(ctx) // waits for the run SendOne started
	// Output:
	// report for [2024-01-01]
}
