package background_test

// The code of docs/background.md: each ```go block of the guide is copied
// from this file, so that it compiles and runs.

import (
	"context"
	"fmt"
	"time"

	"github.com/teggo/teggo/background"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

type TriggerService struct {
	proto.Singleton
	Tasks background.Runner `inject:""` // the proxy of the current scope's helper
}

func (s *TriggerService) Trigger(ctx context.Context) error {
	s.Tasks.SetTimeout(ctx, 10*time.Second) // this scope only; the last call wins
	return s.Tasks.Run(ctx, func(ctx context.Context) error {
		return s.report(ctx) // after the response; logged if it fails
	})
}

func (s *TriggerService) report(ctx context.Context) error {
	fmt.Println("report sent")
	return nil
}

// A singleton starts a task in the scope of the request that calls it;
// closing that scope waits for the task.
func ExampleRunner() {
	ctx := context.Background()
	c := container.New()
	c.Install(background.Module()) // bare container only: an App already installs it
	c.Register(new(TriggerService))
	if err := c.Build(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Stop(ctx)
	svc, _ := container.Lookup[*TriggerService](c)

	reqCtx, scope := container.NewScope(ctx, c) // a request
	if err := svc.Trigger(reqCtx); err != nil {
		fmt.Println(err)
	}
	_ = scope.Close() // waits for the task
	fmt.Println("scope closed")
	// Output:
	// report sent
	// scope closed
}

// withTimeout sets the app-wide timeout of the helper: call it before Build.
func withTimeout(c *container.Container) error {
	return c.Provide(func() *background.Config { return &background.Config{Timeout: 30 * time.Second} })
}

// The app-wide timeout comes from a provided *background.Config.
func ExampleConfig() {
	ctx := context.Background()
	c := container.New()
	c.Install(background.Module())
	if err := withTimeout(c); err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Build(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Stop(ctx)

	reqCtx, scope := container.NewScope(ctx, c)
	defer scope.Close()
	fmt.Println(container.MustGet[*background.Helper](reqCtx).Config.Timeout)
	// Output:
	// 30s
}
