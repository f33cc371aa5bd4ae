package http

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/container"
)

// reqCtx is the context.Context of one request: the scope's context, plus
// what a handler may change about its response (ResponseFrom). It is the
// request's context from the scope middleware on, so that echo middleware
// after it, the handler and everything it calls see the scope.
type reqCtx struct {
	context.Context
	ec       echo.Context
	status   int    // status override, 0 = the route's
	location string // redirect target, "" = none
}

type responseKey struct{}

// Value answers ResponseFrom's key with the request state; everything else
// goes to the scope's context.
func (r *reqCtx) Value(key any) any {
	if key == (responseKey{}) {
		return r
	}
	return r.Context.Value(key)
}

// requestState returns the request state of ctx, or nil outside a request.
func requestState(ctx context.Context) *reqCtx {
	if rc, ok := ctx.(*reqCtx); ok {
		return rc
	}
	rc, _ := ctx.Value(responseKey{}).(*reqCtx)
	return rc
}

// scoped wraps a route's handler chain (echo middleware included): it opens
// a container scope for the request, puts it in the request's context, runs
// the chain, recovers a panic as a 500, writes any error as a problem
// document, and only then closes the scope — after the response was written
// and after the error was handled. Closing runs the scope's PreDestroy
// hooks, where background tasks of the request are awaited: after the
// response, never before it.
func (m *mount) scoped(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		req := c.Request()
		ctx, sc := container.NewScope(req.Context(), m.c)
		rc := &reqCtx{Context: ctx, ec: c}
		c.SetRequest(req.WithContext(rc))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
					m.closeScope(rc, sc)
					panic(p)
				}
				err = &panicError{value: p}
				m.log.ErrorContext(ctx, "teggo: panic in handler", "method", req.Method, "path", req.URL.Path, "panic", p)
			}
			if err != nil {
				m.writeProblem(c, err)
				err = nil
			}
			flush(c.Response())
			m.closeScope(rc, sc)
		}()
		return next(c)
	}
}

func (m *mount) closeScope(rc *reqCtx, sc *container.Scope) {
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

// Request returns the request being served, or nil outside a request. Its
// Context() is the request's ctx.
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
