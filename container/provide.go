package container

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"

	"go.uber.org/dig"
)

// Outside objects — a *sql.DB, a *slog.Logger, a config struct — come from
// constructors run by dig, with dig's names, groups and error messages. The
// container records what each constructor provides and needs, so Build can
// check inject sites against them before anything is constructed.

// digKey identifies a dig value: a type plus a name or a group.
type digKey struct {
	t     reflect.Type
	name  string
	group string
}

func (k digKey) String() string {
	switch {
	case k.name != "":
		return fmt.Sprintf("%s[name=%q]", k.t, k.name)
	case k.group != "":
		return fmt.Sprintf("%s[group=%q]", k.t, k.group)
	}
	return k.t.String()
}

// ctorInfo is one constructor given to Provide.
type ctorInfo struct {
	fn   any
	pos  string
	outs []digKey
}

// ProvideOption configures one constructor. They map to dig's options and
// are also recorded, so that Build can validate inject sites.
type ProvideOption struct {
	name  string
	group string
	as    []reflect.Type
}

// Name names the constructor's value, as dig.Name; inject it with
// `inject:"name"`.
func Name(name string) ProvideOption { return ProvideOption{name: name} }

// Group adds the constructor's value to a value group, as dig.Group; inject
// the group into a slice field with `inject:"" group:"name"`.
func Group(group string) ProvideOption { return ProvideOption{group: group} }

// As provides the value as each of the given interfaces instead of its own
// type, as dig.As; pass pointers to interfaces: As(new(io.Reader)).
func As(ifaces ...any) ProvideOption {
	var ts []reflect.Type
	for _, i := range ifaces {
		ts = append(ts, reflect.TypeOf(i).Elem())
	}
	return ProvideOption{as: ts}
}

var (
	digInType  = reflect.TypeFor[dig.In]()
	digOutType = reflect.TypeFor[dig.Out]()
)

// Provide registers a constructor with dig: a function whose parameters are
// its dependencies (other constructors' values) and whose results are the
// values it provides, optionally followed by an error. dig.In and dig.Out
// parameter and result structs work as in dig. The constructor runs at
// Build, only if some proto or constructor needs what it provides.
func (c *Container) Provide(constructor any, opts ...ProvideOption) error {
	_, file, line, _ := runtime.Caller(1)
	pos := fmt.Sprintf("%s:%d", file, line)
	if c.built.Load() {
		return c.fail(&Error{Code: CodeAlreadyBuilt, Pos: pos, Msg: "Provide after Build"})
	}
	ft := reflect.TypeOf(constructor)
	if ft == nil || ft.Kind() != reflect.Func {
		return c.fail(&Error{Code: CodeProvide, Pos: pos, Msg: fmt.Sprintf("Provide wants a function, got %T", constructor)})
	}
	var o ProvideOption
	var dopts []dig.ProvideOption
	for _, x := range opts {
		if x.name != "" {
			o.name = x.name
			dopts = append(dopts, dig.Name(x.name))
		}
		if x.group != "" {
			o.group = x.group
			dopts = append(dopts, dig.Group(x.group))
		}
		if len(x.as) > 0 {
			o.as = append(o.as, x.as...)
			var ptrs []any
			for _, t := range x.as {
				ptrs = append(ptrs, reflect.New(t).Interface())
			}
			dopts = append(dopts, dig.As(ptrs...))
		}
	}
	info := &ctorInfo{fn: constructor, pos: pos}
	for i := range ft.NumOut() {
		rt := ft.Out(i)
		switch {
		case rt == errorType && i == ft.NumOut()-1:
		case rt.Kind() == reflect.Struct && embeds(rt, digOutType):
			for j := range rt.NumField() {
				f := rt.Field(j)
				if f.Anonymous && f.Type == digOutType || !f.IsExported() {
					continue
				}
				group, _, _ := strings.Cut(f.Tag.Get("group"), ",")
				info.outs = append(info.outs, digKey{t: f.Type, name: f.Tag.Get("name"), group: group})
			}
		default:
			types := []reflect.Type{rt}
			if len(o.as) > 0 {
				types = o.as
			}
			for _, t := range types {
				info.outs = append(info.outs, digKey{t: t, name: o.name, group: o.group})
			}
		}
	}
	if err := c.dig.Provide(constructor, dopts...); err != nil {
		return c.fail(&Error{Code: CodeProvide, Pos: pos, Msg: "dig refused the constructor", Err: err})
	}
	c.ctors = append(c.ctors, info)
	for _, k := range info.outs {
		if k.group != "" {
			gk := digKey{t: k.t, group: k.group}
			c.groups[gk] = append(c.groups[gk], info)
			continue
		}
		c.digOut[k] = info
	}
	return nil
}

// Supply provides ready values, as fx.Supply: each value is provided under
// its own dynamic type.
func (c *Container) Supply(values ...any) error {
	for _, v := range values {
		t := reflect.TypeOf(v)
		if t == nil {
			return c.fail(&Error{Code: CodeProvide, Msg: "Supply(nil): the type of a nil value is unknown"})
		}
		rv := reflect.ValueOf(v)
		fn := reflect.MakeFunc(reflect.FuncOf(nil, []reflect.Type{t}, false),
			func([]reflect.Value) []reflect.Value { return []reflect.Value{rv} })
		if err := c.Provide(fn.Interface()); err != nil {
			return err
		}
	}
	return nil
}

func (c *Container) fail(err error) error {
	c.errs = append(c.errs, err)
	return err
}

func embeds(t, embedded reflect.Type) bool {
	for i := range t.NumField() {
		if f := t.Field(i); f.Anonymous && f.Type == embedded {
			return true
		}
	}
	return false
}

// invokeDig asks dig, in one Invoke, for every value the protos need, so
// that dig constructs them in its own order with its own error messages.
func (c *Container) invokeDig(keys []digKey) (map[digKey]reflect.Value, error) {
	out := make(map[digKey]reflect.Value, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	fields := []reflect.StructField{{Name: "In", Type: digInType, Anonymous: true}}
	for i, k := range keys {
		tag := ""
		switch {
		case k.name != "":
			tag = fmt.Sprintf(`name:%q`, k.name)
		case k.group != "":
			tag = fmt.Sprintf(`group:%q`, k.group)
		}
		t := k.t
		if k.group != "" {
			t = reflect.SliceOf(k.t)
		}
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: t, Tag: reflect.StructTag(tag)})
	}
	in := reflect.StructOf(fields)
	fn := reflect.MakeFunc(reflect.FuncOf([]reflect.Type{in}, nil, false), func(args []reflect.Value) []reflect.Value {
		for i, k := range keys {
			out[k] = args[0].Field(i + 1)
		}
		return nil
	})
	if err := c.dig.Invoke(fn.Interface()); err != nil {
		return nil, c.ctorFailure(err)
	}
	return out, nil
}

// ctorFailure turns dig's error into one naming the constructor that
// failed and where it was provided, with the constructor's own error as
// the cause: dig's message goes through the reflect function the container
// invokes it with, which says nothing to the user.
func (c *Container) ctorFailure(err error) *Error {
	cause := dig.RootCause(err)
	msg := err.Error()
	for _, info := range c.ctors {
		fn := runtime.FuncForPC(reflect.ValueOf(info.fn).Pointer())
		if fn == nil {
			continue
		}
		full := fn.Name() // "example.com/app/db.Open"
		cut := strings.LastIndexByte(full, '/') + 1
		pkg, name, ok := strings.Cut(full[cut:], ".")
		if !ok {
			continue
		}
		digName := strconv.Quote(full[:cut]+pkg) + "." + name // how dig writes it
		if strings.Contains(msg, "received non-nil error from function "+digName) {
			return &Error{Code: CodeProvide, Msg: fmt.Sprintf("constructor %s.%s (provided at %s) failed", pkg, name, info.pos), Err: cause}
		}
	}
	return &Error{Code: CodeProvide, Msg: "a constructor failed", Err: err}
}
