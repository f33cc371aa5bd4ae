package container

import (
	"context"
	"fmt"
	"path"
	"reflect"
	"unsafe"

	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/weave"
)

var (
	singletonType = reflect.TypeFor[proto.Singleton]()
	contextType   = reflect.TypeFor[proto.Context]()
	alwaysNewType = reflect.TypeFor[proto.AlwaysNew]()
	ctxType       = reflect.TypeFor[context.Context]()
	errorType     = reflect.TypeFor[error]()
)

// markerOf reports the marker of struct type t: its first field, embedded.
func markerOf(t reflect.Type) (proto.InitType, reflect.StructTag, bool) {
	if t.Kind() != reflect.Struct || t.NumField() == 0 {
		return 0, "", false
	}
	f := t.Field(0)
	if !f.Anonymous {
		return 0, "", false
	}
	switch f.Type {
	case singletonType:
		return proto.InitSingleton, f.Tag, true
	case contextType:
		return proto.InitContext, f.Tag, true
	case alwaysNewType:
		return proto.InitAlwaysNew, f.Tag, true
	}
	return 0, "", false
}

// hooks is the set of lifecycle interfaces a proto implements, found once.
type hooks uint8

const (
	hookPostConstruct hooks = 1 << iota
	hookPreInject
	hookPostInject
	hookInit
	hookPreDestroy
	hookDestroy
)

func hooksOf(v any) hooks {
	var h hooks
	if _, ok := v.(proto.PostConstructor); ok {
		h |= hookPostConstruct
	}
	if _, ok := v.(proto.PreInjector); ok {
		h |= hookPreInject
	}
	if _, ok := v.(proto.PostInjector); ok {
		h |= hookPostInject
	}
	if _, ok := v.(proto.Initializer); ok {
		h |= hookInit
	}
	if _, ok := v.(proto.PreDestroyer); ok {
		h |= hookPreDestroy
	}
	if _, ok := v.(proto.Destroyer); ok {
		h |= hookDestroy
	}
	return h
}

// protoDef is a registered proto, completed and checked, with what Build
// computes for it.
type protoDef struct {
	id     int
	desc   proto.Descriptor
	typ    reflect.Type   // the struct
	ptr    reflect.Type   // *struct
	rtype  unsafe.Pointer // the runtime type word of *struct, to rebuild objects kept as pointers
	name   string
	init   proto.InitType
	access proto.Access
	module string
	quals  proto.Qualifiers // user qualifiers plus initType and module
	pos    string
	newFn  func() any
	hooks  hooks
	fields []*fieldPlan
	slot   int // index in a scope's slot table, for context protos

	// replaced is the type of a Replacement's object, when one stands in.
	replaced reflect.Type

	// reachable from a singleton through always-new protos: its context
	// deps must go through a resolving proxy.
	fromSingleton bool

	// weaving
	planned map[string][]weave.PlannedAdvice // per advised method, from the declarations
	advised bool                             // advice applies to some method
	proxied bool                             // advice applies to a method of the generated proxy
	chainOf map[string]*weave.Chain          // per advised method
	chains  []*weave.Chain                   // per proxy method, for the proxy
	weaving int                              // 0 not yet, 1 in progress, 2 done

	// singleton state
	state    int // 0 not created, 1 creating, 2 created
	instance any
	proxy    any // the fixed-target proxy of an advised singleton
	ctxProxy any // the resolving proxy of a context proto
}

func (p *protoDef) String() string { return p.typ.String() }

// fieldPos is where field f is declared, when its descriptor knows the
// line, else where the proto is.
func (p *protoDef) fieldPos(f *fieldPlan) string {
	if f.Line > 0 && p.desc.Pos.File != "" {
		return proto.Pos{File: p.desc.Pos.File, Line: f.Line}.String()
	}
	return p.pos
}

// label names a proto in messages: "pkg.Type" plus its name when it is not
// the default one.
func (p *protoDef) label() string {
	if p.name != proto.DefaultName(p.typ.Name()) {
		return fmt.Sprintf("%s(%s)", p.typ, p.name)
	}
	return p.typ.String()
}

// complete turns a registration into a protoDef: what the descriptor leaves
// zero is read by reflection, once.
func (c *Container) complete(r registration) (*protoDef, []error) {
	d := r.desc
	if d.Type == nil {
		return nil, []error{&Error{Code: CodeBadProto, Pos: r.at, Msg: "descriptor without Type"}}
	}
	t := d.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pos := d.Pos.String()
	if pos == "" {
		pos = r.at
		if pos != "" {
			pos = "registered at " + pos
		}
	}
	init, mtag, ok := markerOf(t)
	if !ok && d.InitType == 0 {
		return nil, []error{&Error{Code: CodeBadProto, Proto: t.String(), Pos: pos,
			Msg: "no marker: embed proto.Singleton, proto.Context or proto.AlwaysNew as the first field"}}
	}
	var errs []error
	mt, err := proto.ParseMarkerTag(mtag)
	if err != nil {
		errs = append(errs, &Error{Code: CodeBadTag, Proto: t.String(), Field: t.Field(0).Name, Pos: pos, Msg: err.Error()})
	}
	p := &protoDef{desc: d, typ: t, ptr: reflect.PointerTo(t), module: t.PkgPath(), pos: pos}
	p.init = d.InitType
	if p.init == 0 {
		p.init = init
	}
	p.name = d.Name
	if p.name == "" {
		p.name = mt.Name
	}
	if p.name == "" {
		p.name = proto.DefaultName(t.Name())
	}
	p.access = mt.Access
	if d.Access == proto.Public {
		p.access = proto.Public
	}
	q := d.Qualifiers
	if q == nil {
		q = mt.Qualifiers
	}
	p.quals = q.With(proto.QualifierInitType, p.init.String()).With(proto.QualifierModule, p.module)
	p.newFn = d.New
	if p.newFn == nil {
		p.newFn = func() any { return reflect.New(t).Interface() }
	}
	sample := reflect.New(t).Interface()
	p.hooks, p.rtype = hooksOf(sample), typeOf(sample)

	fields := d.Fields
	if fields == nil {
		var ferrs []error
		fields, ferrs = reflectFields(t, pos)
		errs = append(errs, ferrs...)
	} else if stale := staleFields(t, fields, pos); stale != "" {
		return nil, []error{staleError(t, d, pos, stale)}
	}
	if d.Proxy != nil && d.Methods != nil {
		if stale := staleMethods(reflectMethods(p.ptr), d.Methods); stale != "" {
			return nil, []error{staleError(t, d, pos, stale)}
		}
	}
	for _, f := range fields {
		set := f.Set
		if set == nil {
			set = fieldSetter(f.Offset, f.Type)
		}
		p.fields = append(p.fields, &fieldPlan{Field: f, set: set, iface: f.Type.Kind() == reflect.Interface})
	}
	if d.Methods == nil {
		p.desc.Methods = reflectMethods(p.ptr)
	}
	return p, errs
}

// reflectFields reads the inject sites of t from its tags.
func reflectFields(t reflect.Type, pos string) ([]proto.Field, []error) {
	var out []proto.Field
	var errs []error
	for i := 1; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, err := proto.ParseFieldTag(sf.Tag)
		if err != nil {
			errs = append(errs, &Error{Code: CodeBadTag, Proto: t.String(), Field: sf.Name, Pos: pos, Msg: err.Error()})
			continue
		}
		if !tag.Inject {
			continue
		}
		if tag.Group != "" && sf.Type.Kind() != reflect.Slice {
			errs = append(errs, &Error{Code: CodeBadTag, Proto: t.String(), Field: sf.Name, Pos: pos,
				Msg: fmt.Sprintf("group %q needs a slice field, not %s", tag.Group, sf.Type)})
			continue
		}
		out = append(out, proto.Field{Name: sf.Name, Type: sf.Type, Offset: sf.Offset, Tag: tag})
	}
	return out, errs
}

// reflectMethods lists the exported methods of ptr but the lifecycle
// hooks, sorted by name as reflect gives them and as the generator emits
// them.
func reflectMethods(ptr reflect.Type) []proto.Method {
	out := make([]proto.Method, 0, ptr.NumMethod())
	for i := range ptr.NumMethod() {
		m := ptr.Method(i)
		if proto.IsHook(m.Name) {
			continue
		}
		out = append(out, proto.Method{Name: m.Name, CtxFirst: m.Type.NumIn() > 1 && m.Type.In(1) == ctxType})
	}
	return out
}

// staleFields compares a descriptor's fields with the inject sites of t;
// it returns what differs, "" when they agree. A generated descriptor that
// no longer matches its struct would leave an injected field nil or set
// the wrong one.
func staleFields(t reflect.Type, fields []proto.Field, pos string) string {
	want, errs := reflectFields(t, pos)
	if len(errs) > 0 {
		return ""
	}
	for i := 0; i < max(len(fields), len(want)); i++ {
		switch {
		case i >= len(fields):
			return fmt.Sprintf("the struct has inject field %s, which the descriptor lacks", want[i].Name)
		case i >= len(want):
			return fmt.Sprintf("the descriptor has field %s, which is no longer an inject field of the struct", fields[i].Name)
		case fields[i].Name != want[i].Name:
			return fmt.Sprintf("inject field %d is %s in the struct, %s in the descriptor", i, want[i].Name, fields[i].Name)
		case fields[i].Type != want[i].Type:
			return fmt.Sprintf("field %s is a %s in the struct, a %s in the descriptor", want[i].Name, want[i].Type, fields[i].Type)
		case !reflect.DeepEqual(fields[i].Tag, want[i].Tag):
			return fmt.Sprintf("field %s has other tags in the struct than in the descriptor", want[i].Name)
		case fields[i].Set == nil && fields[i].Offset != want[i].Offset:
			// the container would write at the descriptor's offset
			return fmt.Sprintf("field %s moved in the struct (offset %d, the descriptor says %d)", want[i].Name, want[i].Offset, fields[i].Offset)
		}
	}
	return ""
}

// staleMethods compares a proxy's methods with the struct's.
func staleMethods(want, got []proto.Method) string {
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			return fmt.Sprintf("the struct has method %s, which its proxy lacks", want[i].Name)
		case i >= len(want) || got[i].Name != want[i].Name:
			return fmt.Sprintf("the proxy has method %s, which the struct no longer has", got[i].Name)
		case got[i].CtxFirst != want[i].CtxFirst:
			return fmt.Sprintf("method %s changed its parameters", want[i].Name)
		}
	}
	return ""
}

func staleError(t reflect.Type, d proto.Descriptor, pos, detail string) error {
	dir := "its package"
	if d.Pos.File != "" {
		dir = "./" + path.Dir(d.Pos.File)
	}
	return &Error{Code: CodeStaleGenerated, Proto: t.String(), Pos: pos,
		Msg:  "the generated code no longer matches the struct: " + detail,
		Hint: "run go generate " + dir + " (teggo gen), then rebuild"}
}
