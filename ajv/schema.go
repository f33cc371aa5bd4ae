package ajv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"
	"github.com/teggo/teggo/internal/jsontree"
)

// Schema is a compiled JSON schema: compile once, validate many times. It is
// safe for concurrent use.
type Schema struct {
	raw        []byte
	doc        *schemaDoc
	compiled   Compiled
	backend    string
	transforms *schemaTransform
	maxDepth   int
	maxErrors  int // cap on reported violations
}

// Compile compiles a JSON schema literal with the default backend
// (gojsonschema), for example a schema written for tegg with typebox:
//
//	{"type":"object","properties":{"fullname":{"type":"string","transform":["trim"],"maxLength":100}},"required":["fullname"]}
//
// The "transform" keyword (tegg's TransformEnum names) is applied to the
// decoded input before validation. A schema that cannot be compiled, or that
// a guard refuses, is a *SchemaError. Use Ajv.Compile to pick the backend.
func Compile(schemaJSON []byte) (*Schema, error) {
	return compileWith(GoJSONSchemaBackend(), schemaJSON, DefaultMaxDepth)
}

func compileWith(b Backend, schemaJSON []byte, maxDepth int) (*Schema, error) {
	return compileLimited(b, schemaJSON, maxDepth, DefaultMaxViolations)
}

// compileLimited is compileWith with the cap on reported violations.
func compileLimited(b Backend, schemaJSON []byte, maxDepth, maxErrors int) (*Schema, error) {
	doc, err := parseSchema(schemaJSON)
	if err != nil {
		return nil, err
	}
	tx, err := buildSchemaTransform(doc)
	if err != nil {
		return nil, err
	}
	compiled, err := b.Compile(schemaJSON)
	if err != nil {
		return nil, err
	}
	return &Schema{
		raw:        bytes.Clone(schemaJSON),
		doc:        doc,
		compiled:   compiled,
		backend:    b.Name(),
		transforms: tx,
		maxDepth:   maxDepth,
		maxErrors:  maxErrors,
	}, nil
}

// JSON returns the schema document. The HTTP layer and the OpenAPI generator
// use it; the returned slice is a copy.
func (s *Schema) JSON() []byte { return bytes.Clone(s.raw) }

// Backend returns the name of the backend that compiled the schema.
func (s *Schema) Backend() string { return s.backend }

// Validate decodes the raw JSON data, applies the schema's "transform"
// keywords to the decoded value and validates it. Malformed JSON (or invalid
// UTF-8, or nesting beyond the limit) is a *SyntaxError; a value that does
// not satisfy the schema is an *InvalidParamError whose Data is the raw
// input.
func (s *Schema) Validate(data []byte) error {
	return s.ValidateDecodedFunc(data, discard)
}

// discard is the use of a decoded value that only had to be valid.
func discard(any) error { return nil }

// ValidateDecoded is Validate that also returns the decoded, transformed
// value (map[string]any, []any, string, bool, json.Number or nil), so that a
// caller need not decode twice. The value is returned even when validation
// fails, but not for a *SyntaxError.
func (s *Schema) ValidateDecoded(data []byte) (any, error) {
	v, err := decodeJSON(data, s.maxDepth)
	if err != nil {
		return nil, err
	}
	v = s.transforms.apply(v, 0)
	if vs, omitted := validateWith(s.compiled, v, s.maxErrors); len(vs) > 0 {
		return v, newInvalidParamError(s, rawData(data), vs, omitted)
	}
	return v, nil
}

// ValidateDecodedFunc is ValidateDecoded for a caller that needs the
// decoded value only for a moment, as the HTTP layer does to fill a
// struct: when data is valid, it calls use with the decoded, transformed
// value and returns use's error. The value's maps, slices and boxed
// scalars are then reused by later calls, so that a small body costs its
// decode one allocation: use must not keep the value, nor any map, slice
// or interface value in it, once it returns. Strings and numbers copied
// out of it may be kept.
//
// When data is not valid, use is not called and the error is
// ValidateDecoded's: a *SyntaxError or an *InvalidParamError.
func (s *Schema) ValidateDecodedFunc(data []byte, use func(v any) error) error {
	sc := jsontree.GetArena()
	v, err := decodeJSONWith(data, s.maxDepth, sc)
	if err != nil {
		sc.Release()
		return err
	}
	v = s.transforms.apply(v, 0)
	if vs, omitted := validateWith(s.compiled, v, s.maxErrors); len(vs) > 0 {
		// the violations may refer to the value: its memory is not
		// reused (the arena is left to the collector)
		return newInvalidParamError(s, rawData(data), vs, omitted)
	}
	err = use(v)
	sc.Release()
	return err
}

// ValidateInstance validates an already decoded JSON value (map[string]any,
// []any, string, bool, json.Number, float64 or nil). The schema's
// "transform" keywords are applied to it first, changing maps and slices in
// place.
//
// A value nested deeper than the schema's depth limit (DefaultMaxDepth
// unless MaxDepth says otherwise) is refused with a *SyntaxError before
// anything walks it, so that no backend can exhaust the stack on it.
func (s *Schema) ValidateInstance(v any) error {
	if err := checkInstanceDepth(v, s.maxDepth); err != nil {
		return err
	}
	v = normalizeNumbers(v, 0)
	v = s.transforms.apply(v, 0)
	if vs, omitted := validateWith(s.compiled, v, s.maxErrors); len(vs) > 0 {
		return newInvalidParamError(s, v, vs, omitted)
	}
	return nil
}

// checkInstanceDepth refuses a decoded value whose maps and slices nest
// deeper than maxDepth, the limit the parser applies to raw JSON. It walks
// with an explicit stack, so the check itself cannot overflow; a value
// whose maps or slices contain themselves is refused the same way.
func checkInstanceDepth(v any, maxDepth int) error {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	type frame struct {
		v     any
		depth int
	}
	stack := []frame{{v, 0}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch x := f.v.(type) {
		case map[string]any:
			if f.depth+1 > maxDepth {
				return instanceTooDeep(maxDepth)
			}
			for _, e := range x {
				stack = append(stack, frame{e, f.depth + 1})
			}
		case []any:
			if f.depth+1 > maxDepth {
				return instanceTooDeep(maxDepth)
			}
			for _, e := range x {
				stack = append(stack, frame{e, f.depth + 1})
			}
		}
	}
	return nil
}

func instanceTooDeep(maxDepth int) error {
	return &SyntaxError{Offset: -1, Reason: fmt.Sprintf("nesting depth exceeds the limit of %d", maxDepth)}
}

// normalizeNumbers turns the float64 of a plain json.Unmarshal into
// json.Number, which every backend expects.
func normalizeNumbers(v any, depth int) any {
	if depth > jsontree.MaxConvertDepth {
		return v
	}
	switch x := v.(type) {
	case float64:
		return json.Number(fmt.Sprint(x))
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e, depth+1)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e, depth+1)
		}
	}
	return v
}

// reflectSchema generates the JSON schema of t with invopop/jsonschema:
// jsonschema tags give the keywords, a property is required unless its json
// tag has omitempty or omitzero (or its jsonschema tag says "optional"),
// unknown properties are rejected, and transform tags are copied into the
// schema as tegg's "transform" keyword so that raw JSON validated against
// the schema is transformed like a struct would be.
func reflectSchema(t reflect.Type) (out []byte, err error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, schemaErrorf(nil, "cannot generate a schema for %s: %v", t, r)
		}
	}()
	recursive := isRecursive(t)
	r := &jsonschema.Reflector{
		Anonymous:                  true,
		DoNotReference:             !recursive, // a recursive type needs $defs and $ref
		ExpandedStruct:             !recursive, // ExpandedStruct would drop the root's own definition
		AllowAdditionalProperties:  false,
		RequiredFromJSONSchemaTags: false,
	}
	s := r.ReflectFromType(t)
	s.Version = "" // no $schema: every backend defaults to draft-07 semantics
	annotate(t, s, s.Definitions, map[*jsonschema.Schema]bool{})
	if !recursive {
		s.Definitions = nil
	}
	out, err = json.Marshal(s)
	if err != nil {
		return nil, schemaErrorf(err, "marshal the schema of %s", t)
	}
	return out, nil
}

// isRecursive reports whether t contains itself.
func isRecursive(t reflect.Type) bool {
	var walk func(t reflect.Type, stack map[reflect.Type]bool) bool
	walk = func(t reflect.Type, stack map[reflect.Type]bool) bool {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			return walk(t.Elem(), stack)
		case reflect.Struct:
			if stack[t] {
				return true
			}
			stack[t] = true
			defer delete(stack, t)
			for i := range t.NumField() {
				if walk(t.Field(i).Type, stack) {
					return true
				}
			}
		}
		return false
	}
	return walk(t, map[reflect.Type]bool{})
}

// annotate walks the Go type alongside its generated schema to add what
// invopop does not: the transform keyword and the "optional" tag.
func annotate(t reflect.Type, s *jsonschema.Schema, defs jsonschema.Definitions, seen map[*jsonschema.Schema]bool) {
	s = unwrap(s, defs)
	if s == nil || seen[s] {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if s.Items != nil {
			annotate(t.Elem(), s.Items, defs, seen)
		}
		return
	case reflect.Map:
		if s.AdditionalProperties != nil {
			annotate(t.Elem(), s.AdditionalProperties, defs, seen)
		}
		return
	case reflect.Struct:
	default:
		return
	}
	if s.Properties == nil {
		return
	}
	seen[s] = true
	for i := range t.NumField() {
		f := t.Field(i)
		jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && jsonName == "" {
			annotate(f.Type, s, defs, seen) // promoted fields live in s
			seen[s] = true
			continue
		}
		if !f.IsExported() || jsonName == "-" {
			continue
		}
		name := jsonName
		if name == "" {
			name = f.Name
		}
		prop, ok := s.Properties.Get(name)
		if !ok || prop == nil {
			continue
		}
		if slices.Contains(strings.Split(f.Tag.Get("jsonschema"), ","), "optional") {
			s.Required = slices.DeleteFunc(s.Required, func(r string) bool { return r == name })
		}
		if tag, ok := f.Tag.Lookup("transform"); ok {
			setTransform(f.Type, prop, defs, splitList(tag))
		}
		annotate(f.Type, prop, defs, seen)
	}
}

// setTransform puts the transform keyword on the string schemas of t.
func setTransform(t reflect.Type, s *jsonschema.Schema, defs jsonschema.Definitions, names []string) {
	s = unwrap(s, defs)
	if s == nil {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		if s.Extras == nil {
			s.Extras = map[string]any{}
		}
		s.Extras["transform"] = names
	case reflect.Slice, reflect.Array:
		if s.Items != nil {
			setTransform(t.Elem(), s.Items, defs, names)
		}
	case reflect.Map:
		if s.AdditionalProperties != nil {
			setTransform(t.Elem(), s.AdditionalProperties, defs, names)
		}
	}
}

// unwrap follows a $ref into defs and the nullable oneOf wrapper.
func unwrap(s *jsonschema.Schema, defs jsonschema.Definitions) *jsonschema.Schema {
	for i := 0; s != nil && i < 8; i++ {
		switch {
		case s.Ref != "":
			s = defs[strings.TrimPrefix(s.Ref, "#/$defs/")]
		case len(s.OneOf) == 2 && s.OneOf[1] != nil && s.OneOf[1].Type == "null":
			s = s.OneOf[0]
		default:
			return s
		}
	}
	return s
}

func splitList(tag string) []string {
	var out []string
	for _, p := range strings.Split(tag, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
