package ajv

import (
	"fmt"
	"reflect"
	"strings"
)

// Transform names accepted in `transform:"..."` struct tags and in the
// "transform" keyword of schema literals: tegg's TransformEnum.
const (
	TransformTrim        = "trim"
	TransformTrimStart   = "trimStart"
	TransformTrimEnd     = "trimEnd"
	TransformToLowerCase = "toLowerCase"
	TransformToUpperCase = "toUpperCase"
)

type transformOp uint8

const (
	opTrim transformOp = iota + 1
	opTrimStart
	opTrimEnd
	opLower
	opUpper
)

var transformNames = map[string]transformOp{
	TransformTrim:        opTrim,
	TransformTrimStart:   opTrimStart,
	TransformTrimEnd:     opTrimEnd,
	TransformToLowerCase: opLower,
	TransformToUpperCase: opUpper,
}

// parseTransforms parses a comma-separated list of transform names.
func parseTransforms(list []string) ([]transformOp, error) {
	var ops []transformOp
	for _, name := range list {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		op, ok := transformNames[name]
		if !ok {
			return nil, fmt.Errorf("ajv: unknown transform %q (want trim, trimStart, trimEnd, toLowerCase or toUpperCase)", name)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func applyOps(s string, ops []transformOp) string {
	for _, op := range ops {
		switch op {
		case opTrim:
			s = strings.TrimSpace(s)
		case opTrimStart:
			s = strings.TrimLeftFunc(s, isSpace)
		case opTrimEnd:
			s = strings.TrimRightFunc(s, isSpace)
		case opLower:
			s = strings.ToLower(s)
		case opUpper:
			s = strings.ToUpper(s)
		}
	}
	return s
}

func isSpace(r rune) bool { return strings.TrimSpace(string(r)) == "" }

// txKind says how a typeTransform reaches the strings it transforms.
type txKind uint8

const (
	txString txKind = iota + 1
	txPointer
	txSequence // slice or array
	txMap
	txStruct
)

// typeTransform is the precomputed transform plan of one Go type: which
// fields, elements and values to visit and which operations to apply to the
// strings found there. Building it parses every tag once; applying it does
// no tag parsing.
type typeTransform struct {
	kind   txKind
	ops    []transformOp    // txString
	child  *typeTransform   // txPointer, txSequence, txMap
	fields []fieldTransform // txStruct
}

type fieldTransform struct {
	index int
	tx    *typeTransform
}

// planBuilder builds transform plans, sharing the plans of struct types so
// that recursive types terminate.
type planBuilder struct {
	structs map[reflect.Type]*typeTransform
}

// buildTransformPlan returns the plan for t, or nil when nothing in t carries
// a transform tag. An unknown transform name, or a transform tag on a field
// that holds no strings, is an error.
func buildTransformPlan(t reflect.Type) (*typeTransform, error) {
	b := &planBuilder{structs: map[reflect.Type]*typeTransform{}}
	tx, err := b.build(t, nil, "")
	if err != nil {
		return nil, err
	}
	if tx == nil || !tx.active(map[*typeTransform]bool{}) {
		return nil, nil
	}
	return tx, nil
}

// active reports whether the plan transforms anything at all.
func (tx *typeTransform) active(seen map[*typeTransform]bool) bool {
	if tx == nil || seen[tx] {
		return false
	}
	seen[tx] = true
	switch tx.kind {
	case txString:
		return len(tx.ops) > 0
	case txStruct:
		for _, f := range tx.fields {
			if f.tx.active(seen) {
				return true
			}
		}
		return false
	}
	return tx.child.active(seen)
}

func (b *planBuilder) build(t reflect.Type, ops []transformOp, where string) (*typeTransform, error) {
	switch t.Kind() {
	case reflect.String:
		if len(ops) == 0 {
			return nil, nil
		}
		return &typeTransform{kind: txString, ops: ops}, nil
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			break // []byte is base64 in JSON, not a string to trim
		}
		child, err := b.build(t.Elem(), ops, where)
		if err != nil || child == nil {
			return nil, err
		}
		k := map[reflect.Kind]txKind{reflect.Pointer: txPointer, reflect.Slice: txSequence, reflect.Array: txSequence, reflect.Map: txMap}[t.Kind()]
		return &typeTransform{kind: k, child: child}, nil
	case reflect.Struct:
		if len(ops) > 0 {
			break
		}
		if tx, ok := b.structs[t]; ok {
			return tx, nil
		}
		tx := &typeTransform{kind: txStruct}
		b.structs[t] = tx
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			var fops []transformOp
			if tag, ok := f.Tag.Lookup("transform"); ok {
				var err error
				if fops, err = parseTransforms(strings.Split(tag, ",")); err != nil {
					return nil, fmt.Errorf("%w (field %s.%s)", err, t, f.Name)
				}
			}
			ftx, err := b.build(f.Type, fops, t.String()+"."+f.Name)
			if err != nil {
				return nil, err
			}
			if ftx != nil {
				tx.fields = append(tx.fields, fieldTransform{index: i, tx: ftx})
			}
		}
		return tx, nil
	}
	if len(ops) > 0 {
		return nil, fmt.Errorf("ajv: transform tag on %s of type %s: transforms apply to strings only", where, t)
	}
	return nil, nil
}

// apply transforms the strings reachable from v in place. v must be
// addressable (settable) wherever a string is replaced.
func (tx *typeTransform) apply(v reflect.Value) {
	switch tx.kind {
	case txString:
		if v.CanSet() {
			v.SetString(applyOps(v.String(), tx.ops))
		}
	case txPointer:
		if !v.IsNil() {
			tx.child.apply(v.Elem())
		}
	case txSequence:
		for i := range v.Len() {
			tx.child.apply(v.Index(i))
		}
	case txMap:
		if v.IsNil() {
			return
		}
		iter := v.MapRange()
		for iter.Next() {
			elem := reflect.New(v.Type().Elem()).Elem()
			elem.Set(iter.Value())
			tx.child.apply(elem)
			v.SetMapIndex(iter.Key(), elem)
		}
	case txStruct:
		for _, f := range tx.fields {
			tx := f.tx
			tx.apply(v.Field(f.index))
		}
	}
}

// schemaTransform is the program of the "transform" keywords of a schema
// document, applied to a decoded JSON value before validation, as tegg's
// ajv transform keyword does.
type schemaTransform struct {
	ops     []transformOp
	props   map[string]*schemaTransform
	addl    *schemaTransform
	items   *schemaTransform
	tuple   []*schemaTransform
	inPlace []*schemaTransform // $ref and allOf targets
}

// buildSchemaTransform returns the transform program of doc, or nil when no
// schema in it has a "transform" keyword.
func buildSchemaTransform(doc *schemaDoc) (*schemaTransform, error) {
	if !mentionsTransform(doc.root) {
		return nil, nil
	}
	memo := map[string]*schemaTransform{}
	return buildSchemaNode(doc, "", doc.root, memo)
}

func mentionsTransform(n any) bool {
	node, ok := n.(map[string]any)
	if !ok {
		return false
	}
	if _, ok := node["transform"]; ok {
		return true
	}
	found := false
	forEachSubschema(node, func(_ string, sub any) {
		if !found {
			found = mentionsTransform(sub)
		}
	})
	return found
}

func buildSchemaNode(doc *schemaDoc, ptr string, n any, memo map[string]*schemaTransform) (*schemaTransform, error) {
	if st, ok := memo[ptr]; ok {
		return st, nil
	}
	st := &schemaTransform{}
	memo[ptr] = st
	node, ok := n.(map[string]any)
	if !ok {
		return st, nil
	}
	if raw, ok := node["transform"]; ok {
		var names []string
		switch raw := raw.(type) {
		case string:
			names = []string{raw}
		case []any:
			for _, x := range raw {
				s, isString := x.(string)
				if !isString {
					return nil, schemaErrorf(nil, "transform at %q must list names", "#"+ptr)
				}
				names = append(names, s)
			}
		default:
			return nil, schemaErrorf(nil, "transform at %q must be a string or an array of strings", "#"+ptr)
		}
		ops, err := parseTransforms(names)
		if err != nil {
			return nil, schemaErrorf(err, "transform at %q", "#"+ptr)
		}
		st.ops = ops
	}
	sub := func(suffix string, v any) (*schemaTransform, error) {
		return buildSchemaNode(doc, ptr+suffix, v, memo)
	}
	if props, ok := node["properties"].(map[string]any); ok {
		st.props = map[string]*schemaTransform{}
		for name, v := range props {
			c, err := sub("/properties/"+escapePointer(name), v)
			if err != nil {
				return nil, err
			}
			st.props[name] = c
		}
	}
	if v, ok := node["additionalProperties"].(map[string]any); ok {
		c, err := sub("/additionalProperties", v)
		if err != nil {
			return nil, err
		}
		st.addl = c
	}
	switch items := node["items"].(type) {
	case map[string]any:
		c, err := sub("/items", items)
		if err != nil {
			return nil, err
		}
		st.items = c
	case []any:
		for i, v := range items {
			c, err := sub(fmt.Sprintf("/items/%d", i), v)
			if err != nil {
				return nil, err
			}
			st.tuple = append(st.tuple, c)
		}
	}
	if prefix, ok := node["prefixItems"].([]any); ok {
		for i, v := range prefix {
			c, err := sub(fmt.Sprintf("/prefixItems/%d", i), v)
			if err != nil {
				return nil, err
			}
			st.tuple = append(st.tuple, c)
		}
	}
	if ref, ok := node["$ref"].(string); ok {
		tptr, target, err := doc.resolveRef(ref)
		if err == nil {
			c, err := buildSchemaNode(doc, tptr, target, memo)
			if err != nil {
				return nil, err
			}
			st.inPlace = append(st.inPlace, c)
		}
	}
	if all, ok := node["allOf"].([]any); ok {
		for i, v := range all {
			c, err := sub(fmt.Sprintf("/allOf/%d", i), v)
			if err != nil {
				return nil, err
			}
			st.inPlace = append(st.inPlace, c)
		}
	}
	return st, nil
}

// apply returns v with the program applied; maps and slices are changed in
// place. depth guards against recursive schemas; decoded input is already
// bounded by the nesting limit.
func (st *schemaTransform) apply(v any, depth int) any {
	if st == nil || depth > 2*DefaultMaxDepth+64 {
		return v
	}
	for _, c := range st.inPlace {
		v = c.apply(v, depth+1)
	}
	switch x := v.(type) {
	case string:
		if len(st.ops) > 0 {
			return applyOps(x, st.ops)
		}
	case map[string]any:
		if st.props == nil && st.addl == nil {
			return v
		}
		for k, val := range x {
			c := st.props[k]
			if c == nil {
				c = st.addl
			}
			if c != nil {
				x[k] = c.apply(val, depth+1)
			}
		}
	case []any:
		for i, val := range x {
			c := st.items
			if i < len(st.tuple) {
				c = st.tuple[i]
			}
			if c != nil {
				x[i] = c.apply(val, depth+1)
			}
		}
	}
	return v
}
