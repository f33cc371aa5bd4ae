package ajv

import "slices"

// Backend compiles JSON schemas for one validator implementation. Three are
// provided: GoJSONSchemaBackend (the default), SanthoshBackend and
// NativeBackend; FallbackBackend chains two. A backend
// must map its failures to Violations with ajv's keywords, paths, params and
// messages, and must never load anything over the network or from disk.
type Backend interface {
	// Name identifies the backend in errors and benchmarks.
	Name() string
	// Compile compiles a JSON schema document. It returns a *SchemaError for
	// a schema it cannot or will not compile.
	Compile(schemaJSON []byte) (Compiled, error)
}

// Compiled is a schema compiled by a Backend. It is safe for concurrent use.
type Compiled interface {
	// Validate checks instance, a decoded JSON value (map[string]any, []any,
	// string, bool, json.Number or nil, as produced by decoding with
	// UseNumber), and returns every violation, sorted; nil when it is valid.
	Validate(instance any) []Violation
}

// boundedCompiled is a Compiled that stops rendering violations past a
// cap: validateBounded returns the first limit violations in Validate's
// order (all of them for limit <= 0) and counts the others in omitted,
// without building their messages or paths where it can avoid it. Every
// built-in backend implements it; Schema falls back to Validate for
// others.
type boundedCompiled interface {
	validateBounded(instance any, limit int) (vs []Violation, omitted int)
}

// validateWith validates instance with c, keeping at most limit
// violations (limit <= 0: DefaultMaxViolations) and counting the rest.
func validateWith(c Compiled, instance any, limit int) (vs []Violation, omitted int) {
	if limit <= 0 {
		limit = DefaultMaxViolations
	}
	if b, ok := c.(boundedCompiled); ok {
		return b.validateBounded(instance, limit)
	}
	vs = c.Validate(instance)
	if len(vs) > limit {
		return slices.Clip(vs[:limit]), len(vs) - limit
	}
	return vs, 0
}

// parseSchema decodes and guards a schema document; every backend and
// Ajv.Compile start here, so that all backends refuse the same schemas.
func parseSchema(schemaJSON []byte) (*schemaDoc, error) {
	root, err := decodeJSON(schemaJSON, DefaultMaxDepth)
	if err != nil {
		return nil, schemaErrorf(err, "not valid JSON")
	}
	d := &schemaDoc{root: root}
	if err := d.guard(); err != nil {
		return nil, err
	}
	return d, nil
}
