package container

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/teggo/teggo/proto"
)

// depKind says where an inject field's value comes from.
type depKind uint8

const (
	depNone  depKind = iota // optional and absent: the field stays zero
	depProto                // a proto
	depDig                  // a constructor's value
	depInfo                 // the proto's own proto.ObjectInfo
)

var objectInfoType = reflect.TypeFor[proto.ObjectInfo]()

// fieldPlan is an inject field with its resolved source.
type fieldPlan struct {
	proto.Field
	set    func(obj, v any)
	iface  bool // the field is an interface: advised targets come through their proxy
	kind   depKind
	target *protoDef
	dig    digKey
	fixed  any // the value, when it is the same for every object (singletons, dig values)
}

// request is what an inject site or a lookup asks for.
type request struct {
	t     reflect.Type
	name  string
	quals proto.Qualifiers
	group string
	from  *protoDef // the requester; nil for lookups from outside
}

// resolve finds the proto or dig value that satisfies r: by name or type
// plus qualifiers; if several, prefer a context proto, then the
// requester's scope, then the requester's module; else an ambiguity.
func (c *Container) resolve(r request) (depKind, *protoDef, digKey, *Error) {
	if r.group != "" {
		k := digKey{t: r.t.Elem(), group: r.group}
		if len(c.groups[k]) == 0 {
			return depNone, nil, k, &Error{Code: CodeProtoNotFound, Msg: fmt.Sprintf("no constructor provides group %q of %s", r.group, k.t)}
		}
		return depDig, nil, k, nil
	}
	var cands, mismatched, private []*protoDef
	for _, p := range c.candidates(r) {
		if r.name != "" {
			if p.name != r.name {
				continue
			}
			if !p.ptr.AssignableTo(r.t) {
				mismatched = append(mismatched, p)
				continue
			}
		} else if !p.ptr.AssignableTo(r.t) {
			continue
		}
		if !p.quals.Satisfies(r.quals) {
			continue
		}
		if r.from != nil && p.access == proto.Private && p.module != r.from.module {
			private = append(private, p)
			continue
		}
		cands = append(cands, p)
	}
	dk := digKey{t: r.t, name: r.name}
	_, inDig := c.digOut[dk]
	if len(r.quals) > 0 {
		inDig = false // constructors carry no qualifiers
	}
	switch {
	case len(cands) == 0 && inDig:
		return depDig, nil, dk, nil
	case len(cands) == 0 && len(private) > 0:
		return depNone, nil, dk, &Error{Code: CodePrivateAccess,
			Msg:  fmt.Sprintf("%s is private to package %s", private[0].label(), private[0].module),
			Hint: fmt.Sprintf("declare it with `access:\"public\"` on its marker, or inject it only from %s", private[0].module)}
	case len(cands) == 0 && len(mismatched) > 0:
		return depNone, nil, dk, &Error{Code: CodeTypeMismatch,
			Msg: fmt.Sprintf("proto %q is a %s, which is not assignable to %s", r.name, mismatched[0].ptr, r.t)}
	case len(cands) == 0:
		return depNone, nil, dk, c.notFound(r)
	}
	if len(cands) > 1 {
		cands = narrow(cands, func(p *protoDef) bool { return p.init == proto.InitContext })
	}
	if len(cands) > 1 && r.from != nil {
		cands = narrow(cands, func(p *protoDef) bool { return p.init == r.from.init })
	}
	if len(cands) > 1 && r.from != nil {
		cands = narrow(cands, func(p *protoDef) bool { return p.module == r.from.module })
	}
	if len(cands) > 1 || inDig {
		var names []string
		for _, p := range cands {
			names = append(names, fmt.Sprintf("%s (name %q, %s)", p.label(), p.name, p.quals))
		}
		if inDig {
			names = append(names, fmt.Sprintf("constructor of %s at %s", dk, c.digOut[dk].pos))
		}
		return depNone, nil, dk, &Error{Code: CodeMultiProtoFound, Msg: fmt.Sprintf("%d candidates for %s", len(names), r.describe()),
			Candidates: names, Hint: "choose one with inject:\"name\" or qualifier:\"k=v\""}
	}
	return depProto, cands[0], dk, nil
}

// candidates narrows the protos to scan for r using the indexes: by name,
// by exact pointer type, or — for interfaces — every proto, scanned once per
// interface type and cached.
func (c *Container) candidates(r request) []*protoDef {
	if c.byName == nil {
		c.byName = map[string][]*protoDef{}
		c.byPtr = map[reflect.Type][]*protoDef{}
		c.byIface = map[reflect.Type][]*protoDef{}
		for _, p := range c.protos {
			c.byName[p.name] = append(c.byName[p.name], p)
			c.byPtr[p.ptr] = append(c.byPtr[p.ptr], p)
		}
	}
	switch {
	case r.name != "":
		return c.byName[r.name]
	case r.t.Kind() != reflect.Interface:
		return c.byPtr[r.t]
	}
	if ps, ok := c.byIface[r.t]; ok {
		return ps
	}
	var ps []*protoDef
	for _, p := range c.protos {
		if p.ptr.Implements(r.t) {
			ps = append(ps, p)
		}
	}
	c.byIface[r.t] = ps
	return ps
}

// narrow keeps the protos that match keep, unless none does.
func narrow(ps []*protoDef, keep func(*protoDef) bool) []*protoDef {
	var out []*protoDef
	for _, p := range ps {
		if keep(p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return ps
	}
	return out
}

func (r request) describe() string {
	s := r.t.String()
	if r.name != "" {
		s = fmt.Sprintf("name %q (%s)", r.name, r.t)
	}
	if len(r.quals) > 0 {
		s += " with qualifier " + r.quals.String()
	}
	return s
}

// notFound explains a miss and suggests the nearest name or type.
func (c *Container) notFound(r request) *Error {
	e := &Error{Code: CodeProtoNotFound, Msg: "nothing provides " + r.describe()}
	var names []string
	for _, p := range c.protos {
		if r.name != "" {
			names = append(names, p.name)
		} else {
			names = append(names, p.typ.Name())
		}
	}
	for k := range c.digOut {
		if r.name != "" && k.name != "" {
			names = append(names, k.name)
		}
	}
	slices.Sort(names)
	want := r.name
	if want == "" {
		want = r.t.Name()
		if r.t.Kind() == reflect.Pointer {
			want = r.t.Elem().Name()
		}
	}
	e.Hint = didYouMean(want, slices.Compact(names))
	if e.Hint == "" && r.name == "" && len(r.quals) > 0 {
		e.Hint = "a proto of that type exists only with other qualifiers"
		found := false
		for _, p := range c.protos {
			if p.ptr.AssignableTo(r.t) {
				found = true
			}
		}
		if !found {
			e.Hint = ""
		}
	}
	return e
}
