package http_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teggo/teggo/container"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/internal/logbuf"
	"github.com/teggo/teggo/proto"
)

func TestBindingFromEveryLocation(t *testing.T) {
	ts, _ := newApp(t)
	r := do(t, ts, "GET", "/api/topics/a%20b?verbose=true&tag=x&tag=y&n=1&n=2&page=3", "",
		"X-Request-Id", "rid-1", "Cookie", "sid=s1")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	m := r.json(t)
	want := map[string]any{"id": "a b", "verbose": true, "page": 3.0, "reqId": "rid-1", "session": "s1"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if got := m["tags"].([]any); len(got) != 2 || got[0] != "x" || got[1] != "y" {
		t.Errorf("tags = %v", got)
	}
	if got := m["nums"].([]any); len(got) != 2 || got[1] != 2.0 {
		t.Errorf("nums = %v", got)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
}

func TestParamsValidated(t *testing.T) {
	ts, _ := newApp(t)
	r := do(t, ts, "GET", "/api/topics/1?page=0&verbose=maybe&n=x", "")
	if r.status != 422 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	locs := locations(t, r)
	for _, want := range []string{"query.page", "query.verbose", "query.n.0"} {
		if !slices.Contains(locs, want) {
			t.Errorf("no violation at %s in %v", want, locs)
		}
	}
}

func locations(t *testing.T, r reply) []string {
	t.Helper()
	m := r.json(t)
	if m["code"] != "TEGGO_VALIDATION_FAILED" || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("not a validation problem: %s", r.body)
	}
	var out []string
	for _, e := range m["errors"].([]any) {
		v := e.(map[string]any)
		if v["message"] == "" || v["code"] == "" {
			t.Errorf("violation without message or code: %v", v)
		}
		out = append(out, v["location"].(string))
	}
	return out
}

func TestCreateValidatesBodyAndHeaders(t *testing.T) {
	ts, _ := newApp(t)
	ok := do(t, ts, "POST", "/api/topics", `{"title":"  Hi  ","body":"long enough"}`, "Content-Type", "application/json", "X-Tenant", "a")
	if ok.status != 201 {
		t.Fatalf("status %d: %s", ok.status, ok.body)
	}
	if m := ok.json(t); m["title"] != "Hi@a" {
		t.Errorf("title %v: transform trim not applied", m["title"])
	}
	if ok.header.Get("Location") != "/topics/1" || !strings.Contains(ok.header.Get("Set-Cookie"), "last=1") {
		t.Errorf("headers %v", ok.header)
	}

	bad := do(t, ts, "POST", "/api/topics", `{"title":"much too long title","body":"x","tags":["a","b","c"],"extra":1}`,
		"Content-Type", "application/json", "X-Tenant", "z")
	if bad.status != 422 {
		t.Fatalf("status %d: %s", bad.status, bad.body)
	}
	locs := locations(t, bad)
	for _, want := range []string{"body.title", "body.body", "body.tags", "body", "header.X-Tenant"} {
		if !slices.Contains(locs, want) {
			t.Errorf("no violation at %s in %v", want, locs)
		}
	}

	missing := do(t, ts, "POST", "/api/topics", `{}`, "Content-Type", "application/json")
	locs = locations(t, missing)
	for _, want := range []string{"body.title", "body.body", "header.X-Tenant"} {
		if !slices.Contains(locs, want) {
			t.Errorf("missing: no violation at %s in %v", want, locs)
		}
	}
}

func TestBodyErrors(t *testing.T) {
	ts, _ := newApp(t, teggohttp.BodyLimit(64))
	for _, tc := range []struct {
		name, body, ctype string
		status            int
		code              string
	}{
		{"malformed", `{"title":`, "application/json", 400, "TEGGO_INVALID_JSON"},
		{"too large", `{"title":"` + strings.Repeat("x", 100) + `"}`, "application/json", 413, "TEGGO_BODY_TOO_LARGE"},
		{"not json", `title=x`, "application/x-www-form-urlencoded", 415, "TEGGO_UNSUPPORTED_MEDIA_TYPE"},
		{"json suffix", `{"title":"t","body":"bbb"}`, "application/merge-patch+json; charset=utf-8", 201, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, ts, "POST", "/api/topics", tc.body, "Content-Type", tc.ctype, "X-Tenant", "b")
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.code != "" {
				m := r.json(t)
				if m["code"] != tc.code || m["status"] != float64(tc.status) || m["title"] != http.StatusText(tc.status) || m["instance"] != "/api/topics" {
					t.Errorf("problem %s", r.body)
				}
			}
		})
	}
}

func TestNoContentAndRedirect(t *testing.T) {
	ts, _ := newApp(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"DELETE", "/api/topics/1", 204},
		{"GET", "/api/topics/x/maybe", 204},
		{"GET", "/api/topics/x/ping", 204},
		{"GET", "/api/topics/x/moved", 301},
	} {
		r := do(t, ts, tc.method, tc.path, "")
		if r.status != tc.status || len(r.body) != 0 {
			t.Errorf("%s %s: %d %q, want %d and no body", tc.method, tc.path, r.status, r.body, tc.status)
		}
	}
	if r := do(t, ts, "GET", "/api/topics/x/moved", ""); r.header.Get("Location") != "/elsewhere" {
		t.Errorf("Location %q", r.header.Get("Location"))
	}
}

func TestStreamClosesScopeAfterward(t *testing.T) {
	ts, _ := newApp(t)
	// the route's controller asks for no context proto: use Show first to
	// check the scope closes, then the stream.
	r := do(t, ts, "GET", "/api/topics/x/download", "")
	if r.status != 200 || string(r.body) != "hello stream" || r.header.Get("Content-Type") != "text/plain" {
		t.Fatalf("%d %q %v", r.status, r.body, r.header)
	}
}

// TestStringAndBytesResults: a string result is text/plain and a []byte
// application/octet-stream (koa's ctx.body), and the OpenAPI document
// says so.
func TestStringAndBytesResults(t *testing.T) {
	ts, _ := newApp(t)
	if r := do(t, ts, "GET", "/api/topics/x/text", ""); string(r.body) != "plain words" || r.header.Get("Content-Type") != "text/plain; charset=UTF-8" {
		t.Errorf("string: %q as %q", r.body, r.header.Get("Content-Type"))
	}
	if r := do(t, ts, "GET", "/api/topics/x/bytes", ""); string(r.body) != "\x00\x01\x02" || r.header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("bytes: %q as %q", r.body, r.header.Get("Content-Type"))
	}
	paths := do(t, ts, "GET", "/openapi.json", "").json(t)["paths"].(map[string]any)
	for path, ct := range map[string]string{"/api/topics/x/text": "text/plain", "/api/topics/x/bytes": "application/octet-stream"} {
		op, _ := paths[path].(map[string]any)["get"].(map[string]any)
		content, _ := op["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)
		if _, ok := content[ct]; !ok || len(content) != 1 {
			t.Errorf("openapi.json: %s answers %v, want %s", path, content, ct)
		}
	}
}

// TestStreamAbortsWhenItsReaderFails: the status is sent when the reader
// fails, so the response is cut rather than ended cleanly: the client sees
// a broken body, not a short one that looks complete.
func TestStreamAbortsWhenItsReaderFails(t *testing.T) {
	logs := logbuf.New()
	ts, _ := newApp(t, teggohttp.Logger(slog.New(slog.NewTextHandler(logs, nil))))
	res, err := http.Get(ts.URL + "/api/topics/x/broken-download")
	if err == nil { // the headers got out before the failure: the body is cut
		defer res.Body.Close()
		b, rerr := io.ReadAll(res.Body)
		if rerr == nil {
			t.Fatalf("status %d, body %q read to its end: want the response cut", res.StatusCode, b)
		}
	}
	logs.WaitFor(t, "response stream failed", "disk gone")
}

func TestErrors(t *testing.T) {
	for _, env := range []string{"local", "prod"} {
		prod := env == "prod"
		ts, _ := newApp(t, teggohttp.Env(env))
		for _, tc := range []struct {
			path   string
			status int
			detail string // "" = absent
		}{
			{"/api/topics/x/fail?kind=coded", 409, "secret internals"},
			{"/api/topics/x/fail?kind=problem", 410, "gone for good"},
			{"/api/topics/x/fail?kind=plain", 500, "database password is hunter2"},
			{"/api/topics/x/fail?kind=coded5xx", 502, "secret internals"},
			{"/api/topics/x/fail?kind=panic", 500, "panic: boom"},
			{"/nowhere", 404, ""},
		} {
			r := do(t, ts, "GET", tc.path, "")
			if r.status != tc.status || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("prod=%v %s: %d %s", prod, tc.path, r.status, r.body)
				continue
			}
			m := r.json(t)
			want := tc.detail
			if prod && tc.status >= 500 {
				want = ""
			}
			got, _ := m["detail"].(string)
			if got != want {
				t.Errorf("prod=%v %s: detail %q, want %q", prod, tc.path, got, want)
			}
		}
		if r := do(t, ts, "DELETE", "/api/topics/missing", ""); r.status != 404 || r.json(t)["detail"] != "no topic missing" {
			t.Errorf("teggohttp.Error: %d %s", r.status, r.body)
		}
		if r := do(t, ts, "PUT", "/api/topics/1", ""); r.status != 405 || r.json(t)["code"] != teggohttp.CodeMethodNotAllowed {
			t.Errorf("405: %d %s", r.status, r.body)
		}
		// the server keeps serving after a panic
		if r := do(t, ts, "GET", "/api/topics/1", ""); r.status != 200 {
			t.Errorf("after panic: %d", r.status)
		}
	}
}

func TestTimeout(t *testing.T) {
	ts, _ := newApp(t)
	r := do(t, ts, "GET", "/api/topics/x/slow", "")
	if r.status != 503 || r.json(t)["code"] != teggohttp.CodeTimeout {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := do(t, ts, "GET", "/api/topics/x/slow?mode=own5xx", ""); r.status != 502 {
		t.Errorf("own 5xx: %d %s", r.status, r.body)
	}
	if r := do(t, ts, "GET", "/api/topics/x/slow?mode=ok", ""); r.status != 503 {
		t.Errorf("late success: %d %s", r.status, r.body)
	}
	if r := do(t, ts, "GET", "/api/topics/1", ""); r.status != 200 {
		t.Errorf("healthy after: %d", r.status)
	}
}

func TestRequestScope(t *testing.T) {
	ts, s := newApp(t)
	// record when the status line was written
	var wroteSeq atomic.Int64
	s.Echo().Use(func(next echoHandler) echoHandler {
		return func(c echoContext) error {
			c.Response().Before(func() { wroteSeq.Store(seq.Add(1)) })
			return next(c)
		}
	})
	// The store has a Destroy hook, so the response is flushed before the
	// scope closes: the client may read it before the close, and waits
	// for the count.
	destroyed := func(want int64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); storeDestroyed.Load() < want; {
			if time.Now().After(deadline) {
				t.Fatalf("%d scopes closed, want %d", storeDestroyed.Load(), want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	before := storeDestroyed.Load()
	a := do(t, ts, "GET", "/api/topics/1", "").json(t)
	destroyed(before + 1)
	b := do(t, ts, "GET", "/api/topics/1", "").json(t)
	destroyed(before + 2)
	if a["store"] == b["store"] {
		t.Errorf("context service shared between requests: %v", a["store"])
	}
	if got := storeDestroyed.Load() - before; got != 2 {
		t.Errorf("%d scopes closed, want 2", got)
	}
	if lastDestroySeq.Load() < wroteSeq.Load() {
		t.Errorf("scope closed (%d) before the response was written (%d)", lastDestroySeq.Load(), wroteSeq.Load())
	}
	// and after the error handler: a failing request closes its scope too,
	// after the problem was written
	_ = do(t, ts, "GET", "/api/topics/x/fail?kind=coded", "")
	destroyed(before + 3)
	if lastDestroySeq.Load() < wroteSeq.Load() {
		t.Errorf("scope closed before the problem was written")
	}
	// context controllers are per request
	x := do(t, ts, "GET", "/ctx/me", "").json(t)["id"]
	y := do(t, ts, "GET", "/ctx/me", "").json(t)["id"]
	if x == y {
		t.Errorf("context controller reused: %v", x)
	}
}

func TestBackgroundAwaitedAfterResponse(t *testing.T) {
	ts, _ := newApp(t)
	ch := make(chan struct{})
	blockDestroy.Store(&ch)
	defer blockDestroy.Store(nil)
	done := make(chan reply, 1)
	go func() { done <- do(t, ts, "GET", "/api/topics/1", "") }()
	select {
	case r := <-done:
		if r.status != 200 {
			t.Errorf("status %d", r.status)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the response waited for the scope to close")
	}
	close(ch)
}

func TestMiddlewareOrder(t *testing.T) {
	ts, _ := newApp(t)
	trace.take()
	r := do(t, ts, "GET", "/mw/hello", "")
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	want := []string{
		"echo:ctrl1>", "echo:ctrl2>", "echo:route>",
		// BeforeCall hooks run before the Around chain (package aop)
		"aop:ReqAdvice.before", "aop:MethodLog>Hello", "aop:CtrlLog>",
		"handler",
		"aop:CtrlLog<", "aop:MethodLog<",
		"echo:route<", "echo:ctrl2<", "echo:ctrl1<",
	}
	if got := trace.take(); !slices.Equal(got, want) {
		t.Errorf("order\n got %v\nwant %v", got, want)
	}
	// a context advice is fresh per request
	t1 := do(t, ts, "GET", "/mw/bye", "").json(t)["title"]
	t2 := do(t, ts, "GET", "/mw/bye", "").json(t)["title"]
	if t1 == t2 || !strings.HasPrefix(t1.(string), "t#") {
		t.Errorf("context advice titles %v %v", t1, t2)
	}
}

func TestHostAndCase(t *testing.T) {
	ts, _ := newApp(t)
	if id := do(t, ts, "GET", "/who", "", "Host", "a.example.com").json(t)["id"]; id != "a-host" {
		t.Errorf("a.example.com got %v", id)
	}
	if id := do(t, ts, "GET", "/who", "", "Host", "A.Example.com:8080").json(t)["id"]; id != "a-host" {
		t.Errorf("host with port got %v", id)
	}
	if id := do(t, ts, "GET", "/who", "", "Host", "other.example.com").json(t)["id"]; id != "any-host" {
		t.Errorf("other host got %v", id)
	}
	// a controller answers for every host it is given (tegg's host list),
	// and a second Host adds to the first
	for _, h := range []string{"apple.example.com", "pear.example.com"} {
		if id := do(t, ts, "GET", "/who", "", "Host", h).json(t)["id"]; id != "a-host" {
			t.Errorf("%s got %v", h, id)
		}
	}
	if r := do(t, ts, "GET", "/who/only-b", "", "Host", "other.example.com"); r.status != 404 {
		t.Errorf("host-bound route answered another host: %d", r.status)
	}
	if r := do(t, ts, "GET", "/who/only-b", "", "Host", "b.example.com"); r.status != 200 {
		t.Errorf("host-bound route: %d", r.status)
	}
	if r := do(t, ts, "GET", "/API/topics/1", ""); r.status != 404 {
		t.Errorf("routing is case-insensitive: %d", r.status)
	}
}

func TestPathPriority(t *testing.T) {
	for path, want := range map[string]int{
		"/": 100000, "/users": 100000, "/*": 0,
		"/users/:id": 1000, "/hello/world/message/:message": 3000, "/users/:id/moments/:momentId": 4000,
	} {
		if got := teggohttp.PathPriority(path); got != want {
			t.Errorf("PathPriority(%q) = %d, want %d", path, got, want)
		}
	}
}

func TestRoutesOrderAndBuildErrors(t *testing.T) {
	c := container.New()
	c.Register(topicDecls()...)
	rows, err := teggohttp.Routes(c)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].Priority > rows[i-1].Priority {
			t.Errorf("not sorted by priority: %v before %v", rows[i-1], rows[i])
		}
	}
	if rows[0].Priority != 100000 || rows[len(rows)-1].Path != "/api/topics/:id" {
		t.Errorf("rows %v", rows)
	}
	found := false
	for _, r := range rows {
		if r.Handler == "TopicController.Show" && r.Method == "GET" && r.Path == "/api/topics/:id" && r.Priority == 2000 {
			found = true
		}
	}
	if !found {
		t.Errorf("no Show row in %v", rows)
	}

	check := func(code container.Code, want string, decls ...any) {
		t.Helper()
		c := container.New()
		c.Register(decls...)
		err := buildErr(c)
		if container.CodeOf(err) != code || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %s containing %q", err, code, want)
		}
	}
	check(teggohttp.CodeRouterConflict, "register http controller TopicController.Maybe failed, GET /api/topics/:topicId is conflict with exists rule /api/topics/:id (TopicController.Show)",
		new(TopicController), teggohttp.Controller[*TopicController]("/api/topics"),
		teggohttp.GET("/:id", (*TopicController).Show),
		teggohttp.GET("/:topicId", teggohttp.NoIn((*TopicController).Maybe)))
	check(teggohttp.CodeRouterConflict, "GET /who on host a.example.com is conflict",
		teggohttp.Controller[*HostController]("/who", teggohttp.Host("a.example.com")),
		teggohttp.GET("/", teggohttp.NoIn((*HostController).Who)),
		teggohttp.Controller[*AnyHostController]("/who"),
		teggohttp.GET("/", teggohttp.NoIn((*AnyHostController).Who), teggohttp.Host("A.example.com")))
	check(teggohttp.CodeDuplicateController, `controller name "TopicController" is taken`,
		teggohttp.Controller[*TopicController]("/a"), teggohttp.Controller[*HostController]("/b", teggohttp.Name("TopicController")))
	// a duplicate name is one error: the refused controller's routes are
	// not reported again as routes without a controller
	c = container.New()
	c.Register(teggohttp.Controller[*TopicController]("/a"), teggohttp.Controller[*HostController]("/b", teggohttp.Name("TopicController")),
		teggohttp.GET("/", teggohttp.NoIn((*HostController).Who)))
	if err := buildErr(c); err == nil || strings.Contains(err.Error(), string(teggohttp.CodeNoController)) {
		t.Errorf("duplicate controller name: %v, want one TEGGO_HTTP_DUPLICATE_CONTROLLER alone", err)
	}
	check(teggohttp.CodeDuplicateController, `declared a controller twice`,
		teggohttp.Controller[*TopicController]("/a"), teggohttp.Controller[*TopicController]("/b"))
	check(teggohttp.CodeBadInput, `binds path parameter "id", which path /api/topics/x does not have`,
		teggohttp.Controller[*TopicController]("/api/topics"), teggohttp.GET("/x", (*TopicController).Show))
	check(teggohttp.CodeNoController, "has no Controller declaration",
		teggohttp.GET("/x", (*TopicController).Show))
	check(teggohttp.CodeBadRoute, "option Status does not apply to a controller",
		teggohttp.Controller[*TopicController]("/a", teggohttp.Status(201)))
	if err := buildErr(container.New()); err != nil {
		t.Errorf("empty: %v", err)
	}
	var ce *container.Error
	err = buildErr(func() *container.Container {
		c := container.New()
		c.Register(teggohttp.GET("/x", (*TopicController).Show))
		return c
	}())
	if !errors.As(err, &ce) || !errors.Is(err, teggohttp.CodeNoController) || !strings.Contains(ce.Pos, "http_test.go") {
		t.Errorf("error %#v", err)
	}
}

func TestMountOnExistingEcho(t *testing.T) {
	c := buildContainer(t, topicDecls()...)
	e := newEcho()
	e.GET("/health", func(c echoContext) error { return c.String(200, "ok") })
	var seen []string
	e.Use(func(next echoHandler) echoHandler {
		return func(c echoContext) error { seen = append(seen, c.Path()); return next(c) }
	})
	if err := teggohttp.Mount(e, c, teggohttp.OpenAPI("/docs/openapi.json")); err != nil {
		t.Fatal(err)
	}
	ts := httptestServer(t, e)
	if r := do(t, ts, "GET", "/health", ""); r.status != 200 || string(r.body) != "ok" {
		t.Errorf("own route: %d %s", r.status, r.body)
	}
	if r := do(t, ts, "GET", "/api/topics/7", ""); r.status != 200 {
		t.Errorf("teggo route: %d %s", r.status, r.body)
	}
	if r := do(t, ts, "GET", "/api/topics/x/fail?kind=coded", ""); r.status != 409 || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("teggo error on a mounted route: %d %s", r.status, r.body)
	}
	if r := do(t, ts, "GET", "/docs/openapi.json", ""); r.status != 200 {
		t.Errorf("openapi: %d", r.status)
	}
	if !slices.Contains(seen, "/health") || !slices.Contains(seen, "/api/topics/:id") {
		t.Errorf("own middleware saw %v", seen)
	}

	e2 := newEcho()
	e2.GET("/api/topics/:topic", func(c echoContext) error { return nil })
	err := teggohttp.Mount(e2, buildContainer(t, topicDecls()...))
	if container.CodeOf(err) != teggohttp.CodeRouterConflict || !strings.Contains(err.Error(), "/api/topics/:topic") {
		t.Errorf("conflict with an own route: %v", err)
	}
	// by match, as tegg checks the embedding app's router: the app's
	// GET /apps/:id takes GET /apps/123 and GET /apps/:name
	for _, path := range []string{"/123", "/:name"} {
		e3 := newEcho()
		e3.GET("/apps/:id", func(c echoContext) error { return nil })
		c := container.New()
		c.Register(new(HostController), teggohttp.Controller[*HostController]("/apps"), teggohttp.GET(path, teggohttp.NoIn((*HostController).Who)))
		if err := c.Build(context.Background()); err != nil {
			t.Fatal(err)
		}
		err := teggohttp.Mount(e3, c)
		if container.CodeOf(err) != teggohttp.CodeRouterConflict || !strings.Contains(err.Error(), "/apps/:id") {
			t.Errorf("GET /apps%s beside the app's GET /apps/:id: %v, want TEGGO_ROUTER_CONFLICT", path, err)
		}
	}
	if err := teggohttp.Mount(newEcho(), container.New()); err == nil {
		t.Error("Mount of an unbuilt container")
	}
}

func TestOpenAPI(t *testing.T) {
	ts, _ := newApp(t, teggohttp.OpenAPIInfo("topics", "1.2.3"))
	doc := do(t, ts, "GET", "/openapi.json", "").json(t)
	if doc["openapi"] != "3.1.0" || doc["info"].(map[string]any)["version"] != "1.2.3" {
		t.Fatalf("doc %v", doc)
	}
	paths := doc["paths"].(map[string]any)
	show := paths["/api/topics/{id}"].(map[string]any)["get"].(map[string]any)
	if show["operationId"] != "TopicController.Show" {
		t.Errorf("operationId %v", show["operationId"])
	}
	params := map[string]map[string]any{}
	for _, p := range show["parameters"].([]any) {
		pm := p.(map[string]any)
		params[pm["in"].(string)+"."+pm["name"].(string)] = pm
	}
	for _, k := range []string{"path.id", "query.verbose", "query.tag", "query.page", "header.X-Request-Id", "cookie.sid"} {
		if params[k] == nil {
			t.Errorf("no parameter %s in %v", k, params)
		}
	}
	if params["path.id"]["required"] != true || params["query.page"]["schema"].(map[string]any)["minimum"] != 1.0 {
		t.Errorf("params %v", params)
	}
	if params["query.tag"]["schema"].(map[string]any)["type"] != "array" {
		t.Errorf("tag schema %v", params["query.tag"])
	}
	create := paths["/api/topics"].(map[string]any)["post"].(map[string]any)
	body := create["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	props := body["properties"].(map[string]any)
	if props["title"].(map[string]any)["maxLength"] != 10.0 || props["tenant"] != nil || props["Tenant"] != nil {
		t.Errorf("body schema %v", body)
	}
	resp := create["responses"].(map[string]any)
	if resp["201"] == nil || resp["422"] == nil || resp["415"] == nil {
		t.Errorf("responses %v", resp)
	}
	del := paths["/api/topics/{id}"].(map[string]any)["delete"].(map[string]any)["responses"].(map[string]any)
	if del["204"] == nil {
		t.Errorf("delete responses %v", del)
	}
}

type profileIn struct {
	Name string `json:"name" jsonschema:"maxLength=10" transform:"trim"`
	Meta struct {
		Nick string `json:"nick,omitempty" jsonschema:"maxLength=3"`
	} `json:"meta"`
	At time.Time `json:"at,omitzero"`
}

type profileController struct{ proto.Singleton }

func (*profileController) Put(ctx context.Context, in profileIn) (*profileIn, error) { return &in, nil }

type stampIn struct {
	At time.Time `json:"at"`
}

func (*profileController) Stamp(ctx context.Context, in stampIn) (*stampIn, error) { return &in, nil }

// The handler gets the body that was validated: with a repeated member the
// last wins whole, as the validator saw it — encoding/json would have
// merged the two objects and let the unvalidated "toolong" through.
// Types with their own decoding (time.Time) still decode.
func TestBodyIsDecodedFromTheValidatedValue(t *testing.T) {
	c := buildContainer(t,
		new(profileController),
		teggohttp.Controller[*profileController]("/profile"),
		teggohttp.PUT("/", (*profileController).Put),
		teggohttp.POST("/stamp", (*profileController).Stamp),
	)
	s, err := teggohttp.NewServer(c, teggohttp.Logger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	r := do(t, ts, "PUT", "/profile", `{"name":"  ann ","meta":{"nick":"toolong"},"meta":{}}`, "Content-Type", "application/json")
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	m := r.json(t)
	if m["name"] != "ann" || m["meta"].(map[string]any)["nick"] != nil {
		t.Fatalf("got %s", r.body)
	}
	if r := do(t, ts, "PUT", "/profile", `{"name":"ann","meta":{"nick":"toolong"}}`, "Content-Type", "application/json"); r.status != 422 {
		t.Fatalf("the nested member is validated: %d %s", r.status, r.body)
	}
	r = do(t, ts, "POST", "/profile/stamp", `{"at":"2026-11-21T10:00:00Z"}`, "Content-Type", "application/json")
	if r.status != 200 || r.json(t)["at"] != "2026-11-21T10:00:00Z" {
		t.Fatalf("time.Time body: %d %s", r.status, r.body)
	}
}

type pathIn struct {
	Org  string `param:"org"`
	Name string `param:"name"`
}

type pathController struct{ proto.Singleton }

func (*pathController) Show(ctx context.Context, in pathIn) (*pathIn, error) { return &in, nil }

// Path parameters into plain strings are bound on the handler's fast path,
// unescaped like every other parameter.
func TestPathOnlyInput(t *testing.T) {
	c := buildContainer(t,
		new(pathController),
		teggohttp.Controller[*pathController]("/orgs"),
		teggohttp.GET("/:org/repos/:name", (*pathController).Show),
	)
	s, err := teggohttp.NewServer(c, teggohttp.Logger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	r := do(t, ts, "GET", "/orgs/eggjs/repos/a%20b%2Fc", "")
	if m := r.json(t); r.status != 200 || m["Org"] != "eggjs" || m["Name"] != "a b/c" {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

type noteOwner struct {
	Name string `json:"name"`
}

type noteIn struct {
	Title string            `json:"title"`
	Tags  []string          `json:"tags"`
	Attrs map[string]string `json:"attrs"`
	Extra any               `json:"extra"`
	Owner *noteOwner        `json:"owner"`
	Raw   json.RawMessage   `json:"raw"`
}

type noteController struct {
	proto.Singleton
	mu   sync.Mutex
	kept []noteIn
}

func (c *noteController) Keep(ctx context.Context, in noteIn) error {
	c.mu.Lock()
	c.kept = append(c.kept, in)
	c.mu.Unlock()
	return nil
}

func noteBody(i int) string {
	return fmt.Sprintf(`{"title":"t%d","tags":["a%d","b%d"],"attrs":{"k":"v%d"},"extra":{"s":"x%d","l":["y%d"]},"owner":{"name":"o%d"},"raw":{"r":"%d"}}`, i, i, i, i, i, i, i, i)
}

// A handler may keep its input: the memory of the validated body it was
// decoded from is reused by later requests (ajv.Schema.ValidateDecodedFunc),
// and nothing kept may refer to it. Run it with -race.
func TestKeptInputsOutliveTheRequest(t *testing.T) {
	c := buildContainer(t,
		new(noteController),
		teggohttp.Controller[*noteController]("/notes"),
		teggohttp.POST("/", teggohttp.NoOut((*noteController).Keep)),
	)
	s, err := teggohttp.NewServer(c, teggohttp.Logger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	const workers, each = 4, 100
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for r := range each {
				req := httptest.NewRequest("POST", "/notes", strings.NewReader(noteBody(w*each+r)))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 204 {
					t.Errorf("%d %s", rec.Code, rec.Body)
					return
				}
			}
		})
	}
	wg.Wait()
	runtime.GC()
	nc, err := container.Lookup[*noteController](c)
	if err != nil {
		t.Fatal(err)
	}
	if len(nc.kept) != workers*each {
		t.Fatalf("%d inputs kept", len(nc.kept))
	}
	for _, in := range nc.kept {
		var want noteIn
		i, err := strconv.Atoi(strings.TrimPrefix(in.Title, "t"))
		if err != nil {
			t.Fatalf("title %q", in.Title)
		}
		if err := json.Unmarshal([]byte(noteBody(i)), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(in, want) {
			t.Fatalf("input %d changed after its request:\n got %#v\nwant %#v", i, in, want)
		}
	}
}

// A body without a Content-Length (chunked) is read up to the limit: one
// byte over is a 413, the limit itself is read whole.
func TestChunkedBodyLimit(t *testing.T) {
	ts, _ := newApp(t, teggohttp.BodyLimit(64))
	post := func(body string) int {
		req, err := http.NewRequest("POST", ts.URL+"/api/topics", io.MultiReader(strings.NewReader(body)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Tenant", "b")
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if req.ContentLength != 0 {
			t.Fatalf("the request has a Content-Length: %d", req.ContentLength)
		}
		return res.StatusCode
	}
	exact := `{"title":"t","body":"` + strings.Repeat("b", 64-len(`{"title":"t","body":""}`)) + `"}`
	if len(exact) != 64 {
		t.Fatalf("%d bytes", len(exact))
	}
	if got := post(exact); got != 201 {
		t.Errorf("64 bytes: %d, want 201", got)
	}
	if got := post(exact + " "); got != 413 {
		t.Errorf("65 bytes: %d, want 413", got)
	}
}

// TestHEADOnEveryGETRoute: RFC 9110 — HEAD is answered wherever GET is,
// with GET's status and headers and no body; the OpenAPI document too.
func TestHEADOnEveryGETRoute(t *testing.T) {
	ts, _ := newApp(t)
	for _, path := range []string{"/api/topics/1", "/openapi.json", "/api/topics/x/text"} {
		get := do(t, ts, "GET", path, "")
		head := do(t, ts, "HEAD", path, "")
		if head.status != get.status || len(head.body) != 0 || head.header.Get("Content-Type") != get.header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d %q %q; GET: %d %q", path, head.status, head.body, head.header.Get("Content-Type"), get.status, get.header.Get("Content-Type"))
		}
	}
}

// TestOpenAPIPassesRedoclyLint: the OpenAPI document passes @redocly/cli
// lint with its recommended rules (teggo's keywords as x- extensions,
// summaries, servers, problem responses). .ci/run installs redocly and
// sets TEGGO_REDOCLY to its binary.
func TestOpenAPIPassesRedoclyLint(t *testing.T) {
	bin := os.Getenv("TEGGO_REDOCLY")
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("TEGGO_REDOCLY is not set: .ci/run installs @redocly/cli and sets it")
		}
		t.Skip("TEGGO_REDOCLY not set (npm install @redocly/cli; TEGGO_REDOCLY=node_modules/.bin/redocly)")
	}
	ts, _ := newApp(t, teggohttp.OpenAPIInfo("topics", "1.2.3"))
	file := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(file, do(t, ts, "GET", "/openapi.json", "").body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "lint", "--format=stylish", file).CombinedOutput()
	if err != nil {
		t.Fatalf("redocly lint: %v\n%s", err, out)
	}
}

// buildErr reports the build errors of c's HTTP declarations, as Routes does.
func buildErr(c *container.Container) error {
	_, err := teggohttp.Routes(c)
	return err
}
