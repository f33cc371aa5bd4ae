package background_test

import (
	"context"
	"fmt"
	"time"

	"github.com/teggo/teggo/background"
	"github.com/teggo/teggo/container"
)

// A task started during a request runs on after the request's ctx is
// cancelled; closing the scope waits for it.
func ExampleHelper_Run() {
	c := container.New()
	c.Install(background.Module())
	if err := c.Build(context.Background()); err != nil {
		panic(err)
	}
	defer c.Stop(context.Background())

	ctx, scope := container.NewScope(context.Background(), c)
	reqCtx, answered := context.WithCancel(ctx)
	tasks := container.MustGet[*background.Helper](reqCtx)
	tasks.SetTimeout(reqCtx, 10*time.Second) // this scope only; 0 = no limit

	_ = tasks.Run(reqCtx, func(ctx context.Context) error {
		<-reqCtx.Done() // after the response
		fmt.Println("task: request ctx cancelled:", reqCtx.Err() != nil, "- mine:", ctx.Err() != nil)
		return nil
	})
	answered() // the response is written
	_ = scope.Close()
	fmt.Println("scope closed")
	// Output:
	// task: request ctx cancelled: true - mine: false
	// scope closed
}
