package http

import (
	"net/http"
	"time"

	"github.com/teggo/teggo/container"
)

// RouteInfo describes one route, as `teggo routes` lists them.
type RouteInfo struct {
	// Method is the HTTP method.
	Method string `json:"method"`
	// Path is the full path, controller prefix included.
	Path string `json:"path"`
	// Host is the host the route is bound to, "" for any.
	Host string `json:"host,omitempty"`
	// Priority is the route's priority (PathPriority or explicit).
	Priority int `json:"priority"`
	// Handler is "Controller.Method".
	Handler string `json:"handler"`
	// Status is the status of a successful response with a body.
	Status int `json:"status"`
	// Timeout is the handler's deadline, 0 for none.
	Timeout time.Duration `json:"timeout,omitempty"`
	// Pos is where the route was declared.
	Pos string `json:"pos,omitempty"`
	// Middleware names the route's middleware in the order it runs: echo
	// middleware (controller's, then the route's), then AOP middleware
	// (the route's, then the controller's).
	Middleware []string `json:"middleware,omitempty"`
}

// Routes lists the routes declared in c in registration order: highest
// priority first, ties in declaration order. It needs no built container
// and reports the same build errors as Mount's planning (conflicts,
// duplicate controllers, bad inputs).
func Routes(c *container.Container) ([]RouteInfo, error) {
	routes, _, err := plan(c.Decls())
	if err != nil {
		return nil, err
	}
	out := make([]RouteInfo, len(routes))
	for i, r := range routes {
		status := r.status
		if r.decl.out == nil && !r.decl.set.hasStatus {
			status = http.StatusNoContent // no result: 204
		}
		out[i] = RouteInfo{Method: r.method, Path: r.path, Host: r.host, Priority: r.priority, Handler: r.label,
			Status: status, Timeout: r.timeout, Pos: r.decl.set.pos, Middleware: middlewareNames(r)}
	}
	return out, nil
}

// middlewareNames names r's middleware in the order it runs.
func middlewareNames(r *route) []string {
	var out []string
	name := func(s mwSpec) string {
		switch {
		case s.typ != nil:
			return s.typ.Name()
		case s.kind == mwEcho:
			return handlerName(s.name)
		}
		return s.name
	}
	for _, set := range []*settings{&r.ctrl.set, &r.decl.set} {
		for _, s := range set.mws {
			if s.kind == mwEcho {
				out = append(out, name(s))
			}
		}
	}
	for _, set := range []*settings{&r.decl.set, &r.ctrl.set} {
		for _, s := range set.mws {
			if s.kind != mwEcho {
				out = append(out, name(s))
			}
		}
	}
	return out
}
