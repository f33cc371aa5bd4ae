package jsontree

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeLimits(t *testing.T) {
	for _, in := range []string{strings.Repeat("[", 65) + strings.Repeat("]", 65), `1e10001`, strings.Repeat("1", 4097), "\"\xff\"", ``, `  `} {
		var se *SyntaxError
		if _, err := Parse([]byte(in), 64); !errors.As(err, &se) {
			t.Errorf("%.20q: %v", in, err)
		}
	}
	if _, err := Parse([]byte(strings.Repeat("[", 64)+strings.Repeat("]", 64)), 64); err != nil {
		t.Error(err)
	}
}

// defaultMaxDepth is the depth limit the validator applies by default
// (ajv.DefaultMaxDepth).
const defaultMaxDepth = 256
