package teggo_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/schedule"
)

type jobDone struct{}

// late is what the test and its protos share; each run sets a fresh one.
var late *lateState

type lateState struct {
	Running chan struct{} // closed once the job runs
	Closing chan struct{} // closed when the app starts to shut down
	Handled atomic.Bool
	Dropped atomic.Bool
}

// closingSignal tells the job that shutdown has begun.
type closingSignal struct{ proto.Singleton }

func (*closingSignal) BeforeClose(context.Context) error { close(late.Closing); return nil }

// lateJob is running when shutdown begins and emits on its way out.
type lateJob struct{ proto.Singleton }

func (*lateJob) Subscribe(ctx context.Context) error {
	close(late.Running)
	<-late.Closing
	// Shutdown is under way; the job still has a moment of work left, long
	// enough for any step that does not wait for it to be over.
	time.Sleep(100 * time.Millisecond)
	if !eventbus.Emit(ctx, jobDone{}) {
		late.Dropped.Store(true)
	}
	return nil
}

type lateHandler struct{ proto.Singleton }

func (*lateHandler) Handle(ctx context.Context, e jobDone) error {
	late.Handled.Store(true)
	return nil
}

// An event a running job emits while the app shuts down is delivered: the
// scheduler stops, waiting for the job, before the bus drains.
func TestShutdownStopsTheSchedulerBeforeTheBus(t *testing.T) {
	late = &lateState{Running: make(chan struct{}), Closing: make(chan struct{})}
	seen := late
	app := teggo.New(
		teggo.RunDir(filepath.Join(t.TempDir(), "run")), teggo.NoListen(),
		teggo.Register(
			new(closingSignal),
			new(lateJob), schedule.Job[*lateJob](schedule.Spec{Type: schedule.TypeWorker, Immediate: true}),
			new(lateHandler), eventbus.On((*lateHandler).Handle),
		),
	)
	ctx := context.Background()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-seen.Running:
	case <-time.After(10 * time.Second):
		t.Fatal("the immediate job never ran")
	}
	if err := app.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if seen.Dropped.Load() || !seen.Handled.Load() {
		t.Fatalf("the event emitted by the running job was not handled (dropped by Emit: %v)", seen.Dropped.Load())
	}
}
