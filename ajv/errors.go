package ajv

import (
	"encoding/json"
	"fmt"
	"strings"
)

// CodeValidationFailed is the stable error code of an *InvalidParamError,
// returned by its Code method. The HTTP layer reports it as the problem code
// of a 422 response.
const CodeValidationFailed = "TEGGO_VALIDATION_FAILED"

// CodeInvalidJSON is the stable error code of a *SyntaxError, returned by its
// Code method. The HTTP layer maps it to 400.
const CodeInvalidJSON = "TEGGO_INVALID_JSON"

// CodeInvalidSchema is the stable error code of a *SchemaError.
const CodeInvalidSchema = "TEGGO_INVALID_SCHEMA"

// Violation is one failed check, in the shape of an ajv ErrorObject.
type Violation struct {
	// InstancePath is the JSON pointer (RFC 6901) of the offending value,
	// for example "/title" or "/items/0/name"; "" is the whole document.
	// Unlike ajv, a missing required property is located at the property
	// itself ("/parent/fullname"), not at its parent.
	InstancePath string `json:"instancePath"`
	// SchemaPath is the JSON pointer fragment of the failing keyword in the
	// schema, for example "#/properties/title/maxLength".
	SchemaPath string `json:"schemaPath"`
	// Keyword is the JSON Schema keyword that failed ("maxLength",
	// "required", "type", ...).
	Keyword string `json:"keyword"`
	// Params holds the keyword's parameters as ajv names them, for example
	// {"limit": 100} or {"missingProperty": "fullname"}. Counts are ints;
	// numeric bounds taken from the schema are json.Number.
	Params map[string]any `json:"params"`
	// Message is ajv's English message, for example
	// "must NOT have more than 100 characters".
	Message string `json:"message"`
}

// String renders the violation as "data/title must NOT have more than 100
// characters", the way ajv's errorsText does.
func (v Violation) String() string {
	return "data" + v.InstancePath + " " + v.Message
}

// InvalidParamError is returned when a value does not satisfy its schema. It
// is tegg's AjvInvalidParamError with Go names and carries every violation,
// not only the first one. Match it with errors.As.
type InvalidParamError struct {
	// Data is the validated input: json.RawMessage for raw JSON input, the
	// value itself for Go values.
	Data any `json:"data,omitempty"`
	// Errors holds every violation, sorted by InstancePath, then Keyword,
	// then SchemaPath and Message. It is never empty and holds at most the
	// validator's cap (DefaultMaxViolations unless MaxViolations says
	// otherwise); the first ones in that order are kept.
	Errors []Violation `json:"errors"`
	// Omitted is how many more violations there were past the cap; 0 when
	// Errors is the whole report.
	Omitted int `json:"omitted,omitempty"`
	// Schema is the schema the value was checked against (tegg's
	// currentSchema): Schema.JSON() is its text.
	Schema *Schema `json:"-"`
}

// DefaultMaxViolations is the default cap on the violations an
// *InvalidParamError carries, so that a hostile body cannot make the report
// (and the response) grow with its size.
const DefaultMaxViolations = 100

// newInvalidParamError builds the error of the violations vs kept under
// the cap and the omitted others (see validateWith).
func newInvalidParamError(s *Schema, data any, vs []Violation, omitted int) *InvalidParamError {
	return &InvalidParamError{Data: data, Errors: vs, Omitted: omitted, Schema: s}
}

// Code returns CodeValidationFailed.
func (e *InvalidParamError) Code() string { return CodeValidationFailed }

// maxSummarised is how many violations Error spells out before counting the
// rest.
const maxSummarised = 5

// Error summarises the violations on one line, for example
// "TEGGO_VALIDATION_FAILED: data/title must NOT have more than 100 characters; data/x must be string".
func (e *InvalidParamError) Error() string {
	var b strings.Builder
	b.WriteString(CodeValidationFailed)
	b.WriteString(": ")
	if len(e.Errors) == 0 {
		b.WriteString("validation failed")
		return b.String()
	}
	for i, v := range e.Errors {
		if i == maxSummarised {
			fmt.Fprintf(&b, " (and %d more)", len(e.Errors)-i+e.Omitted)
			return b.String()
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, " (and %d more)", e.Omitted)
	}
	return b.String()
}

// SyntaxError reports input that is not acceptable JSON: malformed JSON,
// invalid UTF-8, trailing data, nesting deeper than the configured limit or a
// number too large to compare. It is distinct from *InvalidParamError so that
// the HTTP layer can answer 400 for it and 422 for violations.
type SyntaxError struct {
	// Offset is the byte offset in the input where the problem was found,
	// or -1 when unknown.
	Offset int64
	// Reason says what is wrong, in lower case.
	Reason string
	// Err is the underlying decoder error, if any.
	Err error
}

// Code returns CodeInvalidJSON.
func (e *SyntaxError) Code() string { return CodeInvalidJSON }

// Error implements error.
func (e *SyntaxError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("%s: invalid JSON at offset %d: %s", CodeInvalidJSON, e.Offset, e.Reason)
	}
	return fmt.Sprintf("%s: invalid JSON: %s", CodeInvalidJSON, e.Reason)
}

// Unwrap returns the underlying decoder error.
func (e *SyntaxError) Unwrap() error { return e.Err }

// SchemaError reports a schema that cannot be compiled or that a guard
// refuses (an $anchor, a remote $ref, a $ref cycle, ...). It is a programming
// error, never the client's: the HTTP layer answers 500 for it.
type SchemaError struct {
	// Reason says what is wrong.
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Code returns CodeInvalidSchema.
func (e *SchemaError) Code() string { return CodeInvalidSchema }

// Error implements error.
func (e *SchemaError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("ajv: invalid schema: %s: %v", e.Reason, e.Err)
	}
	return "ajv: invalid schema: " + e.Reason
}

// Unwrap returns the underlying error.
func (e *SchemaError) Unwrap() error { return e.Err }

func schemaErrorf(err error, format string, args ...any) *SchemaError {
	return &SchemaError{Reason: fmt.Sprintf(format, args...), Err: err}
}

// rawData returns data as a json.RawMessage copy for InvalidParamError.Data.
func rawData(data []byte) json.RawMessage {
	return append(json.RawMessage(nil), data...)
}
