package http

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"net/textproto"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/ajv"
	"github.com/teggo/teggo/internal/jsontree"
)

// where is a binding location.
type where uint8

const (
	inPath where = iota
	inQuery
	inHeader
	inCookie
	inBody
	numWhere
)

var whereNames = [numWhere]string{"path", "query", "header", "cookie", "body"}
var whereTags = [inBody]string{"param", "query", "header", "cookie"}

// bindField is one non-body field of an input type, with everything needed
// to fill it from a request without reflection.
type bindField struct {
	at    where
	name  string // as tagged, for locations ("X-Request-Id")
	key   string // lookup key: canonical header name, query or cookie name
	index int    // position of a path parameter in the route path
	off   uintptr
	field string // Go field name
	conv  *conv
}

// bindPlan is how one route fills its input, computed once at Mount.
type bindPlan struct {
	typ       reflect.Type
	fields    []bindField
	body      bool // the type has JSON body fields
	needQuery bool
	// validate says which locations have a schema to check (a jsonschema
	// tag or a required field); the others are fully checked by parsing.
	validate     [inBody]bool
	hasTransform bool
	// pathOnly: the input is path parameters into plain strings, nothing
	// to validate or transform — bound by bindPath, without parsers
	pathOnly bool

	bodySchema *ajv.Schema
	// decode fills the body fields from the validated body, nil when the
	// type is left to encoding/json (see jsontree.Decoder)
	decode jsontree.Decoder
	// locSchema is each location's schema (for OpenAPI; checked only
	// where validate says so)
	locSchema [inBody]*ajv.Schema
	// synthetic struct types whose schemas are the locations' schemas
	bodyType reflect.Type
	locType  [inBody]reflect.Type
}

// planBinding reads the input type t of a route at path. It reports every
// problem: unsupported field types, a path parameter absent from the path.
func planBinding(t reflect.Type, path string) (*bindPlan, []string) {
	if t.Kind() != reflect.Struct {
		return nil, []string{fmt.Sprintf("input %s must be a struct", t)}
	}
	p := &bindPlan{typ: t}
	var errs []string
	params := pathParams(path)
	var bodyFields []reflect.StructField
	var locFields [inBody][]reflect.StructField
	for i := range t.NumField() {
		sf := t.Field(i)
		at, name, tagged := fieldWhere(sf)
		if !tagged {
			if sf.Anonymous {
				errs = append(errs, fmt.Sprintf("input %s: embedded field %s is not supported; give it a name and tags", t, sf.Name))
			}
			if !sf.IsExported() {
				continue
			}
			if _, ok := sf.Tag.Lookup("json"); !ok {
				continue
			}
			if strings.Split(sf.Tag.Get("json"), ",")[0] == "-" {
				continue
			}
			p.body = true
			bodyFields = append(bodyFields, sf)
			if sf.Tag.Get("transform") != "" || hasTransform(sf.Type, map[reflect.Type]bool{}) {
				p.hasTransform = true
			}
			continue
		}
		if !sf.IsExported() {
			errs = append(errs, fmt.Sprintf("input %s: field %s is tagged %s but unexported", t, sf.Name, whereTags[at]))
			continue
		}
		if name == "" {
			errs = append(errs, fmt.Sprintf("input %s: field %s has an empty %s tag", t, sf.Name, whereTags[at]))
			continue
		}
		cv, err := convFor(sf.Type)
		if err != "" {
			errs = append(errs, fmt.Sprintf("input %s: field %s (%s %q): %s", t, sf.Name, whereTags[at], name, err))
			continue
		}
		f := bindField{at: at, name: name, key: name, off: sf.Offset, field: sf.Name, conv: cv}
		switch at {
		case inPath:
			f.index = slices.Index(params, name)
			if f.index < 0 {
				errs = append(errs, fmt.Sprintf("input %s: field %s binds path parameter %q, which path %s does not have (it has %v)",
					t, sf.Name, name, path, params))
				continue
			}
		case inQuery:
			p.needQuery = true
		case inHeader:
			f.key = httpCanonical(name)
		}
		schemaTag := sf.Tag.Get("jsonschema")
		required := at == inPath || hasItem(schemaTag, "required")
		if schemaTag != "" || required && at != inPath {
			p.validate[at] = true
		}
		if sf.Tag.Get("transform") != "" {
			p.hasTransform = true
		}
		// The location's schema is generated from a struct with one field
		// per parameter, named as the parameter.
		jsonTag := name
		if !required {
			jsonTag += ",omitempty"
		}
		tag := fmt.Sprintf(`json:%q`, jsonTag)
		if st := dropItem(schemaTag, "required"); st != "" {
			tag += fmt.Sprintf(` jsonschema:%q`, st)
		}
		if tr := sf.Tag.Get("transform"); tr != "" {
			tag += fmt.Sprintf(` transform:%q`, tr)
		}
		locFields[at] = append(locFields[at], reflect.StructField{Name: sf.Name, Type: sf.Type, Tag: reflect.StructTag(tag)})
		p.fields = append(p.fields, f)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	p.pathOnly = !p.body && !p.hasTransform && !p.validate[inPath] && len(p.fields) > 0
	for _, f := range p.fields {
		p.pathOnly = p.pathOnly && f.at == inPath && f.conv.str
	}
	if p.body {
		for i := range bodyFields {
			bodyFields[i].Index, bodyFields[i].Offset = nil, 0
		}
		p.bodyType = reflect.StructOf(bodyFields)
		p.decode = jsontree.BodyDecoder(t)
	}
	for at, fs := range locFields {
		if len(fs) > 0 {
			p.locType[at] = reflect.StructOf(fs)
		}
	}
	return p, nil
}

// fieldWhere reports which location tag a field carries.
func fieldWhere(sf reflect.StructField) (where, string, bool) {
	for at, tag := range whereTags {
		if v, ok := sf.Tag.Lookup(tag); ok {
			return where(at), strings.TrimSpace(v), true
		}
	}
	return 0, "", false
}

func hasItem(list, item string) bool {
	for s := range strings.SplitSeq(list, ",") {
		if strings.TrimSpace(s) == item {
			return true
		}
	}
	return false
}

func dropItem(list, item string) string {
	var out []string
	for s := range strings.SplitSeq(list, ",") {
		if t := strings.TrimSpace(s); t != "" && t != item {
			out = append(out, s)
		}
	}
	return strings.Join(out, ",")
}

// hasTransform reports whether a transform tag appears anywhere in t.
func hasTransform(t reflect.Type, seen map[reflect.Type]bool) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return false
	}
	seen[t] = true
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("transform") != "" || hasTransform(f.Type, seen) {
			return true
		}
	}
	return false
}

func httpCanonical(name string) string { return textproto.CanonicalMIMEHeaderKey(name) }

// compile makes the location and body schemas with a.
func (p *bindPlan) compile(a *ajv.Ajv) error {
	if p.bodyType != nil {
		s, err := a.SchemaFor(p.bodyType)
		if err != nil {
			return fmt.Errorf("body schema of %s: %w", p.typ, err)
		}
		p.bodySchema = s
	}
	for at, t := range p.locType {
		if t == nil {
			continue
		}
		s, err := a.SchemaFor(t)
		if err != nil {
			return fmt.Errorf("%s schema of %s: %w", whereNames[at], p.typ, err)
		}
		p.locSchema[at] = s
	}
	return nil
}

// bindPath fills an input of path parameters into plain strings (pathOnly)
// at base: what bindParams would do for it, without parsers, so that the
// input need not leave the handler's stack.
func (p *bindPlan) bindPath(c echo.Context, base unsafe.Pointer) {
	pv := c.ParamValues()
	for i := range p.fields {
		f := &p.fields[i]
		if f.index >= len(pv) {
			continue
		}
		v := pv[f.index]
		if strings.IndexByte(v, '%') >= 0 {
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
		}
		*(*string)(unsafe.Add(base, f.off)) = v
	}
}

// bindParams fills the non-body fields of the input at base from the
// request, and returns every violation: values that do not parse, and
// what the locations' schemas reject.
func (p *bindPlan) bindParams(c echo.Context, base unsafe.Pointer) (viols []Violation, omitted int) {
	var (
		insts [inBody]map[string]any
		q     url.Values
	)
	if p.needQuery {
		q = c.QueryParams()
	}
	req := c.Request()
	for i := range p.fields {
		f := &p.fields[i]
		var vals []string
		var single string // a path parameter or a cookie: one value
		switch f.at {
		case inPath:
			pv := c.ParamValues()
			if f.index >= len(pv) {
				continue
			}
			v := pv[f.index]
			if strings.IndexByte(v, '%') >= 0 {
				if u, err := url.PathUnescape(v); err == nil {
					v = u
				}
			}
			single = v
		case inQuery:
			vals = q[f.key]
		case inHeader:
			vals = req.Header[f.key]
		case inCookie:
			ck, err := req.Cookie(f.key)
			if err != nil {
				continue
			}
			single = ck.Value
		}
		if len(vals) == 0 && f.at != inPath && f.at != inCookie {
			continue
		}
		ptr := unsafe.Add(base, f.off)
		validate := p.validate[f.at]
		if validate && insts[f.at] == nil {
			insts[f.at] = make(map[string]any, 4)
		}
		var err error
		if vals == nil {
			err = f.conv.setOne(ptr, single)
		} else {
			err = f.conv.set(ptr, vals)
		}
		if err != nil {
			if validate {
				// the schema reports the type, with ajv's words
				if vals == nil {
					vals = []string{single}
				}
				insts[f.at][f.name] = rawInstance(f.conv, vals)
				continue
			}
			viols = append(viols, Violation{Location: whereNames[f.at] + "." + f.name, Message: "must be " + f.conv.jsonType,
				Code: "type", Params: map[string]any{"type": f.conv.jsonType}})
			continue
		}
		if validate {
			insts[f.at][f.name] = f.conv.instance(ptr)
		}
	}
	for at, s := range p.locSchema {
		if s == nil || !p.validate[at] {
			continue
		}
		inst := insts[at]
		if inst == nil {
			inst = map[string]any{}
		}
		if err := s.ValidateInstance(inst); err != nil {
			var ipe *ajv.InvalidParamError
			if errors.As(err, &ipe) {
				viols = append(viols, violations(whereNames[at], ipe)...)
				omitted += ipe.Omitted
				continue
			}
			viols = append(viols, Violation{Location: whereNames[at], Message: err.Error(), Code: "schema"})
		}
	}
	return viols, omitted
}

func rawInstance(cv *conv, vals []string) any {
	if cv.slice {
		out := make([]any, len(vals))
		for i, v := range vals {
			out[i] = v
		}
		return out
	}
	return vals[0]
}

// conv parses request strings into a field of one type.
type conv struct {
	slice    bool
	jsonType string // JSON Schema type of the (element) value
	one      func(p unsafe.Pointer, s string) error
	inst     func(p unsafe.Pointer) any
	elem     reflect.Type
	size     uintptr
	ptr      bool // the field is *elem
	str      bool // the field is a plain string: set as is
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// convFor returns the converter for a field type: string, bool, ints,
// uints, floats, encoding.TextUnmarshaler, a pointer to one of those
// (nil when absent), or a slice of those (repeated values).
func convFor(t reflect.Type) (*conv, string) {
	cv := &conv{}
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 {
		cv.slice = true
		t = t.Elem()
	} else if t.Kind() == reflect.Pointer && !reflect.PointerTo(t).Implements(textUnmarshaler) {
		cv.ptr = true
		t = t.Elem()
	}
	cv.elem, cv.size = t, t.Size()
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		cv.jsonType = "string"
		cv.one = func(p unsafe.Pointer, s string) error {
			return reflect.NewAt(t, p).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
		}
		cv.inst = func(p unsafe.Pointer) any {
			if m, ok := reflect.NewAt(t, p).Interface().(encoding.TextMarshaler); ok {
				if b, err := m.MarshalText(); err == nil {
					return string(b)
				}
			}
			return fmt.Sprint(reflect.NewAt(t, p).Elem().Interface())
		}
		return cv, ""
	}
	switch k := t.Kind(); k {
	case reflect.String:
		cv.jsonType = "string"
		cv.str = !cv.slice && !cv.ptr
		cv.one = func(p unsafe.Pointer, s string) error { *(*string)(p) = s; return nil }
		cv.inst = func(p unsafe.Pointer) any { return *(*string)(p) }
	case reflect.Bool:
		cv.jsonType = "boolean"
		cv.one = func(p unsafe.Pointer, s string) error {
			b, err := strconv.ParseBool(s)
			*(*bool)(p) = b
			return err
		}
		cv.inst = func(p unsafe.Pointer) any { return *(*bool)(p) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		cv.jsonType = "integer"
		bits := int(t.Size() * 8)
		cv.one = func(p unsafe.Pointer, s string) error { return jsontree.ParseIntAt(p, bits, s) }
		cv.inst = func(p unsafe.Pointer) any {
			var n int64
			switch bits {
			case 8:
				n = int64(*(*int8)(p))
			case 16:
				n = int64(*(*int16)(p))
			case 32:
				n = int64(*(*int32)(p))
			default:
				n = *(*int64)(p)
			}
			return json.Number(strconv.FormatInt(n, 10))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		cv.jsonType = "integer"
		bits := int(t.Size() * 8)
		cv.one = func(p unsafe.Pointer, s string) error { return jsontree.ParseUintAt(p, bits, s) }
		cv.inst = func(p unsafe.Pointer) any {
			var n uint64
			switch bits {
			case 8:
				n = uint64(*(*uint8)(p))
			case 16:
				n = uint64(*(*uint16)(p))
			case 32:
				n = uint64(*(*uint32)(p))
			default:
				n = *(*uint64)(p)
			}
			return json.Number(strconv.FormatUint(n, 10))
		}
	case reflect.Float32, reflect.Float64:
		cv.jsonType = "number"
		bits := int(t.Size() * 8)
		cv.one = func(p unsafe.Pointer, s string) error { return jsontree.ParseFloatAt(p, bits, s) }
		cv.inst = func(p unsafe.Pointer) any {
			if bits == 32 {
				return json.Number(strconv.FormatFloat(float64(*(*float32)(p)), 'g', -1, 32))
			}
			return json.Number(strconv.FormatFloat(*(*float64)(p), 'g', -1, 64))
		}
	default:
		return nil, fmt.Sprintf("unsupported type %s (want string, bool, a number, an encoding.TextUnmarshaler, a pointer to or a slice of those)", t)
	}
	return cv, ""
}

// set parses vals into the field at p: the first value for a scalar, all
// of them for a slice.
func (cv *conv) set(p unsafe.Pointer, vals []string) error {
	switch {
	case cv.slice:
		if cv.elem.Kind() == reflect.String && !cv.elem.Implements(textUnmarshaler) {
			*(*[]string)(p) = vals
			return nil
		}
		sv := reflect.MakeSlice(reflect.SliceOf(cv.elem), len(vals), len(vals))
		for i, s := range vals {
			if err := cv.one(sv.Index(i).Addr().UnsafePointer(), s); err != nil {
				return err
			}
		}
		reflect.NewAt(sv.Type(), p).Elem().Set(sv)
		return nil
	case cv.ptr:
		v := reflect.New(cv.elem)
		if err := cv.one(v.UnsafePointer(), vals[0]); err != nil {
			return err
		}
		*(*unsafe.Pointer)(p) = v.UnsafePointer()
		return nil
	}
	return cv.one(p, vals[0])
}

// setOne parses a single value (a path parameter, a cookie).
func (cv *conv) setOne(p unsafe.Pointer, s string) error {
	if cv.slice || cv.ptr {
		return cv.set(p, []string{s})
	}
	return cv.one(p, s)
}

// instance returns the JSON instance of the field at p, for validation.
func (cv *conv) instance(p unsafe.Pointer) any {
	switch {
	case cv.slice:
		n := (*[3]int)(p)[1] // slice header: data, len, cap
		data := *(*unsafe.Pointer)(p)
		out := make([]any, n)
		for i := range n {
			out[i] = cv.inst(unsafe.Add(data, uintptr(i)*cv.size))
		}
		return out
	case cv.ptr:
		return cv.inst(*(*unsafe.Pointer)(p))
	}
	return cv.inst(p)
}
