package background

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

// Runner is what a singleton injects to start background tasks: the field
// `Tasks background.Runner `inject:""“ receives the proxy of the current
// scope's Helper. Every method takes the ctx of a scope first, from which
// the proxy finds that scope's helper.
type Runner interface {
	// Run starts fn at once in its own goroutine; see Helper.Run.
	Run(ctx context.Context, fn func(ctx context.Context) error) error
	// SetTimeout sets how long closing the scope waits; see Helper.SetTimeout.
	SetTimeout(ctx context.Context, d time.Duration)
}

var _ Runner = (*Helper)(nil)

// Helper is the per-scope background task helper (egg's
// backgroundTaskHelper): a context proto, created on first use in a scope,
// whose PreDestroy — run when the scope closes — waits for the tasks it
// started.
type Helper struct {
	proto.Context `name:"backgroundTaskHelper" access:"public"`

	// Config is the app-wide setting, when a constructor provides one.
	Config *Config `inject:"" optional:"true"`
	// Log receives task failures and close timeouts. When nothing provides a
	// *slog.Logger, the container's logger is used (slog.Default() unless
	// container.Logger says otherwise).
	Log *slog.Logger `inject:"" optional:"true"`

	mu         sync.Mutex
	timeout    time.Duration
	timeoutSet bool
	pending    int            // tasks started and not finished
	origins    map[string]int // pending tasks by the file:line of their Run
	idle       chan struct{}  // closed when pending drops to 0 while closing
	closed     bool           // no task may start any more
}

// Run starts fn at once in its own goroutine and returns; the scope's Close
// waits for it (see PreDestroy). fn receives a ctx that keeps ctx's values,
// the scope included, but is never cancelled: the task goes on after the
// response is written. Pass the scope's ctx (or one derived from it): that
// is how a singleton's proxy finds this scope's helper, and how the task
// reaches the scope's objects.
//
// A task may start further tasks; they are awaited too. fn's error and a
// panic in fn are logged with the file:line of this Run call and go no
// further. Run returns an error only when the task cannot start: fn is nil
// (logged as well), or the scope has closed (an error matching
// container.CodeScopeClosed) — for instance a task that outlived the close
// timeout and starts another.
func (h *Helper) Run(ctx context.Context, fn func(ctx context.Context) error) error {
	origin := callerOrigin()
	if fn == nil {
		err := errors.New("background: Run with a nil func")
		h.logger(ctx).Error("background task not started", "origin", origin, "error", err)
		return err
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return &container.Error{Code: container.CodeScopeClosed, Pos: origin,
			Msg:  "background task started after its scope closed",
			Hint: "a task that outlives the close timeout cannot start others; raise the timeout with SetTimeout or Config"}
	}
	h.pending++
	if h.origins == nil {
		h.origins = make(map[string]int)
	}
	h.origins[origin]++
	h.mu.Unlock()

	go h.run(context.WithoutCancel(ctx), fn, origin)
	return nil
}

// SetTimeout sets how long closing this scope waits for its tasks; 0 means
// no limit. The last call wins (egg's `backgroundTaskHelper.timeout`); it
// overrides Config for this scope only. ctx is unused by the helper itself:
// it lets a singleton's proxy find the scope's helper.
func (h *Helper) SetTimeout(ctx context.Context, d time.Duration) {
	h.mu.Lock()
	h.timeout, h.timeoutSet = d, true
	h.mu.Unlock()
}

// PreDestroy runs when the scope closes: it waits until every task has
// finished, tasks started meanwhile by other tasks included, or until the
// timeout. On timeout it logs a warning naming the scope, the time waited
// and where the unfinished tasks were started, and returns nil so that the
// scope closes anyway; the late tasks go on, and whatever they ask of the
// closed scope fails with container.CodeScopeClosed.
func (h *Helper) PreDestroy(ctx context.Context) error {
	h.mu.Lock()
	if h.pending == 0 {
		h.closed = true
		h.mu.Unlock()
		return nil
	}
	timeout := h.timeoutLocked()
	idle := make(chan struct{})
	h.idle = idle
	h.mu.Unlock()

	start := time.Now()
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-idle:
		return nil
	case <-expired:
	case <-ctx.Done():
	}
	h.mu.Lock()
	h.closed = true
	h.idle = nil
	running, origins := h.pending, h.originsLocked()
	h.mu.Unlock()
	h.logger(ctx).Warn("background: scope closed before its tasks finished",
		"scope", scopeLabel(ctx), "waited", time.Since(start).Round(time.Millisecond), "timeout", timeout,
		"running", running, "origins", origins)
	return nil
}

// run executes one task and accounts for its end.
func (h *Helper) run(ctx context.Context, fn func(ctx context.Context) error, origin string) {
	defer h.done(origin)
	defer func() {
		if v := recover(); v != nil {
			h.logger(ctx).Error("background task panicked", "origin", origin, "panic", v, "stack", string(debug.Stack()))
		}
	}()
	if err := fn(ctx); err != nil {
		h.logger(ctx).Error("background task failed", "origin", origin, "error", err)
	}
}

// done records the end of a task; the last one releases a waiting close.
func (h *Helper) done(origin string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pending--
	if h.origins[origin]--; h.origins[origin] == 0 {
		delete(h.origins, origin)
	}
	if h.pending == 0 && h.idle != nil {
		h.closed = true // decided under the lock: no task slips in between
		close(h.idle)
		h.idle = nil
	}
}

func (h *Helper) timeoutLocked() time.Duration {
	switch {
	case h.timeoutSet:
		return h.timeout
	case h.Config != nil:
		return h.Config.Timeout
	}
	return DefaultTimeout
}

// originsLocked renders the pending tasks as "file:line" or "file:line ×n".
func (h *Helper) originsLocked() []string {
	out := make([]string, 0, len(h.origins))
	for o, n := range h.origins {
		if n > 1 {
			o = fmt.Sprintf("%s ×%d", o, n)
		}
		out = append(out, o)
	}
	slices.Sort(out)
	return out
}

func (h *Helper) logger(ctx context.Context) *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	if sc, ok := container.ScopeFrom(ctx); ok {
		return sc.Container().Logger()
	}
	return slog.Default()
}

// scopeLabel names a scope in logs: its address, stable for its lifetime.
func scopeLabel(ctx context.Context) string {
	if sc, ok := container.ScopeFrom(ctx); ok {
		return fmt.Sprintf("%p", sc)
	}
	return "none"
}
