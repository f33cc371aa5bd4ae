package http

import (
	"github.com/teggo/teggo/container"
)

// Build error codes of the HTTP layer. Mount, NewServer and Routes report
// them as *container.Error values (joined): errors.Is(err,
// CodeRouterConflict) matches, and container.CodeOf reads the code.
const (
	// CodeRouterConflict: two routes (or a route and one of the echo
	// instance's own) have the same method, host and path shape.
	CodeRouterConflict container.Code = "TEGGO_ROUTER_CONFLICT"
	// CodeDuplicateController: two controllers share a name, or one type
	// is declared a controller twice.
	CodeDuplicateController container.Code = "TEGGO_HTTP_DUPLICATE_CONTROLLER"
	// CodeNoController: a route's receiver type has no Controller decl.
	CodeNoController container.Code = "TEGGO_HTTP_NO_CONTROLLER"
	// CodeBadRoute: an invalid controller or route declaration (method,
	// path, options, priority).
	CodeBadRoute container.Code = "TEGGO_HTTP_BAD_ROUTE"
	// CodeBadInput: a handler's input type cannot be bound, e.g. a path
	// parameter the route's path does not have.
	CodeBadInput container.Code = "TEGGO_HTTP_BAD_INPUT"
	// CodeNotBuilt: Mount before the container was built.
	CodeNotBuilt container.Code = "TEGGO_HTTP_NOT_BUILT"
)

func routeError(code container.Code, r *route, msg string, err error) *container.Error {
	return &container.Error{Code: code, Proto: r.label, Pos: r.decl.set.pos, Msg: msg, Err: err}
}
