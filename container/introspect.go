package container

import (
	"errors"
	"reflect"

	"github.com/teggo/teggo/proto"
)

// Describe returns the descriptor the container derives by reflection for
// the proto struct type t (Name, InitType, Access, Qualifiers, Fields,
// Methods), exactly as Register(new(T)) would. Generated descriptors must
// agree with it on those fields; the generator's tests compare the two.
func Describe(t reflect.Type) (proto.Descriptor, error) {
	var c Container
	p, errs := c.complete(registration{desc: proto.Descriptor{Type: t}})
	if len(errs) > 0 {
		return proto.Descriptor{}, errors.Join(errs...)
	}
	d := p.desc
	d.Type, d.Name, d.InitType, d.Access = p.typ, p.name, p.init, p.access
	d.Qualifiers = nil
	for _, q := range p.quals {
		if q.Key != proto.QualifierInitType && q.Key != proto.QualifierModule {
			d.Qualifiers = append(d.Qualifiers, q)
		}
	}
	d.Fields = nil
	for _, f := range p.fields {
		ff := f.Field
		ff.Set = nil
		d.Fields = append(d.Fields, ff)
	}
	return d, nil
}

// Singletons returns the singleton objects in creation order (dependencies
// first), for code that runs hooks on every singleton, such as the App's
// lifecycle. It is empty before Build.
func (c *Container) Singletons() []any {
	out := make([]any, 0, len(c.created))
	for _, p := range c.created {
		out = append(out, p.instance)
	}
	return out
}

// Registered returns the struct types of every registered proto, in
// registration order, before or after Build.
func (c *Container) Registered() []reflect.Type {
	out := make([]reflect.Type, 0, len(c.regs))
	for _, r := range c.regs {
		if t := r.desc.Type; t != nil {
			if t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			out = append(out, t)
		}
	}
	return out
}
