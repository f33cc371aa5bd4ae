package container

import (
	"context"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/teggo/teggo/proto"
)

// lookupKey caches the resolution of one lookup.
type lookupKey struct {
	t    reflect.Type
	name string
}

// lookupResult is a resolved lookup: a proto (with whether its proxy
// applies) or a constructor's value, or the error.
type lookupResult struct {
	p     *protoDef
	value any // singletons and dig values: fixed after Build
	iface bool
	err   error
}

// typeKey is the identity of a reflect.Type as a plain pointer: a map keyed
// by it hashes one word instead of an interface.
func typeKey(t reflect.Type) unsafe.Pointer { return (*iface)(unsafe.Pointer(&t)).data }

// find resolves a lookup of type t (and name) once and caches it.
func (c *Container) find(t reflect.Type, name string) *lookupResult {
	if name == "" {
		if r := c.byType[typeKey(t)]; r != nil {
			return r
		}
	}
	k := lookupKey{t, name}
	if r, ok := c.lookups.Load(k); ok {
		return r.(*lookupResult)
	}
	r := &lookupResult{iface: t.Kind() == reflect.Interface}
	c.resolveMu.Lock()
	kind, p, dk, err := c.resolve(request{t: t, name: name})
	c.resolveMu.Unlock()
	switch {
	case err != nil:
		r.err = err
	case kind == depDig:
		v, derr := c.invokeDig([]digKey{dk})
		if derr != nil {
			r.err = derr
		} else {
			r.value = v[dk].Interface()
		}
	default:
		r.p = p
		if p.init == proto.InitSingleton {
			r.value = c.singletonValue(p, r.iface)
		}
	}
	c.lookups.Store(k, r)
	return r
}

func (c *Container) ready() error {
	if c.stopped.Load() {
		return &Error{Code: CodeStopped, Msg: "lookup in a stopped container"}
	}
	if !c.built.Load() {
		return &Error{Code: CodeNotBuilt, Msg: "lookup before Build succeeded", Hint: "call Build first"}
	}
	return nil
}

// Lookup returns the singleton (or constructor's value) of type T, or of
// type T and the given name. It needs no scope; a context proto is an error
// (TEGGO_NO_SCOPE). An interface T gets the proxy when advice applies.
// After Build, a lookup by a proto's own pointer type is a map read.
func Lookup[T any](c *Container, name ...string) (T, error) {
	var zero T
	if err := c.ready(); err != nil {
		return zero, err
	}
	r := c.find(reflect.TypeFor[T](), nameOf(name))
	if r.err != nil {
		return zero, r.err
	}
	if r.p != nil && r.p.init != proto.InitSingleton {
		return zero, &Error{Code: CodeNoScope, Proto: r.p.label(), Pos: r.p.pos,
			Msg: fmt.Sprintf("%s is a %s proto: it exists only inside a scope", r.p.label(), r.p.init), Hint: "open a scope and use container.Get(ctx)"}
	}
	return as[T](r.value)
}

// as asserts a resolved value to T; a replaced proto's object may not fit.
func as[T any](v any) (T, error) {
	t, ok := v.(T)
	if !ok {
		return t, &Error{Code: CodeTypeMismatch, Msg: fmt.Sprintf("the object resolved is a %T, not a %s", v, reflect.TypeFor[T]())}
	}
	return t, nil
}

// Get returns the object of type T (or of type T and the given name) for
// the scope ctx carries: context protos are the scope's own, created on
// first use; singletons and constructors' values are shared. An interface T
// gets the proxy when advice applies. Without a scope in ctx, Get fails with
// TEGGO_NO_SCOPE.
func Get[T any](ctx context.Context, name ...string) (T, error) {
	var zero T
	sc, ok := ScopeFrom(ctx)
	if !ok {
		return zero, &Error{Code: CodeNoScope, Msg: fmt.Sprintf("Get[%s] with a context that carries no scope", reflect.TypeFor[T]()),
			Hint: "open one with container.NewScope, or use container.Lookup for singletons"}
	}
	return GetIn[T](sc, name...)
}

// GetIn is Get with an explicit scope.
func GetIn[T any](sc *Scope, name ...string) (T, error) {
	var zero T
	c := sc.c
	if err := c.ready(); err != nil {
		return zero, err
	}
	if sc.has(scopeClosed) {
		return zero, sc.closedError(nil)
	}
	r := c.find(reflect.TypeFor[T](), nameOf(name))
	if r.err != nil {
		return zero, r.err
	}
	if r.p == nil || r.p.init == proto.InitSingleton {
		return as[T](r.value)
	}
	var v any
	var err error
	if r.p.init == proto.InitContext {
		v, err = sc.value(r.p, r.iface)
	} else {
		v, err = c.valueFor(sc, &fieldPlan{kind: depProto, target: r.p, iface: r.iface}, sc)
	}
	if err != nil {
		return zero, err
	}
	return as[T](v)
}

// MustGet is Get that panics on error, for wiring code and tests.
func MustGet[T any](ctx context.Context, name ...string) T {
	v, err := Get[T](ctx, name...)
	if err != nil {
		panic(err)
	}
	return v
}

func nameOf(name []string) string {
	if len(name) > 0 {
		return name[0]
	}
	return ""
}
