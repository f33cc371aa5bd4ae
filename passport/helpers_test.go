package passport_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/internal/logbuf"
	"github.com/teggo/teggo/passport"
	"github.com/teggo/teggo/session"
)

// account is the app's user in the tests.
type account struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// app is an in-process site over loopback with real cookies and sessions.
type app struct {
	t      *testing.T
	srv    *httptest.Server
	p      *passport.Passport[*account]
	mux    *http.ServeMux
	store  *session.MemoryStore
	logs   *logbuf.Buffer
	client *http.Client
}

// newApp serves mux behind cookies and a memory-store session, with a
// passport whose users are kept by id.
func newApp(t *testing.T, opts ...passport.Option) *app {
	t.Helper()
	a := &app{t: t, mux: http.NewServeMux(), store: session.NewMemoryStore(), logs: logbuf.New()}
	opts = append([]passport.Option{passport.Logger(slog.New(slog.NewTextHandler(a.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}, opts...)
	a.p = passport.New[*account](opts...)
	keys, err := cookies.ParseKeys(cookies.GenerateKey())
	if err != nil {
		t.Fatal(err)
	}
	m, err := session.NewManager(session.Config{Store: a.store})
	if err != nil {
		t.Fatal(err)
	}
	a.mux.Handle("GET /me", a.p.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := a.p.User(r.Context())
		_ = json.NewEncoder(w).Encode(u)
	})))
	a.mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := a.p.Logout(r.Context()); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	a.srv = httptest.NewServer(cookies.Middleware(cookies.Config{Keys: keys})(m.Middleware(a.mux)))
	t.Cleanup(a.srv.Close)
	a.client = newClient(t)
	return a
}

// newClient is a browser: a real cookie jar, redirects not followed.
func newClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// do sends a request and returns the response with its body read.
func (a *app) do(c *http.Client, method, target, ctype, body string, hdr ...string) (*http.Response, string) {
	a.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = a.srv.URL + target
	}
	req, err := http.NewRequestWithContext(context.Background(), method, target, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (a *app) get(target string, hdr ...string) (*http.Response, string) {
	a.t.Helper()
	return a.do(a.client, http.MethodGet, target, "", "", hdr...)
}

// sessionCookie returns the client's session cookie value.
func (a *app) sessionCookie(c *http.Client) string {
	u, _ := url.Parse(a.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == session.DefaultKey {
			return ck.Value
		}
	}
	return ""
}

// problemCode decodes a problem document's code.
func problemCode(t *testing.T, res *http.Response, body string) string {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want a problem; body %s", ct, body)
	}
	var p struct {
		Code   string `json:"code"`
		Status int    `json:"status"`
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != res.StatusCode {
		t.Fatalf("problem status %d, response %d", p.Status, res.StatusCode)
	}
	return p.Code
}

func location(res *http.Response) string { return res.Header.Get("Location") }

func sessionFrom(r *http.Request) *session.Session { return session.From(r.Context()) }
