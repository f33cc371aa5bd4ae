// Package teggotest is teggo's test kit, in the role of egg-mock: start the
// app in a test (env unittest, on a loopback port or in-process), make HTTP
// requests, open scopes, replace protos with test objects, run a schedule
// now, await an event — everything cleaned up by t.Cleanup.
//
//	app := teggotest.Start(t, teggo.Modules(topic.Module()))
//	app.POST("/api/v2/topics", map[string]any{"title": "hi"}).ExpectStatus(t, 201)
package teggotest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
)

// App is a started teggo.App under test.
type App struct {
	*teggo.App
	t         testing.TB
	base      string
	inProcess bool
	// Client makes the requests over loopback.
	Client *http.Client
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
	a := &App{App: app, t: t, inProcess: inProcess, Client: &http.Client{Timeout: 30 * time.Second}}
	if !inProcess {
		a.base = "http://" + app.Addr()
	}
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

// Do sends req (a path-only URL is resolved against the app) and reads the
// response.
func (a *App) Do(req *http.Request) *Response {
	a.t.Helper()
	if a.inProcess {
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, req)
		res := rec.Result()
		res.Request = req
		body, _ := io.ReadAll(res.Body)
		return &Response{Response: res, Body: body}
	}
	if req.URL.Host == "" {
		u := *req.URL
		full, err := http.NewRequestWithContext(req.Context(), req.Method, a.base+u.RequestURI(), req.Body)
		if err != nil {
			a.t.Fatalf("teggotest: %v", err)
		}
		full.Header = req.Header
		req = full
	}
	res, err := a.Client.Do(req)
	if err != nil {
		a.t.Fatalf("teggotest: %s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatalf("teggotest: reading the body: %v", err)
	}
	return &Response{Response: res, Body: body}
}

// Request sends method path with body (nil, an io.Reader, a []byte or a
// string sent as is, or any other value encoded as JSON) and headers given
// as "Name", "value" pairs.
func (a *App) Request(method, path string, body any, headers ...string) *Response {
	a.t.Helper()
	var r io.Reader
	isJSON := false
	switch b := body.(type) {
	case nil:
	case io.Reader:
		r = b
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatalf("teggotest: encoding the body: %v", err)
		}
		r, isJSON = bytes.NewReader(data), true
	}
	req := httptest.NewRequest(method, path, r)
	req.RequestURI = ""
	if isJSON {
		req.Header.Set("Content-Type", "application/json")
	}
	if len(headers)%2 != 0 {
		a.t.Fatalf("teggotest: headers come in name, value pairs")
	}
	for i := 0; i < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.Do(req)
}

// GET requests path.
func (a *App) GET(path string, headers ...string) *Response {
	a.t.Helper()
	return a.Request(http.MethodGet, path, nil, headers...)
}

// POST sends body to path.
func (a *App) POST(path string, body any, headers ...string) *Response {
	a.t.Helper()
	return a.Request(http.MethodPost, path, body, headers...)
}

// PUT sends body to path.
func (a *App) PUT(path string, body any, headers ...string) *Response {
	a.t.Helper()
	return a.Request(http.MethodPut, path, body, headers...)
}

// DELETE requests path.
func (a *App) DELETE(path string, headers ...string) *Response {
	a.t.Helper()
	return a.Request(http.MethodDelete, path, nil, headers...)
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
