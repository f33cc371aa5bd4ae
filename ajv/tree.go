package ajv

import "github.com/teggo/teggo/internal/jsontree"

// DefaultMaxDepth is the default limit on the nesting of arrays and objects
// in validated JSON. Deeper input is refused with a *SyntaxError before any
// backend sees it, so no backend can exhaust the stack on it.
const DefaultMaxDepth = 256

// decodeJSON parses data with the JSON engine (jsontree.Parse): the value
// tree the backends validate, never referring to data's memory. Every
// refusal is a *SyntaxError.
func decodeJSON(data []byte, maxDepth int) (any, error) {
	v, err := jsontree.Parse(data, maxDepth)
	return v, syntaxError(err)
}

// decodeJSONWith is decodeJSON taking the value's memory from arena (see
// jsontree.ParseIn): the value is the arena's until it is released.
func decodeJSONWith(data []byte, maxDepth int, arena *jsontree.Arena) (any, error) {
	v, err := jsontree.ParseIn(data, maxDepth, arena)
	return v, syntaxError(err)
}

// syntaxError reports the JSON engine's refusal as ajv's *SyntaxError;
// other errors are returned as they are.
func syntaxError(err error) error {
	if se, ok := err.(*jsontree.SyntaxError); ok {
		return &SyntaxError{Offset: se.Offset, Reason: se.Reason}
	}
	return err
}
