package http

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/container"
)

// reqCtx is the context.Context of one request: the scope's context, plus
// what a handler may change about its response (ResponseFrom). It is the
// request's context from the scope middleware on, so that echo middleware
// after it, the handler and everything it calls see the scope.
type reqCtx struct {
	context.Context
	m        *mount
	ec       echo.Context
	status   int    // status override, 0 = the route's
	location string // redirect target, "" = none

	mu    sync.Mutex
	scope atomic.Pointer[container.Scope]
}

type responseKey struct{}

// Value answers ResponseFrom's key with the request state and the
// container's scope key with the request's scope, opened on first use;
// everything else goes to the parent context.
func (r *reqCtx) Value(key any) any {
	switch key {
	case responseKey{}:
		return r
	case container.ScopeKey:
		return r.openScope()
	}
	return r.Context.Value(key)
}

// openScope returns the request's scope, opening it on first use (safe
// for concurrent use). A request whose handler never reaches a context
// proto costs no scope at all.
func (r *reqCtx) openScope() *container.Scope {
	if sc := r.scope.Load(); sc != nil {
		return sc
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if sc := r.scope.Load(); sc != nil {
		return sc
	}
	_, sc := container.NewScope(r.Context, r.m.c)
	r.scope.Store(sc)
	return sc
}

// requestState returns the request state of ctx, or nil outside a request.
func requestState(ctx context.Context) *reqCtx {
	if rc, ok := ctx.(*reqCtx); ok {
		return rc
	}
	rc, _ := ctx.Value(responseKey{}).(*reqCtx)
	return rc
}

// scoped makes a route's echo handler: it gives the request its own
// context (carrying the request's container scope, opened on first use),
// runs the route's echo middleware and handler, recovers a panic as a 500,
// writes any error as a problem document, flushes the response, and only
// then closes the scope — after the response was written and after the
// error was handled. Closing runs the scope's PreDestroy hooks, where
// background tasks of the request are awaited: after the response, never
// before it.
//
// With echo middleware on the route, the request is replaced by one whose
// Context() is the request's context, so that the middleware sees the
// scope; without, the handler gets the context directly (one allocation
// less).
func (m *mount) scoped(h routeHandler, mws []echo.MiddlewareFunc) echo.HandlerFunc {
	if len(mws) == 0 {
		return func(c echo.Context) error {
			rc := m.begin(c)
			defer m.end(c, rc)
			if err := h.serve(c, rc); err != nil {
				m.writeProblem(c, err)
			}
			return nil
		}
	}
	inner := chainEcho(func(c echo.Context) error { return h.serve(c, c.Request().Context()) }, mws)
	return func(c echo.Context) error {
		rc := m.begin(c)
		c.SetRequest(c.Request().WithContext(rc))
		defer m.end(c, rc)
		if err := inner(c); err != nil {
			m.writeProblem(c, err)
		}
		return nil
	}
}

// begin makes the request's context; its scope opens on first use, when
// something asks it for container.ScopeKey.
func (m *mount) begin(c echo.Context) *reqCtx {
	return &reqCtx{Context: c.Request().Context(), m: m, ec: c}
}

// end recovers a panic, flushes the response and closes the scope.
func (m *mount) end(c echo.Context, rc *reqCtx) {
	if p := recover(); p != nil {
		if p == http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
			m.closeScope(rc)
			panic(p)
		}
		req := c.Request()
		m.log.ErrorContext(rc, "teggo: panic in handler", "method", req.Method, "path", req.URL.Path, "panic", p)
		m.writeProblem(c, &panicError{value: p})
	}
	if rc.lingers() {
		flush(c.Response()) // the client gets its answer before the teardown waits
	}
	m.closeScope(rc)
}

// lingers reports whether the request's scope will take time to close.
func (r *reqCtx) lingers() bool {
	sc := r.scope.Load()
	return sc != nil && sc.HasTeardown()
}

// closeScope closes the request's scope, if it was opened; a scope opened
// after this point (by a goroutine the handler left running) is closed
// at once.
func (m *mount) closeScope(rc *reqCtx) {
	rc.mu.Lock()
	sc := rc.scope.Load()
	if sc == nil {
		// never opened: late comers get a closed scope, their lookups
		// fail clearly
		rc.scope.Store(m.closed)
	}
	rc.mu.Unlock()
	if sc == nil {
		return
	}
	if cerr := sc.Close(); cerr != nil {
		m.log.ErrorContext(rc, "teggo: closing the request scope", "error", cerr)
	}
}

// Response is what a handler may change about its response besides its
// result: headers, cookies, the status, a redirect. Get it with
// ResponseFrom(ctx) in a handler (or anything it calls with the request's
// ctx):
//
//	func (c *TopicController) Create(ctx context.Context, in CreateTopic) (*Created, error) {
//		res := teggohttp.ResponseFrom(ctx)
//		res.Header().Set("Location", "/api/v2/topics/"+id)
//		res.SetCookie(&http.Cookie{Name: "last", Value: id})
//		return &Created{ID: id}, nil
//	}
//
// Headers and cookies are sent with whatever the handler answers, its
// errors included. Redirect replaces the result: the response is the
// redirect, without a body.
type Response struct{ rc *reqCtx }

// ResponseFrom returns the response of the request ctx belongs to. Outside
// a request its methods do nothing (Header returns a throwaway header).
func ResponseFrom(ctx context.Context) Response { return Response{requestState(ctx)} }

// Header returns the response headers, to set before the handler returns.
func (r Response) Header() http.Header {
	if r.rc == nil {
		return http.Header{}
	}
	return r.rc.ec.Response().Header()
}

// SetCookie adds a Set-Cookie header.
func (r Response) SetCookie(c *http.Cookie) {
	if r.rc != nil {
		r.rc.ec.SetCookie(c)
	}
}

// SetStatus overrides the status of a successful response (the route's
// Status, 200 or 204).
func (r Response) SetStatus(code int) {
	if r.rc != nil {
		r.rc.status = code
	}
}

// Redirect answers with a redirect to url (code 301, 302, 303, 307 or
// 308; 302 when code is 0) instead of the handler's result.
func (r Response) Redirect(code int, url string) {
	if r.rc == nil {
		return
	}
	if code == 0 {
		code = http.StatusFound
	}
	r.rc.status, r.rc.location = code, url
}

// Request returns the request being served, or nil outside a request. Use
// the handler's ctx, not its Context(): only on routes with echo
// middleware is the request's Context() the handler's ctx.
func (r Response) Request() *http.Request {
	if r.rc == nil {
		return nil
	}
	return r.rc.ec.Request()
}

// flush sends what the response buffered, so that the client has the whole
// response (when its length is known) before the scope closes and waits for
// background tasks.
func flush(res *echo.Response) {
	if !res.Committed {
		return
	}
	if f, ok := res.Writer.(http.Flusher); ok {
		f.Flush()
		return
	}
	_ = http.NewResponseController(res.Writer).Flush()
}
