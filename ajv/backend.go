package ajv

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
