// Package teggotest is teggo's test kit, in the role of egg-mock: start the
// app in a test (env unittest, on a loopback port or in-process), make HTTP
// requests, open scopes, replace protos with test objects, run a schedule
// now, await an event — everything cleaned up by t.Cleanup.
//
//	app := teggotest.Start(t, teggo.Modules(topic.Module()))
//	app.POST("/api/v2/topics", map[string]any{"title": "hi"}).ExpectStatus(t, 201)
//
// # Cookies and sessions
//
// Every Client keeps a cookie jar (net/http/cookiejar), so consecutive
// requests of one client share their cookies and so their session, as a
// browser's do. The App's own request methods use its default client;
// NewClient starts another, independent one — a second browser. Session
// reads the app's session of a client from the test:
//
//	app.POST("/login", map[string]any{"user": "ann"}).ExpectStatus(t, 204)
//	user, _ := app.Session().GetString("user") // the default client's session
//	other := app.NewClient()
//	other.GET("/me").ExpectStatus(t, 401)       // no cookies, no session
//	n, _ := other.Session().GetInt("visits")    // 0: other has no session
package teggotest

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
)

// App is a started teggo.App under test. Its request methods (GET, POST,
// ..., Do) go through its default Client, whose cookie jar they share.
type App struct {
	*teggo.App
	t         testing.TB
	base      string
	inProcess bool
	// Client makes the default client's requests over loopback; its Jar
	// holds that client's cookies.
	Client *http.Client
	def    *Client
}

// Start starts an app for the test: env "unittest" (unless the options say
// otherwise), a free loopback port, a temporary run directory, logs to
// t.Log. The app shuts down when the test ends.
func Start(t testing.TB, opts ...teggo.Option) *App {
	t.Helper()
	return start(t, false, opts)
}

// StartInProcess is Start without a port: requests go through the app's
// handler in-process.
func StartInProcess(t testing.TB, opts ...teggo.Option) *App {
	t.Helper()
	return start(t, true, opts)
}

func start(t testing.TB, inProcess bool, opts []teggo.Option) *App {
	t.Helper()
	base := []teggo.Option{
		teggo.Config(config.Env("unittest")),
		teggo.RunDir(filepath.Join(t.TempDir(), "run")),
		teggo.Logger(slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		teggo.StopTimeout(5 * time.Second),
	}
	if inProcess {
		base = append(base, teggo.NoListen())
	} else {
		base = append(base, teggo.Addr("127.0.0.1:0"))
	}
	app := teggo.New(append(base, opts...)...)
	if err := app.Start(context.Background()); err != nil {
		t.Fatalf("teggotest: start: %v", err)
	}
	t.Cleanup(func() {
		if err := app.Shutdown(context.Background()); err != nil {
			t.Errorf("teggotest: shutdown: %v", err)
		}
	})
	a := &App{App: app, t: t, inProcess: inProcess}
	if !inProcess {
		a.base = "http://" + app.Addr()
	}
	a.def = a.NewClient()
	a.Client = a.def.HTTP
	return a
}

// testWriter sends log lines to t.Log, so they show with the failing test.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Replace stands obj in for the proto named name (see
// container.Replacement): pass it to Start.
func Replace(name string, obj any) teggo.Option {
	return teggo.Register(container.Replacement{Name: name, Object: obj})
}

// URL returns the absolute URL of path on the app ("" in-process).
func (a *App) URL(path string) string { return a.base + path }

// Scope opens a container scope for the test, closed when the test ends.
func (a *App) Scope() context.Context {
	ctx, sc := container.NewScope(context.Background(), a.Container())
	a.t.Cleanup(func() { sc.Close() })
	return ctx
}

// Response is a finished response with its body read.
type Response struct {
	*http.Response
	Body []byte
	// BodyErr is the error reading the body when the server cut it (a
	// stream that failed midway): Body then holds what arrived. A response
	// cut before its headers has StatusCode 0.
	BodyErr error
}

// JSON decodes the body into v.
func (r *Response) JSON(v any) error { return json.Unmarshal(r.Body, v) }

// ExpectStatus fails the test unless the status is code, showing the body.
func (r *Response) ExpectStatus(t testing.TB, code int) *Response {
	t.Helper()
	if r.StatusCode != code {
		t.Fatalf("%s %s: status %d, want %d; body: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, code, r.Body)
	}
	return r
}

// EventWaiter waits for the next processing of an event type.
type EventWaiter[E any] struct {
	t testing.TB
	w *eventbus.Waiter[E]
}

// ExpectEvent starts waiting for the next processing of an E: call it
// before what emits, then Wait.
func ExpectEvent[E any](a *App) *EventWaiter[E] {
	return &EventWaiter[E]{t: a.t, w: eventbus.Expect[E](a.Bus())}
}

// Wait returns the event once all its handlers finished, failing the test
// after timeout (5 s when zero).
func (w *EventWaiter[E]) Wait(timeout time.Duration) E {
	w.t.Helper()
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	e, err := w.w.Wait(ctx)
	if err != nil {
		w.t.Fatalf("teggotest: waiting for %T: %v", e, err)
	}
	return e
}

// MustRunSchedule runs the job named name now and fails the test on error.
func (a *App) MustRunSchedule(name string, args ...any) {
	a.t.Helper()
	if err := a.RunSchedule(context.Background(), name, args...); err != nil {
		a.t.Fatalf("teggotest: RunSchedule(%q): %v", name, err)
	}
}
