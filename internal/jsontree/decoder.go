package jsontree

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"unsafe"
)

// A request body is parsed once, into the generic value its schema is
// checked on (map[string]any, []any, string, bool, json.Number, nil).
// Decoding the body a second time with encoding/json cost as much as the
// parse; instead, a Decoder, compiled once per input type when its route
// is mounted, fills the input from that value directly.
//
// It does what encoding/json.Unmarshal would do with the same JSON, or
// says it cannot: a decoder reports false as soon as a value is outside
// what it handles (a key that matches a field only case-insensitively, a
// number that does not fit, a type mismatch), and the caller then decodes
// the raw body with encoding/json, which decides — and words any error —
// as always. Arrays, embedded structs and the ",string" option are left to
// encoding/json at Mount: their routes never take this path. A type with
// its own decoding gets the validated member (see customDecoder). A fuzz
// test holds the two decoders to the same results.

// Decoder fills the value at p from the parsed JSON value v, or reports
// false, possibly having written part of it. The caller then zeroes the
// value and decodes the raw JSON with encoding/json.
type Decoder func(p unsafe.Pointer, v any) bool

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// customDecoding reports a type encoding/json decodes through a method.
func customDecoding(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || pt.Implements(textUnmarshaler)
}

// treeField is one field of a struct for a Decoder: its JSON name, its
// offset and its decoder.
type treeField struct {
	name string
	off  uintptr
	dec  *Decoder
}

// treeCompiler compiles decoders, sharing one per type (recursive types
// refer to their own decoder through the pointer).
type treeCompiler map[reflect.Type]*Decoder

// BodyDecoder compiles the decoder of input type t for its JSON body
// fields (json-tagged), or returns nil when t is for encoding/json alone.
// encoding/json would also fill t's other exported fields (path, query,
// header and cookie fields, by their Go names) from members of those
// names: a body with such a member is left to it.
func BodyDecoder(t reflect.Type) Decoder {
	return treeCompiler{}.fieldsOf(t, true)
}

// jsonFieldName is the name encoding/json decodes an exported field from,
// false for options this decoder leaves to encoding/json.
func jsonFieldName(sf reflect.StructField) (string, bool) {
	tag := sf.Tag.Get("json")
	name, opts, _ := strings.Cut(tag, ",")
	for o := range strings.SplitSeq(opts, ",") {
		if o == "string" {
			return "", false
		}
	}
	if name == "" {
		name = sf.Name
	}
	return name, true
}

// dupNames reports two fields of one name: encoding/json's dominance rules
// decide those.
func dupNames(fs []treeField) bool {
	for i := range fs {
		for j := range i {
			if fs[i].name == fs[j].name {
				return true
			}
		}
	}
	return false
}

// compile returns the decoder of t, nil when t is left to encoding/json.
func (tc treeCompiler) compile(t reflect.Type) *Decoder {
	if d, ok := tc[t]; ok {
		return d
	}
	d := new(Decoder)
	tc[t] = d // before recursing: a recursive type finds itself
	fn := tc.build(t)
	if fn == nil {
		tc[t] = nil
		return nil
	}
	*d = fn
	return d
}

func (tc treeCompiler) build(t reflect.Type) Decoder {
	if t.Kind() == reflect.Pointer {
		// before the methods: encoding/json sets nil on null, else
		// allocates and decodes the element, methods and all
		return tc.pointerDecoder(t)
	}
	if customDecoding(t) {
		return customDecoder(t)
	}
	switch t.Kind() {
	case reflect.String:
		return decodeString
	case reflect.Bool:
		return decodeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return numberDecoder(t, ParseIntAt)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return numberDecoder(t, ParseUintAt)
	case reflect.Float32, reflect.Float64:
		return numberDecoder(t, ParseFloatAt)
	case reflect.Slice:
		return tc.sliceDecoder(t)
	case reflect.Map:
		return tc.mapDecoder(t)
	case reflect.Struct:
		return tc.structOf(t)
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return decodeAny
		}
	}
	return nil
}

// customDecoder decodes a type with its own decoding. A json.Unmarshaler
// (time.Time, json.RawMessage) gets the validated member re-encoded by
// json.Marshal — compact, object keys sorted — rather than the request's
// bytes; an encoding.TextUnmarshaler alone gets the string, as
// encoding/json gives it. null goes to UnmarshalJSON; for a
// TextUnmarshaler it leaves the value alone (encoding/json's rules). Any
// error gives the body back to encoding/json, which words it.
func customDecoder(t reflect.Type) Decoder {
	pt := reflect.PointerTo(t)
	if t.Kind() == reflect.Interface {
		return nil // encoding/json dispatches on the dynamic value: its rules
	}
	if pt.Implements(jsonUnmarshaler) {
		return func(p unsafe.Pointer, v any) bool {
			b, err := json.Marshal(v)
			if err != nil {
				return false
			}
			u := reflect.NewAt(t, p).Interface().(json.Unmarshaler)
			return u.UnmarshalJSON(b) == nil
		}
	}
	if pt.Implements(textUnmarshaler) {
		return func(p unsafe.Pointer, v any) bool {
			switch s := v.(type) {
			case string:
				u := reflect.NewAt(t, p).Interface().(encoding.TextUnmarshaler)
				return u.UnmarshalText([]byte(s)) == nil
			case nil:
				return true
			}
			return false
		}
	}
	return nil
}

func decodeString(p unsafe.Pointer, v any) bool {
	switch s := v.(type) {
	case string:
		*(*string)(p) = s
		return true
	case nil:
		return true // encoding/json: null leaves a string alone
	}
	return false
}

func decodeBool(p unsafe.Pointer, v any) bool {
	switch b := v.(type) {
	case bool:
		*(*bool)(p) = b
		return true
	case nil:
		return true
	}
	return false
}

// numberDecoder fills a number of t's kind and size from a JSON number
// with parse; null leaves it alone. A number that does not parse or fit
// gives the body back to encoding/json.
func numberDecoder(t reflect.Type, parse func(p unsafe.Pointer, bits int, s string) error) Decoder {
	bits := t.Bits()
	return func(p unsafe.Pointer, v any) bool {
		n, ok := v.(json.Number)
		if !ok {
			return v == nil
		}
		return parse(p, bits, string(n)) == nil
	}
}

// sliceDecoder fills a slice: null makes it nil, an array a new slice of
// its length (an empty, non-nil one for []), as encoding/json does into a
// nil slice.
func (tc treeCompiler) sliceDecoder(t reflect.Type) Decoder {
	if t.Elem().Kind() == reflect.String && !customDecoding(t.Elem()) {
		return func(p unsafe.Pointer, v any) bool {
			switch a := v.(type) {
			case []any:
				s := make([]string, len(a))
				for i, e := range a {
					str, ok := e.(string)
					if !ok && e != nil {
						return false
					}
					s[i] = str
				}
				*(*[]string)(p) = s
				return true
			case nil:
				*(*[]string)(p) = nil
				return true
			}
			return false
		}
	}
	elem := tc.compile(t.Elem())
	if elem == nil {
		return nil
	}
	size := t.Elem().Size()
	return func(p unsafe.Pointer, v any) bool {
		switch a := v.(type) {
		case []any:
			sv := reflect.MakeSlice(t, len(a), len(a))
			data := sv.UnsafePointer()
			for i, e := range a {
				if !(*elem)(unsafe.Add(data, uintptr(i)*size), e) {
					return false
				}
			}
			reflect.NewAt(t, p).Elem().Set(sv)
			return true
		case nil:
			reflect.NewAt(t, p).Elem().SetZero()
			return true
		}
		return false
	}
}

// pointerDecoder: null makes the pointer nil; anything else goes into a
// new value.
func (tc treeCompiler) pointerDecoder(t reflect.Type) Decoder {
	elem := tc.compile(t.Elem())
	if elem == nil {
		return nil
	}
	et := t.Elem()
	return func(p unsafe.Pointer, v any) bool {
		if v == nil {
			*(*unsafe.Pointer)(p) = nil
			return true
		}
		np := reflect.New(et).UnsafePointer()
		if !(*elem)(np, v) {
			return false
		}
		*(*unsafe.Pointer)(p) = np
		return true
	}
}

// mapDecoder fills a map with string keys: null makes it nil, an object a
// new map (the input is zero, so there is nothing to merge with).
func (tc treeCompiler) mapDecoder(t reflect.Type) Decoder {
	if t.Key().Kind() != reflect.String || customDecoding(t.Key()) {
		return nil
	}
	elem := tc.compile(t.Elem())
	if elem == nil {
		return nil
	}
	kt, et := t.Key(), t.Elem()
	return func(p unsafe.Pointer, v any) bool {
		mv := reflect.NewAt(t, p).Elem()
		switch m := v.(type) {
		case map[string]any:
			out := reflect.MakeMapWithSize(t, len(m))
			ev := reflect.New(et).Elem()
			for k, e := range m {
				ev.SetZero()
				if !(*elem)(ev.Addr().UnsafePointer(), e) {
					return false
				}
				out.SetMapIndex(reflect.ValueOf(k).Convert(kt), ev)
			}
			mv.Set(out)
			return true
		case nil:
			mv.SetZero()
			return true
		}
		return false
	}
}

// structOf compiles a nested struct: every exported field, by its JSON
// name, as encoding/json sees it.
func (tc treeCompiler) structOf(t reflect.Type) Decoder { return tc.fieldsOf(t, false) }

// fieldsOf compiles the decoder of struct t's fields, nil when t is left to
// encoding/json (embedding, options it does not handle, two fields of one
// name). For an input type (body), only json-tagged fields come from the
// body; the others are noted, so that a member naming one is left to
// encoding/json.
func (tc treeCompiler) fieldsOf(t reflect.Type, body bool) Decoder {
	var fields []treeField
	var others []string
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil // promotion rules: encoding/json's
		}
		if !sf.IsExported() || sf.Tag.Get("json") == "-" {
			continue
		}
		name, ok := jsonFieldName(sf)
		if !ok {
			return nil
		}
		if _, tagged := sf.Tag.Lookup("json"); body && !tagged {
			others = append(others, name)
			continue
		}
		d := tc.compile(sf.Type)
		if d == nil {
			return nil
		}
		fields = append(fields, treeField{name: name, off: sf.Offset, dec: d})
	}
	if dupNames(fields) {
		return nil
	}
	return structDecoder(fields, others)
}

// structDecoder fills a struct's fields from an object's members, matched
// by exact name. A member no field has is ignored, as encoding/json does —
// unless a field matches it case-insensitively, or it matches one of
// others (fields encoding/json would fill and this decoder does not): then
// the decoder gives up.
func structDecoder(fields []treeField, others []string) Decoder {
	return func(p unsafe.Pointer, v any) bool {
		m, ok := v.(map[string]any)
		if !ok {
			return v == nil
		}
		// look the fields up: cheaper than ranging over the map; the
		// members no field has are looked at only when there are some
		found := 0
		for i := range fields {
			f := &fields[i]
			e, ok := m[f.name]
			if !ok {
				continue
			}
			found++
			if !(*f.dec)(unsafe.Add(p, f.off), e) {
				return false
			}
		}
		if found == len(m) {
			return true
		}
	members:
		for k := range m {
			for i := range fields {
				if fields[i].name == k {
					continue members
				}
			}
			for i := range fields {
				if strings.EqualFold(fields[i].name, k) {
					return false
				}
			}
			for _, o := range others {
				if strings.EqualFold(o, k) {
					return false
				}
			}
		}
		return true
	}
}

// decodeAny fills an empty interface as encoding/json does: numbers as
// float64, objects as map[string]any, arrays as []any.
func decodeAny(p unsafe.Pointer, v any) bool {
	out, ok := plainValue(v)
	if ok {
		*(*any)(p) = out
	}
	return ok
}

func plainValue(v any) (any, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			pe, ok := plainValue(e)
			if !ok {
				return nil, false
			}
			out[k] = pe
		}
		return out, true
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			pe, ok := plainValue(e)
			if !ok {
				return nil, false
			}
			out[i] = pe
		}
		return out, true
	case string:
		// boxed anew: the value's own box may be an Arena's, the
		// string itself is not
		return x, true
	case bool, nil:
		return x, true
	}
	return nil, false
}
