package gen

import (
	"fmt"
	"path"
	"strings"
)

// Runtime packages that generated declarations call.
const (
	aopPath      = "github.com/teggo/teggo/aop"
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

// declEmitters has one entry per directive. Emitting routes later is
// writing emitRoute and friends and setting them here.
var declEmitters = map[string]declEmitter{
	"pointcut":   {aopPath, "Pointcut", emitPointcut},
	"crosscut":   {aopPath, "Crosscut", emitCrosscut},
	"event":      {eventbusPath, "On", emitEvent},
	"schedule":   {schedulePath, "Job", emitSchedule},
	"controller": {httpPath, "", nil},
	"http":       {httpPath, "", nil},
	"middleware": {httpPath, "", nil},
}

// checkDecl reports a directive that cannot be emitted now.
func checkDecl(d Decl, avail *availability) *Error {
	dir := d.Directive()
	em := declEmitters[dir.Name]
	pkgOK, symOK := avail.lookup(em.pkg, em.symbol)
	switch {
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
	return fmt.Sprintf("%s.On((*%s).%s)", e.pkg(eventbusPath, "eventbus"), e.typ(h.Proto.named), h.Method)
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
