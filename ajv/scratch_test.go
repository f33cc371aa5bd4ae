package ajv

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// sixFieldSchema is the schema of sixFieldBody.
const sixFieldSchema = `{"type":"object","additionalProperties":false,
	"required":["title","body","tags","priority","draft","author"],
	"properties":{
		"title":{"type":"string","minLength":1,"maxLength":100},
		"body":{"type":"string","maxLength":1000},
		"tags":{"type":"array","items":{"type":"string"},"maxItems":5},
		"priority":{"type":"integer","minimum":1,"maximum":5},
		"draft":{"type":"boolean"},
		"author":{"type":"string","minLength":2,"maxLength":40}}}`

func compileFor(t testing.TB, backend Backend, schema string) *Schema {
	t.Helper()
	s, err := New(WithBackend(backend)).Compile([]byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestValidateDecodedFuncAllocs: with the scratch, the six-field body's
// decode allocates only the copy of the input (ValidateDecoded: 6), and the
// native validator nothing.
func TestValidateDecodedFuncAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector empties sync.Pools at random")
	}
	s := compileFor(t, NativeBackend(), sixFieldSchema)
	use := func(v any) error {
		if v.(map[string]any)["title"] != "Hello teggo" {
			return errors.New("wrong value")
		}
		return nil
	}
	got := testing.AllocsPerRun(200, func() {
		if err := s.ValidateDecodedFunc(sixFieldBody, use); err != nil {
			t.Fatal(err)
		}
	})
	if got != 1 {
		t.Errorf("%v allocations per call, want 1", got)
	}
}

// scratchBodies exercise the scratch past each of its capacities: more
// maps, members, boxes, elements and arrays than it holds.
func scratchBodies() [][]byte {
	many := func(n int, f func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = f(i)
		}
		return strings.Join(parts, ",")
	}
	return [][]byte{
		sixFieldBody,
		wideBody,
		[]byte(`["\u00e9t\u00e9",{"k\n":"v\t","":""},-0,1.5E-3,"x",[],{},[[["deep"]]]]`),
		[]byte(`[` + many(40, func(i int) string { return fmt.Sprintf(`{"i":%d,"s":"s%d"}`, i, i) }) + `]`),
		[]byte(`{` + many(50, func(i int) string { return fmt.Sprintf(`"k%d":"v%d"`, i, i) }) + `}`),
		[]byte(`[` + many(100, func(i int) string { return fmt.Sprintf(`"e%d"`, i) }) + `]`),
		[]byte(`[` + many(30, func(i int) string { return fmt.Sprintf(`[%d,"%d"]`, i, i) }) + `]`),
		[]byte(`{"big":"` + strings.Repeat("y", sharedInputMax) + `","n":[1,2,3],"s":"small"}`),
		[]byte(`{"a":{"b":1},"a":{"c":2}}`),
	}
}

// TestValidateDecodedFuncValues: the value lent to use equals
// ValidateDecoded's, call after call, while the scratch is reused by bodies
// of every shape, and strings copied out of a lent value stay intact.
func TestValidateDecodedFuncValues(t *testing.T) {
	s := compileFor(t, NativeBackend(), `{}`)
	bodies := scratchBodies()
	wants := decodedStd(t, bodies)
	type kept struct {
		body  int
		title string
	}
	var keep []kept
	for r := range 3 * len(bodies) {
		i := (r * 7) % len(bodies)
		err := s.ValidateDecodedFunc(bodies[i], func(v any) error {
			if !reflect.DeepEqual(v, wants[i]) {
				return fmt.Errorf("body %d: %#v, want %#v", i, v, wants[i])
			}
			if m, ok := v.(map[string]any); ok {
				if title, ok := m["title"].(string); ok {
					keep = append(keep, kept{i, title})
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	for _, k := range keep {
		if want := wants[k.body].(map[string]any)["title"]; k.title != want {
			t.Errorf("a title copied out of body %d became %q, want %q", k.body, k.title, want)
		}
	}
	if len(keep) == 0 {
		t.Fatal("no title kept: the test proves nothing")
	}
}

// TestValidateDecodedFuncConcurrent: values lent at the same time never
// share memory. Run it with -race.
func TestValidateDecodedFuncConcurrent(t *testing.T) {
	s := compileFor(t, NativeBackend(), `{}`)
	bodies := scratchBodies()
	wants := decodedStd(t, bodies)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for r := range 200 {
				i := (w + r) % len(bodies)
				err := s.ValidateDecodedFunc(bodies[i], func(v any) error {
					runtime.Gosched() // let the others decode meanwhile
					if !reflect.DeepEqual(v, wants[i]) {
						return fmt.Errorf("body %d changed while in use", i)
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestValidateDecodedFuncErrors: a refused body never reaches use; the
// errors are ValidateDecoded's, and an invalid value's violations stay
// intact while the scratch serves other bodies.
func TestValidateDecodedFuncErrors(t *testing.T) {
	s := compileFor(t, NativeBackend(), sixFieldSchema)
	called := false
	use := func(any) error { called = true; return nil }

	err := s.ValidateDecodedFunc([]byte(`{"title":`), use)
	var se *SyntaxError
	if !errors.As(err, &se) || called {
		t.Fatalf("malformed: %v, use called: %v", err, called)
	}

	bad := []byte(`{"title":"","body":"b","tags":["x"],"priority":9,"draft":true,"author":"al","extra":1}`)
	_, want := s.ValidateDecoded(bad)
	err = s.ValidateDecodedFunc(bad, use)
	var ipe *InvalidParamError
	if !errors.As(err, &ipe) || called {
		t.Fatalf("invalid: %v, use called: %v", err, called)
	}
	for range 20 {
		if err := s.ValidateDecodedFunc(sixFieldBody, func(any) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(err, want) {
		t.Errorf("violations changed after later calls:\n got %v\nwant %v", err, want)
	}

	sentinel := errors.New("use failed")
	if err := s.ValidateDecodedFunc(sixFieldBody, func(any) error { return sentinel }); err != sentinel {
		t.Errorf("use's error: %v", err)
	}
}

// The arrays a scratch lends are full: an append copies instead of writing
// into the scratch.
func TestScratchArraysAreFull(t *testing.T) {
	s := compileFor(t, NativeBackend(), `{}`)
	err := s.ValidateDecodedFunc([]byte(`[[1,2],[3]]`), func(v any) error {
		outer := v.([]any)
		first := outer[0].([]any)
		_ = append(first, json.Number("99"))
		if second := outer[1].([]any); second[0] != json.Number("3") {
			return fmt.Errorf("an append wrote into the next array: %v", second)
		}
		if cap(first) != len(first) {
			return fmt.Errorf("cap %d, len %d", cap(first), len(first))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func BenchmarkValidateDecodedFunc(b *testing.B) {
	s := compileFor(b, NativeBackend(), sixFieldSchema)
	use := func(any) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		if err := s.ValidateDecodedFunc(sixFieldBody, use); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateDecoded(b *testing.B) {
	s := compileFor(b, NativeBackend(), sixFieldSchema)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ValidateDecoded(sixFieldBody); err != nil {
			b.Fatal(err)
		}
	}
}
