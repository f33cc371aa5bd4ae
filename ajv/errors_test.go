package ajv

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestInvalidParamErrorShape(t *testing.T) {
	err := New().ValidateJSON([]byte(typeboxTask), []byte(`{"fullname":1,"tips":2,"z":1}`))
	var ipe *InvalidParamError
	if !errors.As(err, &ipe) {
		t.Fatal(err)
	}
	if ipe.Code() != CodeValidationFailed || CodeValidationFailed != "TEGGO_VALIDATION_FAILED" {
		t.Error("code")
	}
	wrapped := fmt.Errorf("create topic: %w", err)
	if !errors.As(wrapped, &ipe) {
		t.Error("errors.As through wrapping")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "TEGGO_VALIDATION_FAILED: data must NOT have additional properties; data/force must have required property 'force'") ||
		!strings.Contains(msg, "(and 2 more)") || strings.Contains(msg, "\n") {
		t.Errorf("Error() = %q", msg)
	}
	// sorted by instance path, then keyword
	for i := 1; i < len(ipe.Errors); i++ {
		p, c := ipe.Errors[i-1], ipe.Errors[i]
		if p.InstancePath > c.InstancePath || (p.InstancePath == c.InstancePath && p.Keyword > c.Keyword) {
			t.Errorf("not sorted: %v before %v", p, c)
		}
	}
	b, _ := json.Marshal(ipe)
	if !strings.Contains(string(b), `"instancePath":"/force","schemaPath":"#/required","keyword":"required","params":{"missingProperty":"force"}`) {
		t.Errorf("JSON: %s", b)
	}
}

func TestSyntaxErrorShape(t *testing.T) {
	err := New().ValidateJSON([]byte(`{}`), []byte(`{"a":}`))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Code() != CodeInvalidJSON || se.Offset != 5 {
		t.Fatalf("%#v", err)
	}
	var ipe *InvalidParamError
	if errors.As(err, &ipe) {
		t.Error("a syntax error must stay distinct from violations")
	}
	if !strings.Contains(err.Error(), "offset 5") {
		t.Error(err)
	}
}
