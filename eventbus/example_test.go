package eventbus_test

import (
	"context"
	"fmt"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/proto"
)

type UserSignedUp struct{ Name string }

// Welcomer handles UserSignedUp.
type Welcomer struct{ proto.Singleton }

func (w *Welcomer) OnSignup(ctx context.Context, e UserSignedUp) error {
	fmt.Println("welcome,", e.Name)
	return nil
}

// welcomeApp builds a container with the bus and the Welcomer handler, and
// starts the bus, as the app does after Build.
func welcomeApp(ctx context.Context) (*container.Container, *eventbus.Bus) {
	c := container.New()
	c.Install(eventbus.Module())
	c.Register(new(Welcomer), eventbus.On((*Welcomer).OnSignup))
	if err := c.Build(ctx); err != nil {
		panic(err)
	}
	bus, err := container.Lookup[*eventbus.Bus](c)
	if err != nil {
		panic(err)
	}
	if err := bus.Start(ctx); err != nil {
		panic(err)
	}
	return c, bus
}

func ExampleEmit() {
	ctx := context.Background()
	c, bus := welcomeApp(ctx)
	defer c.Stop(ctx)

	reqCtx, scope := container.NewScope(ctx, c) // a request
	defer scope.Close()
	processed := eventbus.Expect[UserSignedUp](bus)             // test helper: register, then emit
	handled := eventbus.Emit(reqCtx, UserSignedUp{Name: "ann"}) // returns at once
	e, _ := processed.Wait(ctx)                                 // after every handler of that event returned
	fmt.Println("handled:", handled, "- processed:", e.Name)
	// Output:
	// welcome, ann
	// handled: true - processed: ann
}

func ExampleCork() {
	ctx := context.Background()
	c, bus := welcomeApp(ctx)
	defer c.Stop(ctx)

	reqCtx, scope := container.NewScope(ctx, c)
	defer scope.Close()
	eventbus.Cork(reqCtx) // e.g. when a transaction begins
	eventbus.Emit(reqCtx, UserSignedUp{Name: "bob"})
	_ = bus.WaitIdle(ctx)
	fmt.Println("committing")
	_ = eventbus.Uncork(reqCtx) // after the commit: held events go out
	_ = bus.WaitIdle(ctx)
	// Output:
	// committing
	// welcome, bob
}
