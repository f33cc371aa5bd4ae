package ajv

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// nNode is one compiled schema node of the native backend. It is immutable
// once compiled and shared by concurrent validations.
type nNode struct {
	ptr string // JSON pointer of the node in the document

	isBool    bool // a boolean schema
	boolValue bool

	ref *nNode // $ref (draft-07: its siblings do not apply)

	types    uint8 // typeMask bits; 0: any
	typeOnly bool  // nothing but types to check (see assertsTypeOnly)
	needsNum bool  // a numeric keyword or "integer" needs the number parsed

	// numbers
	minimum, maximum, exclMin, exclMax, multipleOf *decimal

	// strings
	minLength, maxLength int // -1: absent
	pattern              *regexp.Regexp
	format               func(string) bool // nil: no format

	// arrays
	items           *nNode   // items as one schema
	tuple           []*nNode // items as an array
	additionalItems *nNode   // after tuple; nil: absent
	noMoreItems     bool     // additionalItems: false
	minItems        int      // -1: absent
	maxItems        int
	uniqueItems     bool
	contains        *nNode

	// objects
	minProps, maxProps int      // -1: absent
	required           []string // the required names not in props
	props              []nProp
	propIndex          map[string]int // for many properties
	patternProps       []nPatternProp
	additional         *nNode // nil: absent
	noMoreProps        bool   // additionalProperties: false
	propertyNames      *nNode
	depNames           []nDepNames
	depSchemas         []nDepSchema

	// any type
	enum     []any
	hasConst bool
	constVal any

	allOf, anyOf, oneOf []*nNode
	not                 *nNode
	ifNode              *nNode
	thenNode, elseNode  *nNode
}

// assertsTypeOnly reports whether types is all n checks: no $ref, no
// applicator and no keyword of any instance type. check then ends at the
// type test, as for the items of a []int.
func (n *nNode) assertsTypeOnly() bool {
	return n.ref == nil && !n.isBool &&
		n.allOf == nil && n.anyOf == nil && n.oneOf == nil && n.not == nil && n.ifNode == nil &&
		n.enum == nil && !n.hasConst &&
		n.minimum == nil && n.maximum == nil && n.exclMin == nil && n.exclMax == nil && n.multipleOf == nil &&
		n.minLength <= 0 && n.maxLength < 0 && n.pattern == nil && n.format == nil &&
		n.items == nil && n.tuple == nil && n.additionalItems == nil && !n.noMoreItems &&
		n.minItems < 0 && n.maxItems < 0 && !n.uniqueItems && n.contains == nil &&
		n.minProps < 0 && n.maxProps < 0 && n.required == nil && n.props == nil && n.patternProps == nil &&
		n.additional == nil && !n.noMoreProps && n.propertyNames == nil && n.depNames == nil && n.depSchemas == nil
}

type nProp struct {
	name     string
	node     *nNode
	required bool // also listed in required: one map lookup serves both
}

type nPatternProp struct {
	re   *regexp.Regexp
	node *nNode
}

type nDepNames struct {
	prop  string
	names []string
}

type nDepSchema struct {
	prop string
	node *nNode
}

const (
	tNull uint8 = 1 << iota
	tBoolean
	tObject
	tArray
	tNumber
	tInteger
	tString
)

var typeBits = map[string]uint8{
	"null": tNull, "boolean": tBoolean, "object": tObject, "array": tArray,
	"number": tNumber, "integer": tInteger, "string": tString,
}

// nativeAnnotations are keywords that never assert anything in draft-07:
// the native backend accepts them and does nothing with them. "transform"
// is teggo's own, applied before validation (see Schema.ValidateDecoded).
var nativeAnnotations = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "title": true, "description": true,
	"default": true, "examples": true, "readOnly": true, "writeOnly": true, "deprecated": true,
	"contentEncoding": true, "contentMediaType": true, "definitions": true, "$defs": true,
	"transform": true,
}

// nativeKeywords are the assertions and applicators the native backend
// implements, with draft-07 semantics.
var nativeKeywords = map[string]bool{
	"$ref": true, "type": true, "enum": true, "const": true,
	"multipleOf": true, "maximum": true, "exclusiveMaximum": true, "minimum": true, "exclusiveMinimum": true,
	"maxLength": true, "minLength": true, "pattern": true, "format": true,
	"items": true, "additionalItems": true, "maxItems": true, "minItems": true, "uniqueItems": true, "contains": true,
	"maxProperties": true, "minProperties": true, "required": true, "properties": true,
	"patternProperties": true, "additionalProperties": true, "dependencies": true, "propertyNames": true,
	"if": true, "then": true, "else": true, "allOf": true, "anyOf": true, "oneOf": true, "not": true,
}

// nativeCompiler compiles one document; nodes are memoized by pointer so
// that $ref cycles through properties or items become cycles of nodes.
type nativeCompiler struct {
	doc     *schemaDoc
	nodes   map[string]*nNode
	dialect string // the root's $schema, normalized; "" for none
}

// The dialects the native backend compiles. Without $schema, or with
// draft-07's, every supported keyword applies. Under draft-06, 2019-09 and
// 2020-12 the few supported keywords whose meaning differs from draft-07
// (if/then/else for draft-06; tuple items, additionalItems, dependencies and
// assertions next to $ref for the later drafts) are refused rather than
// given a meaning that santhosh and gojsonschema disagree on. Draft-04 is
// refused.
const (
	dialectDraft6 = "json-schema.org/draft-06/schema"
	dialectDraft7 = "json-schema.org/draft-07/schema"
	dialect2019   = "json-schema.org/draft/2019-09/schema"
	dialect2020   = "json-schema.org/draft/2020-12/schema"
)

func normalizeDialect(ms string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(ms, "https://"), "http://"), "#")
}

func (c *nativeCompiler) dialectAllows(ptr string, s map[string]any) error {
	refuse := func(kw string) error {
		return unsupported("%s at %q under $schema %q: its meaning differs from draft-07", kw, "#"+ptr, c.dialect)
	}
	switch c.dialect {
	case "", dialectDraft7:
		return nil
	case dialectDraft6:
		for _, kw := range [...]string{"if", "then", "else"} {
			if _, ok := s[kw]; ok {
				return refuse(kw)
			}
		}
		return nil
	case dialect2019, dialect2020:
		if _, ok := s["items"].([]any); ok {
			return refuse("items (an array)")
		}
		for _, kw := range [...]string{"additionalItems", "dependencies"} {
			if _, ok := s[kw]; ok {
				return refuse(kw)
			}
		}
		if _, ok := s["$ref"]; ok {
			for k := range s {
				if k != "$ref" && nativeKeywords[k] {
					return refuse(k + " next to $ref")
				}
			}
		}
		return nil
	}
	return unsupported("$schema %q is not supported (draft-06, draft-07, 2019-09 and 2020-12 are)", c.dialect)
}

// unsupported returns the error for a schema the native backend will not
// compile: a *SchemaError wrapping errors.ErrUnsupported.
func unsupported(format string, args ...any) error {
	return schemaErrorf(errors.ErrUnsupported, "native backend: "+format, args...)
}

func malformed(ptr, kw, want string) error {
	return schemaErrorf(nil, "%s at %q must be %s", kw, "#"+ptr, want)
}

func (c *nativeCompiler) compile(ptr string, n any) (*nNode, error) {
	if node, ok := c.nodes[ptr]; ok {
		return node, nil
	}
	node := &nNode{ptr: ptr, minLength: -1, maxLength: -1, minItems: -1, maxItems: -1, minProps: -1, maxProps: -1}
	c.nodes[ptr] = node
	switch s := n.(type) {
	case bool:
		node.isBool, node.boolValue = true, s
		return node, nil
	case map[string]any:
		if err := c.fill(node, s); err != nil {
			return nil, err
		}
		node.typeOnly = node.assertsTypeOnly()
		return node, nil
	}
	return nil, schemaErrorf(nil, "schema at %q must be an object or a boolean", "#"+ptr)
}

func (c *nativeCompiler) sub(ptr string, n any) (*nNode, error) { return c.compile(ptr, n) }

func (c *nativeCompiler) fill(node *nNode, s map[string]any) error {
	ptr := node.ptr
	for _, k := range slices.Sorted(maps.Keys(s)) {
		if !nativeKeywords[k] && !nativeAnnotations[k] {
			return unsupported("keyword %q at %q is not supported", k, "#"+ptr)
		}
	}
	if err := c.dialectAllows(ptr, s); err != nil {
		return err
	}
	if r, ok := s["$ref"]; ok {
		tptr, target, err := c.doc.resolveRef(r.(string)) // the guard checked it
		if err != nil {
			return schemaErrorf(err, "$ref at %q", "#"+ptr)
		}
		// draft-07: the siblings of $ref are ignored (both other backends
		// ignore them too), but they must still be keywords we know
		node.ref, err = c.compile(tptr, target)
		return err
	}
	var err error
	if t, ok := s["type"]; ok {
		if node.types, err = typeMask(t); err != nil {
			return schemaErrorf(err, "type at %q", "#"+ptr)
		}
		node.needsNum = node.types&tInteger != 0 && node.types&tNumber == 0
	}
	for _, kw := range [...]string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"} {
		v, ok := s[kw]
		if !ok {
			continue
		}
		num, isNum := v.(json.Number)
		if !isNum {
			return malformed(ptr, kw, "a number")
		}
		d, ok := parseDecimal(string(num))
		if !ok {
			return malformed(ptr, kw, "a number")
		}
		node.needsNum = true
		switch kw {
		case "minimum":
			node.minimum = &d
		case "maximum":
			node.maximum = &d
		case "exclusiveMinimum":
			node.exclMin = &d
		case "exclusiveMaximum":
			node.exclMax = &d
		case "multipleOf":
			if d.isZero() || d.neg {
				return malformed(ptr, kw, "a number greater than 0")
			}
			node.multipleOf = &d
		}
	}
	counts := [...]struct {
		kw  string
		dst *int
	}{
		{"minLength", &node.minLength}, {"maxLength", &node.maxLength},
		{"minItems", &node.minItems}, {"maxItems", &node.maxItems},
		{"minProperties", &node.minProps}, {"maxProperties", &node.maxProps},
	}
	for _, ct := range counts {
		v, ok := s[ct.kw]
		if !ok {
			continue
		}
		n, ok := nonNegativeInt(v)
		if !ok {
			return malformed(ptr, ct.kw, "a non-negative integer")
		}
		*ct.dst = n
	}
	if v, ok := s["pattern"]; ok {
		p, isStr := v.(string)
		if !isStr {
			return malformed(ptr, "pattern", "a string")
		}
		if node.pattern, err = regexp.Compile(p); err != nil {
			return schemaErrorf(err, "pattern at %q", "#"+ptr)
		}
	}
	if v, ok := s["format"]; ok {
		f, isStr := v.(string)
		if !isStr {
			return malformed(ptr, "format", "a string")
		}
		if node.format = formatChecker(f); node.format == nil {
			return unsupported("format %q at %q is not known", f, "#"+ptr)
		}
	}
	if v, ok := s["enum"]; ok {
		list, isList := v.([]any)
		if !isList || len(list) == 0 {
			return malformed(ptr, "enum", "a non-empty array")
		}
		node.enum = list
	}
	if v, ok := s["const"]; ok {
		node.hasConst, node.constVal = true, v
	}
	if v, ok := s["uniqueItems"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return malformed(ptr, "uniqueItems", "a boolean")
		}
		node.uniqueItems = b
	}
	if v, ok := s["required"]; ok {
		list, isList := v.([]any)
		if !isList {
			return malformed(ptr, "required", "an array of strings")
		}
		for _, x := range list {
			name, isStr := x.(string)
			if !isStr {
				return malformed(ptr, "required", "an array of strings")
			}
			if !slices.Contains(node.required, name) {
				node.required = append(node.required, name)
			}
		}
	}
	if err := c.fillArrays(node, s); err != nil {
		return err
	}
	if err := c.fillObjects(node, s); err != nil {
		return err
	}
	rest := node.required[:0:0]
	for _, name := range node.required {
		i := slices.IndexFunc(node.props, func(p nProp) bool { return p.name == name })
		if i < 0 {
			rest = append(rest, name)
			continue
		}
		node.props[i].required = true
	}
	node.required = rest
	return c.fillApplicators(node, s)
}

func (c *nativeCompiler) fillArrays(node *nNode, s map[string]any) error {
	ptr := node.ptr
	var err error
	switch items := s["items"].(type) {
	case nil:
		if _, ok := s["items"]; ok {
			return malformed(ptr, "items", "a schema or an array of schemas")
		}
	case []any:
		node.tuple = make([]*nNode, len(items))
		for i, sub := range items {
			if node.tuple[i], err = c.sub(ptr+"/items/"+strconv.Itoa(i), sub); err != nil {
				return err
			}
		}
		switch ai := s["additionalItems"].(type) {
		case nil:
		case bool:
			node.noMoreItems = !ai
		default:
			if node.additionalItems, err = c.sub(ptr+"/additionalItems", ai); err != nil {
				return err
			}
		}
	default:
		if node.items, err = c.sub(ptr+"/items", items); err != nil {
			return err
		}
	}
	if v, ok := s["contains"]; ok {
		if node.contains, err = c.sub(ptr+"/contains", v); err != nil {
			return err
		}
	}
	return nil
}

func (c *nativeCompiler) fillObjects(node *nNode, s map[string]any) error {
	ptr := node.ptr
	var err error
	if v, ok := s["properties"]; ok {
		props, isMap := v.(map[string]any)
		if !isMap {
			return malformed(ptr, "properties", "an object")
		}
		for _, name := range slices.Sorted(maps.Keys(props)) {
			sub, err := c.sub(ptr+"/properties/"+escapePointer(name), props[name])
			if err != nil {
				return err
			}
			node.props = append(node.props, nProp{name: name, node: sub})
		}
		if len(node.props) > 8 {
			node.propIndex = make(map[string]int, len(node.props))
			for i, p := range node.props {
				node.propIndex[p.name] = i
			}
		}
	}
	if v, ok := s["patternProperties"]; ok {
		pp, isMap := v.(map[string]any)
		if !isMap {
			return malformed(ptr, "patternProperties", "an object")
		}
		for _, p := range slices.Sorted(maps.Keys(pp)) {
			re, err := regexp.Compile(p)
			if err != nil {
				return schemaErrorf(err, "patternProperties at %q", "#"+ptr)
			}
			sub, err := c.sub(ptr+"/patternProperties/"+escapePointer(p), pp[p])
			if err != nil {
				return err
			}
			node.patternProps = append(node.patternProps, nPatternProp{re: re, node: sub})
		}
	}
	switch ap := s["additionalProperties"].(type) {
	case nil:
	case bool:
		node.noMoreProps = !ap
	default:
		if node.additional, err = c.sub(ptr+"/additionalProperties", ap); err != nil {
			return err
		}
	}
	if v, ok := s["propertyNames"]; ok {
		if node.propertyNames, err = c.sub(ptr+"/propertyNames", v); err != nil {
			return err
		}
	}
	if v, ok := s["dependencies"]; ok {
		deps, isMap := v.(map[string]any)
		if !isMap {
			return malformed(ptr, "dependencies", "an object")
		}
		for _, prop := range slices.Sorted(maps.Keys(deps)) {
			switch d := deps[prop].(type) {
			case []any:
				var names []string
				for _, x := range d {
					name, isStr := x.(string)
					if !isStr {
						return malformed(ptr, "dependencies", "an object of schemas or arrays of strings")
					}
					names = append(names, name)
				}
				node.depNames = append(node.depNames, nDepNames{prop: prop, names: names})
			default:
				sub, err := c.sub(ptr+"/dependencies/"+escapePointer(prop), d)
				if err != nil {
					return err
				}
				node.depSchemas = append(node.depSchemas, nDepSchema{prop: prop, node: sub})
			}
		}
	}
	return nil
}

func (c *nativeCompiler) fillApplicators(node *nNode, s map[string]any) error {
	ptr := node.ptr
	var err error
	for _, kw := range [...]string{"allOf", "anyOf", "oneOf"} {
		v, ok := s[kw]
		if !ok {
			continue
		}
		list, isList := v.([]any)
		if !isList || len(list) == 0 {
			return malformed(ptr, kw, "a non-empty array of schemas")
		}
		subs := make([]*nNode, len(list))
		for i, x := range list {
			if subs[i], err = c.sub(ptr+"/"+kw+"/"+strconv.Itoa(i), x); err != nil {
				return err
			}
		}
		switch kw {
		case "allOf":
			node.allOf = subs
		case "anyOf":
			node.anyOf = subs
		default:
			node.oneOf = subs
		}
	}
	for _, kw := range [...]string{"not", "if", "then", "else"} {
		v, ok := s[kw]
		if !ok {
			continue
		}
		sub, err := c.sub(ptr+"/"+kw, v)
		if err != nil {
			return err
		}
		switch kw {
		case "not":
			node.not = sub
		case "if":
			node.ifNode = sub
		case "then":
			node.thenNode = sub
		default:
			node.elseNode = sub
		}
	}
	return nil
}

func typeMask(t any) (uint8, error) {
	switch t := t.(type) {
	case string:
		b, ok := typeBits[t]
		if !ok {
			return 0, fmt.Errorf("unknown type %q", t)
		}
		return b, nil
	case []any:
		if len(t) == 0 {
			return 0, errors.New("an empty list of types")
		}
		var m uint8
		for _, x := range t {
			s, _ := x.(string)
			b, ok := typeBits[s]
			if !ok {
				return 0, fmt.Errorf("unknown type %v", x)
			}
			if m&b != 0 {
				return 0, fmt.Errorf("type %q listed twice", s)
			}
			m |= b
		}
		return m, nil
	}
	return 0, errors.New("must be a string or an array of strings")
}

// nonNegativeInt reads a count keyword: an integral json.Number ≥ 0.
func nonNegativeInt(v any) (int, bool) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	d, ok := parseDecimal(string(num))
	if !ok || !d.isInt() || d.neg && !d.isZero() {
		return 0, false
	}
	if d.isZero() {
		return 0, true
	}
	if d.point > 9 {
		return 0, false // beyond any JSON we accept; refuse rather than overflow
	}
	n := 0
	for k := 0; k < d.point; k++ {
		dg := 0
		if d.start+k < d.end {
			dg = int(d.digit(d.start+k) - '0')
		}
		n = n*10 + dg
	}
	return n, true
}
