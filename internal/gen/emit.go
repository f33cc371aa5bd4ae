package gen

import (
	"bytes"
	"fmt"
	"go/format"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"
)

// emitter writes one zz_teggo.go. It runs twice over the model: a first
// pass only records the packages that the text mentions (collecting), then
// import names are assigned, then the second pass writes the text. One
// code path thus decides both what is imported and what is written.
type emitter struct {
	p          *Package
	imp        *importSet
	collecting bool
	b          bytes.Buffer
}

// emitFile generates the file of package p.
func emitFile(p *Package, avail *availability) ([]byte, ErrorList) {
	var errs ErrorList
	for _, d := range p.Decls {
		if err := checkDecl(d, avail); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	imp := newImportSet(p.types)
	imp.reserve("Module")
	for _, pr := range p.Protos {
		if pr.proxy != "" {
			imp.reserve(pr.proxy, pr.proxyNew)
		}
	}
	e := &emitter{p: p, imp: imp, collecting: true}
	e.file()
	imp.assign()
	e.collecting = false
	e.b.Reset()
	e.file()
	src, err := format.Source(e.b.Bytes())
	if err != nil {
		return nil, ErrorList{{Msg: fmt.Sprintf("internal error: the code generated for %s does not parse: %v\n%s", p.Path, err, e.b.Bytes())}}
	}
	return src, nil
}

// file writes the whole file.
func (e *emitter) file() {
	e.printf("%s\n\npackage %s\n\n", Header, e.p.Name)
	if !e.collecting {
		e.printf("%s\n", e.imp.block())
	}
	e.module()
	for _, pr := range e.p.Protos {
		if len(pr.Proxied) > 0 {
			e.proxy(pr)
		}
	}
	e.extraFrames()
}

func (e *emitter) printf(format string, args ...any) {
	fmt.Fprintf(&e.b, format, args...)
}

// typ renders a type as the file refers to it.
func (e *emitter) typ(t types.Type) string {
	if e.collecting {
		e.imp.useType(t)
		return "T"
	}
	return e.imp.typeString(t)
}

// pkg returns the name under which the file imports path.
func (e *emitter) pkg(path, name string) string {
	if e.collecting {
		e.imp.use(path, name)
		return name
	}
	return e.imp.name(path)
}

// zero renders the zero value of t.
func (e *emitter) zero(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Info()&types.IsNumeric != 0:
			return "0"
		}
	case *types.Struct, *types.Array:
		return e.typ(t) + "{}"
	}
	return "nil"
}

// nillable reports whether nil is a value of t.
func nillable(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return true
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	}
	return false
}

// relPath renders a file name relative to the module root, with forward
// slashes, as generated positions are written.
func (e *emitter) relPath(file string) string {
	if rel, err := filepath.Rel(e.p.ModuleDir, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(file)
}

// quote renders s as a Go string literal, raw when that reads better
// (regexps with backslashes).
func quote(s string) string {
	if strings.Contains(s, `\`) && !strings.ContainsAny(s, "`\n\r") && strconv.CanBackquote(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}
