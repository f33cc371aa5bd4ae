package gen

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// adviceHooks are the method names that make a type an advice.
var adviceHooks = []string{"BeforeCall", "AfterReturn", "AfterThrow", "AfterFinally", "Around"}

// bind checks each directive against the types it is written on and
// names, and turns it into a Decl of the model. Type directives are bound
// first, so a method's //teggo:http sees its type's //teggo:controller
// wherever the two are in the file.
func (a *analyzer) bind() {
	for _, typeLevel := range []bool{true, false} {
		for _, pd := range a.pending {
			if (pd.fn == nil) != typeLevel {
				continue
			}
			if err := a.bindOne(pd); err != nil {
				a.errs = append(a.errs, err)
			}
		}
	}
	slices.SortStableFunc(a.m.Decls, func(x, y Decl) int {
		p, q := x.Directive().Pos, y.Directive().Pos
		return cmp.Or(cmp.Compare(p.Filename, q.Filename), cmp.Compare(p.Line, q.Line), cmp.Compare(p.Column, q.Column))
	})
}

func (a *analyzer) bindOne(pd pendingDirective) *Error {
	d := pd.d
	pr := a.protos[pd.typ]
	if pr == nil {
		name := "the receiver"
		if pd.typ != nil {
			name = pd.typ.Name()
		}
		return d.errorf("%s is not a proto: embed proto.Singleton, proto.Context or proto.AlwaysNew as its first field", name)
	}
	var m *Method
	if pd.fn != nil {
		if !pd.fn.Exported() {
			return d.errorf("method %s.%s is not exported: only exported methods of a proto are proxied", pr.TypeName, pd.fn.Name())
		}
		if m = pr.method(pd.fn.Name()); m == nil {
			return nil // it cannot be proxied: reported with the method
		}
	}
	switch d.Name {
	case "pointcut":
		adv, err := a.adviceRef(pd.file, d.Args[0])
		if err != nil {
			return d.errorf("%v", err)
		}
		a.m.Decls = append(a.m.Decls, &Pointcut{D: d, Proto: pr, Method: m.Name, Advice: adv})
	case "crosscut":
		if err := isAdvice(pr.obj); err != nil {
			return d.errorf("%v", err)
		}
		c := &Crosscut{D: d, Advice: pr}
		if ref, ok := d.Get("type"); ok {
			t, err := a.structRef(pd.file, ref, "type")
			if err != nil {
				return d.errorf("%v", err)
			}
			c.Type = t
			if list, ok := d.Get("method"); ok {
				c.Methods = strings.Split(list, ",")
				for _, name := range c.Methods {
					if err := hasMethod(t, name); err != nil {
						return d.errorf("%v", err)
					}
				}
			}
		} else {
			c.TypeRe, _ = d.Get("typeRe")
			c.MethodRe, _ = d.Get("methodRe")
		}
		a.m.Decls = append(a.m.Decls, c)
	case "controller":
		if pr.Controller != nil {
			return d.errorf("%s has a //teggo:controller already, at line %d", pr.TypeName, pr.Controller.Pos.Line)
		}
		pr.Controller = d
		a.m.Decls = append(a.m.Decls, &Controller{D: d, Proto: pr})
	case "http":
		if pr.Controller == nil {
			return d.errorf("%s has no //teggo:controller: routes are methods of a controller", pr.TypeName)
		}
		if !isHandler(m) {
			return d.errorf("a handler is func(ctx context.Context[, in T]) ([Out, ]error), not %s", typeLabel(pd.fn.Type()))
		}
		a.m.Decls = append(a.m.Decls, &Route{D: d, Proto: pr, Method: m.Name, Summary: firstSentence(pd.doc)})
	case "middleware":
		if pr.Controller == nil {
			return d.errorf("%s has no //teggo:controller: middleware applies to controllers and their methods", pr.TypeName)
		}
		obj, err := a.ref(pd.file, d.Args[0])
		if err != nil {
			return d.errorf("%v", err)
		}
		switch o := obj.(type) {
		case *types.TypeName:
			if err := isAdvice(o); err != nil {
				return d.errorf("%v", err)
			}
		case *types.Func, *types.Var:
		default:
			return d.errorf("%s is neither an advice type nor an echo middleware (a func or a var)", d.Args[0])
		}
		mw := &Middleware{D: d, Proto: pr, Ref: obj}
		if m != nil {
			mw.Method = m.Name
		}
		a.m.Decls = append(a.m.Decls, mw)
	case "event":
		if len(m.Params) != 2 || !m.CtxFirst || isContext(m.Params[1]) || m.Variadic || len(m.Results) != 0 || !m.HasErr {
			return d.errorf("an event handler is func(ctx context.Context, e Event) error, not %s", typeLabel(pd.fn.Type()))
		}
		a.m.Decls = append(a.m.Decls, &EventHandler{D: d, Proto: pr, Method: m.Name, Event: m.Params[1]})
	case "schedule":
		for _, x := range a.m.Decls {
			if s, ok := x.(*Schedule); ok && s.Proto == pr {
				return d.errorf("%s has a //teggo:schedule already, at line %d", pr.TypeName, s.D.Pos.Line)
			}
		}
		sub := pr.method("Subscribe")
		if sub == nil || !sub.CtxFirst || !sub.HasErr {
			return d.errorf("%s needs a method Subscribe(ctx context.Context[, args]) error", pr.TypeName)
		}
		_, cron := d.Get("cron")
		_, interval := d.Get("interval")
		if !cron && !interval && pr.method("Schedule") == nil {
			return d.errorf("give cron= or interval=, or a method Schedule() schedule.Spec on %s", pr.TypeName)
		}
		a.m.Decls = append(a.m.Decls, &Schedule{D: d, Proto: pr})
	}
	return nil
}

// method returns the proxied method name, or nil.
func (p *Proto) method(name string) *Method {
	for _, m := range p.Methods {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// isHandler reports the HTTP handler shape func(ctx[, in]) ([out, ]error).
func isHandler(m *Method) bool {
	return m.CtxFirst && !m.Variadic && len(m.Params) <= 2 && m.HasErr && len(m.Results) <= 1
}

// ref resolves Name in the package scope, or pkg.Name through the
// imports of file.
func (a *analyzer) ref(file *ast.File, ref string) (types.Object, error) {
	if i := strings.LastIndexByte(ref, '.'); i > 0 && strings.Contains(ref[:i], "/") {
		return a.pathRef(ref[:i], ref[i+1:])
	}
	if pkgName, name, ok := strings.Cut(ref, "."); ok {
		fname := filepath.Base(a.fset.File(file.Pos()).Name())
		pn, _ := a.info.Scopes[file].Lookup(pkgName).(*types.PkgName)
		if pn == nil {
			return nil, fmt.Errorf("%s: %s does not import a package named %s", ref, fname, pkgName)
		}
		obj := pn.Imported().Scope().Lookup(name)
		if obj == nil || !obj.Exported() {
			return nil, fmt.Errorf("%s: package %s declares no exported %s", ref, pn.Imported().Path(), name)
		}
		return obj, nil
	}
	scope := a.m.types.Scope()
	obj := scope.Lookup(ref)
	if obj == nil {
		return nil, fmt.Errorf("%s is not declared in package %s%s", ref, a.m.Name, didYouMean(ref, scope.Names()))
	}
	return obj, nil
}

// pathRef resolves importPath.Name, a reference by import path: the file
// need not import the package (the generated code does). A package the
// loaded package imports is found among its imports; any other is loaded.
func (a *analyzer) pathRef(importPath, name string) (types.Object, error) {
	ref := importPath + "." + name
	var pkg *types.Package
	for _, p := range a.m.types.Imports() {
		if p.Path() == importPath {
			pkg = p
		}
	}
	if pkg == nil {
		pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes, Dir: a.m.Dir}, importPath)
		if err != nil || len(pkgs) != 1 || pkgs[0].Types == nil || len(pkgs[0].Errors) > 0 {
			msg := "package " + importPath + " cannot be loaded"
			if err != nil {
				msg = err.Error()
			} else if len(pkgs) == 1 && len(pkgs[0].Errors) > 0 {
				msg = pkgs[0].Errors[0].Msg // go's own words, as they are
			}
			return nil, fmt.Errorf("%s: %s", ref, msg)
		}
		pkg = pkgs[0].Types
	}
	obj := pkg.Scope().Lookup(name)
	if obj == nil || !obj.Exported() {
		return nil, fmt.Errorf("%s: package %s declares no exported %s", ref, importPath, name)
	}
	return obj, nil
}

// structRef resolves a reference to a named, non-generic struct type.
func (a *analyzer) structRef(file *ast.File, ref, what string) (*types.TypeName, error) {
	obj, err := a.ref(file, ref)
	if err != nil {
		return nil, err
	}
	tn, ok := obj.(*types.TypeName)
	if !ok {
		return nil, fmt.Errorf("%s %s is a %s, not a type", what, ref, kindOf(obj))
	}
	n, ok := types.Unalias(tn.Type()).(*types.Named)
	if !ok || n.TypeParams().Len() > 0 {
		return nil, fmt.Errorf("%s %s is not a named, non-generic struct type", what, ref)
	}
	if _, ok := n.Underlying().(*types.Struct); !ok {
		return nil, fmt.Errorf("%s %s is not a struct type", what, ref)
	}
	if err := namedOK(n.Obj(), a.m.types); err != nil {
		return nil, fmt.Errorf("%s %s: %v", what, ref, err)
	}
	return n.Obj(), nil
}

// adviceRef resolves the advice type of a pointcut.
func (a *analyzer) adviceRef(file *ast.File, ref string) (*types.TypeName, error) {
	tn, err := a.structRef(file, ref, "advice type")
	if err != nil {
		return nil, err
	}
	return tn, isAdvice(tn)
}

// isAdvice reports why the struct type tn is no advice.
func isAdvice(tn *types.TypeName) error {
	ms := types.NewMethodSet(types.NewPointer(tn.Type()))
	for _, h := range adviceHooks {
		if ms.Lookup(nil, h) != nil {
			return nil
		}
	}
	return fmt.Errorf("%s implements no advice hook (%s)", tn.Name(), strings.Join(adviceHooks, ", "))
}

// hasMethod reports why *tn has no exported method name.
func hasMethod(tn *types.TypeName, name string) error {
	ms := types.NewMethodSet(types.NewPointer(tn.Type()))
	if ms.Lookup(nil, name) != nil {
		return nil
	}
	var names []string
	for i := range ms.Len() {
		if n := ms.At(i).Obj().Name(); token.IsExported(n) {
			names = append(names, n)
		}
	}
	return fmt.Errorf("%s has no exported method %s%s", tn.Name(), name, didYouMean(name, names))
}

func kindOf(obj types.Object) string {
	switch obj.(type) {
	case *types.Func:
		return "func"
	case *types.Var:
		return "var"
	case *types.Const:
		return "const"
	}
	return "name"
}

// firstSentence returns the first sentence of a doc comment (Text drops
// the directives), on one line: an OpenAPI summary.
func firstSentence(doc string) string {
	doc = strings.Join(strings.Fields(doc), " ")
	if i := strings.Index(doc, ". "); i >= 0 {
		doc = doc[:i+1]
	}
	return doc
}
