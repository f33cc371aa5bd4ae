package ajv

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
)

type adversarialIDs struct {
	IDs []int `json:"ids"`
}

type adversarialStrict struct {
	Name string `json:"name,omitempty"`
}

var limitBackends = []Backend{GoJSONSchemaBackend(), SanthoshBackend(), NativeBackend()}

// unknownKeysBody is {"k0":0,...} with n unknown keys.
func unknownKeysBody(n int) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + strconv.Itoa(i) + `":0`)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// wrongItemsBody is {"ids":["x",...]} with n strings.
func wrongItemsBody(n int) []byte {
	return []byte(`{"ids":[` + strings.TrimSuffix(strings.Repeat(`"x",`, n), ",") + `]}`)
}

// duplicateItemsBody is an array of n equal numbers.
func duplicateItemsBody(n int) []byte {
	return []byte("[" + strings.TrimSuffix(strings.Repeat("1,", n), ",") + "]")
}

func adversarialSchemas(t testing.TB, a *Ajv) (strict, ids, unique *Schema) {
	var err error
	if strict, err = SchemaOf[adversarialStrict](a); err != nil {
		t.Fatal(err)
	}
	if ids, err = SchemaOf[adversarialIDs](a); err != nil {
		t.Fatal(err)
	}
	if unique, err = a.Compile([]byte(`{"type":"array","uniqueItems":true}`)); err != nil {
		t.Fatal(err)
	}
	return
}

// TestViolationCap proves the report keeps at most the cap, in order, and
// that Omitted counts exactly the rest, on every backend and for both the
// default and a configured cap.
func TestViolationCap(t *testing.T) {
	for _, b := range limitBackends {
		for _, limit := range []int{0, 7} {
			a := New(WithBackend(b), MaxViolations(limit))
			strict, ids, _ := adversarialSchemas(t, a)
			want := limit
			if want == 0 {
				want = DefaultMaxViolations
			}
			for name, c := range map[string]struct {
				s     *Schema
				body  []byte
				total int
			}{
				"unknown keys": {strict, unknownKeysBody(1000), 1000},
				"wrong items":  {ids, wrongItemsBody(1500), 1500},
			} {
				var ipe *InvalidParamError
				if err := c.s.Validate(c.body); !errors.As(err, &ipe) {
					t.Fatalf("%s/%s: %v", b.Name(), name, err)
				}
				if len(ipe.Errors) != want || ipe.Omitted != c.total-want {
					t.Fatalf("%s/%s cap %d: %d errors, %d omitted; want %d and %d",
						b.Name(), name, limit, len(ipe.Errors), ipe.Omitted, want, c.total-want)
				}
				for i := 1; i < len(ipe.Errors); i++ {
					if compareViolation(ipe.Errors[i-1], ipe.Errors[i]) >= 0 {
						t.Fatalf("%s/%s: not sorted at %d: %v then %v", b.Name(), name, i, ipe.Errors[i-1], ipe.Errors[i])
					}
				}
				if !strings.Contains(ipe.Error(), "(and "+strconv.Itoa(c.total-maxSummarised)+" more)") {
					t.Fatalf("%s/%s: summary does not count the omitted: %s", b.Name(), name, ipe.Error())
				}
			}
		}
	}
}

func compareViolation(a, b Violation) int {
	if a.InstancePath != b.InstancePath {
		return strings.Compare(a.InstancePath, b.InstancePath)
	}
	if a.Keyword != b.Keyword {
		return strings.Compare(a.Keyword, b.Keyword)
	}
	if a.SchemaPath != b.SchemaPath {
		return strings.Compare(a.SchemaPath, b.SchemaPath)
	}
	return strings.Compare(a.Params["additionalProperty"].(string), b.Params["additionalProperty"].(string))
}

// deepSlice is []any nested n deep, built without recursion.
func deepSlice(n int) any {
	var v any = []any{}
	for range n - 1 {
		v = []any{v}
	}
	return v
}

const hugeDepth = 2_000_000

// TestDeepGoValueRefused proves that a Go value nested 2,000,000 deep is
// refused with a clear error by ValidateInstance and Validate, instead of
// exhausting the stack in a backend or a walk.
func TestDeepGoValueRefused(t *testing.T) {
	v := deepSlice(hugeDepth)
	for _, b := range limitBackends {
		a := New(WithBackend(b))
		s, err := a.Compile([]byte(`{"type":"array"}`))
		if err != nil {
			t.Fatal(err)
		}
		var se *SyntaxError
		if err := s.ValidateInstance(v); !errors.As(err, &se) || !strings.Contains(se.Reason, "nesting depth") {
			t.Fatalf("%s: ValidateInstance: %v", b.Name(), err)
		}
		if err := a.Validate(v); err == nil || !strings.Contains(err.Error(), "nested deeper") {
			t.Fatalf("%s: Validate: %v", b.Name(), err)
		}
	}
	if err := checkInstanceDepth(deepSlice(DefaultMaxDepth), DefaultMaxDepth); err != nil {
		t.Fatalf("a value at the limit is refused: %v", err)
	}
}

// TestDeepJSONRefused proves that JSON nested 2,000,000 deep is refused as a
// body and as a schema, with a *SyntaxError and a *SchemaError.
func TestDeepJSONRefused(t *testing.T) {
	deep := []byte(strings.Repeat("[", hugeDepth) + strings.Repeat("]", hugeDepth))
	for _, b := range limitBackends {
		a := New(WithBackend(b))
		s, err := a.Compile([]byte(`{"type":"array"}`))
		if err != nil {
			t.Fatal(err)
		}
		var se *SyntaxError
		if err := s.Validate(deep); !errors.As(err, &se) {
			t.Fatalf("%s: body: %v", b.Name(), err)
		}
		deepSchema := []byte(strings.Repeat(`{"items":`, hugeDepth/10) + "true" + strings.Repeat("}", hugeDepth/10))
		var sce *SchemaError
		if _, err := a.Compile(deepSchema); !errors.As(err, &sce) {
			t.Fatalf("%s: schema: %v", b.Name(), err)
		}
	}
}

// BenchmarkAdversarialBody validates 1 MiB hostile bodies on every backend:
// 50k unknown keys under additionalProperties false, 60k wrong-typed items
// of []int, and 1 MiB of duplicate items under uniqueItems.
func BenchmarkAdversarialBody(b *testing.B) {
	const mib = 1 << 20
	pad := func(body []byte) []byte { // grow to 1 MiB with trailing spaces
		if len(body) < mib {
			body = append(body, bytes.Repeat([]byte(" "), mib-len(body))...)
		}
		return body
	}
	for _, be := range limitBackends {
		a := New(WithBackend(be))
		strict, ids, unique := adversarialSchemas(b, a)
		for _, c := range []struct {
			name string
			s    *Schema
			body []byte
		}{
			{"unknownKeys", strict, pad(unknownKeysBody(50_000))},
			{"wrongItems", ids, pad(wrongItemsBody(60_000))},
			{"duplicateItems", unique, pad(duplicateItemsBody(mib / 2))},
		} {
			b.Run(be.Name()+"/"+c.name, func(b *testing.B) {
				b.SetBytes(int64(len(c.body)))
				for b.Loop() {
					if err := c.s.Validate(c.body); err == nil {
						b.Fatal("valid")
					}
				}
			})
		}
	}
}
