package gen

import (
	"errors"
	"fmt"
	"go/types"
	"slices"
	"strings"

	"github.com/teggo/teggo/proto"
)

// methods fills p.Methods: every exported method of *T, promoted ones
// included (but none from the marker nor the lifecycle hooks), sorted by
// name as reflect sorts them.
func (a *analyzer) methods(p *Proto) {
	ms := types.NewMethodSet(types.NewPointer(p.named))
	for i := range ms.Len() {
		sel := ms.At(i)
		fn, ok := sel.Obj().(*types.Func)
		if !ok || !fn.Exported() || proto.IsHook(fn.Name()) {
			continue
		}
		idx := sel.Index()
		where := ""
		at := a.pos(fn.Pos())
		if len(idx) > 1 {
			if idx[0] == 0 {
				continue // promoted from the marker
			}
			at = a.pos(p.fieldPos[idx[0]])
			where = fmt.Sprintf(" (promoted from field %s)", p.named.Underlying().(*types.Struct).Field(idx[0]).Name())
		}
		sig := fn.Signature()
		m := &Method{Name: fn.Name(), Variadic: sig.Variadic(), Pos: at}
		bad := func(err error) {
			if m.unproxiable == "" {
				m.unproxiable = fmt.Sprintf("proto %s: method %s%s cannot be proxied: %s", p.TypeName, fn.Name(), where, a.typeProblem(err, at))
			}
		}
		for v := range sig.Params().Variables() {
			if err := expressible(v.Type(), a.m.types); err != nil {
				bad(err)
			}
			m.Params = append(m.Params, v.Type())
			m.ParamNames = append(m.ParamNames, v.Name())
		}
		res := sig.Results()
		for j := 0; j < res.Len(); j++ {
			t := res.At(j).Type()
			if err := expressible(t, a.m.types); err != nil {
				bad(err)
			}
			if j == res.Len()-1 && isError(t) {
				m.HasErr = true
				break
			}
			m.Results = append(m.Results, t)
		}
		m.CtxFirst = len(m.Params) > 0 && isContext(m.Params[0])
		p.Methods = append(p.Methods, m)
	}
	slices.SortFunc(p.Methods, func(x, y *Method) int { return strings.Compare(x.Name, y.Name) })
}

// proxies decides which protos get a proxy and fills their Proxied: a
// proxy is what an interface inject site of an advised proto receives, so
// only a proto that can be injected by interface needs one — a public
// proto (other packages may), or one that a field of this package injects
// by an interface it implements. Advice gets none. HTTP routes, jobs and
// event handlers reach their methods through the method's chain, with no
// proxy.
func (a *analyzer) proxies() {
	byIface := map[*Proto]bool{}
	for _, q := range a.m.Protos {
		for _, f := range q.Fields {
			it, ok := f.Type.Underlying().(*types.Interface)
			if !ok || it.Empty() {
				continue
			}
			for _, p := range a.m.Protos {
				if types.Implements(types.NewPointer(p.named), it) {
					byIface[p] = true
				}
			}
		}
	}
	for _, p := range a.m.Protos {
		if len(p.Methods) == 0 || p.Access != proto.Public && !byIface[p] {
			continue
		}
		advice := false
		for _, m := range p.Methods {
			advice = advice || slices.Contains(adviceHooks, m.Name)
		}
		if advice {
			continue
		}
		ok := true
		for _, m := range p.Methods {
			if m.unproxiable != "" {
				a.errs.add(m.Pos, "%s", m.unproxiable)
				ok = false
			}
		}
		if !ok {
			continue
		}
		p.Proxied = p.Methods
		for i, m := range p.Proxied {
			m.Index = i
		}
	}
}

var errorType = types.Universe.Lookup("error").Type()

func isError(t types.Type) bool { return types.Identical(t, errorType) }

// isContext reports whether t is context.Context.
func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}

// errInvalid is an invalid type: the package does not type-check there.
var errInvalid = errors.New("invalid type")

// expressible reports why t cannot be written in a file of package from,
// or nil when it can.
func expressible(t types.Type, from *types.Package) error {
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.Invalid {
			return errInvalid
		}
	case *types.Alias:
		if err := namedOK(t.Obj(), from); err != nil {
			return err
		}
		for x := range t.TypeArgs().Types() {
			if err := expressible(x, from); err != nil {
				return err
			}
		}
	case *types.Named:
		if err := namedOK(t.Obj(), from); err != nil {
			return err
		}
		for x := range t.TypeArgs().Types() {
			if err := expressible(x, from); err != nil {
				return err
			}
		}
	case *types.Pointer:
		return expressible(t.Elem(), from)
	case *types.Slice:
		return expressible(t.Elem(), from)
	case *types.Array:
		return expressible(t.Elem(), from)
	case *types.Chan:
		return expressible(t.Elem(), from)
	case *types.Map:
		if err := expressible(t.Key(), from); err != nil {
			return err
		}
		return expressible(t.Elem(), from)
	case *types.Signature:
		for v := range t.Params().Variables() {
			if err := expressible(v.Type(), from); err != nil {
				return err
			}
		}
		for v := range t.Results().Variables() {
			if err := expressible(v.Type(), from); err != nil {
				return err
			}
		}
	case *types.Struct:
		for f := range t.Fields() {
			if !f.Exported() && f.Pkg() != from {
				return fmt.Errorf("it mentions a struct type with unexported field %s of package %s", f.Name(), f.Pkg().Path())
			}
			if err := expressible(f.Type(), from); err != nil {
				return err
			}
		}
	case *types.Interface:
		for m := range t.ExplicitMethods() {
			if !m.Exported() && m.Pkg() != from {
				return fmt.Errorf("it mentions an interface type with unexported method %s of package %s", m.Name(), m.Pkg().Path())
			}
			if err := expressible(m.Type(), from); err != nil {
				return err
			}
		}
		for e := range t.EmbeddedTypes() {
			if err := expressible(e, from); err != nil {
				return err
			}
		}
	case *types.TypeParam:
		return fmt.Errorf("it mentions the type parameter %s", t.Obj().Name())
	case *types.Union:
		for i := range t.Len() {
			if err := expressible(t.Term(i).Type(), from); err != nil {
				return err
			}
		}
	}
	return nil
}

// namedOK reports why the named type obj cannot be referred to from
// package from.
func namedOK(obj *types.TypeName, from *types.Package) error {
	pkg := obj.Pkg()
	if pkg == nil || pkg == from || pkg.Path() == from.Path() {
		if pkg != nil && obj.Parent() != nil && obj.Parent() != pkg.Scope() {
			return fmt.Errorf("it mentions %s, a type declared inside a function", obj.Name())
		}
		return nil
	}
	if !obj.Exported() {
		return fmt.Errorf("it mentions %s.%s, unexported in package %s", pkg.Name(), obj.Name(), pkg.Path())
	}
	if !importable(pkg.Path(), from.Path()) {
		return fmt.Errorf("it mentions %s.%s, from package %s, which %s may not import", pkg.Name(), obj.Name(), pkg.Path(), from.Path())
	}
	return nil
}

// importable applies the go command's internal-package rule.
func importable(path, from string) bool {
	var parent string
	switch {
	case path == "internal" || strings.HasPrefix(path, "internal/"):
		return !strings.Contains(strings.SplitN(from, "/", 2)[0], ".") // only the standard library
	case strings.HasSuffix(path, "/internal"):
		parent = strings.TrimSuffix(path, "/internal")
	default:
		i := strings.LastIndex(path, "/internal/")
		if i < 0 {
			return true
		}
		parent = path[:i]
	}
	return from == parent || strings.HasPrefix(from, parent+"/")
}
