package background_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/teggo/teggo/background"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

// Trigger is a singleton that starts background work for whichever request
// calls it: egg's TriggerService.
type Trigger struct {
	proto.Singleton
	Tasks background.Runner `inject:""`
}

func (s *Trigger) Trigger(ctx context.Context, done *atomic.Int32, gate <-chan struct{}) error {
	return s.Tasks.Run(ctx, func(ctx context.Context) error {
		<-gate
		done.Add(1)
		return errors.New("reported by " + ctx.Value(ctxKey{}).(string))
	})
}

func TestSingletonInjectsHelperThroughProxy(t *testing.T) {
	e := newEnv(t, new(Trigger))
	trig, err := container.Lookup[*Trigger](e.c)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%T", trig.Tasks) != "*background.helperProxy" {
		t.Fatalf("Tasks is a %T, want the generated proxy", trig.Tasks)
	}
	var done atomic.Int32
	for _, req := range []string{"req-a", "req-b"} {
		ctx, sc, _, sig := e.scope(t)
		ctx = context.WithValue(ctx, ctxKey{}, req)
		trig.Tasks.SetTimeout(ctx, 0) // through the proxy, to this scope's helper
		if err := trig.Trigger(ctx, &done, sig.closing); err != nil {
			t.Fatal(err)
		}
		closeWithin(t, sc) // waits for the task of this scope's helper
	}
	if n := done.Load(); n != 2 {
		t.Fatalf("%d tasks done, want 2: each scope's Close waits for its own", n)
	}
	// the origin is the caller of the proxy, not generated code
	e.log.WaitFor(t, "reported by req-a", "reported by req-b", "proxy_test.go:")

	// after its scope closed, the proxy reports the scope-closed error
	ctx, sc, _, _ := e.scope(t)
	_ = sc.Close()
	if err := trig.Tasks.Run(ctx, func(context.Context) error { return nil }); !errors.Is(err, container.CodeScopeClosed) {
		t.Fatalf("Run through the proxy after Close: %v, want ErrScopeClosed", err)
	}
}
