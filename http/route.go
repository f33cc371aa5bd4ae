package http

import (
	"context"
	"net/http"
	"reflect"
	"regexp"
	"runtime"
	"strings"
)

// RouteDecl declares one route: an HTTP method and path (relative to its
// controller's prefix) served by a method of the controller. Make it with
// GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or Route and register it with
// the container.
type RouteDecl struct {
	method     string       // the HTTP method, upper case
	path       string       // below the controller prefix, echo syntax (":name", a trailing "*")
	controller reflect.Type // the controller's pointer type, the handler's receiver
	handler    string       // the handler's method name, e.g. "Show"
	in, out    reflect.Type // the input and output types, nil for none

	set   settings
	errs  []string
	build func(m *mount, r *route) (routeHandler, error)
}

// None stands for "no input" or "no output" in a normalised handler; see
// NoIn, NoOut and NoInOut.
type None struct{}

var noneType = reflect.TypeFor[None]()

// GET declares a GET route. h is a method expression of the controller
// such as (*TopicController).Show, of the shape
// func(C, context.Context, In) (Out, error); wrap the other shapes with
// NoIn, NoOut or NoInOut.
func GET[C, In, Out any](path string, h func(C, context.Context, In) (Out, error), opts ...Option) *RouteDecl {
	return newRoute(http.MethodGet, path, h, opts)
}

// POST declares a POST route; see GET.
func POST[C, In, Out any](path string, h func(C, context.Context, In) (Out, error), opts ...Option) *RouteDecl {
	return newRoute(http.MethodPost, path, h, opts)
}

// PUT declares a PUT route; see GET.
func PUT[C, In, Out any](path string, h func(C, context.Context, In) (Out, error), opts ...Option) *RouteDecl {
	return newRoute(http.MethodPut, path, h, opts)
}

// PATCH declares a PATCH route; see GET.
func PATCH[C, In, Out any](path string, h func(C, context.Context, In) (Out, error), opts ...Option) *RouteDecl {
	return newRoute(http.MethodPatch, path, h, opts)
}

// DELETE declares a DELETE route; see GET.
func DELETE[C, In, Out any](path string, h func(C, context.Context, In) (Out, error), opts ...Option) *RouteDecl {
	return newRoute(http.MethodDelete, path, h, opts)
}

// HEAD declares a HEAD route; see GET.
func HEAD[C, In, Out any](path string, h func(C, context.Context, In) (Out, error), opts ...Option) *RouteDecl {
	return newRoute(http.MethodHead, path, h, opts)
}

// OPTIONS declares an OPTIONS route; see GET.
func OPTIONS[C, In, Out any](path string, h func(C, context.Context, In) (Out, error), opts ...Option) *RouteDecl {
	return newRoute(http.MethodOptions, path, h, opts)
}

// Route declares a route for any HTTP method (upper-cased); see GET.
func Route[C, In, Out any](method, path string, h func(C, context.Context, In) (Out, error), opts ...Option) *RouteDecl {
	return newRoute(strings.ToUpper(strings.TrimSpace(method)), path, h, opts)
}

// NoIn adapts a handler without input, func(C, ctx) (Out, error), to the
// shape GET and friends take:
//
//	teggohttp.GET("/", teggohttp.NoIn((*TopicController).List))
func NoIn[C, Out any](h func(C, context.Context) (Out, error)) func(C, context.Context, None) (Out, error) {
	if h == nil {
		return nil
	}
	return func(c C, ctx context.Context, _ None) (Out, error) {
		if q, ok := ctx.(*adapterQuery); ok {
			q.orig = h
			var zero Out
			return zero, nil
		}
		return h(c, ctx)
	}
}

// NoOut adapts a handler without output, func(C, ctx, In) error; it
// answers 204 No Content on success.
func NoOut[C, In any](h func(C, context.Context, In) error) func(C, context.Context, In) (None, error) {
	if h == nil {
		return nil
	}
	return func(c C, ctx context.Context, in In) (None, error) {
		if q, ok := ctx.(*adapterQuery); ok {
			q.orig = h
			return None{}, nil
		}
		return None{}, h(c, ctx, in)
	}
}

// NoInOut adapts a handler with neither input nor output,
// func(C, ctx) error; it answers 204 No Content on success.
func NoInOut[C any](h func(C, context.Context) error) func(C, context.Context, None) (None, error) {
	if h == nil {
		return nil
	}
	return func(c C, ctx context.Context, _ None) (None, error) {
		if q, ok := ctx.(*adapterQuery); ok {
			q.orig = h
			return None{}, nil
		}
		return None{}, h(c, ctx)
	}
}

// adapterQuery is the context with which a route asks, once when it is
// declared, whether its handler is an adapter made by NoIn, NoOut or
// NoInOut and which method it adapts: the adapter answers with the method
// instead of calling it. The route then knows the method's name and runs
// the method itself inside its advice, with its own arguments.
type adapterQuery struct {
	context.Context
	orig any
}

// adapted returns the method h adapts, or h itself. Only the closures of
// NoIn, NoOut and NoInOut are asked (by their name, which inlining
// prefixes with the caller's); anything else is the user's method and is
// never called here.
func adapted[C, In, Out any](h func(C, context.Context, In) (Out, error)) (orig any) {
	if !adapterName.MatchString(funcName(h)) {
		return h
	}
	defer func() {
		if recover() != nil {
			orig = h
		}
	}()
	q := &adapterQuery{Context: context.Background()}
	var c C
	var in In
	_, _ = h(c, q, in) // an adapter answers at once, without calling its method
	if q.orig != nil {
		return q.orig
	}
	return h
}

// adapterName matches the function name of an adapter closure.
var adapterName = regexp.MustCompile(`\.(NoIn|NoOut|NoInOut)\[\.\.\.\]\.func\d+$`)

func funcName(f any) string {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() {
		return ""
	}
	if fn := runtime.FuncForPC(v.Pointer()); fn != nil {
		return fn.Name()
	}
	return ""
}

func newRoute[C, In, Out any](method, path string, h func(C, context.Context, In) (Out, error), opts []Option) *RouteDecl {
	d := &RouteDecl{method: method, path: path, controller: reflect.TypeFor[C](), set: newSettings(opts, caller2())}
	d.set.refuse("route", "Name")
	d.errs = append(d.errs, d.set.errs...)
	if in := reflect.TypeFor[In](); in != noneType {
		d.in = in
	}
	if out := reflect.TypeFor[Out](); out != noneType {
		d.out = out
	}
	switch {
	case method == "" || strings.ContainsAny(method, " /"):
		d.errs = append(d.errs, "bad HTTP method "+quote(method))
	case path != "" && !strings.HasPrefix(path, "/"):
		d.errs = append(d.errs, "path "+quote(path)+" must start with /")
	}
	if h == nil {
		d.errs = append(d.errs, "nil handler")
		return d
	}
	orig := adapted(h)
	d.handler = handlerName(funcName(orig))
	d.build = func(m *mount, r *route) (routeHandler, error) { return newHandler(m, r, h, orig) }
	return d
}

// handlerName turns "pkg.(*T).Show" into "Show" (and a method value's
// "Show-fm" into "Show").
func handlerName(full string) string {
	full = strings.TrimSuffix(full, "-fm")
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[i+1:]
	}
	return full
}

// caller2 is caller for constructors called through one more frame.
func caller2() string { return callerAt(4) }

// DeclaredAt returns where the route was declared (proto.Decl).
func (d *RouteDecl) DeclaredAt() string { return d.set.pos }
