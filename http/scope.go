package http

import (
	"context"
	"net/http"
	"runtime/debug"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/container"
)

// reqCtx is a request's state: what a handler may change about its
// response (ResponseFrom) and the echo context. It is allocated with the
// request's container scope (container.NewScopeWith) and is the scope's
// parent context: the request's own context plus the state under
// responseKey. The scope is the request's context from the scope
// middleware on, so that echo middleware after it, the handler and
// everything it calls see the scope.
type reqCtx struct {
	context.Context // the request's own context
	m               *mount
	ec              echo.Context
	set             *override // what the handler changed, nil = nothing
}

// override is what a handler changed about its response's status, made on
// first change (most handlers change nothing).
type override struct {
	status   int    // status override, 0 = the route's
	location string // redirect target, "" = none
}

// override returns the request's override, making it.
func (r *reqCtx) override() *override {
	if r.set == nil {
		r.set = &override{}
	}
	return r.set
}

type responseKey struct{}

// Value answers ResponseFrom's key with the request state; everything else
// goes to the request's own context.
func (r *reqCtx) Value(key any) any {
	if key == (responseKey{}) {
		return r
	}
	return r.Context.Value(key)
}

// requestState returns the request state of ctx, or nil outside a request.
func requestState(ctx context.Context) *reqCtx {
	rc, _ := ctx.Value(responseKey{}).(*reqCtx)
	return rc
}

// scoped makes a route's echo handler: it opens the request's container
// scope, which is the request's context from here on, runs the route's
// echo middleware and handler, recovers a panic as a 500, writes any error
// as a problem document, flushes the response, and only then closes the
// scope — after the response was written and after the error was handled.
// Closing runs the scope's PreDestroy hooks, where background tasks of the
// request are awaited: after the response, never before it.
//
// Opening costs one allocation, the scope and the request state together;
// context protos are created only when something asks for them.
//
// With echo middleware on the route, the request is replaced by one whose
// Context() is the scope, so that the middleware sees it; without, the
// handler gets the scope directly (one allocation less).
func (m *mount) scoped(h routeHandler, mws []echo.MiddlewareFunc) echo.HandlerFunc {
	if len(mws) == 0 {
		return func(c echo.Context) error {
			sc := m.begin(c)
			defer m.end(c, sc)
			if err := h.serve(c, sc); err != nil {
				m.writeProblem(c, err)
			}
			return nil
		}
	}
	inner := chainEcho(func(c echo.Context) error { return h.serve(c, c.Request().Context()) }, mws)
	return func(c echo.Context) error {
		sc := m.begin(c)
		c.SetRequest(c.Request().WithContext(sc))
		defer m.end(c, sc)
		if err := inner(c); err != nil {
			m.writeProblem(c, err)
		}
		return nil
	}
}

// begin opens the request's scope with its state.
func (m *mount) begin(c echo.Context) *container.Scope {
	sc, _ := container.NewScopeWith(m.c, func(rc *reqCtx) context.Context {
		rc.Context, rc.m, rc.ec = c.Request().Context(), m, c
		return rc
	})
	return sc
}

// end recovers a panic — logged with the panicking goroutine's stack,
// answered 500 —, flushes the response and closes the scope.
func (m *mount) end(c echo.Context, sc *container.Scope) {
	if p := recover(); p != nil {
		if p == http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
			m.closeScope(sc)
			panic(p)
		}
		req := c.Request()
		m.log.ErrorContext(sc, "teggo: panic in handler", "method", req.Method, "path", req.URL.Path,
			"panic", p, "stack", string(debug.Stack()))
		m.writeProblem(c, &panicError{value: p})
	}
	if sc.HasTeardown() {
		flush(c.Response()) // the client gets its answer before the teardown waits
	}
	m.closeScope(sc)
}

// closeScope closes the request's scope; a goroutine the handler left
// running gets TEGGO_SCOPE_CLOSED for context protos from then on.
func (m *mount) closeScope(sc *container.Scope) {
	if cerr := sc.Close(); cerr != nil {
		m.log.ErrorContext(sc, "teggo: closing the request scope", "error", cerr)
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
		r.rc.override().status = code
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
	o := r.rc.override()
	o.status, o.location = code, url
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
