package teggo

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/teggo/teggo/config"
)

// The application lifecycle hooks, egg's names and order. Any singleton
// proto may implement any of them; they run in the singletons' creation
// order (dependencies first), except BeforeClose, which runs in reverse.
//
//	ConfigWillLoad → ConfigDidLoad → DidLoad → WillReady → DidReady → ServerDidReady … BeforeClose
//
// ConfigWillLoad is special: it is the last chance to change the config,
// which the container is then built from, so it runs before the container
// exists — on a fresh zero value of each registered proto type that
// implements it, with nothing injected.

// ConfigWillLoader may change the config before anything reads it.
type ConfigWillLoader interface {
	ConfigWillLoad(ctx context.Context, cfg *config.Config) error
}

// ConfigDidLoader runs once the config is final and the singletons exist.
type ConfigDidLoader interface {
	ConfigDidLoad(ctx context.Context) error
}

// DidLoader runs after ConfigDidLoad: every singleton is loaded.
type DidLoader interface {
	DidLoad(ctx context.Context) error
}

// WillReadier runs before the app starts serving.
type WillReadier interface {
	WillReady(ctx context.Context) error
}

// DidReadier runs once the app is ready, before the scheduler starts.
type DidReadier interface {
	DidReady(ctx context.Context) error
}

// ServerDidReadier runs once the HTTP server listens and jobs run.
type ServerDidReadier interface {
	ServerDidReady(ctx context.Context) error
}

// BeforeCloser runs first at shutdown, in reverse creation order.
type BeforeCloser interface {
	BeforeClose(ctx context.Context) error
}

// hookRun records one hook that ran, for the start-timeout message.
type hookRun struct {
	name string
	took time.Duration
}

// hookRunner runs hooks under the start deadline and remembers their
// durations.
type hookRunner struct {
	ran []hookRun
}

// StartTimeoutError says Start ran out of time, in which hook, and what ran
// before it.
type StartTimeoutError struct {
	Hook    string        // "ConfigDidLoad of *topic.Cache", or a start step
	Waited  time.Duration // how long that hook had run
	Timeout time.Duration
	Done    []string // the finished hooks with their durations
}

// Error names the hook that was still running when the start timed out.
func (e *StartTimeoutError) Error() string {
	return fmt.Sprintf("TEGGO_START_TIMEOUT: start did not finish within %s: %s still running after %s; finished before it: %s",
		e.Timeout, e.Hook, e.Waited.Round(time.Millisecond), strings.Join(e.Done, ", "))
}

// run calls fn as the hook named name and fails when ctx's deadline passes
// first. A hook that overruns keeps running in its goroutine: Go cannot
// stop it, but Start no longer waits for it.
func (h *hookRunner) run(ctx context.Context, timeout time.Duration, name string, fn func(context.Context) error) error {
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("%s panicked: %v", name, r)
			}
		}()
		done <- fn(ctx)
	}()
	select {
	case err := <-done:
		h.ran = append(h.ran, hookRun{name, time.Since(start)})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	case <-ctx.Done():
		var fin []string
		for _, r := range h.ran {
			fin = append(fin, fmt.Sprintf("%s (%s)", r.name, r.took.Round(time.Millisecond)))
		}
		return &StartTimeoutError{Hook: name, Waited: time.Since(start), Timeout: timeout, Done: fin}
	}
}

// each calls fn on every object of objs that implements I.
func each[I any](ctx context.Context, h *hookRunner, timeout time.Duration, hook string, objs []any, fn func(I, context.Context) error) error {
	for _, o := range objs {
		if x, ok := o.(I); ok {
			name := fmt.Sprintf("%s of %s", hook, reflect.TypeOf(o))
			if err := h.run(ctx, timeout, name, func(ctx context.Context) error { return fn(x, ctx) }); err != nil {
				return err
			}
		}
	}
	return nil
}
