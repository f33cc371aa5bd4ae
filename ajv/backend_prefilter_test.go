package ajv

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The library backends report an instance the native pre-pass rejects
// with the pre-pass's violations: santhosh alone names only the first
// duplicate pair of uniqueItems, the pre-pass every pair.
func TestPrefilterReportsWhatItRejects(t *testing.T) {
	const schema = `{"type":"array","uniqueItems":true}`
	inst := []any{json.Number("1"), json.Number("1"), json.Number("1")}
	native, err := NativeBackend().Compile([]byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	want := native.Validate(inst)
	if len(want) < 2 {
		t.Fatalf("native reports %v, want every duplicate pair", want)
	}
	own, err := ownBackend{SanthoshBackend()}.Compile([]byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	if got := own.Validate(inst); len(got) >= len(want) {
		t.Fatalf("santhosh alone reports %d violations; the test needs fewer than %d", len(got), len(want))
	}
	for _, b := range []Backend{GoJSONSchemaBackend(), SanthoshBackend()} {
		c, err := b.Compile([]byte(schema))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Validate(inst); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", b.Name(), got, want)
		}
		if vs, omitted := validateWith(c, inst, 1); len(vs) != 1 || omitted != len(want)-1 {
			t.Errorf("%s capped at 1: %d violations, %d omitted; want 1, %d", b.Name(), len(vs), omitted, len(want)-1)
		}
	}
}

// gojsonschema panics on a number beyond float64 under uniqueItems; behind
// the pre-pass, which compares numbers exactly, an instance the pre-pass
// accepts is valid, and alone it is reported, never a crash.
func TestPrefilterAnswersWhereTheLibraryFails(t *testing.T) {
	const schema = `{"type":"array","uniqueItems":true}`
	inst := []any{json.Number("1e400"), json.Number("2")}
	c, err := GoJSONSchemaBackend().Compile([]byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	if vs := c.Validate(inst); vs != nil {
		t.Errorf("behind the pre-pass: %v, want valid", vs)
	}
	own, err := ownBackend{GoJSONSchemaBackend()}.Compile([]byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	if vs := own.Validate(inst); len(vs) != 1 || vs[0].Keyword != "$internal" {
		t.Errorf("gojsonschema alone: %v, want one $internal violation", vs)
	}
}
