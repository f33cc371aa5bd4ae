package teggotest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/schedule"
	"github.com/teggo/teggo/teggotest"
)

type Clock interface {
	Now(ctx context.Context) string
}

type RealClock struct{ proto.Singleton }

func (*RealClock) Now(context.Context) string { return "real" }

type fixedClock struct{}

func (fixedClock) Now(context.Context) string { return "fixed" }

type Said struct{ Word string }

type TimeController struct {
	proto.Singleton
	Clock Clock `inject:""`
}

type SayIn struct {
	Word string `json:"word" jsonschema:"minLength=1"`
}

type TimeOut struct {
	Now string `json:"now"`
}

func (c *TimeController) Get(ctx context.Context) (*TimeOut, error) {
	return &TimeOut{Now: c.Clock.Now(ctx)}, nil
}

func (c *TimeController) Say(ctx context.Context, in SayIn) error {
	eventbus.Emit(ctx, Said{Word: in.Word})
	return nil
}

type Listener struct {
	proto.Singleton
	heard []string
}

func (l *Listener) OnSaid(ctx context.Context, e Said) error {
	l.heard = append(l.heard, e.Word)
	return nil
}

type Tick struct {
	proto.Singleton
	runs int
}

func (j *Tick) Subscribe(context.Context) error { j.runs++; return nil }

func items() []any {
	return []any{
		new(RealClock), new(TimeController), new(Listener), new(Tick),
		teggohttp.Controller[*TimeController]("/time"),
		teggohttp.GET("/", teggohttp.NoIn((*TimeController).Get)),
		teggohttp.POST("/say", teggohttp.NoOut((*TimeController).Say)),
		eventbus.On((*Listener).OnSaid),
		schedule.Job[*Tick](schedule.Spec{Type: "worker", Cron: "0 0 3 * * *"}),
	}
}

func TestKitOverLoopback(t *testing.T) {
	app := teggotest.Start(t, teggoRegister(items()...))
	var out struct{ Now string }
	app.GET("/time").ExpectStatus(t, http.StatusOK).JSON(&out)
	if out.Now != "real" {
		t.Fatalf("got %q", out.Now)
	}

	w := teggotest.ExpectEvent[Said](app)
	app.POST("/time/say", map[string]string{"word": "hi"}).ExpectStatus(t, http.StatusNoContent)
	if e := w.Wait(0); e.Word != "hi" {
		t.Fatalf("event %+v", e)
	}
	l, _ := container.Lookup[*Listener](app.Container())
	if len(l.heard) != 1 {
		t.Fatalf("handler ran %d times", len(l.heard))
	}
	app.POST("/time/say", map[string]string{"word": ""}).ExpectStatus(t, http.StatusUnprocessableEntity)

	app.MustRunSchedule("Tick")
	if j, _ := container.Lookup[*Tick](app.Container()); j.runs != 1 {
		t.Fatalf("job ran %d times", j.runs)
	}
	ctx := app.Scope()
	if _, ok := container.ScopeFrom(ctx); !ok {
		t.Fatal("Scope gave no scope")
	}
}

func TestKitInProcessWithReplacement(t *testing.T) {
	app := teggotest.StartInProcess(t, teggoRegister(items()...), teggotest.Replace("realClock", fixedClock{}))
	var out struct{ Now string }
	app.GET("/time").ExpectStatus(t, http.StatusOK).JSON(&out)
	if out.Now != "fixed" {
		t.Fatalf("the replacement did not stand in: %q", out.Now)
	}
	if app.Addr() != "" {
		t.Fatal("an in-process app listens")
	}
}
