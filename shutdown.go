package teggo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Shutdown stops the app gracefully, each step under its own deadline
// (StopTimeout, bounded by ctx): BeforeClose hooks in reverse creation
// order; the HTTP server stops accepting and finishes in-flight requests
// (whose scopes close after the response, awaiting their background tasks);
// the scheduler stops and waits for running jobs; the event bus drains —
// after the scheduler, so that events emitted by the last requests and jobs
// are still delivered; the singletons are destroyed in reverse dependency
// order. A step that does not
// finish is logged with what it left, and shutdown goes on. It returns every
// step's error, joined. Shutdown is idempotent.
func (a *App) Shutdown(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.shutdown(ctx, true)
}

func (a *App) shutdown(ctx context.Context, hooks bool) error {
	if a.stopped || !a.started {
		return nil
	}
	a.stopped = true
	per := a.o.stopTimeout
	if per == 0 {
		per = DefaultStopTimeout
	}
	var errs []error
	step := func(name string, fn func(context.Context) error) {
		sctx, cancel := context.WithTimeout(ctx, per)
		defer cancel()
		began := time.Now()
		if err := fn(sctx); err != nil {
			a.log.Error("teggo: shutdown step did not finish", "step", name, "took", time.Since(began).Round(time.Millisecond).String(), "err", err)
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	if hooks && a.c != nil {
		step("BeforeClose", func(ctx context.Context) error {
			var herrs []error
			objs := a.c.Singletons()
			slices.Reverse(objs)
			for _, o := range objs {
				if b, ok := o.(BeforeCloser); ok {
					if err := b.BeforeClose(ctx); err != nil {
						herrs = append(herrs, fmt.Errorf("BeforeClose of %T: %w", o, err))
					}
				}
			}
			return errors.Join(herrs...)
		})
	}
	if a.server != nil && a.ln != nil {
		step("http", func(ctx context.Context) error {
			err := a.server.Shutdown(ctx)
			if serr := <-a.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
				err = serr
			}
			return err
		})
	}
	// The scheduler before the bus: a running job may still emit, and the
	// bus drops what is emitted once it stops.
	if a.sched != nil {
		step("schedule", a.sched.Stop)
	}
	if a.bus != nil {
		step("eventbus", a.bus.Stop)
	}
	if a.c != nil {
		step("container", a.c.Stop)
	}
	// Redis last: singletons may still use it in their PreDestroy.
	if a.redis != nil {
		step("redis", func(context.Context) error { return a.closeRedis() })
	}
	return errors.Join(errs...)
}

// RunSchedule runs the job named name (type or proto name) once, now, in a
// fresh scope, whatever its type or disable flag, and returns its error:
// egg's app.runSchedule, for tests.
func (a *App) RunSchedule(ctx context.Context, name string, args ...any) error {
	if a.sched == nil {
		return errors.New("teggo: RunSchedule before Start")
	}
	return a.sched.RunSchedule(ctx, name, args...)
}
