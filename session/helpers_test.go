package session_test

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/internal/redistest"
	"github.com/teggo/teggo/session"
)

// app is a loopback server with cookies.Middleware and the session
// middleware in front of mux, and a client with a real cookie jar.
type app struct {
	t      *testing.T
	m      *session.Manager
	srv    *httptest.Server
	client *http.Client
	mux    *http.ServeMux
	keys   *cookies.Keys
	logs   *strings.Builder
	logMu  *sync.Mutex
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func newApp(t *testing.T, cfg session.Config) *app {
	t.Helper()
	keys, err := cookies.ParseKeys("test-key-1")
	if err != nil {
		t.Fatal(err)
	}
	return newAppKeys(t, cfg, keys)
}

func newAppKeys(t *testing.T, cfg session.Config, keys *cookies.Keys) *app {
	t.Helper()
	a := &app{t: t, mux: http.NewServeMux(), keys: keys, logs: &strings.Builder{}, logMu: &sync.Mutex{}}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(lockedWriter{a.logMu, a.logs}, nil))
	}
	m, err := session.NewManager(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.m = m
	a.srv = httptest.NewServer(cookies.Middleware(cookies.Config{Keys: keys})(m.Middleware(a.mux)))
	t.Cleanup(a.srv.Close)
	jar, _ := cookiejar.New(nil)
	a.client = &http.Client{Jar: jar, Timeout: 10 * time.Second}
	return a
}

func (a *app) logged() string {
	a.logMu.Lock()
	defer a.logMu.Unlock()
	return a.logs.String()
}

// get requests path with the app's client and returns the response with its
// body read.
func (a *app) get(path string) (*http.Response, string) {
	a.t.Helper()
	return a.do(a.client, path)
}

func (a *app) do(c *http.Client, path string) (*http.Response, string) {
	a.t.Helper()
	resp, err := c.Get(a.srv.URL + path)
	if err != nil {
		a.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("GET %s body: %v", path, err)
	}
	return resp, string(b)
}

// raw requests path sending exactly the given cookies, without a jar.
func (a *app) raw(path string, cs ...*http.Cookie) (*http.Response, string) {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
	for _, c := range cs {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// jarCookies returns the cookies the client holds for the server.
func (a *app) jarCookies() []*http.Cookie {
	u, _ := url.Parse(a.srv.URL)
	return a.client.Jar.Cookies(u)
}

// sessionCookie returns the Set-Cookie of the session cookie in resp, or nil.
func sessionCookie(resp *http.Response, key string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == key {
			return c
		}
	}
	return nil
}

// setCookieHeader returns the raw Set-Cookie line of cookie name.
func setCookieHeader(resp *http.Response, name string) string {
	for _, h := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(h, name+"=") {
			return h
		}
	}
	return ""
}

// countingStore counts the calls that reach a real store.
type countingStore struct {
	session.Store
	gets, sets, destroys atomic.Int64
}

func (c *countingStore) Get(ctx context.Context, id string) (*session.Record, error) {
	c.gets.Add(1)
	return c.Store.Get(ctx, id)
}

func (c *countingStore) Set(ctx context.Context, id string, d session.Delta, maxAge time.Duration) error {
	c.sets.Add(1)
	return c.Store.Set(ctx, id, d, maxAge)
}

func (c *countingStore) Destroy(ctx context.Context, id string) error {
	c.destroys.Add(1)
	return c.Store.Destroy(ctx, id)
}

func (c *countingStore) calls() int64 { return c.gets.Load() + c.sets.Load() + c.destroys.Load() }

// roundTrips counts what a go-redis client sends: one round trip per
// command or pipeline, and the command names. The handshake of a new
// connection (HELLO, CLIENT SETINFO) is not counted: it is once per
// connection, not per request.
type roundTrips struct {
	mu    sync.Mutex
	trips int
	cmds  []string
}

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.count([]redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}

func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.count(cmds)
		return next(ctx, cmds)
	}
}

func (h *roundTrips) count(cmds []redis.Cmder) {
	h.mu.Lock()
	defer h.mu.Unlock()
	counted := false
	for _, c := range cmds {
		name := strings.ToUpper(c.Name())
		if name == "HELLO" || name == "CLIENT" {
			continue
		}
		h.cmds = append(h.cmds, name)
		counted = true
	}
	if counted {
		h.trips++
	}
}

// take returns the counts since the last take and resets them.
func (h *roundTrips) take() (int, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, c := h.trips, h.cmds
	h.trips, h.cmds = 0, nil
	return n, c
}

// newRedis starts a private redis-server and returns a client on it that
// counts its round trips.
func newRedis(t *testing.T) (*redistest.Server, *redis.Client, *roundTrips) {
	t.Helper()
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1, DialerRetries: 1,
		DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second})
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	h := &roundTrips{}
	c.AddHook(h)
	return srv, c, h
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func decodeB64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func encodeB64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// newClient is a second browser: its own cookie jar.
func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}
