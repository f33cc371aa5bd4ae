package ajv

import (
	"errors"
	"testing"
)

// FuzzValidateJSON feeds arbitrary bytes to the three backends: no panic,
// and the error is nil, a *SyntaxError or an *InvalidParamError, the same
// kind from every backend. The native backend must besides report exactly
// the violations of the default one.
func FuzzValidateJSON(f *testing.F) {
	seeds := []string{
		`{"fullname":"x","tips":"t","skipDependencies":true,"syncDownloadData":false,"force":false,"forceSyncHistory":false}`,
		`{"fullname":"  padded  ","tips":"","skipDependencies":1,"extra":null}`,
		`{"a":[{"b":{"c":1e400}}]}`, `123456789012345678901234567890`, `-0.0e-0`, `[[[[[[]]]]]]`,
		`{"a":"\ud800"}`, "\"\xff\"", `{"a":1}}`, ``, `nul`, `{"registryName":["x"]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	gojs := New()
	santhosh := New(WithBackend(SanthoshBackend()))
	native := New(WithBackend(NativeBackend()))
	schemas := []string{typeboxTask, nestedSchema, nativeWide, `{"anyOf":[{"type":"string","format":"email"},{"type":"array","items":{"$ref":"#"}}]}`}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, s := range schemas {
			e1 := gojs.ValidateJSON([]byte(s), data)
			e2 := santhosh.ValidateJSON([]byte(s), data)
			e3 := native.ValidateJSON([]byte(s), data)
			k1, k2, k3 := errKind(t, e1), errKind(t, e2), errKind(t, e3)
			if k1 != k2 || k1 != k3 {
				t.Fatalf("backends disagree on %q: %v / %v / %v", data, e1, e2, e3)
			}
			if !sameViolations(e1, e3) {
				t.Fatalf("native reports other violations than gojsonschema on %q:\n%v\n%v", data, violationsOf(e1), violationsOf(e3))
			}
		}
	})
}

func errKind(t *testing.T, err error) string {
	var se *SyntaxError
	var ipe *InvalidParamError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &se):
		return "syntax"
	case errors.As(err, &ipe):
		if len(ipe.Errors) == 0 {
			t.Fatal("InvalidParamError without violations")
		}
		return "invalid"
	}
	t.Fatalf("unexpected error type %T: %v", err, err)
	return ""
}
