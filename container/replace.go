package container

import (
	"fmt"
	"reflect"

	"github.com/teggo/teggo/proto"
)

// Replacement stands a ready object in for the proto of the given name, for
// tests (egg-mock's mockService): every inject site and lookup that resolves
// to that proto gets Object instead. The replaced proto behaves as a
// singleton holding Object: nothing is created, injected into Object, nor
// destroyed. Object must fit every inject site that resolves to the proto
// (an interface site takes any implementation; a concrete site needs the
// same type), or Build fails with TEGGO_TYPE_MISMATCH. Register it like a
// proto: c.Register(container.Replacement{Name: "topicRepo", Object: fake}).
type Replacement struct {
	Name   string
	Object any
}

// applyReplacements swaps replaced protos' plans for their objects.
func (c *Container) applyReplacements() []error {
	var errs []error
	for _, d := range c.decls {
		r, ok := d.(Replacement)
		if !ok {
			continue
		}
		var found []*protoDef
		for _, p := range c.protos {
			if p.name == r.Name {
				found = append(found, p)
			}
		}
		if len(found) != 1 || r.Object == nil {
			var names []string
			for _, p := range c.protos {
				names = append(names, p.name)
			}
			msg := fmt.Sprintf("Replacement of %q matches %d protos, want 1", r.Name, len(found))
			if r.Object == nil {
				msg = fmt.Sprintf("Replacement of %q has no Object", r.Name)
			}
			errs = append(errs, &Error{Code: CodeProtoNotFound, Msg: msg, Hint: didYouMean(r.Name, names)})
			continue
		}
		p, obj := found[0], r.Object
		p.init, p.fields, p.hooks, p.replaced = proto.InitSingleton, nil, 0, reflect.TypeOf(obj)
		p.newFn = func() any { return obj }
	}
	return errs
}

// checkReplacements checks that each replaced proto's object fits every
// inject site resolved to it.
func (c *Container) checkReplacements() []error {
	var errs []error
	for _, p := range c.protos {
		for _, f := range p.fields {
			if t := f.target; f.kind == depProto && t.replaced != nil && !t.replaced.AssignableTo(f.Type) {
				errs = append(errs, &Error{Code: CodeTypeMismatch, Proto: p.label(), Field: f.Name, Pos: p.fieldPos(f),
					Msg:  fmt.Sprintf("the replacement of %q is a %s, which does not fit %s", t.name, t.replaced, f.Type),
					Hint: "declare the field as an interface, or replace with an object of the field's type"})
			}
		}
	}
	return errs
}

// DeclaredAt returns "" (proto.Decl): a replacement is named by its proto.
func (r Replacement) DeclaredAt() string { return "" }
