package http

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Option refines a Controller or a route declaration: Status, Priority,
// Timeout, Host, Middleware, Name, At. Options that do not fit where they
// are given (Status on a controller, Name on a route) make the declaration
// invalid; Mount reports it.
type Option struct {
	name  string
	apply func(*settings)
}

// settings collects the options of one declaration.
type settings struct {
	status      int
	hasStatus   bool
	priority    int
	hasPriority bool
	timeout     time.Duration
	hosts       []string
	summary     string
	name        string
	pos         string
	mws         []mwSpec
	used        []string // option names, to refuse misplaced ones
	errs        []string
}

func newSettings(opts []Option, caller string) settings {
	s := settings{pos: caller}
	for _, o := range opts {
		if o.apply == nil {
			continue
		}
		s.used = append(s.used, o.name)
		o.apply(&s)
	}
	return s
}

// refuse records an error for each option in names that was given.
func (s *settings) refuse(where string, names ...string) {
	for _, u := range s.used {
		for _, n := range names {
			if u == n {
				s.errs = append(s.errs, fmt.Sprintf("option %s does not apply to a %s", n, where))
			}
		}
	}
}

// Status sets the status of a successful response with a body (200 by
// default). A handler with no Out, or returning a nil Out, answers 204.
func Status(code int) Option {
	return Option{"Status", func(s *settings) {
		if code < 100 || code > 599 {
			s.errs = append(s.errs, fmt.Sprintf("Status(%d): want a status between 100 and 599", code))
			return
		}
		s.status, s.hasStatus = code, true
	}}
}

// Priority overrides the route's priority (by default computed from its
// full path as tegg does, see PathPriority). Routes are registered highest
// priority first.
func Priority(n int) Option {
	return Option{"Priority", func(s *settings) { s.priority, s.hasPriority = n, true }}
}

// Timeout gives the handler a context deadline d after the request starts
// (on a controller: for each of its routes without a Timeout of their own).
// A handler that is still running at its deadline answers 503 Service
// Unavailable, unless it returned an error with its own 5xx status.
func Timeout(d time.Duration) Option {
	return Option{"Timeout", func(s *settings) {
		if d <= 0 {
			s.errs = append(s.errs, fmt.Sprintf("Timeout(%s): want a positive duration", d))
			return
		}
		s.timeout = d
	}}
}

// Host binds a controller or one route to host names (the request's Host
// without its port, compared case-insensitively), as tegg's
// `host: ['a.eggjs.com', 'b.eggjs.com']`: the routes answer for each of
// them, and requests for other hosts get 404. Several Host options add up.
func Host(hosts ...string) Option {
	return Option{"Host", func(s *settings) {
		if len(hosts) == 0 {
			s.errs = append(s.errs, "Host(): want a host name")
		}
		for _, host := range hosts {
			h := strings.ToLower(strings.TrimSpace(host))
			if h == "" || strings.ContainsAny(h, "/ ,") {
				s.errs = append(s.errs, fmt.Sprintf("Host(%q): want a host name", host))
				continue
			}
			if !slices.Contains(s.hosts, h) {
				s.hosts = append(s.hosts, h)
			}
		}
	}}
}

// Summary sets a route's one-line summary in the OpenAPI document; `teggo
// gen` gives it the first sentence of the method's doc comment. Without
// one, the summary is the method's name.
func Summary(text string) Option {
	return Option{"Summary", func(s *settings) { s.summary = strings.TrimSpace(text) }}
}

// Name sets a controller's name (its type name by default), used in route
// listings, conflict messages and OpenAPI operation ids. Two controllers
// may not share a name.
func Name(name string) Option {
	return Option{"Name", func(s *settings) { s.name = name }}
}

// At sets the position a declaration reports in its errors, instead of the
// caller of Controller or GET. Generated code uses it to point at the
// directive.
func At(file string, line int) Option {
	return Option{"At", func(s *settings) { s.pos = file + ":" + strconv.Itoa(line) }}
}

// mwKind says what a middleware given to Middleware is.
type mwKind uint8

const (
	mwEcho   mwKind = iota + 1 // an echo middleware function
	mwAdvice                   // an advice proto, by type
	mwNamed                    // an advice proto, by name
)

// mwSpec is one middleware as declared.
type mwSpec struct {
	kind mwKind
	echo echo.MiddlewareFunc
	name string       // advice name (mwNamed) or echo label
	typ  reflect.Type // advice struct type (mwAdvice)
}

// Middleware adds a middleware to a controller (all its routes) or a route.
// m is one of:
//
//   - an echo middleware: echo.MiddlewareFunc, a func(echo.HandlerFunc)
//     echo.HandlerFunc, or a func() echo.MiddlewareFunc that makes one. Echo
//     middleware runs first: the controller's before the route's;
//   - an advice proto by type, as new(MethodLog): AOP middleware, run around
//     the handler call, the route's outer and the controller's inner;
//   - an advice proto by name, as "methodLog".
//
// Give several middleware with several options; within one level they run
// in the order given (the first is outer). See docs/http.md for the
// diagram.
func Middleware[M any](m M) Option {
	spec, err := middlewareSpec(m)
	return Option{"Middleware", func(s *settings) {
		if err != "" {
			s.errs = append(s.errs, err)
			return
		}
		s.mws = append(s.mws, spec)
	}}
}

func middlewareSpec[M any](m M) (mwSpec, string) {
	switch v := any(m).(type) {
	case nil:
		return mwSpec{}, "Middleware(nil)"
	case echo.MiddlewareFunc:
		if v == nil {
			return mwSpec{}, "Middleware: nil echo middleware"
		}
		return mwSpec{kind: mwEcho, echo: v, name: funcName(v)}, ""
	case func(echo.HandlerFunc) echo.HandlerFunc:
		if v == nil {
			return mwSpec{}, "Middleware: nil echo middleware"
		}
		return mwSpec{kind: mwEcho, echo: v, name: funcName(v)}, ""
	case func() echo.MiddlewareFunc:
		if v == nil {
			return mwSpec{}, "Middleware: nil echo middleware factory"
		}
		return mwSpec{kind: mwEcho, echo: v(), name: funcName(v)}, ""
	case string:
		if v == "" {
			return mwSpec{}, `Middleware(""): want an advice name`
		}
		return mwSpec{kind: mwNamed, name: v}, ""
	}
	t := reflect.TypeFor[M]()
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct || t.Elem().Name() == "" {
		return mwSpec{}, fmt.Sprintf("Middleware(%s): want an echo middleware, an advice proto as new(Advice), or an advice name", t)
	}
	return mwSpec{kind: mwAdvice, typ: t.Elem()}, ""
}
