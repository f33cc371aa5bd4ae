package ajv

import (
	"errors"
	"strings"
	"testing"
)

const nestedSchema = `{"type":"object","properties":{"a":{"type":"array","items":{"type":"object","properties":{"b":{"type":"object","properties":{"c":{"type":"integer"}}}}}}}}`

func TestBadInputNeverPanics(t *testing.T) {
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	syntax := map[string]string{
		"empty":           ``,
		"truncated":       `{"a":`,
		"trailing":        `{} {}`,
		"trailing junk":   `{}x`,
		"bad literal":     `{"a":tru}`,
		"invalid utf-8":   "{\"a\":\"\xff\xfe\"}",
		"deep arrays":     deep,
		"deep objects":    strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000),
		"huge exponent":   `1e999999999`,
		"long number":     strings.Repeat("9", 5000),
		"lone surrogate?": `"\ud800"`, // valid JSON; must not be a syntax error — checked below
	}
	for _, b := range backends {
		a := New(WithBackend(b))
		for name, data := range syntax {
			err := a.ValidateJSON([]byte(nestedSchema), []byte(data))
			var se *SyntaxError
			if name == "lone surrogate?" {
				var ipe *InvalidParamError
				if !errors.As(err, &ipe) { // a string is not an object
					t.Errorf("%s/%s: %v", b.Name(), name, err)
				}
				continue
			}
			if !errors.As(err, &se) {
				t.Errorf("%s/%s: want *SyntaxError, got %T %v", b.Name(), name, err, err)
			}
			var ipe *InvalidParamError
			if errors.As(err, &ipe) {
				t.Errorf("%s/%s: a syntax error must not match *InvalidParamError", b.Name(), name)
			}
		}
		wrongTypes := []string{`1`, `"s"`, `null`, `[]`, `{"a":{}}`, `{"a":[1]}`, `{"a":[{"b":[]}]}`, `{"a":[{"b":{"c":"x"}}]}`, `{"a":[{"b":{"c":1e-400}}]}`, `{"a":[{"b":{"c":-123456789012345678901234567890.5}}]}`}
		for _, data := range wrongTypes {
			err := a.ValidateJSON([]byte(nestedSchema), []byte(data))
			var ipe *InvalidParamError
			if !errors.As(err, &ipe) || len(ipe.Errors) == 0 {
				t.Errorf("%s: %s: want violations, got %v", b.Name(), data, err)
			}
		}
	}
}

func TestDeepRecursiveSchemaWithinLimit(t *testing.T) {
	for _, b := range backends {
		a := New(WithBackend(b), MaxDepth(300))
		schema := `{"type":"array","items":{"$ref":"#"}}`
		ok := strings.Repeat("[", 300) + strings.Repeat("]", 300)
		if err := a.ValidateJSON([]byte(schema), []byte(ok)); err != nil {
			t.Errorf("%s: %v", b.Name(), err)
		}
		bad := strings.Repeat("[", 200) + "1" + strings.Repeat("]", 200)
		var ipe *InvalidParamError
		if err := a.ValidateJSON([]byte(schema), []byte(bad)); !errors.As(err, &ipe) || !strings.HasPrefix(ipe.Errors[0].InstancePath, "/0/0/0") {
			t.Errorf("%s: %v", b.Name(), err)
		}
	}
}

func TestValidateNilAndOddValues(t *testing.T) {
	a := New()
	if err := a.Validate(nil); err == nil {
		t.Error("Validate(nil)")
	}
	var p *profile
	if err := a.Validate(p); err == nil {
		t.Error("Validate(nil pointer)")
	}
	if err := a.ValidateValue(nil, []byte(`1`)); err == nil {
		t.Error("ValidateValue(nil schema)")
	}
	type f struct {
		X float64 `json:"x"`
	}
	nan := 0.0
	if err := a.Validate(&f{X: nan / nan}); err == nil || errors.As(err, new(*InvalidParamError)) {
		t.Errorf("NaN: %v", err)
	}
}
