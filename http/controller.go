package http

import (
	"reflect"
	"runtime"
	"strconv"
	"strings"
)

// ControllerDecl declares a controller: a proto whose methods are routed
// under a path prefix. Make it with Controller and register it with the
// container next to the proto itself:
//
//	c.Register(new(TopicController), teggohttp.Controller[*TopicController]("/api/v2/topics"))
type ControllerDecl struct {
	typ    reflect.Type // the controller's pointer type, e.g. *TopicController
	prefix string       // the path prefix of its routes: "" or "/..." without a trailing slash
	set    settings
	errs   []string
}

// Controller declares the controller C (a pointer to a proto struct, e.g.
// *TopicController) with routes under prefix. Options: Host, Timeout,
// Middleware, Name, At. The proto itself is registered as any proto is
// (new(TopicController) or its generated Module); it is a singleton unless
// its marker says otherwise, and a context controller is created once per
// request.
func Controller[C any](prefix string, opts ...Option) *ControllerDecl {
	d := &ControllerDecl{typ: reflect.TypeFor[C](), set: newSettings(opts, caller())}
	d.set.refuse("controller", "Status", "Priority", "Summary")
	d.errs = append(d.errs, d.set.errs...)
	if d.typ.Kind() != reflect.Pointer || d.typ.Elem().Kind() != reflect.Struct || d.typ.Elem().Name() == "" {
		d.errs = append(d.errs, "Controller["+d.typ.String()+"]: want a pointer to a named proto struct, e.g. Controller[*TopicController]")
	}
	p, err := cleanPrefix(prefix)
	if err != "" {
		d.errs = append(d.errs, err)
	}
	d.prefix = p
	return d
}

// Name returns the controller's name: the Name option, else its type name.
func (d *ControllerDecl) Name() string {
	if d.set.name != "" {
		return d.set.name
	}
	if d.typ.Kind() == reflect.Pointer {
		return d.typ.Elem().Name()
	}
	return d.typ.Name()
}

func cleanPrefix(p string) (string, string) {
	p = strings.TrimSpace(p)
	if p == "" || p == "/" {
		return "", ""
	}
	if !strings.HasPrefix(p, "/") {
		return p, "prefix " + strconv.Quote(p) + " must start with /"
	}
	return strings.TrimRight(p, "/"), ""
}

// caller returns file:line of the user code that called a declaration
// constructor (two frames up).
func caller() string { return callerAt(3) }

func callerAt(skip int) string {
	if _, file, line, ok := runtime.Caller(skip); ok {
		return file + ":" + strconv.Itoa(line)
	}
	return ""
}

func quote(s string) string { return strconv.Quote(s) }

// DeclaredAt returns where the controller was declared (proto.Decl).
func (d *ControllerDecl) DeclaredAt() string { return d.set.pos }
