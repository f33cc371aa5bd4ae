package jsontree

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// A Converter turns a Go value into the generic JSON tree schemas are
// checked on (map[string]any, []any, string, bool, json.Number, nil), the way
// encoding/json would marshal it, without marshalling and decoding: the
// per-type plan is computed once. Types this fast path does not model
// (custom marshalers, embedded structs, the ",string" option) go through
// encoding/json. The zero Converter is ready to use, and safe for
// concurrent use.
type Converter struct {
	plans sync.Map // reflect.Type -> *convPlan
}

type convKind uint8

const (
	convMarshal convKind = iota + 1 // encoding/json round trip
	convText                        // encoding.TextMarshaler
	convBool
	convInt
	convUint
	convFloat
	convString
	convBytes
	convPointer
	convInterface
	convSequence
	convMap
	convStruct
)

type convPlan struct {
	kind   convKind
	elem   *convPlan // pointer, sequence, map values
	fields []convField
	once   sync.Once
	t      reflect.Type
}

type convField struct {
	index     int
	name      string
	omitEmpty bool
	omitZero  bool
	plan      *convPlan
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
)

func (c *Converter) plan(t reflect.Type) *convPlan {
	if p, ok := c.plans.Load(t); ok {
		return p.(*convPlan)
	}
	p, _ := c.plans.LoadOrStore(t, &convPlan{t: t})
	plan := p.(*convPlan)
	plan.once.Do(func() { c.fill(plan) })
	return plan
}

func (c *Converter) fill(p *convPlan) {
	t := p.t
	if t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType) {
		p.kind = convMarshal
		return
	}
	if t.Kind() != reflect.String && (t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)) {
		p.kind = convMarshal
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		p.kind = convBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.kind = convInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.kind = convUint
	case reflect.Float32, reflect.Float64:
		p.kind = convFloat
	case reflect.String:
		p.kind = convString
	case reflect.Interface:
		p.kind = convInterface
	case reflect.Pointer:
		p.kind = convPointer
		p.elem = c.lazy(t.Elem())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(jsonMarshalerType) {
			p.kind = convBytes
			return
		}
		p.kind = convSequence
		p.elem = c.lazy(t.Elem())
	case reflect.Array:
		p.kind = convSequence
		p.elem = c.lazy(t.Elem())
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			p.kind = convMarshal
			return
		}
		p.kind = convMap
		p.elem = c.lazy(t.Elem())
	case reflect.Struct:
		p.kind = convStruct
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				p.kind, p.fields = convMarshal, nil // embedding rules: leave them to encoding/json
				return
			}
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			cf := convField{index: i, name: name, plan: c.lazy(f.Type)}
			for _, o := range strings.Split(opts, ",") {
				switch o {
				case "omitempty":
					cf.omitEmpty = true
				case "omitzero":
					cf.omitZero = true
				case "string":
					p.kind, p.fields = convMarshal, nil
					return
				}
			}
			p.fields = append(p.fields, cf)
		}
		if hasDuplicateNames(p.fields) {
			p.kind, p.fields = convMarshal, nil
		}
	default:
		p.kind = convMarshal // chan, func, complex: encoding/json reports the error
	}
}

// lazy returns the plan of t without filling it yet, so that recursive types
// terminate; it is filled on first use.
func (c *Converter) lazy(t reflect.Type) *convPlan {
	p, _ := c.plans.LoadOrStore(t, &convPlan{t: t})
	return p.(*convPlan)
}

func hasDuplicateNames(fields []convField) bool {
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if seen[f.name] {
			return true
		}
		seen[f.name] = true
	}
	return false
}

// ToTree converts v, as encoding/json would marshal it; the zero
// reflect.Value is null. A value nested deeper than MaxConvertDepth (a
// cycle) or that JSON cannot represent (NaN) is an error.
func (c *Converter) ToTree(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	return c.convert(c.plan(v.Type()), v, 0)
}

// MaxConvertDepth bounds the nesting ToTree follows, so that a cyclic
// value ends in an error instead of exhausting the stack.
const MaxConvertDepth = 1000

func (c *Converter) convert(p *convPlan, v reflect.Value, depth int) (any, error) {
	p.once.Do(func() { c.fill(p) })
	if depth > MaxConvertDepth {
		return nil, fmt.Errorf("ajv: value nested deeper than %d levels (cycle?)", MaxConvertDepth)
	}
	switch p.kind {
	case convBool:
		return v.Bool(), nil
	case convInt:
		return json.Number(strconv.FormatInt(v.Int(), 10)), nil
	case convUint:
		return json.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case convFloat:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("ajv: unsupported value %v: not representable in JSON", f)
		}
		bits := 64
		if v.Kind() == reflect.Float32 {
			bits = 32
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, bits)), nil
	case convString:
		return v.String(), nil
	case convBytes:
		if v.IsNil() {
			return nil, nil
		}
		return base64.StdEncoding.EncodeToString(v.Bytes()), nil
	case convPointer, convInterface:
		if v.IsNil() {
			return nil, nil
		}
		e := v.Elem()
		ep := p.elem
		if p.kind == convInterface {
			ep = c.plan(e.Type())
		}
		return c.convert(ep, e, depth+1)
	case convSequence:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil, nil
		}
		out := make([]any, v.Len())
		for i := range out {
			x, err := c.convert(p.elem, v.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case convMap:
		if v.IsNil() {
			return nil, nil
		}
		out := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			x, err := c.convert(p.elem, iter.Value(), depth+1)
			if err != nil {
				return nil, err
			}
			out[iter.Key().String()] = x
		}
		return out, nil
	case convStruct:
		out := make(map[string]any, len(p.fields))
		for _, f := range p.fields {
			fv := v.Field(f.index)
			if f.omitEmpty && isEmptyValue(fv) {
				continue
			}
			if f.omitZero && isZeroValue(fv) {
				continue
			}
			x, err := c.convert(f.plan, fv, depth+1)
			if err != nil {
				return nil, err
			}
			out[f.name] = x
		}
		return out, nil
	}
	// convMarshal and convText.
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return nil, fmt.Errorf("ajv: marshal %s: %w", v.Type(), err)
	}
	return Parse(b, MaxConvertDepth)
}

// isEmptyValue is encoding/json's omitempty test.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// isZeroValue is encoding/json's omitzero test: an IsZero method if there is
// one, the zero value otherwise.
func isZeroValue(v reflect.Value) bool {
	if v.Type().Implements(isZeroerType) {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return v.Interface().(interface{ IsZero() bool }).IsZero()
	}
	if v.CanAddr() && reflect.PointerTo(v.Type()).Implements(isZeroerType) {
		return v.Addr().Interface().(interface{ IsZero() bool }).IsZero()
	}
	return v.IsZero()
}
