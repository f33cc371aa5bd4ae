package gen

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/teggo/teggo/internal/frames"
	"github.com/teggo/teggo/proto"
)

// protoPkgPath is the import path of the markers.
const protoPkgPath = "github.com/teggo/teggo/proto"

// markerNames maps a marker type name to its scope.
var markerNames = map[string]proto.InitType{
	"Singleton": proto.InitSingleton,
	"Context":   proto.InitContext,
	"AlwaysNew": proto.InitAlwaysNew,
}

// analyzer builds the model of one package.
type analyzer struct {
	l      *loaded
	m      *Package
	fset   *token.FileSet
	info   *types.Info
	errs   ErrorList
	protos map[*types.TypeName]*Proto
	// pending are the directives found on types and methods, bound to the
	// model once every proto is known.
	pending  []pendingDirective
	consumed map[*ast.Comment]bool
}

// pendingDirective is a directive with what it was written on.
type pendingDirective struct {
	d    *Directive
	file *ast.File
	typ  *types.TypeName // the type, or the method's receiver base type
	fn   *types.Func     // the method, for method directives
	doc  string          // the method's doc comment, directives left out
}

// analyze builds the model of a loaded package. It returns the problems it
// found; the model is only usable when there are none.
func analyze(l *loaded) (*Package, ErrorList) {
	p := l.pkg
	a := &analyzer{
		l:        l,
		fset:     p.Fset,
		info:     p.TypesInfo,
		protos:   map[*types.TypeName]*Proto{},
		consumed: map[*ast.Comment]bool{},
	}
	a.m = &Package{Path: p.PkgPath, Name: p.Name, Dir: filepath.Dir(l.genFile), types: p.Types, info: p.TypesInfo}
	a.m.ModuleDir = a.m.Dir
	if p.Module != nil && p.Module.Dir != "" {
		a.m.ModuleDir = p.Module.Dir
	}
	for _, f := range p.Syntax {
		if filepath.Base(a.fset.File(f.Pos()).Name()) == FileName {
			continue
		}
		a.file(f)
	}
	for _, pr := range a.protos {
		a.m.Protos = append(a.m.Protos, pr)
	}
	slices.SortFunc(a.m.Protos, func(x, y *Proto) int { return strings.Compare(x.TypeName, y.TypeName) })
	for _, pr := range a.m.Protos {
		a.methods(pr)
	}
	a.bind()
	a.proxies()
	a.names()
	for _, f := range p.Syntax {
		if filepath.Base(a.fset.File(f.Pos()).Name()) != FileName {
			a.misplaced(f)
		}
	}
	return a.m, a.errs
}

func (a *analyzer) pos(p token.Pos) token.Position { return a.fset.Position(p) }

// file reads the protos and directives of one file.
func (a *analyzer) file(f *ast.File) {
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.GenDecl:
			if decl.Tok != token.TYPE {
				continue
			}
			for _, spec := range decl.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && !decl.Lparen.IsValid() {
					doc = decl.Doc
				}
				obj, _ := a.info.Defs[ts.Name].(*types.TypeName)
				if obj == nil {
					continue
				}
				if st, ok := ts.Type.(*ast.StructType); ok {
					a.structType(ts, st, obj)
				}
				for _, d := range a.directives(doc, onType) {
					a.pending = append(a.pending, pendingDirective{d: d, file: f, typ: obj})
				}
			}
		case *ast.FuncDecl:
			if decl.Recv == nil || len(decl.Recv.List) == 0 {
				continue // directives here are reported as misplaced
			}
			fn, _ := a.info.Defs[decl.Name].(*types.Func)
			if fn == nil {
				continue
			}
			recv := receiverBase(fn)
			for _, d := range a.directives(decl.Doc, onMethod) {
				a.pending = append(a.pending, pendingDirective{d: d, file: f, typ: recv, fn: fn, doc: decl.Doc.Text()})
			}
		}
	}
}

// directives parses the directives of a doc comment written at where.
func (a *analyzer) directives(doc *ast.CommentGroup, where placement) []*Directive {
	if doc == nil {
		return nil
	}
	var out []*Directive
	for _, c := range doc.List {
		if !isDirective(c) {
			continue
		}
		a.consumed[c] = true
		d, err := parseDirective(c.Text, a.pos(c.Pos()))
		if err == nil {
			err = d.checkPlacement(where)
		}
		if err != nil {
			a.errs = append(a.errs, err)
			continue
		}
		out = append(out, d)
	}
	return out
}

// misplaced reports the directives of f that are not in the doc comment
// of a type or a method.
func (a *analyzer) misplaced(f *ast.File) {
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if !isDirective(c) {
				if rest, ok := nearDirective(c.Text); ok {
					a.errs = append(a.errs, &Error{Pos: a.pos(c.Pos()),
						Msg: fmt.Sprintf("%q is not read as a directive (did you mean //teggo:%s? no space after //)", c.Text, rest)})
				}
				continue
			}
			if a.consumed[c] {
				continue
			}
			d, err := parseDirective(c.Text, a.pos(c.Pos()))
			if err == nil {
				err = d.errorf("must be in %s", d.spec.place)
			}
			a.errs = append(a.errs, err)
		}
	}
}

// receiverBase returns the named type of a method's receiver.
func receiverBase(fn *types.Func) *types.TypeName {
	recv := fn.Signature().Recv()
	if recv == nil {
		return nil
	}
	t := types.Unalias(recv.Type())
	if ptr, ok := t.(*types.Pointer); ok {
		t = types.Unalias(ptr.Elem())
	}
	if n, ok := t.(*types.Named); ok {
		return n.Obj()
	}
	return nil
}

// markerOf reports whether t is a marker type, or a pointer to one.
func markerOf(t types.Type) (init proto.InitType, name string, ptr bool) {
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		t, ptr = types.Unalias(p.Elem()), true
	}
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != protoPkgPath {
		return 0, "", false
	}
	init = markerNames[n.Obj().Name()]
	return init, "proto." + n.Obj().Name(), ptr
}

// structType records a proto when st's first field is an embedded marker,
// and reports markers anywhere else.
func (a *analyzer) structType(ts *ast.TypeSpec, st *ast.StructType, obj *types.TypeName) {
	tst, ok := obj.Type().Underlying().(*types.Struct)
	if !ok {
		return
	}
	var fieldPos []token.Pos
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 {
			fieldPos = append(fieldPos, f.Type.Pos())
		}
		for _, n := range f.Names {
			fieldPos = append(fieldPos, n.Pos())
		}
	}
	if len(fieldPos) != tst.NumFields() {
		return // does not type-check; the compiler says why
	}
	name := obj.Name()
	isProto := false
	var init proto.InitType
	var marker string
	for i := range tst.NumFields() {
		fv := tst.Field(i)
		k, mname, ptr := markerOf(fv.Type())
		if k == 0 {
			continue
		}
		at := a.pos(fieldPos[i])
		switch {
		case ptr:
			a.errs.add(at, "proto %s: embed %s itself as the first field, not a pointer to it", name, mname)
		case !fv.Embedded():
			a.errs.add(at, "proto %s: the marker must be embedded: write %s, not %s %s", name, mname, fv.Name(), mname)
		case i == 0:
			isProto, init, marker = true, k, mname
		case isProto:
			a.errs.add(at, "proto %s: a proto has one marker; %s comes after %s", name, mname, marker)
		default:
			a.errs.add(at, "proto %s: marker %s must be the first field", name, mname)
		}
	}
	if !isProto {
		return
	}
	if ts.TypeParams != nil {
		a.errs.add(a.pos(ts.Name.Pos()), "proto %s: generic proto types are not supported", name)
		return
	}
	if ts.Assign.IsValid() {
		a.errs.add(a.pos(ts.Name.Pos()), "proto %s: declare a proto as a defined type (type %s struct{...}), not an alias", name, name)
		return
	}
	named, ok := types.Unalias(obj.Type()).(*types.Named)
	if !ok {
		return
	}
	mt, err := proto.ParseMarkerTag(reflect.StructTag(tst.Tag(0)))
	if err != nil {
		a.errs.add(a.pos(fieldPos[0]), "proto %s, marker %s: %v", name, marker, err)
	}
	p := &Proto{
		TypeName:   name,
		Name:       mt.Name,
		InitType:   init,
		Access:     mt.Access,
		Qualifiers: mt.Qualifiers,
		Pos:        a.pos(ts.Name.Pos()),
		obj:        obj,
		named:      named,
		fieldPos:   fieldPos,
	}
	if p.Name == "" {
		p.Name = proto.DefaultName(name)
	}
	for i := 1; i < tst.NumFields(); i++ {
		fv := tst.Field(i)
		at := a.pos(fieldPos[i])
		tag, err := proto.ParseFieldTag(reflect.StructTag(tst.Tag(i)))
		if err != nil {
			a.errs.add(at, "proto %s, field %s: %v", name, fv.Name(), err)
			continue
		}
		if !tag.Inject {
			continue
		}
		if err := expressible(fv.Type(), a.m.types); err != nil {
			a.errs.add(at, "proto %s, field %s: %s", name, fv.Name(), a.typeProblem(err, at))
			continue
		}
		if _, ok := fv.Type().Underlying().(*types.Slice); tag.Group != "" && !ok {
			a.errs.add(at, "proto %s, field %s: group %q needs a slice field, not %s", name, fv.Name(), tag.Group, typeLabel(fv.Type()))
			continue
		}
		p.Fields = append(p.Fields, &Field{Name: fv.Name(), Type: fv.Type(), Tag: tag, Pos: at})
	}
	a.protos[obj] = p
}

// typeProblem words an expressibility error, adding the type checker's
// message for an invalid type.
func (a *analyzer) typeProblem(err error, at token.Position) string {
	if err == errInvalid {
		return "its type does not type-check: " + a.l.typeErrorAt(at)
	}
	return err.Error()
}

// typeLabel renders t as %T would: qualified by package names.
func typeLabel(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}

// names sets the generated identifiers of every proto and method, and
// reports those already declared in the package.
func (a *analyzer) names() {
	type gen struct {
		what string
		pos  token.Position
	}
	generated := map[string]gen{}
	claim := func(name, what string, pos token.Position) {
		if prev, dup := generated[name]; dup {
			a.errs.add(pos, "teggo gen would declare %s twice: for %s and for %s; rename one of them", name, prev.what, what)
			return
		}
		generated[name] = gen{what, pos}
		if obj := a.m.types.Scope().Lookup(name); obj != nil {
			if name == "Module" {
				a.errs.add(a.pos(obj.Pos()), "package %s declares Module, which teggo gen generates (func Module() proto.Module in %s): rename it", a.m.Name, FileName)
				return
			}
			a.errs.add(a.pos(obj.Pos()), "package %s declares %s, which teggo gen generates for %s: rename it", a.m.Name, name, what)
		}
	}
	if len(a.m.Protos) > 0 {
		claim("Module", "the package", token.Position{})
	}
	need := map[string]bool{}
	for _, p := range a.m.Protos {
		if len(p.Proxied) == 0 {
			continue
		}
		p.proxy = proto.DefaultName(p.TypeName) + "Proxy"
		p.proxyNew = "new" + upperFirst(p.TypeName) + "Proxy"
		claim(p.proxy, "the proxy of "+p.TypeName, p.Pos)
		claim(p.proxyNew, "the proxy of "+p.TypeName, p.Pos)
		for _, m := range p.Proxied {
			ar, rr := len(m.Params), len(m.Results)
			if ar > frames.MaxFrameArgs || rr > frames.MaxFrameResults {
				name := frames.FrameName(ar, rr)
				if !need[name] {
					need[name] = true
					for _, n := range []string{name, "run" + frames.RunName(ar, rr)[3:], "call" + frames.CallName(ar, rr)[4:]} {
						claim(n, "the frame of "+p.TypeName+"."+m.Name, p.Pos)
					}
				}
			}
		}
	}
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// nearDirective reports whether a comment looks like a directive written
// with a space after "//" (`// teggo:http GET /`), which Go's directive
// convention and the generator do not read; rest is the text after "teggo:".
func nearDirective(text string) (rest string, ok bool) {
	t, found := strings.CutPrefix(text, "//")
	if !found || !strings.HasPrefix(t, " ") && !strings.HasPrefix(t, "\t") {
		return "", false
	}
	rest, ok = strings.CutPrefix(strings.TrimLeft(t, " \t"), "teggo:")
	return rest, ok
}
