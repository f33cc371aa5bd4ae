// Package ajv is teggo's JSON-schema validation, tegg's ajv plugin in Go.
//
// Schemas come from Go types (invopop/jsonschema and `jsonschema:"..."`
// tags) or from JSON literals such as typebox output. They are compiled once
// and validate many times. Before validation, `transform:"trim,toLowerCase"`
// tags (tegg's TransformEnum) are applied to struct fields, and the
// "transform" keyword to decoded JSON.
//
//	type SyncPackageTask struct {
//		Fullname     string  `json:"fullname" transform:"trim" jsonschema:"maxLength=100"`
//		Tips         string  `json:"tips" transform:"trim" jsonschema:"maxLength=1024"`
//		Force        bool    `json:"force"`
//		RegistryName *string `json:"registryName,omitempty"`
//	}
//
//	err := validator.Validate(&task) // *ajv.InvalidParamError with every violation
//
// A property is required unless its json tag has omitempty or omitzero (or
// its jsonschema tag says "optional"); unknown properties are rejected.
//
// Failures are an *InvalidParamError (code TEGGO_VALIDATION_FAILED, every
// Violation with ajv's instancePath, schemaPath, keyword, params and
// message), a *SyntaxError for input that is not acceptable JSON, or a
// *SchemaError for a schema that cannot be compiled. The HTTP layer maps them
// to 422, 400 and 500.
//
// Three backends implement validation behind the Backend interface:
// GoJSONSchemaBackend (xeipuuv/gojsonschema, the default, guarded against
// its hazards), SanthoshBackend (santhosh-tekuri/jsonschema/v6) and
// NativeBackend (teggo's own compiled validator: no allocation on valid
// input, and an ErrUnsupported error for the keywords it does not implement,
// see FallbackBackend). All report the same violations; see
// docs/validation.md.
package ajv
