package container

import (
	"reflect"
	"sync/atomic"
	"unsafe"
)

// Setters for inject fields of protos registered by reflection. They are
// derived once at Build from the field's offset and type, so creating an
// object per scope needs no reflection for the common field shapes: pointers
// (and other pointer-shaped kinds), interfaces and `any`. Other shapes (a
// struct or string provided by a constructor) fall back to reflect.Value.Set.
// Generated descriptors bring typed setters and use none of this.

// eface is the layout of an empty interface value.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// iface is the layout of a non-empty interface value.
type iface struct {
	tab  unsafe.Pointer
	data unsafe.Pointer
}

func dataOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).data }
func typeOf(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

// fieldSetter returns a setter that stores v in the field at offset of the
// struct that obj (a pointer) points to.
func fieldSetter(offset uintptr, t reflect.Type) func(obj, v any) {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return func(obj, v any) {
			*(*unsafe.Pointer)(unsafe.Add(dataOf(obj), offset)) = dataOf(v)
		}
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return func(obj, v any) {
				*(*any)(unsafe.Add(dataOf(obj), offset)) = v
			}
		}
		return ifaceSetter(offset, t)
	default:
		return func(obj, v any) {
			reflect.NewAt(t, unsafe.Add(dataOf(obj), offset)).Elem().Set(reflect.ValueOf(v))
		}
	}
}

// itabCache remembers the itab of one (interface, concrete type) pair.
type itabCache struct {
	typ unsafe.Pointer // the concrete type
	tab unsafe.Pointer // its itab for the field's interface
}

// ifaceSetter stores a value into a non-empty interface field. The itab of
// the concrete type is found once through reflect and cached: an inject site
// gets values of one concrete type (the proto or its proxy), so later stores
// are two word writes. Values stored in interfaces are always pointer-shaped
// here (protos and proxies are pointers); anything else takes reflect.
func ifaceSetter(offset uintptr, t reflect.Type) func(obj, v any) {
	var cache atomic.Pointer[itabCache]
	slow := func(obj, v any) {
		reflect.NewAt(t, unsafe.Add(dataOf(obj), offset)).Elem().Set(reflect.ValueOf(v))
	}
	return func(obj, v any) {
		if c := cache.Load(); c != nil && c.typ == typeOf(v) {
			*(*iface)(unsafe.Add(dataOf(obj), offset)) = iface{tab: c.tab, data: dataOf(v)}
			return
		}
		rv := reflect.ValueOf(v)
		if !pointerShaped(rv.Kind()) {
			slow(obj, v)
			return
		}
		tmp := reflect.New(t)
		tmp.Elem().Set(rv)
		tab := (*iface)(tmp.UnsafePointer()).tab
		cache.Store(&itabCache{typ: typeOf(v), tab: tab})
		*(*iface)(unsafe.Add(dataOf(obj), offset)) = iface{tab: tab, data: dataOf(v)}
	}
}

func pointerShaped(k reflect.Kind) bool {
	switch k {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	}
	return false
}
