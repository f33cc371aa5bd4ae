package schedule_test

// The code of docs/schedule.md: each ```go block of the guide is copied
// from this file (or from cleandb_guide_test.go, or the package's source),
// so that it compiles and runs.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/schedule"
)

// AppConfig is the part of the application's config SyncTask reads.
type AppConfig struct {
	Sync struct{ Host string }
}

// SyncTask runs every 10 seconds on the host the config names, nowhere else.
type SyncTask struct {
	proto.Singleton
	Config *AppConfig `inject:""`
}

func (j *SyncTask) Schedule() schedule.Spec {
	host, _ := os.Hostname()
	return schedule.Spec{Type: "worker", Interval: "10s", Disable: host != j.Config.Sync.Host}
}

func (j *SyncTask) Subscribe(ctx context.Context) error { return nil }

// A Dynamic job computes its spec when the scheduler is created.
func ExampleDynamic() {
	for _, syncHost := range []string{"", "elsewhere.invalid"} {
		cfg := &AppConfig{}
		cfg.Sync.Host = syncHost
		if syncHost == "" {
			cfg.Sync.Host, _ = os.Hostname()
		}
		c := container.New(container.Logger(slog.New(slog.DiscardHandler)))
		if err := c.Supply(cfg); err != nil {
			fmt.Println(err)
			return
		}
		c.Register(new(SyncTask), schedule.Job[*SyncTask](schedule.Spec{Type: "worker", Interval: "1h"}))
		if err := c.Build(context.Background()); err != nil {
			fmt.Println(err)
			return
		}
		s, err := schedule.New(c)
		if err != nil {
			fmt.Println(err)
		} else {
			spec := s.Jobs()[0].Spec
			fmt.Printf("interval %s, disabled: %v\n", spec.Interval, spec.Disable)
		}
		_ = c.Stop(context.Background())
	}
	// Output:
	// interval 10s, disabled: false
	// interval 10s, disabled: true
}

// runScheduler is the scheduler's life in an application; serve runs
// until the application shuts down.
func runScheduler(ctx context.Context, c *container.Container, log *slog.Logger, serve func() error) error {
	s, err := schedule.New(c, schedule.Logger(log)) // after c.Build: reads the decls, resolves, validates
	if err != nil {
		return err
	}
	if err := s.Start(ctx); err != nil { // after the app's ready hooks: jobs never run against a half-started app
		return err
	}
	served := serve()
	stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return errors.Join(served, s.Stop(stopCtx)) // before c.Stop: no new run, waits for running ones until the deadline
}

func TestGuideRunScheduler(t *testing.T) {
	ctx := context.Background()
	c := container.New(container.Logger(slog.New(slog.DiscardHandler)))
	c.Register(new(Report), schedule.Job[*Report](schedule.Spec{Type: schedule.TypeAll, Cron: "@daily"}))
	must(t, c.Build(ctx))
	defer c.Stop(ctx)
	log := newSink()
	must(t, runScheduler(ctx, c, log.logger(), func() error { return nil }))
	contains(t, log.String(), "started: 1 timed jobs, 0 strategy jobs", "stopped")

	c2 := container.New(container.Logger(slog.New(slog.DiscardHandler)))
	c2.Register(new(Report), schedule.Job[*Report](schedule.Spec{Type: "wroker", Cron: "@daily"}))
	must(t, c2.Build(ctx))
	defer c2.Stop(ctx)
	if err := runScheduler(ctx, c2, log.logger(), func() error { return nil }); !errors.Is(err, schedule.CodeUnknownType) {
		t.Fatalf("runScheduler: %v, want CodeUnknownType", err)
	}
}

// Queue is a custom strategy fed by a channel: each message runs the job
// once, with the message as its argument. A consumer of a real queue
// (Redis, Kafka...) would take the channel's place.
type Queue struct {
	Messages chan string
}

func (q *Queue) Start(ctx context.Context, t schedule.Trigger) error {
	go func() {
		for {
			select {
			case msg := <-q.Messages:
				t.SendOne(msg) // one run, with args
			case <-ctx.Done(): // ends at Stop
				return
			}
		}
	}()
	return nil
}

func (q *Queue) Stop(ctx context.Context, t schedule.Trigger) error { return nil }

// Shop is what SyncOrders syncs orders with.
type Shop struct {
	synced chan string
}

func (s *Shop) Sync(ctx context.Context, order string) error {
	s.synced <- order
	return nil
}

// SyncOrders is a job of the "queue" type.
type SyncOrders struct {
	proto.Singleton
	Shop *Shop `inject:""`
}

func (j *SyncOrders) Subscribe(ctx context.Context, args ...any) error { // args = [message]
	return j.Shop.Sync(ctx, args[0].(string))
}

func ExampleStrategy() {
	ctx := context.Background()
	shop := &Shop{synced: make(chan string)}
	c := container.New(container.Logger(slog.New(slog.DiscardHandler)))
	if err := c.Supply(shop); err != nil {
		fmt.Println(err)
		return
	}
	q := &Queue{Messages: make(chan string)}
	c.Register(
		schedule.Use("queue", q),
		new(SyncOrders), schedule.Job[*SyncOrders](schedule.Spec{Type: "queue"}),
	)
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
	defer s.Stop(ctx)

	for _, order := range []string{"order-1", "order-2"} {
		q.Messages <- order
		fmt.Println("synced", <-shop.synced)
	}
	// Output:
	// synced order-1
	// synced order-2
}

// RunSchedule finds a job by its type name, its proto name or its
// qualified type name.
func ExampleScheduler_RunSchedule_names() {
	ctx := context.Background()
	c := container.New(container.Logger(slog.New(slog.DiscardHandler)))
	c.Register(new(CleanDB), schedule.Job[*CleanDB](schedule.Spec{Type: "worker", Cron: "0 0 3 * * *"}))
	c.Register(new(Report), schedule.Job[*Report](schedule.Spec{Type: "all", Cron: "@daily"}))
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

	fmt.Println(s.RunSchedule(ctx, "CleanDB"))               // type name
	fmt.Println(s.RunSchedule(ctx, "cleanDB"))               // or proto name
	fmt.Println(s.RunSchedule(ctx, "schedule_test.CleanDB")) // or qualified type name
	fmt.Println(s.RunSchedule(ctx, "Report", "2024-01-01"))  // args reach Subscribe(ctx, args...)
	fmt.Println(s.RunSchedule(ctx, "CleanBD"))
	// Output:
	// cleaning the database
	// <nil>
	// cleaning the database
	// <nil>
	// cleaning the database
	// <nil>
	// report for [2024-01-01]
	// <nil>
	// TEGGO_SCHEDULE_JOB_NOT_FOUND: job CleanBD: no such job; did you mean "CleanDB"?
}

func TestGuideFakeClock(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	log := newSink()
	c := container.New(container.Logger(log.logger()))
	must(t, c.Supply(newProbe()))
	c.Register(new(Tick), schedule.Job[*Tick](schedule.Spec{Type: schedule.TypeAll, Cron: "* * * * * *"}))
	must(t, c.Build(ctx))
	defer c.Stop(context.Background())

	clock := clockwork.NewFakeClockAt(time.Date(2024, 1, 1, 0, 0, 0, int(time.Millisecond), time.UTC))
	s, err := schedule.New(c, schedule.Clock(clock), schedule.Location(time.UTC), schedule.Logger(log.logger()))
	must(t, err)
	must(t, s.Start(ctx))
	defer s.Stop(context.Background())
	must(t, clock.BlockUntilContext(ctx, 1)) // gocron armed the job's timer
	clock.Advance(time.Second)               // fires "* * * * * *"
	must(t, clock.BlockUntilContext(ctx, 1)) // the tick was taken: the next one is armed
	log.waitN(t, 1, "[Job#1] Tick execute succeed")
}
