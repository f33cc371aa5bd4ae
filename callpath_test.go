package teggo_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/schedule"
	"github.com/teggo/teggo/teggotest"
)

// pathTrace is an advice that records the methods it wraps.
type pathTrace struct {
	proto.Singleton
	mu    sync.Mutex
	calls []string
}

func (a *pathTrace) Around(c aop.Call, next aop.Next) error {
	a.mu.Lock()
	a.calls = append(a.calls, c.TypeName()+"."+c.Method())
	a.mu.Unlock()
	return next()
}

func (a *pathTrace) seen() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.calls)
}

// PathController, PathJob and PathHandler are a controller, a job and an
// event handler, registered without generated code: no proxy anywhere.
type PathController struct{ proto.Singleton }

func (*PathController) Hello(ctx context.Context) (map[string]string, error) {
	return map[string]string{"hello": "world"}, nil
}

type PathJob struct{ proto.Singleton }

func (*PathJob) Subscribe(ctx context.Context) error { return nil }

type pathEvent struct{ N int }

type PathHandler struct{ proto.Singleton }

func (h *PathHandler) OnEvent(ctx context.Context, e pathEvent) error { return nil }

// TestOneCallPath: one crosscut by type regexp reaches a controller's
// handler, a job's Subscribe and an event handler, since every call teggo
// makes runs the method's one advice chain.
func TestOneCallPath(t *testing.T) {
	app := teggotest.Start(t, teggo.Register(
		new(pathTrace), new(PathController), new(PathJob), new(PathHandler),
		aop.Crosscut(new(pathTrace), aop.ForRegexp("^Path", "")),
		teggohttp.Controller[*PathController]("/path"),
		teggohttp.GET("/", teggohttp.NoIn((*PathController).Hello)),
		schedule.Job[*PathJob](schedule.Spec{Type: schedule.TypeWorker, Interval: "1h"}),
		eventbus.On((*PathHandler).OnEvent),
	))
	app.GET("/path").ExpectStatus(t, 200)
	app.MustRunSchedule("PathJob")
	if !eventbus.Emit(app.Scope(), pathEvent{N: 7}) {
		t.Fatal("Emit refused the event")
	}
	trace, err := container.Get[*pathTrace](app.Scope())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PathController.Hello", "PathJob.Subscribe", "PathHandler.OnEvent"}
	for deadline := time.Now().Add(10 * time.Second); !slices.Equal(trace.seen(), want) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond) // the event is handled on the bus's pool
	}
	if got := trace.seen(); !slices.Equal(got, want) {
		t.Fatalf("advised calls %v, want %v", got, want)
	}
}
