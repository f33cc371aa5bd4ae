package http_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/container"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

// ---- a shared trace of what ran, in order ----

type tracer struct {
	mu    sync.Mutex
	steps []string
}

func (t *tracer) add(s string) {
	t.mu.Lock()
	t.steps = append(t.steps, s)
	t.mu.Unlock()
}

func (t *tracer) take() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := t.steps
	t.steps = nil
	return out
}

var trace = &tracer{}

// seq orders events across goroutines.
var seq atomic.Int64

// ---- protos ----

type Topic struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// TopicStore is a context service: one per request.
type TopicStore struct {
	proto.Context
	created  int64
	destroys *atomic.Int64
}

var storeSerial atomic.Int64
var storeDestroyed atomic.Int64
var lastDestroySeq atomic.Int64

func (s *TopicStore) PostConstruct(context.Context) error {
	s.created = storeSerial.Add(1)
	return nil
}

func (s *TopicStore) PreDestroy(context.Context) error {
	storeDestroyed.Add(1)
	lastDestroySeq.Store(seq.Add(1))
	if ch := blockDestroy.Load(); ch != nil {
		<-*ch
	}
	return nil
}

// blockDestroy, when set, makes PreDestroy wait (a background task still
// running after the response).
var blockDestroy atomic.Pointer[chan struct{}]

type TopicController struct {
	proto.Singleton
	C *container.Container `inject:""`
}

type ShowTopic struct {
	ID      string   `param:"id"`
	Verbose bool     `query:"verbose"`
	Tags    []string `query:"tag"`
	Nums    []int    `query:"n"`
	Page    *int     `query:"page" jsonschema:"minimum=1"`
	ReqID   string   `header:"X-Request-Id"`
	Session string   `cookie:"sid"`
}

type ShowOut struct {
	ID      string   `json:"id"`
	Verbose bool     `json:"verbose"`
	Tags    []string `json:"tags"`
	Nums    []int    `json:"nums"`
	Page    int      `json:"page"`
	ReqID   string   `json:"reqId"`
	Session string   `json:"session"`
	Store   int64    `json:"store"`
}

func (c *TopicController) Show(ctx context.Context, in ShowTopic) (*ShowOut, error) {
	st, err := container.Get[*TopicStore](ctx)
	if err != nil {
		return nil, err
	}
	out := &ShowOut{ID: in.ID, Verbose: in.Verbose, Tags: in.Tags, Nums: in.Nums, ReqID: in.ReqID, Session: in.Session, Store: st.created}
	if in.Page != nil {
		out.Page = *in.Page
	}
	return out, nil
}

type CreateTopic struct {
	Title  string   `json:"title" jsonschema:"minLength=1,maxLength=10" transform:"trim"`
	Body   string   `json:"body" jsonschema:"minLength=3"`
	Tags   []string `json:"tags,omitempty" jsonschema:"maxItems=2"`
	Tenant string   `header:"X-Tenant" jsonschema:"required,enum=a,enum=b"`
}

func (c *TopicController) Create(ctx context.Context, in CreateTopic) (*Topic, error) {
	teggohttp.ResponseFrom(ctx).Header().Set("Location", "/topics/1")
	teggohttp.ResponseFrom(ctx).SetCookie(&http.Cookie{Name: "last", Value: "1"})
	return &Topic{ID: "1", Title: in.Title + "@" + in.Tenant}, nil
}

func (c *TopicController) Delete(ctx context.Context, in struct {
	ID string `param:"id"`
}) error {
	if in.ID == "missing" {
		return teggohttp.Error(http.StatusNotFound, "no topic "+in.ID)
	}
	return nil
}

func (c *TopicController) Maybe(ctx context.Context) (*Topic, error) { return nil, nil }

func (c *TopicController) Ping(ctx context.Context) error { return nil }

func (c *TopicController) Moved(ctx context.Context) (*Topic, error) {
	teggohttp.ResponseFrom(ctx).Redirect(http.StatusMovedPermanently, "/elsewhere")
	return &Topic{}, nil
}

type coded struct{ status int }

func (e coded) Error() string   { return "secret internals" }
func (e coded) StatusCode() int { return e.status }

func (c *TopicController) Fail(ctx context.Context, in struct {
	Kind string `query:"kind"`
}) (*Topic, error) {
	if _, err := container.Get[*TopicStore](ctx); err != nil {
		return nil, err
	}
	switch in.Kind {
	case "coded":
		return nil, coded{http.StatusConflict}
	case "coded5xx":
		return nil, coded{http.StatusBadGateway}
	case "panic":
		panic("boom")
	case "problem":
		return nil, &teggohttp.Problem{Type: "urn:example:gone", Status: http.StatusGone, Detail: "gone for good"}
	}
	return nil, errors.New("database password is hunter2")
}

// Text and Bytes answer a string and a []byte, as koa's ctx.body.
func (c *TopicController) Text(ctx context.Context) (string, error) { return "plain words", nil }
func (c *TopicController) Bytes(ctx context.Context) ([]byte, error) {
	return []byte{0, 1, 2}, nil
}

// BrokenDownload streams a reader that fails after its first bytes.
func (c *TopicController) BrokenDownload(ctx context.Context) (io.Reader, error) {
	return io.MultiReader(strings.NewReader("partial "), iotest.ErrReader(errors.New("disk gone"))), nil
}

func (c *TopicController) Download(ctx context.Context) (io.Reader, error) {
	teggohttp.ResponseFrom(ctx).Header().Set("Content-Type", "text/plain")
	return &slowReader{parts: []string{"hello ", "stream"}}, nil
}

// slowReader records when the stream ended.
type slowReader struct {
	parts []string
	ended atomic.Int64
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.parts) == 0 {
		lastStreamEnd.Store(seq.Add(1))
		return 0, io.EOF
	}
	n := copy(p, r.parts[0])
	r.parts = r.parts[1:]
	return n, nil
}

var lastStreamEnd atomic.Int64

func (c *TopicController) Slow(ctx context.Context, in struct {
	Mode string `query:"mode"`
}) (*Topic, error) {
	select {
	case <-ctx.Done():
	case <-time.After(2 * time.Second):
	}
	switch in.Mode {
	case "own5xx":
		return nil, teggohttp.Error(http.StatusBadGateway, "upstream failed")
	case "ok":
		return &Topic{ID: "late"}, nil
	}
	return nil, ctx.Err()
}

// ---- middleware ----

type MethodLog struct{ proto.Singleton }

func (a *MethodLog) Around(c aop.Call, next aop.Next) error {
	trace.add("aop:MethodLog>" + c.Method())
	err := next()
	trace.add("aop:MethodLog<")
	return err
}

type CtrlLog struct{ proto.Singleton }

func (a *CtrlLog) Around(c aop.Call, next aop.Next) error {
	trace.add("aop:CtrlLog>")
	err := next()
	trace.add("aop:CtrlLog<")
	return err
}

// ReqAdvice is a context advice: one per request.
type ReqAdvice struct {
	proto.Context
	id int64
}

var reqAdviceSerial atomic.Int64

func (a *ReqAdvice) PostConstruct(context.Context) error { a.id = reqAdviceSerial.Add(1); return nil }

func (a *ReqAdvice) BeforeCall(c aop.Call) error {
	trace.add("aop:ReqAdvice.before")
	return nil
}

func (a *ReqAdvice) AfterReturn(c aop.Call) error {
	if out, ok := aop.ResultAs[*Topic](c, 0); ok && out != nil {
		out.Title += "#" + itoa(a.id)
	}
	return nil
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func echoMW(name string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			trace.add("echo:" + name + ">")
			if _, ok := container.ScopeFrom(c.Request().Context()); !ok {
				trace.add("echo:" + name + " has no scope")
			}
			err := next(c)
			trace.add("echo:" + name + "<")
			return err
		}
	}
}

type MWController struct{ proto.Singleton }

func (c *MWController) Hello(ctx context.Context) (*Topic, error) {
	trace.add("handler")
	return &Topic{ID: "hello", Title: "t"}, nil
}

func (c *MWController) Bye(ctx context.Context) (*Topic, error) {
	trace.add("handler")
	return &Topic{ID: "bye", Title: "t"}, nil
}

// ---- host-bound and context controllers ----

type HostController struct{ proto.Singleton }

func (c *HostController) Who(ctx context.Context) (*Topic, error) { return &Topic{ID: "a-host"}, nil }

type AnyHostController struct{ proto.Singleton }

func (c *AnyHostController) Who(ctx context.Context) (*Topic, error) {
	return &Topic{ID: "any-host"}, nil
}

// CtxController is a context proto: a fresh one per request.
type CtxController struct {
	proto.Context
	n int64
}

var ctxCtlSerial atomic.Int64

func (c *CtxController) PostConstruct(context.Context) error { c.n = ctxCtlSerial.Add(1); return nil }

func (c *CtxController) Me(ctx context.Context) (*Topic, error) { return &Topic{ID: itoa(c.n)}, nil }

// ---- the app ----

func topicDecls() []any {
	return []any{
		new(TopicController), new(TopicStore),
		new(MethodLog), new(CtrlLog), new(ReqAdvice),
		new(MWController), new(HostController), new(AnyHostController), new(CtxController),
		teggohttp.Controller[*TopicController]("/api/topics"),
		teggohttp.GET("/:id", (*TopicController).Show),
		teggohttp.POST("/", (*TopicController).Create, teggohttp.Status(http.StatusCreated)),
		teggohttp.DELETE("/:id", teggohttp.NoOut((*TopicController).Delete)),
		teggohttp.GET("/x/maybe", teggohttp.NoIn((*TopicController).Maybe)),
		teggohttp.GET("/x/ping", teggohttp.NoInOut((*TopicController).Ping)),
		teggohttp.GET("/x/moved", teggohttp.NoIn((*TopicController).Moved)),
		teggohttp.GET("/x/fail", (*TopicController).Fail),
		teggohttp.GET("/x/download", teggohttp.NoIn((*TopicController).Download)),
		teggohttp.GET("/x/broken-download", teggohttp.NoIn((*TopicController).BrokenDownload)),
		teggohttp.GET("/x/text", teggohttp.NoIn((*TopicController).Text)),
		teggohttp.GET("/x/bytes", teggohttp.NoIn((*TopicController).Bytes)),
		teggohttp.GET("/x/slow", (*TopicController).Slow, teggohttp.Timeout(50*time.Millisecond)),

		teggohttp.Controller[*MWController]("/mw",
			teggohttp.Middleware(echoMW("ctrl1")), teggohttp.Middleware(echoMW("ctrl2")),
			teggohttp.Middleware(new(CtrlLog))),
		teggohttp.GET("/hello", teggohttp.NoIn((*MWController).Hello),
			teggohttp.Middleware(new(MethodLog)), teggohttp.Middleware(echoMW("route")), teggohttp.Middleware("reqAdvice")),
		teggohttp.GET("/bye", teggohttp.NoIn((*MWController).Bye), teggohttp.Middleware(new(ReqAdvice))),

		teggohttp.Controller[*HostController]("/who", teggohttp.Host("a.example.com", "apple.example.com"), teggohttp.Host("pear.example.com")),
		teggohttp.GET("/", teggohttp.NoIn((*HostController).Who)),
		teggohttp.Controller[*AnyHostController]("/who"),
		teggohttp.GET("/", teggohttp.NoIn((*AnyHostController).Who)),
		teggohttp.GET("/only-b", teggohttp.NoIn((*AnyHostController).Who), teggohttp.Host("b.example.com")),

		teggohttp.Controller[*CtxController]("/ctx"),
		teggohttp.GET("/me", teggohttp.NoIn((*CtxController).Me)),
	}
}

func buildContainer(t testing.TB, decls ...any) *container.Container {
	t.Helper()
	c := container.New()
	c.Register(decls...)
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	return c
}

// newApp starts a standalone server on loopback.
func newApp(t testing.TB, opts ...teggohttp.ServerOption) (*httptest.Server, *teggohttp.Server) {
	t.Helper()
	c := buildContainer(t, topicDecls()...)
	opts = append([]teggohttp.ServerOption{teggohttp.Logger(slog.New(slog.DiscardHandler))}, opts...)
	s, err := teggohttp.NewServer(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, s
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

func do(t testing.TB, ts *httptest.Server, method, path, body string, hdr ...string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if strings.EqualFold(hdr[i], "Host") {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Add(hdr[i], hdr[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{res.StatusCode, res.Header, b}
}
