package http

import (
	"context"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// RouteDecl declares one route: an HTTP method and path (relative to its
// controller's prefix) served by a method of the controller. Make it with
// GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or Route and register it with
// the container.
type RouteDecl struct {
	// Method is the HTTP method, upper case.
	Method string
	// Path is the route's path below the controller prefix, echo syntax
	// (":name" parameters, a trailing "*").
	Path string
	// Controller is the controller's pointer type, the handler's receiver.
	Controller reflect.Type
	// Handler is the handler's method name, e.g. "Show".
	Handler string
	// In is the input type, nil for a handler without input.
	In reflect.Type
	// Out is the output type, nil for a handler without output.
	Out reflect.Type

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
	f := func(c C, ctx context.Context, _ None) (Out, error) { return h(c, ctx) }
	adapted.Store(funcKey(f), funcName(h))
	return f
}

// NoOut adapts a handler without output, func(C, ctx, In) error; it
// answers 204 No Content on success.
func NoOut[C, In any](h func(C, context.Context, In) error) func(C, context.Context, In) (None, error) {
	if h == nil {
		return nil
	}
	f := func(c C, ctx context.Context, in In) (None, error) { return None{}, h(c, ctx, in) }
	adapted.Store(funcKey(f), funcName(h))
	return f
}

// NoInOut adapts a handler with neither input nor output,
// func(C, ctx) error; it answers 204 No Content on success.
func NoInOut[C any](h func(C, context.Context) error) func(C, context.Context, None) (None, error) {
	if h == nil {
		return nil
	}
	f := func(c C, ctx context.Context, _ None) (None, error) { return None{}, h(c, ctx) }
	adapted.Store(funcKey(f), funcName(h))
	return f
}

// adapted maps the closures made by NoIn, NoOut and NoInOut to the full
// name of the method they wrap, so that a route knows its handler's name.
var adapted sync.Map // unsafe.Pointer → string

// funcKey is the identity of a func value: the pointer to its closure.
func funcKey[F any](f F) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&f)) }

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
	d := &RouteDecl{Method: method, Path: path, Controller: reflect.TypeFor[C](), set: newSettings(opts, caller2())}
	d.set.refuse("route", "Name")
	d.errs = append(d.errs, d.set.errs...)
	if in := reflect.TypeFor[In](); in != noneType {
		d.In = in
	}
	if out := reflect.TypeFor[Out](); out != noneType {
		d.Out = out
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
	full := funcName(h)
	if name, ok := adapted.Load(funcKey(h)); ok {
		full = name.(string)
	}
	d.Handler = handlerName(full)
	d.build = func(m *mount, r *route) (routeHandler, error) { return newHandler(m, r, h) }
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
