package http

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/session"
)

// Sessions gives every request of the mounted echo — teggo's routes and
// the plain echo handlers added to it alike — egg's ctx.cookies and
// ctx.session: a cookies.Jar under keys (cookies.From(ctx)) and, when m is
// not nil, a session of m (session.From(ctx)). Both are net/http
// middleware installed as echo Pre middleware, so that the request's
// context — a handler's ctx, and what every e.Use middleware sees — carries
// them. A cookie's Secure flag follows the
// request's protocol as proxy mode reads it (X-Forwarded-Proto behind a
// proxy, else the connection's TLS).
//
// A session store outage reaches the handler as session.CodeStoreUnavailable,
// answered with a 503 problem (TEGGO_SESSION_STORE_UNAVAILABLE).
func Sessions(keys *cookies.Keys, m *session.Manager) ServerOption {
	return func(c *config) { c.jar, c.keys, c.sessions = true, keys, m }
}

// useSessions installs the cookie jar and session middleware on e as
// Sessions says, when it was given.
func (m *mount) useSessions(e *echo.Echo) {
	if !m.cfg.jar {
		return
	}
	proxy := m.cfg.proxy
	jar := cookies.Middleware(cookies.Config{
		Keys:   m.cfg.keys,
		Secure: func(r *http.Request) bool { return proxy.protocol(r) == "https" },
		Logger: m.log,
	})
	mgr := m.cfg.sessions
	// Pre: the echo middleware of e.Use — the user's, whenever added —
	// runs inside it and sees the session too.
	e.Pre(echo.WrapMiddleware(func(next http.Handler) http.Handler {
		if mgr != nil {
			next = mgr.Middleware(next)
		}
		return jar(next)
	}))
}

// protocol is the request's protocol as ProxyConfig.client reads it,
// without reading the rest of the client.
func (p ProxyConfig) protocol(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if p.Enabled {
		if v := strings.ToLower(first(r.Header, p.ProtocolHeaders)); v == "http" || v == "https" {
			return v
		}
	}
	return "http"
}
