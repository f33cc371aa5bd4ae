package gen

import (
	"fmt"
	"go/types"
	"path"
	"slices"
	"strconv"
	"strings"
)

// importSet manages the imports of one generated file. Emission runs in
// two phases: first every package the file will mention is added (use,
// useType), then names are assigned once, in import-path order, avoiding
// each other and the identifiers of the package itself; only then is text
// written with qualifier and typeString. Assignment never depends on the
// order of use, so output is deterministic.
type importSet struct {
	self     string          // the generated package's path
	reserved map[string]bool // identifiers an import name must not shadow
	pkgNames map[string]string
	names    map[string]string // path → assigned name, after assign
}

func newImportSet(self *types.Package) *importSet {
	s := &importSet{self: self.Path(), reserved: map[string]bool{}, pkgNames: map[string]string{}}
	for _, n := range self.Scope().Names() {
		s.reserved[n] = true
	}
	return s
}

// use adds a package by path and name.
func (s *importSet) use(path, name string) {
	if path == s.self {
		return
	}
	if s.names != nil {
		panic("gen: import " + path + " added after names were assigned")
	}
	s.pkgNames[path] = name
}

// useType adds every package t mentions.
func (s *importSet) useType(t types.Type) {
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			s.use("unsafe", "unsafe")
		}
	case *types.Alias:
		s.useObj(t.Obj())
		for x := range t.TypeArgs().Types() {
			s.useType(x)
		}
	case *types.Named:
		s.useObj(t.Obj())
		for x := range t.TypeArgs().Types() {
			s.useType(x)
		}
	case *types.Pointer:
		s.useType(t.Elem())
	case *types.Slice:
		s.useType(t.Elem())
	case *types.Array:
		s.useType(t.Elem())
	case *types.Chan:
		s.useType(t.Elem())
	case *types.Map:
		s.useType(t.Key())
		s.useType(t.Elem())
	case *types.Signature:
		for v := range t.Params().Variables() {
			s.useType(v.Type())
		}
		for v := range t.Results().Variables() {
			s.useType(v.Type())
		}
	case *types.Struct:
		for f := range t.Fields() {
			s.useType(f.Type())
		}
	case *types.Interface:
		for m := range t.ExplicitMethods() {
			s.useType(m.Type())
		}
		for e := range t.EmbeddedTypes() {
			s.useType(e)
		}
	case *types.Union:
		for i := range t.Len() {
			s.useType(t.Term(i).Type())
		}
	}
}

func (s *importSet) useObj(obj types.Object) {
	if p := obj.Pkg(); p != nil {
		s.use(p.Path(), p.Name())
	}
}

// reserve keeps generated identifiers free of import names.
func (s *importSet) reserve(names ...string) {
	for _, n := range names {
		s.reserved[n] = true
	}
}

// assign gives every package its name: its own name when free, else the
// name with the smallest free numeric suffix, in import-path order.
func (s *importSet) assign() {
	paths := make([]string, 0, len(s.pkgNames))
	for p := range s.pkgNames {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	s.names = map[string]string{}
	taken := map[string]bool{}
	for _, p := range paths {
		base := s.pkgNames[p]
		name := base
		for i := 2; taken[name] || s.reserved[name]; i++ {
			name = base + strconv.Itoa(i)
		}
		taken[name] = true
		s.names[p] = name
	}
}

// name returns the name under which path is imported.
func (s *importSet) name(path string) string {
	n, ok := s.names[path]
	if !ok {
		panic("gen: package " + path + " used but not imported")
	}
	return n
}

// qualifier is the types.Qualifier of the generated file.
func (s *importSet) qualifier(p *types.Package) string {
	if p.Path() == s.self {
		return ""
	}
	return s.name(p.Path())
}

// typeString writes t as the generated file refers to it.
func (s *importSet) typeString(t types.Type) string {
	return types.TypeString(t, s.qualifier)
}

// isName reports whether n is the name of an import of the file.
func (s *importSet) isName(n string) bool {
	for _, x := range s.names {
		if x == n {
			return true
		}
	}
	return false
}

// block renders the import declaration: the standard library first, then
// the rest, each sorted by path.
func (s *importSet) block() string {
	if len(s.names) == 0 {
		return ""
	}
	var std, other []string
	for p, n := range s.names {
		line := strconv.Quote(p)
		if n != path.Base(p) {
			line = n + " " + line
		}
		if strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
			other = append(other, line)
		} else {
			std = append(std, line)
		}
	}
	byPath := func(a, b string) int { return strings.Compare(unalias(a), unalias(b)) }
	slices.SortFunc(std, byPath)
	slices.SortFunc(other, byPath)
	var b strings.Builder
	b.WriteString("import (\n")
	for _, l := range std {
		fmt.Fprintf(&b, "\t%s\n", l)
	}
	if len(std) > 0 && len(other) > 0 {
		b.WriteString("\n")
	}
	for _, l := range other {
		fmt.Fprintf(&b, "\t%s\n", l)
	}
	b.WriteString(")\n")
	return b.String()
}

// unalias strips the name of an import line, leaving the quoted path.
func unalias(line string) string {
	if i := strings.IndexByte(line, '"'); i > 0 {
		return line[i:]
	}
	return line
}
