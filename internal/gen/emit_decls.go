package gen

import (
	"fmt"
	"go/types"
	"path"
	"strings"
	"time"
)

// Runtime packages that generated declarations call.
const (
	aopPath      = "github.com/teggo/teggo/aop"
	weavePath    = "github.com/teggo/teggo/weave"
	eventbusPath = "github.com/teggo/teggo/eventbus"
	schedulePath = "github.com/teggo/teggo/schedule"
	httpPath     = "github.com/teggo/teggo/http"
)

// declEmitter turns the Decls of one directive into expressions of
// Module().Decls: plain calls of a runtime package's public API, which a
// user could write by hand.
type declEmitter struct {
	// pkg is the runtime package the expression calls, and symbol the
	// function; generation fails with "not available yet" while the
	// package or the function does not exist.
	pkg, symbol string
	// emit renders the expression; nil means the generator does not emit
	// this directive yet (the directive is still parsed and checked).
	emit func(e *emitter, d Decl) string
}

// declEmitters has one entry per directive.
var declEmitters = map[string]declEmitter{
	"pointcut":   {aopPath, "Pointcut", emitPointcut},
	"crosscut":   {aopPath, "Crosscut", emitCrosscut},
	"event":      {eventbusPath, "On", emitEvent},
	"schedule":   {schedulePath, "Job", emitSchedule},
	"controller": {httpPath, "Controller", emitController},
	"http":       {httpPath, "Route", emitRoute},
	"middleware": {httpPath, "Middleware", emitMiddleware},
}

// checkDecl reports a directive that cannot be emitted now.
func checkDecl(d Decl, avail *availability) *Error {
	dir := d.Directive()
	em := declEmitters[dir.Name]
	pkgOK, symOK := avail.lookup(em.pkg, em.symbol)
	switch {
	case !pkgOK && avail.reason(em.pkg) != "":
		// the load error as go gave it: a go.sum entry missing, say
		return dir.errorf("package %s cannot be loaded: %s", em.pkg, avail.reason(em.pkg))
	case !pkgOK:
		return dir.errorf("package %s is not available yet", path.Base(em.pkg))
	case !symOK:
		return dir.errorf("%s.%s is not available yet", path.Base(em.pkg), em.symbol)
	case em.emit == nil:
		return dir.errorf("not generated yet: package %s has no generator support", path.Base(em.pkg))
	}
	return nil
}

// adviceOptions renders the options shared by pointcuts and crosscuts.
func (e *emitter) adviceOptions(d *Directive) string {
	aop := e.pkg(aopPath, "aop")
	var b strings.Builder
	if order, ok := d.Get("order"); ok {
		fmt.Fprintf(&b, ", %s.Order(%s)", aop, order)
	}
	if params := d.Params(); len(params) > 0 {
		fmt.Fprintf(&b, ", %s.WithParams(%s.Params{", aop, aop)
		for i, kv := range params {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s: %s", quote(kv.Key), quote(kv.Value))
		}
		b.WriteString("})")
	}
	fmt.Fprintf(&b, ", %s.At(%q, %d)", aop, e.relPath(d.Pos.Filename), d.Pos.Line)
	return b.String()
}

func emitPointcut(e *emitter, d Decl) string {
	p := d.(*Pointcut)
	return fmt.Sprintf("%s.Pointcut((*%s).%s, new(%s)%s)",
		e.pkg(aopPath, "aop"), e.typ(p.Proto.named), p.Method, e.typ(p.Advice.Type()), e.adviceOptions(p.D))
}

func emitCrosscut(e *emitter, d Decl) string {
	c := d.(*Crosscut)
	aop := e.pkg(aopPath, "aop")
	var match string
	if c.Type != nil {
		match = fmt.Sprintf("%s.ForType((*%s)(nil)", aop, e.typ(c.Type.Type()))
		for _, m := range c.Methods {
			match += ", " + quote(m)
		}
		match += ")"
	} else {
		match = fmt.Sprintf("%s.ForRegexp(%s, %s)", aop, quote(c.TypeRe), quote(c.MethodRe))
	}
	return fmt.Sprintf("%s.Crosscut(new(%s), %s%s)", aop, e.typ(c.Advice.named), match, e.adviceOptions(c.D))
}

func emitEvent(e *emitter, d Decl) string {
	h := d.(*EventHandler)
	on := fmt.Sprintf("%s.On((*%s).%s)", e.pkg(eventbusPath, "eventbus"), e.typ(h.Proto.named), h.Method)
	if v, _ := h.D.Get("broadcast"); v == "true" {
		on += ".Broadcast()"
	}
	return on
}

func emitSchedule(e *emitter, d Decl) string {
	s := d.(*Schedule)
	sch := e.pkg(schedulePath, "schedule")
	var fields []string
	for _, f := range []struct{ key, field string }{
		{"type", "Type"}, {"cron", "Cron"}, {"interval", "Interval"},
		{"immediate", "Immediate"}, {"disable", "Disable"}, {"timezone", "TimeZone"},
	} {
		v, ok := s.D.Get(f.key)
		switch {
		case !ok:
		case f.key == "immediate" || f.key == "disable":
			if v == "true" {
				fields = append(fields, f.field+": true")
			}
		default:
			fields = append(fields, f.field+": "+quote(v))
		}
	}
	return fmt.Sprintf("%s.Job[*%s](%s.Spec{%s})", sch, e.typ(s.Proto.named), sch, strings.Join(fields, ", "))
}

// emitController renders teggohttp.Controller[*C]("/prefix", options...),
// with the controller-level middleware in source order.
func emitController(e *emitter, d Decl) string {
	c := d.(*Controller)
	h := e.pkg(httpPath, "teggohttp")
	prefix := ""
	if len(c.D.Args) > 0 {
		prefix = c.D.Args[0]
	}
	opts := e.httpOptions(c.D, []string{"host", "name", "timeout"})
	opts = append(opts, e.middlewareOptions(c.Proto, "")...)
	opts = append(opts, fmt.Sprintf("%s.At(%q, %d)", h, e.relPath(c.D.Pos.Filename), c.D.Pos.Line))
	return fmt.Sprintf("%s.Controller[*%s](%s, %s)", h, e.typ(c.Proto.named), quote(prefix), strings.Join(opts, ", "))
}

// emitRoute renders teggohttp.Route("GET", "/path", handler, options...);
// a handler without input or output goes through NoIn, NoOut or NoInOut.
func emitRoute(e *emitter, d Decl) string {
	r := d.(*Route)
	h := e.pkg(httpPath, "teggohttp")
	m := r.Proto.method(r.Method)
	handler := fmt.Sprintf("(*%s).%s", e.typ(r.Proto.named), r.Method)
	switch in, out := len(m.Params) == 2, len(m.Results) == 1; {
	case !in && !out:
		handler = fmt.Sprintf("%s.NoInOut(%s)", h, handler)
	case !in:
		handler = fmt.Sprintf("%s.NoIn(%s)", h, handler)
	case !out:
		handler = fmt.Sprintf("%s.NoOut(%s)", h, handler)
	}
	opts := e.httpOptions(r.D, []string{"status", "priority", "timeout", "host"})
	if r.Summary != "" {
		opts = append(opts, fmt.Sprintf("%s.Summary(%s)", h, quote(r.Summary)))
	}
	opts = append(opts, e.middlewareOptions(r.Proto, r.Method)...)
	opts = append(opts, fmt.Sprintf("%s.At(%q, %d)", h, e.relPath(r.D.Pos.Filename), r.D.Pos.Line))
	return fmt.Sprintf("%s.Route(%s, %s, %s, %s)", h, quote(strings.ToUpper(r.D.Args[0])), quote(r.D.Args[1]), handler, strings.Join(opts, ", "))
}

// emitMiddleware renders nothing: middleware become options of their
// controller's or route's declaration.
func emitMiddleware(*emitter, Decl) string { return "" }

// httpOptions renders the keyed options of an HTTP directive, in the order
// of keys.
func (e *emitter) httpOptions(d *Directive, keys []string) []string {
	h := e.pkg(httpPath, "teggohttp")
	var out []string
	for _, k := range keys {
		v, ok := d.Get(k)
		if !ok {
			continue
		}
		switch k {
		case "status":
			out = append(out, fmt.Sprintf("%s.Status(%s)", h, v))
		case "priority":
			out = append(out, fmt.Sprintf("%s.Priority(%s)", h, v))
		case "timeout":
			out = append(out, fmt.Sprintf("%s.Timeout(%s)", h, e.duration(v)))
		case "host":
			var hosts []string
			for _, x := range strings.Split(v, ",") {
				hosts = append(hosts, quote(x))
			}
			out = append(out, fmt.Sprintf("%s.Host(%s)", h, strings.Join(hosts, ", ")))
		case "name":
			out = append(out, fmt.Sprintf("%s.Name(%s)", h, quote(v)))
		}
	}
	return out
}

// duration renders a Go duration string as a readable constant expression:
// "2s" → 2 * time.Second.
func (e *emitter) duration(v string) string {
	d, _ := time.ParseDuration(v) // checked by the directive table
	t := e.pkg("time", "time")
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}, {time.Millisecond, "Millisecond"}, {time.Microsecond, "Microsecond"}} {
		if d%u.d == 0 {
			return fmt.Sprintf("%d * %s.%s", d/u.d, t, u.name)
		}
	}
	return fmt.Sprintf("%s.Duration(%d)", t, int64(d))
}

// middlewareOptions renders the //teggo:middleware of proto p at method
// ("" for the controller), in source order.
func (e *emitter) middlewareOptions(p *Proto, method string) []string {
	h := e.pkg(httpPath, "teggohttp")
	var out []string
	for _, d := range e.p.Decls {
		mw, ok := d.(*Middleware)
		if !ok || mw.Proto != p || mw.Method != method {
			continue
		}
		switch o := mw.Ref.(type) {
		case *types.TypeName:
			out = append(out, fmt.Sprintf("%s.Middleware(new(%s))", h, e.typ(o.Type())))
		default:
			out = append(out, fmt.Sprintf("%s.Middleware(%s)", h, e.obj(o)))
		}
	}
	return out
}

// obj renders a reference to a package-level func or var, qualified
// through the file's imports when it lives in another package.
func (e *emitter) obj(o types.Object) string {
	if o.Pkg() == nil || o.Pkg().Path() == e.p.Path {
		return o.Name()
	}
	return e.pkg(o.Pkg().Path(), o.Pkg().Name()) + "." + o.Name()
}
