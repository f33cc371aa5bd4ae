package gen

import (
	"go/types"

	"github.com/teggo/teggo/proto"
)

// module writes func Module.
func (e *emitter) module() {
	p := e.p
	pr := e.pkg(protoPkgPath, "proto")
	e.printf("// Module returns the protos and declarations of package %s, for a\n", p.Name)
	e.printf("// teggo container (container.Install). It is generated from the\n")
	e.printf("// package's source: edit the source and run go generate.\n")
	e.printf("func Module() %s.Module {\n", pr)
	e.printf("return %s.Module{\n", pr)
	e.printf("Path: %q,\n", p.Path)
	e.printf("Protos: []%s.Descriptor{\n", pr)
	for _, x := range p.Protos {
		e.descriptor(x)
	}
	e.printf("},\n")
	if len(p.Decls) > 0 {
		e.printf("Decls: []any{\n")
		for _, d := range p.Decls {
			if expr := declEmitters[d.Directive().Name].emit(e, d); expr != "" {
				e.printf("%s,\n", expr)
			}
		}
		e.printf("},\n")
	}
	e.printf("}\n}\n\n")
}

var initTypeNames = map[proto.InitType]string{
	proto.InitSingleton: "InitSingleton",
	proto.InitContext:   "InitContext",
	proto.InitAlwaysNew: "InitAlwaysNew",
}

// descriptor writes the proto.Descriptor literal of x: what reflection
// would read from the struct, plus the typed New, setters and proxy.
func (e *emitter) descriptor(x *Proto) {
	pr := e.pkg(protoPkgPath, "proto")
	rf := e.pkg("reflect", "reflect")
	t := e.typ(x.named)
	access := "Private"
	if x.Access == proto.Public {
		access = "Public"
	}
	e.printf("{\n")
	e.printf("Type: %s.TypeOf((*%s)(nil)).Elem(),\n", rf, t) // not TypeFor: one generic instantiation less per proto
	e.printf("Name: %q,\n", x.Name)
	e.printf("InitType: %s.%s,\n", pr, initTypeNames[x.InitType])
	e.printf("Access: %s.%s,\n", pr, access)
	if len(x.Qualifiers) > 0 {
		e.printf("Qualifiers: %s,\n", e.qualifiers(x.Qualifiers))
	}
	e.printf("Pos: %s.Pos{File: %q, Line: %d},\n", pr, e.relPath(x.Pos.Filename), x.Pos.Line)
	e.printf("New: func() any { return new(%s) },\n", t)
	if len(x.Fields) == 0 {
		e.printf("Fields: []%s.Field{},\n", pr)
	} else {
		e.printf("Fields: []%s.Field{\n", pr)
		for _, f := range x.Fields {
			ft := e.typ(f.Type)
			e.printf("{\n")
			e.printf("Name: %q,\n", f.Name)
			e.printf("Type: %s.TypeFor[%s](),\n", rf, ft)
			e.printf("Tag: %s,\n", e.fieldTag(f.Tag))
			if pointerShaped(f.Type) {
				// the container stores a pointer-shaped value at its offset
				// in two word writes, as fast as a typed setter and no
				// function for the compiler to build
				e.printf("Offset: %s.Offsetof(%s{}.%s),\n", e.pkg("unsafe", "unsafe"), t, f.Name)
			} else {
				e.printf("Set: func(o, v any) { o.(*%s).%s = v.(%s) },\n", t, f.Name, ft)
			}
			if f.Pos.Filename == x.Pos.Filename {
				e.printf("Line: %d,\n", f.Pos.Line)
			}
			e.printf("},\n")
		}
		e.printf("},\n")
	}
	if len(x.Proxied) > 0 {
		e.printf("Methods: []%s.Method{\n", pr)
		for _, m := range x.Proxied {
			if m.CtxFirst {
				e.printf("{Name: %q, CtxFirst: true},\n", m.Name)
			} else {
				e.printf("{Name: %q},\n", m.Name)
			}
		}
		e.printf("},\n")
		e.printf("Proxy: %s,\n", x.proxyNew)
	}
	e.printf("},\n")
}

func (e *emitter) qualifiers(q proto.Qualifiers) string {
	s := e.pkg(protoPkgPath, "proto") + ".Qualifiers{"
	for i, x := range q {
		if i > 0 {
			s += ", "
		}
		s += "{Key: " + quote(x.Key) + ", Value: " + quote(x.Value) + "}"
	}
	return s + "}"
}

func (e *emitter) fieldTag(t proto.FieldTag) string {
	s := e.pkg(protoPkgPath, "proto") + ".FieldTag{Inject: true"
	if t.Name != "" {
		s += ", Name: " + quote(t.Name)
	}
	if t.Optional {
		s += ", Optional: true"
	}
	if t.Group != "" {
		s += ", Group: " + quote(t.Group)
	}
	if len(t.Qualifiers) > 0 {
		s += ", Qualifiers: " + e.qualifiers(t.Qualifiers)
	}
	return s + "}"
}

// pointerShaped reports a type whose values are one pointer word or an
// interface: pointers, maps, channels, funcs and interfaces.
func pointerShaped(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return true
	}
	return false
}
