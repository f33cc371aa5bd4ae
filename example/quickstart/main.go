// Command quickstart is the README's quick start: a service, a controller
// and an advice. Its test keeps the README's copy identical to this file.
package main

//go:generate go run github.com/teggo/teggo/cmd/teggo gen .

import (
	"context"
	"log"
	"log/slog"
	"time"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// quickstart:begin

// Greeter is a service; Greeting is how others inject it (and get its proxy).
type Greeter struct{ proto.Singleton }

func (g *Greeter) Greet(ctx context.Context, name string) (string, error) {
	return "hello " + name, nil
}

type Greeting interface {
	Greet(ctx context.Context, name string) (string, error)
}

//teggo:controller /greet
type GreetController struct {
	proto.Singleton
	Greeter Greeting `inject:""`
}

type GreetIn struct {
	Name string `query:"name" jsonschema:"required,minLength=1"`
}

//teggo:http GET /
func (c *GreetController) Get(ctx context.Context, in GreetIn) (string, error) {
	return c.Greeter.Greet(ctx, in.Name)
}

// Timing is an advice woven around every method of Greeter.
//
//teggo:crosscut type=Greeter
type Timing struct{ proto.Singleton }

func (*Timing) Around(c aop.Call, next aop.Next) error {
	start := time.Now()
	defer func() { slog.Info("call", "method", c.Method(), "took", time.Since(start)) }()
	return next()
}

func main() {
	if err := teggo.New(teggo.Modules(Module())).Run(context.Background()); err != nil {
		log.Fatal(err) // a port in use, a bad config: a non-zero exit
	}
}

// quickstart:end
