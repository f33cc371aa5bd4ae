package session

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/cookies"
)

// Defaults of Config.
const (
	DefaultKey    = "TEGGO_SESS"
	DefaultMaxAge = 24 * time.Hour
)

// BrowserSession as a max age (Config.MaxAge, SetMaxAge) makes the session
// cookie a browser-session cookie, without Max-Age or Expires, as egg's
// maxAge "session"; any negative duration means the same. The store keeps
// such a session for Config.MaxAge when that is positive, else DefaultMaxAge.
const BrowserSession time.Duration = -1

// Config configures a Manager. The yaml names are those of egg's session
// config; the zero Config is egg's default one.
type Config struct {
	// Key is the cookie name; default "TEGGO_SESS".
	Key string `yaml:"key"`
	// MaxAge is how long a session lives after its last commit; default 24h.
	// BrowserSession (any negative value) gives a browser-session cookie.
	MaxAge time.Duration `yaml:"maxAge"`
	// HTTPOnly hides the cookie from JavaScript; default true.
	HTTPOnly *bool `yaml:"httpOnly"`
	// Encrypt seals the cookie store's payload with AES-GCM so the client
	// cannot read it; default true. False signs it (HMAC) instead. A server
	// store's cookie is the signed id either way.
	Encrypt *bool `yaml:"encrypt"`
	// Renew re-issues a session read with less than half its max age left
	// (egg's renew); default false.
	Renew bool `yaml:"renew"`
	// Rolling re-issues the session on every request that uses it; default
	// false.
	Rolling bool `yaml:"rolling"`
	// Path of the cookie; default "/".
	Path string `yaml:"path"`
	// Domain of the cookie; default none (the request's host).
	Domain string `yaml:"domain"`
	// SameSite is "lax" (default), "strict" or "none".
	SameSite string `yaml:"sameSite"`
	// Secure marks the cookie https-only; default: the request came over https.
	Secure *bool `yaml:"secure"`
	// Store keeps sessions server-side; nil (default) keeps the whole
	// session in the cookie.
	Store Store `yaml:"-"`
	// Logger receives commit failures (never session values or full ids);
	// default slog.Default().
	Logger *slog.Logger `yaml:"-"`
}

// Error codes of the session package.
const (
	CodeStoreUnavailable container.Code = "TEGGO_SESSION_STORE_UNAVAILABLE" // the store failed: the session cannot be read or saved
	CodeNoMiddleware     container.Code = "TEGGO_SESSION_NO_MIDDLEWARE"     // no session, or no cookie jar, in the request's context
	CodeCommitted        container.Code = "TEGGO_SESSION_COMMITTED"         // a change after the response headers went out
	CodeBadKey           container.Code = "TEGGO_SESSION_BAD_KEY"           // an empty key, or one with the reserved "__" prefix
	CodeBadConfig        container.Code = "TEGGO_SESSION_BAD_CONFIG"        // NewManager refused the config
	CodeCommitFailed     container.Code = "TEGGO_SESSION_COMMIT_FAILED"     // the commit failed for a reason other than the store (no keys)
)

// ReservedPrefix starts the keys a store keeps for itself ("__maxAge");
// Put refuses them.
const ReservedPrefix = "__"

// Manager holds the config and the store, and installs sessions on requests
// with Middleware. It is safe for concurrent use.
type Manager struct {
	cfg     Config
	store   Store // nil: the cookie store
	ttl     time.Duration
	log     *slog.Logger
	base    cookies.Options
	read    *cookies.Options
	encrypt bool
	now     func() time.Time
}

// NewManager validates cfg, fills its defaults and returns a Manager.
func NewManager(cfg Config) (*Manager, error) {
	bad := func(msg, hint string) error {
		return &container.Error{Code: CodeBadConfig, Msg: "session: " + msg, Hint: hint}
	}
	if cfg.Key == "" {
		cfg.Key = DefaultKey
	}
	if !validCookieName(cfg.Key) {
		return nil, bad(fmt.Sprintf("key %q is not a cookie name", cfg.Key), "use letters, digits and - _ .")
	}
	switch {
	case cfg.MaxAge == 0:
		cfg.MaxAge = DefaultMaxAge
	case cfg.MaxAge < 0:
		cfg.MaxAge = BrowserSession
	case cfg.MaxAge < time.Second:
		return nil, bad(fmt.Sprintf("maxAge %s is under a second", cfg.MaxAge), "a number is milliseconds: 86400000 is a day")
	}
	if cfg.HTTPOnly == nil {
		cfg.HTTPOnly = cookies.Bool(true)
	}
	if cfg.Encrypt == nil {
		cfg.Encrypt = cookies.Bool(true)
	}
	if cfg.Path == "" {
		cfg.Path = "/"
	}
	var ss http.SameSite
	switch strings.ToLower(cfg.SameSite) {
	case "", "lax":
		ss = http.SameSiteLaxMode
	case "strict":
		ss = http.SameSiteStrictMode
	case "none":
		ss = http.SameSiteNoneMode
	default:
		return nil, bad(fmt.Sprintf("sameSite %q", cfg.SameSite), `use "lax", "strict" or "none"`)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	m := &Manager{cfg: cfg, store: cfg.Store, log: cfg.Logger, now: time.Now}
	m.ttl = cfg.MaxAge
	if m.ttl < 0 {
		m.ttl = DefaultMaxAge
	}
	m.encrypt = m.store == nil && *cfg.Encrypt
	m.base = cookies.Options{Path: cfg.Path, Domain: cfg.Domain, HTTPOnly: cfg.HTTPOnly,
		Secure: cfg.Secure, SameSite: ss, Encrypt: m.encrypt}
	read := m.cookieOptions(cfg.MaxAge)
	m.read = &read
	return m, nil
}

// Config returns the config with its defaults filled in.
func (m *Manager) Config() Config { return m.cfg }

// cookieOptions returns the options of the session cookie for a session
// whose max age is own (negative: browser session).
func (m *Manager) cookieOptions(own time.Duration) cookies.Options {
	o := m.base
	if own > 0 {
		o.MaxAge = own
	}
	return o
}

func validCookieName(s string) bool {
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return s != ""
}

type ctxKey struct{}

// From returns the session of ctx, installed by Manager.Middleware. Without
// one it returns nil, whose methods fail with CodeNoMiddleware.
func From(ctx context.Context) *Session { s, _ := ctx.Value(ctxKey{}).(*Session); return s }

// Middleware gives each request a Session, reachable with From. Install it
// after cookies.Middleware. It reads nothing until the handler uses the
// session, and commits it — store write and Set-Cookie — just before the
// response headers go out: on the first WriteHeader, Write or Flush, or when
// the handler returns having written nothing. When that commit fails the
// response becomes a 503 problem (500 when the failure is not the store's).
func (m *Manager) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if From(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		s := &Session{m: m, r: r, jar: cookies.From(r.Context())}
		s.w.ResponseWriter, s.w.s = w, s
		s.ctx = context.WithValue(r.Context(), ctxKey{}, s)
		next.ServeHTTP(&s.w, r.WithContext(s.ctx))
		s.w.before()
	})
}

// logCommit logs a failed commit: the error and the first characters of the
// id, never the values.
func (m *Manager) logCommit(ctx context.Context, id string, err error) {
	m.log.ErrorContext(ctx, "session commit failed", "session", shortID(id), "err", err)
}

func shortID(id string) string {
	if len(id) > 6 {
		return id[:6] + "…"
	}
	return id
}

// writer commits the session before the response headers go out.
type writer struct {
	http.ResponseWriter
	s      *Session
	done   bool
	failed error
}

// before commits once; on failure it answers the problem and returns false.
func (w *writer) before() bool {
	if w.done {
		return w.failed == nil
	}
	w.done = true
	if err := w.s.commit(); err != nil {
		w.failed = err
		writeProblem(w.ResponseWriter, err)
		return false
	}
	return true
}

// writeProblem answers an RFC 9457 problem for a failed commit: 503 when
// the store is unavailable, else 500.
func writeProblem(w http.ResponseWriter, err error) {
	status, code := http.StatusInternalServerError, string(CodeCommitFailed)
	var ce *container.Error
	if errors.As(err, &ce) {
		code = string(ce.Code)
	}
	if errors.Is(err, CodeStoreUnavailable) {
		status = http.StatusServiceUnavailable
	}
	h := w.Header()
	for _, k := range []string{"Location", "Content-Length", "Content-Encoding", "Etag", "Last-Modified"} {
		h.Del(k)
	}
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"type":"about:blank","title":%q,"status":%d,"code":%q}`+"\n", http.StatusText(status), status, code)
}

func (w *writer) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code) // informational: the final headers come later
		return
	}
	if w.before() {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *writer) Write(b []byte) (int, error) {
	if !w.before() {
		return 0, w.failed
	}
	return w.ResponseWriter.Write(b)
}

func (w *writer) Flush() {
	if !w.before() {
		return
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
		return
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack saves the session to the store (no cookie can follow), then hands
// the connection over.
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !w.done {
		w.done = true
		if err := w.s.commit(); err != nil {
			w.failed = err
			return nil, nil, err
		}
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
