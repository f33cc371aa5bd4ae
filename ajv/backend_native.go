package ajv

import (
	"errors"
)

// NativeBackend returns teggo's own validator: the schema is compiled once
// into a tree of Go validator nodes (regexps compiled, numeric bounds parsed,
// property lists indexed), and a valid instance is checked without
// allocating. An invalid one is checked a second time to collect every
// failure, which is then reported exactly as the other backends report it
// (same instance paths, schema paths, keywords, params, ajv messages and
// order): the violations go through the same mapping code.
//
// Select it with
//
//	ajv.New(ajv.WithBackend(ajv.NativeBackend()))
//
// It implements draft-07 — the dialect both other backends assume when a
// schema has no $schema; draft-06, 2019-09 and 2020-12 schemas are accepted
// when they use no keyword whose meaning differs there — and these keywords: type (one or a list), enum,
// const, minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf
// (all exact on json.Number, 1e400 included), minLength and maxLength (in
// code points), pattern, format (on strings only, with the
// checkers every backend shares), items (one schema or a tuple) with additionalItems,
// minItems, maxItems, uniqueItems, contains, properties, patternProperties,
// additionalProperties (boolean or schema), required, minProperties,
// maxProperties, propertyNames, dependencies, allOf, anyOf, oneOf, not,
// if/then/else and local $ref into definitions or $defs. Annotations
// (title, description, default, examples, $comment, readOnly, writeOnly,
// deprecated, contentEncoding, contentMediaType) and teggo's "transform"
// keyword are accepted and do not assert anything.
//
// Anything else — an unknown keyword, a 2019-09/2020-12 keyword such as
// prefixItems or dependentRequired, draft-04, a format gojsonschema does
// not know — is never ignored: Compile returns a
// *SchemaError that matches errors.ErrUnsupported, so that a caller can fall
// back to another backend (FallbackBackend does that). The guards of the
// other backends apply too: no $anchor or dynamic references, only local
// "#/..." references, no $ref cycle that consumes no input.
func NativeBackend() Backend { return nativeBackend{} }

type nativeBackend struct{}

func (nativeBackend) Name() string { return "native" }

func (nativeBackend) Compile(schemaJSON []byte) (Compiled, error) {
	doc, err := parseSchema(schemaJSON)
	if err != nil {
		return nil, err
	}
	c := &nativeCompiler{doc: doc, nodes: map[string]*nNode{}}
	if root, ok := doc.root.(map[string]any); ok {
		if ms, ok := root["$schema"].(string); ok {
			c.dialect = normalizeDialect(ms)
		}
	}
	root, err := c.compile("", doc.root)
	if err != nil {
		return nil, err
	}
	return &nativeCompiled{root: root, doc: doc}, nil
}

type nativeCompiled struct {
	root *nNode
	doc  *schemaDoc
}

func (c *nativeCompiled) Validate(instance any) []Violation {
	vs, _ := c.validateBounded(instance, 0)
	return vs
}

func (c *nativeCompiled) validateBounded(instance any, limit int) ([]Violation, int) {
	if c.root.check(instance, nil) {
		return nil, 0
	}
	return c.report(instance, limit)
}

// screen is the pre-pass of GoJSONSchemaBackend and SanthoshBackend (see
// prefiltered): an instance the check accepts costs no allocation.
func (c *nativeCompiled) screen(instance any, limit int) ([]Violation, int, bool) {
	if c.root.check(instance, nil) {
		return nil, 0, false
	}
	vs, omitted := c.report(instance, limit)
	return vs, omitted, true
}

// report re-runs the validation of an invalid instance to collect and
// report its failures, the first limit of them (all for limit <= 0).
func (c *nativeCompiled) report(instance any, limit int) ([]Violation, int) {
	st := &nState{limit: limit}
	c.root.check(instance, st)
	for _, chunk := range st.raws {
		for i := range chunk {
			if r := &chunk[i]; r.keyword == "dependencies" {
				r.prop = triggeringProperty(c.doc, r.inst, instance, r.prop)
			}
		}
	}
	vs, omitted := c.doc.toViolations(st.raws, instance, limit)
	if len(vs) == 0 { // cannot happen: the second pass reports what the first found
		return []Violation{{Keyword: "$internal", SchemaPath: "#", Params: map[string]any{}, Message: "validator failed: invalid, but no violation was located"}}, 0
	}
	return vs, omitted
}

// FallbackBackend compiles with primary and, when primary refuses a schema
// as unsupported (its error matches errors.ErrUnsupported, as
// NativeBackend's does), with fallback. Every other error is returned as is.
// A fallback that cannot check a keyword of the schema refuses it too (as
// GoJSONSchemaBackend does for 2020-12 keywords), so the result is a backend
// that checks every keyword, or that refusal, naming the keyword.
// For example, to use the native validator wherever it applies and
// gojsonschema for the rest:
//
//	ajv.New(ajv.WithBackend(ajv.FallbackBackend(ajv.NativeBackend(), ajv.GoJSONSchemaBackend())))
func FallbackBackend(primary, fallback Backend) Backend {
	return fallbackBackend{primary: primary, fallback: fallback}
}

type fallbackBackend struct{ primary, fallback Backend }

// Name is "primary|fallback", for example "native|gojsonschema".
func (b fallbackBackend) Name() string { return b.primary.Name() + "|" + b.fallback.Name() }

func (b fallbackBackend) Compile(schemaJSON []byte) (Compiled, error) {
	c, err := b.primary.Compile(schemaJSON)
	if err != nil && errors.Is(err, errors.ErrUnsupported) {
		return b.fallback.Compile(schemaJSON)
	}
	return c, err
}
