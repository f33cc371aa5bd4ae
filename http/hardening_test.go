package http_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/labstack/echo/v4/middleware"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/ajv"
	"github.com/teggo/teggo/container"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

// HardController's routes fail, panic, block and stream as the hardening
// tests need.
type HardController struct{ proto.Singleton }

// blockStarted receives a value each time Block waits.
var blockStarted = make(chan struct{}, 1)

type Note struct {
	Text string `json:"text"`
}

func (*HardController) Fail(ctx context.Context) error {
	return errors.New("query failed: dsn=postgres://admin:hunter2@db:5432/app")
}

func (*HardController) Boom(ctx context.Context) error { panic("kaboom: hunter2") }

func (c *HardController) Block(ctx context.Context) error {
	blockStarted <- struct{}{}
	<-ctx.Done()
	return fmt.Errorf("loading the page: %w", ctx.Err())
}

func (*HardController) Echo(ctx context.Context, in Note) (*Note, error) { return &in, nil }

func (*HardController) Stream(ctx context.Context) (io.Reader, error) {
	return &pacedReader{chunks: 6, pause: 60 * time.Millisecond}, nil
}

// pacedReader gives chunks lines, pausing before each.
type pacedReader struct {
	chunks int
	pause  time.Duration
}

func (r *pacedReader) Read(p []byte) (int, error) {
	if r.chunks == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	r.chunks--
	return copy(p, "chunk\n"), nil
}

func hardServer(t *testing.T, opts ...teggohttp.ServerOption) *teggohttp.Server {
	t.Helper()
	c := container.New()
	c.Register(new(HardController),
		teggohttp.Controller[*HardController]("/hard"),
		teggohttp.GET("/fail", teggohttp.NoInOut((*HardController).Fail)),
		teggohttp.GET("/boom", teggohttp.NoInOut((*HardController).Boom)),
		teggohttp.GET("/block", teggohttp.NoInOut((*HardController).Block)),
		teggohttp.POST("/echo", (*HardController).Echo),
		teggohttp.GET("/stream", teggohttp.NoIn((*HardController).Stream)),
	)
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv, err := teggohttp.NewServer(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// serveLoopback serves srv on a loopback port until the test ends.
func serveLoopback(t *testing.T, srv *teggohttp.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	})
	return ln.Addr().String()
}

// records is a slog.Handler that keeps every record.
type records struct {
	mu   sync.Mutex
	recs []slog.Record
	ch   chan slog.Record
}

func newRecords() *records { return &records{ch: make(chan slog.Record, 64)} }

func (r *records) Enabled(context.Context, slog.Level) bool { return true }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	r.recs = append(r.recs, rec.Clone())
	r.mu.Unlock()
	select {
	case r.ch <- rec.Clone():
	default:
	}
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func attr(rec slog.Record, key string) (slog.Value, bool) {
	var v slog.Value
	var ok bool
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == key {
			v, ok = a.Value, true
			return false
		}
		return true
	})
	return v, ok
}

func getPath(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

// A 500's detail reaches the client only in the local and unittest envs;
// any other env, misspelt or unknown, hides it.
func TestErrorDetailsOnlyInDevEnvs(t *testing.T) {
	for env, shows := range map[string]bool{
		"local": true, "unittest": true,
		"prod": false, "production": false, "PROD": false, "staging": false, "qa-7": false,
	} {
		srv := hardServer(t, teggohttp.Env(env), teggohttp.Logger(slog.New(newRecords())))
		code, body := getPath(t, srv.Handler(), "/hard/fail")
		if code != 500 {
			t.Fatalf("%s: status %d", env, code)
		}
		if got := strings.Contains(body, "hunter2"); got != shows {
			t.Errorf("env %q: body shows details = %v, want %v: %s", env, got, shows, body)
		}
	}
}

// Without an option, TEGGO_ENV decides with the same rule.
func TestErrorDetailsFromTEGGO_ENV(t *testing.T) {
	for env, shows := range map[string]bool{"PROD": false, "staging": false, "unittest": true, "": true} {
		t.Setenv("TEGGO_ENV", env)
		srv := hardServer(t, teggohttp.Logger(slog.New(newRecords())))
		_, body := getPath(t, srv.Handler(), "/hard/fail")
		if got := strings.Contains(body, "hunter2"); got != shows {
			t.Errorf("TEGGO_ENV=%q: details shown = %v, want %v", env, got, shows)
		}
	}
}

// A panic is logged with its stack and answered 500 without its value in
// prod.
func TestPanicLoggedWithStack(t *testing.T) {
	logs := newRecords()
	srv := hardServer(t, teggohttp.Env("production"), teggohttp.Logger(slog.New(logs)))
	code, body := getPath(t, srv.Handler(), "/hard/boom")
	if code != 500 || strings.Contains(body, "kaboom") || strings.Contains(body, "hunter2") {
		t.Fatalf("got %d %s", code, body)
	}
	var found bool
	for _, rec := range logs.recs {
		if rec.Message != "teggo: panic in handler" {
			continue
		}
		found = true
		st, ok := attr(rec, "stack")
		if !ok || !strings.Contains(st.String(), "(*HardController).Boom") || !strings.Contains(st.String(), "goroutine") {
			t.Fatalf("stack attribute = %q", st.String())
		}
	}
	if !found {
		t.Fatal("the panic was not logged")
	}
}

// A client that goes away mid-request is logged at INFO as such, not as
// a failed request.
func TestClientWentAwayLoggedAtInfo(t *testing.T) {
	logs := newRecords()
	srv := hardServer(t, teggohttp.Logger(slog.New(logs)))
	addr := serveLoopback(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/hard/block", nil)
	errc := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()
	<-blockStarted
	cancel()
	<-errc
	timeout := time.After(10 * time.Second)
	for {
		select {
		case rec := <-logs.ch:
			if rec.Level >= slog.LevelError {
				t.Fatalf("logged %s %q", rec.Level, rec.Message)
			}
			if rec.Message == "teggo: client went away" {
				if rec.Level != slog.LevelInfo {
					t.Fatalf("level %s", rec.Level)
				}
				return
			}
		case <-timeout:
			t.Fatal("no client-went-away record")
		}
	}
}

// countingBody counts the reads of a request body.
type countingBody struct {
	reads atomic.Int32
	r     io.Reader
}

func (b *countingBody) Read(p []byte) (int, error) { b.reads.Add(1); return b.r.Read(p) }

// A body that is not JSON is refused (415) without reading it.
func TestUnsupportedMediaBeforeReadingBody(t *testing.T) {
	srv := hardServer(t)
	for _, length := range []int64{-1, 13} {
		body := &countingBody{r: strings.NewReader(`{"text":"x"}`)}
		req := httptest.NewRequest("POST", "/hard/echo", body)
		req.ContentLength = length
		req.Header.Set("Content-Type", "text/plain")
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != 415 || body.reads.Load() != 0 {
			t.Fatalf("length %d: status %d after %d reads", length, rec.Code, body.reads.Load())
		}
	}
	// JSON still passes
	req := httptest.NewRequest("POST", "/hard/echo", strings.NewReader(`{"text":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("JSON body: %d %s", rec.Code, rec.Body)
	}
}

// A body trickled slower than the read timeout is cut off before it ends.
func TestReadTimeoutCutsTrickledBody(t *testing.T) {
	srv := hardServer(t, teggohttp.ServerLimits(teggohttp.Limits{ReadTimeout: 300 * time.Millisecond}),
		teggohttp.Logger(slog.New(newRecords())))
	conn, err := net.Dial("tcp", serveLoopback(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const total = 400 // bytes, one every 25ms: 10s in all
	fmt.Fprintf(conn, "POST /hard/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", total)
	var sent atomic.Int32
	stop := make(chan struct{})
	go func() {
		for range total {
			select {
			case <-stop:
				return
			case <-time.After(25 * time.Millisecond):
			}
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
			sent.Add(1)
		}
	}()
	defer close(stop)
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, _ = io.Copy(io.Discard, conn) // the answer, if any, then EOF when the server closes
	if n := sent.Load(); n >= total {
		t.Fatalf("the server read the whole trickled body (%d bytes)", n)
	}
}

// A keep-alive connection left idle is closed after the idle timeout.
func TestIdleTimeoutClosesKeepAlive(t *testing.T) {
	srv := hardServer(t, teggohttp.ServerLimits(teggohttp.Limits{IdleTimeout: 150 * time.Millisecond}))
	conn, err := net.Dial("tcp", serveLoopback(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	fmt.Fprint(conn, "POST /hard/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"text\":\"x\"}")
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Close {
		t.Fatalf("status %d, close %v", res.StatusCode, res.Close)
	}
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("the idle connection was not closed: %v", err)
	}
}

// Headers over MaxHeaderBytes answer 431.
func TestMaxHeaderBytes(t *testing.T) {
	srv := hardServer(t, teggohttp.ServerLimits(teggohttp.Limits{MaxHeaderBytes: 2 << 10}))
	addr := serveLoopback(t, srv)
	req, _ := http.NewRequest("GET", "http://"+addr+"/hard/stream", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 16<<10))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %d", res.StatusCode)
	}
}

// A streamed response outlasts the write timeout: streams clear it.
func TestStreamOutlastsWriteTimeout(t *testing.T) {
	srv := hardServer(t, teggohttp.ServerLimits(teggohttp.Limits{WriteTimeout: 100 * time.Millisecond}))
	res, err := http.Get("http://" + serveLoopback(t, srv) + "/hard/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || string(body) != strings.Repeat("chunk\n", 6) {
		t.Fatalf("got %q, %v", body, err)
	}
}

// Forwarded headers sent on several lines are joined in order: a client's
// own first line cannot choose its IP, protocol or host.
func TestProxyJoinsHeaderLines(t *testing.T) {
	ts := proxyServer(t, teggohttp.Proxy(teggohttp.ProxyConfig{Enabled: true, MaxIPsCount: 1, HostHeaders: []string{"X-Forwarded-Host"}}))
	cases := []struct {
		name      string
		h         http.Header
		ip, proto string
		host      string
	}{
		{"two XFF lines", http.Header{"X-Forwarded-For": {"6.6.6.6", "198.51.100.9"}}, "198.51.100.9", "http", "127.0.0.1"},
		{"chain over lines", http.Header{"X-Forwarded-For": {"6.6.6.6, 7.7.7.7", "203.0.113.4"}}, "203.0.113.4", "http", "127.0.0.1"},
		{"script as IP", http.Header{"X-Forwarded-For": {"<script>"}}, "127.0.0.1", "http", "127.0.0.1"},
		{"IPv6 with port", http.Header{"X-Forwarded-For": {"[2001:db8::1]:443"}}, "2001:db8::1", "http", "127.0.0.1"},
		{"proto lines", http.Header{"X-Forwarded-Proto": {"https", "http"}}, "127.0.0.1", "https", "127.0.0.1"},
		{"bad proto", http.Header{"X-Forwarded-Proto": {"javascript"}}, "127.0.0.1", "http", "127.0.0.1"},
		{"host lines", http.Header{"X-Forwarded-Host": {"shop.example.com:8443", "evil.example.com"}}, "127.0.0.1", "http", "shop.example.com"},
		{"bad host", http.Header{"X-Forwarded-Host": {"evil.com/<x>"}}, "127.0.0.1", "http", "127.0.0.1"},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest("GET", ts.URL+"/who", nil)
		maps.Copy(req.Header, tc.h)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var c teggohttp.Client
		_ = json.NewDecoder(res.Body).Decode(&c)
		res.Body.Close()
		if c.IP != tc.ip || c.Protocol != tc.proto || c.Host != tc.host {
			t.Errorf("%s: got %+v, want ip %s proto %s host %s", tc.name, c, tc.ip, tc.proto, tc.host)
		}
	}
}

// Mount makes the user's echo read the client IP as teggo does: echo's
// default would trust any client's X-Forwarded-For.
func TestMountInstallsIPExtractor(t *testing.T) {
	c := buildContainer(t, topicDecls()...)
	for _, tc := range []struct {
		opts []teggohttp.ServerOption
		want string
	}{
		{nil, "192.0.2.1"}, // proxy mode off: the peer
		{[]teggohttp.ServerOption{teggohttp.Proxy(teggohttp.ProxyConfig{Enabled: true, MaxIPsCount: 1})}, "198.51.100.9"},
	} {
		e := echo.New()
		e.GET("/ip", func(c echo.Context) error { return c.String(200, c.RealIP()) })
		if err := teggohttp.Mount(e, c, append(tc.opts, teggohttp.OpenAPI(""))...); err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/ip", nil)
		req.RemoteAddr = "192.0.2.1:5555"
		req.Header["X-Forwarded-For"] = []string{"6.6.6.6", "198.51.100.9"}
		req.Header.Set("X-Real-Ip", "6.6.6.6")
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if got := rec.Body.String(); got != tc.want {
			t.Errorf("RealIP = %q, want %q", got, tc.want)
		}
	}
}

// Trio has three constrained fields, to overflow a small violation cap.
type Trio struct {
	A string `json:"a" jsonschema:"minLength=3"`
	B string `json:"b" jsonschema:"minLength=3"`
	C string `json:"c" jsonschema:"minLength=3"`
}

type TrioController struct{ proto.Singleton }

func (*TrioController) Post(ctx context.Context, in Trio) (*Trio, error) { return &in, nil }

// The 422 problem says how many violations the validator's cap left out.
func TestValidationProblemCountsOmitted(t *testing.T) {
	c := container.New()
	c.Register(new(TrioController), teggohttp.Controller[*TrioController]("/trio"), teggohttp.POST("", (*TrioController).Post))
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv, err := teggohttp.NewServer(c, teggohttp.Ajv(ajv.New(ajv.MaxViolations(1))))
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/trio", strings.NewReader(`{"a":"x","b":"y","c":"z"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	var p teggohttp.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 422 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if len(p.Errors) != 1 || p.Omitted != 2 {
		t.Fatalf("errors %d, omitted %d: %s", len(p.Errors), p.Omitted, rec.Body)
	}
}

// TestUseAddsGlobalMiddleware: Use's echo middleware (here echo's CORS)
// runs for teggo's routes.
func TestUseAddsGlobalMiddleware(t *testing.T) {
	c := buildContainer(t, topicDecls()...)
	s, err := teggohttp.NewServer(c, teggohttp.Logger(slog.New(slog.DiscardHandler)),
		teggohttp.Use(middleware.CORSWithConfig(middleware.CORSConfig{AllowOrigins: []string{"https://app.example.com"}})))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	r := do(t, ts, "GET", "/api/topics/1", "", "Origin", "https://app.example.com")
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "https://app.example.com" {
		t.Fatalf("Access-Control-Allow-Origin = %q, want the CORS middleware's answer", got)
	}
}
