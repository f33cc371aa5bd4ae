package http

import (
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
		out[i] = RouteInfo{Method: r.method, Path: r.path, Host: r.host, Priority: r.priority, Handler: r.label,
			Status: r.status, Timeout: r.timeout, Pos: r.decl.set.pos}
	}
	return out, nil
}

// Check reports the build errors of c's HTTP declarations without
// mounting them (the checks that need no built container).
func Check(c *container.Container) error {
	_, _, err := plan(c.Decls())
	return err
}
