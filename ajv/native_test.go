package ajv

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// nativeWide uses most supported keywords at once; its instance is valid.
const nativeWide = `{
 "definitions":{"tag":{"type":"string","pattern":"^[a-z]+$","maxLength":10},
  "tree":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/definitions/tree"}}}}},
 "type":"object","additionalProperties":false,"minProperties":1,"maxProperties":20,
 "required":["title","n","tags","kind"],
 "properties":{
  "title":{"type":"string","minLength":1,"maxLength":100,"transform":["trim"]},
  "n":{"type":"integer","minimum":1,"maximum":1e400,"multipleOf":3},
  "f":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1,"multipleOf":0.01},
  "tags":{"type":"array","items":{"$ref":"#/definitions/tag"},"minItems":1,"maxItems":5,"uniqueItems":true},
  "pair":{"type":"array","items":[{"type":"string"},{"type":"boolean"}],"additionalItems":false},
  "kind":{"enum":["a","b",1,null]},
  "v":{"const":{"x":[1,2.0]}},
  "any":{"anyOf":[{"type":"string"},{"type":"integer","minimum":3}]},
  "one":{"oneOf":[{"type":"string"},{"type":"boolean"}]},
  "no":{"not":{"type":"null"}},
  "m":{"type":"object","patternProperties":{"^n_":{"type":"number"}},"additionalProperties":{"type":"boolean"},"propertyNames":{"maxLength":5}},
  "c":{"type":"array","contains":{"const":7}},
  "opt":{"type":["string","null"],"title":"t","description":"d","default":"x","examples":["x"]},
  "cond":{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["x"]},"else":{"required":["y"]}},
  "dep":{"type":"object","dependencies":{"a":["b"],"c":{"required":["d"]}}},
  "all":{"allOf":[{"type":"object"},{"required":["z"]}]},
  "tree":{"$ref":"#/definitions/tree"},
  "when":{"type":"string","format":"date"}
 }
}`

const nativeWideData = `{"title":"hello","n":9,"f":0.25,"tags":["go","di"],"pair":["a",true],"kind":1,
 "v":{"x":[1.0,2]},"any":5,"one":true,"no":0,"m":{"n_a":1,"b":true},"c":[1,7],"opt":null,
 "cond":{"k":"a","x":1},"dep":{"a":1,"b":2,"c":3,"d":4},"all":{"z":1},"when":"2024-02-29",
 "tree":{"v":1,"kids":[{"v":2,"kids":[]}]}}`

func TestNativeZeroAllocs(t *testing.T) {
	cases := []struct{ schema, data string }{
		{typeboxTask, `{"fullname":"x","tips":"t","skipDependencies":true,"syncDownloadData":false,"force":false,"forceSyncHistory":false,"registryName":"npm"}`},
		{nativeWide, nativeWideData},
		{nestedSchema, `{"a":[{"b":{"c":1}},{"b":{"c":123456789012345678901234567890}}]}`},
		{`{"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},"additionalProperties":false}}}`,
			`{"v":1,"kids":[{"v":2,"kids":[{"v":3}]}]}`},
		{`{"type":"array","uniqueItems":true}`, `[1,"1",[1],{"a":1},{"a":2},null,true,false,1.5]`},
	}
	for _, tc := range cases {
		c, err := NativeBackend().Compile([]byte(tc.schema))
		if err != nil {
			t.Fatal(err)
		}
		inst, err := decodeJSON([]byte(tc.data), DefaultMaxDepth)
		if err != nil {
			t.Fatal(err)
		}
		if vs := c.Validate(inst); vs != nil {
			t.Fatalf("%s: want valid, got %v", tc.data, vs)
		}
		if n := testing.AllocsPerRun(100, func() { c.Validate(inst) }); n != 0 {
			t.Errorf("%.40s...: %v allocs per valid validation, want 0", tc.data, n)
		}
	}
}

// refusedKeyword is what the refusal of each case of
// TestNativeRefusesUnsupported names.
var refusedKeyword = map[string]string{
	"prefixItems": `"prefixItems" at "#"`, "dependentRequired": `"dependentRequired" at "#"`,
	"unevaluatedProperties": `"unevaluatedProperties" at "#"`, "minContains": `"minContains" at "#"`,
	"unknown keyword": `"x-custom" at "#/properties/a"`, "unknown format": "int64",
	"draft-04": "draft-04", "2020-12 tuple": `"items" at "#"`, "2020-12 ref sibling": `"type" at "#"`,
	"draft-06 if": `"if" at "#"`, "unknown next to $ref": `"nullable" at "#"`,
}

func TestNativeRefusesUnsupported(t *testing.T) {
	cases := map[string]string{
		"prefixItems":           `{"prefixItems":[{"type":"string"}]}`,
		"dependentRequired":     `{"dependentRequired":{"a":["b"]}}`,
		"unevaluatedProperties": `{"unevaluatedProperties":false}`,
		"minContains":           `{"contains":{},"minContains":2}`,
		"unknown keyword":       `{"type":"object","properties":{"a":{"x-custom":1}}}`,
		"unknown format":        `{"type":"string","format":"int64"}`,
		"draft-04":              `{"$schema":"http://json-schema.org/draft-04/schema#","type":"string"}`,
		"2020-12 tuple":         `{"$schema":"https://json-schema.org/draft/2020-12/schema","items":[{"type":"string"}]}`,
		"2020-12 ref sibling":   `{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"s":{}},"$ref":"#/$defs/s","type":"string"}`,
		"draft-06 if":           `{"$schema":"http://json-schema.org/draft-06/schema#","if":{},"then":{}}`,
		"unknown next to $ref":  `{"definitions":{"s":{}},"$ref":"#/definitions/s","nullable":true}`,
	}
	for name, schema := range cases {
		_, err := NativeBackend().Compile([]byte(schema))
		var se *SchemaError
		if !errors.As(err, &se) || !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("%s: want a *SchemaError matching errors.ErrUnsupported, got %v", name, err)
			continue
		}
		// gojsonschema checks none of them either: falling back to it
		// fails, naming the keyword, rather than ignoring it
		fb := FallbackBackend(NativeBackend(), GoJSONSchemaBackend())
		if _, err := fb.Compile([]byte(schema)); !errors.As(err, &se) || !errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("%s: fallback to gojsonschema: want an unsupported *SchemaError, got %v", name, err)
		} else if kw := refusedKeyword[name]; !strings.Contains(err.Error(), kw) {
			t.Errorf("%s: fallback to gojsonschema: %v does not name %s", name, err, kw)
		}
		// santhosh checks every draft's keywords: falling back to it compiles
		fs := FallbackBackend(NativeBackend(), SanthoshBackend())
		if _, err := fs.Compile([]byte(schema)); err != nil && name != "draft-04" && name != "unknown format" && name != "2020-12 tuple" {
			t.Errorf("%s: fallback to santhosh: %v", name, err)
		}
	}
	malformedSchemas := []string{
		`{"maxLength":-1}`, `{"maxLength":1.5}`, `{"minimum":"1"}`, `{"multipleOf":0}`, `{"enum":[]}`,
		`{"type":"text"}`, `{"type":[]}`, `{"required":[1]}`, `{"anyOf":[]}`, `{"uniqueItems":"yes"}`,
		`{"properties":[]}`, `{"items":1}`,
	}
	for _, schema := range malformedSchemas {
		_, err := NativeBackend().Compile([]byte(schema))
		var se *SchemaError
		if !errors.As(err, &se) || errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("%s: want a plain *SchemaError, got %v", schema, err)
		}
	}
	// a refusal that is not "unsupported" is not retried
	if _, err := FallbackBackend(NativeBackend(), GoJSONSchemaBackend()).Compile([]byte(`{"$ref":"#x"}`)); err == nil {
		t.Error("fallback compiled a schema the guards refuse")
	}
	if got := FallbackBackend(NativeBackend(), GoJSONSchemaBackend()).Name(); got != "native|gojsonschema" {
		t.Errorf("Name = %q", got)
	}
}

// differential is a corpus of schemas and instances on which the native
// backend must report exactly what the default backend reports.
var differential = []struct {
	schema string
	data   []string
}{
	{nativeWide, []string{
		nativeWideData,
		`{}`, `[]`, `null`, `"x"`,
		`{"title":"","n":10,"f":1,"tags":["Go","go","go",1],"pair":["a",true,3],"kind":"c","extra":1}`,
		`{"title":1,"n":"9","f":0,"tags":[],"pair":[1,"a"],"kind":2,"v":{"x":[1,2,3]},"any":1,"one":1,"no":null}`,
		`{"title":"x","n":9.5,"f":0.125,"tags":["abcdefghijkl"],"kind":null,"m":{"n_a":"s","toolong":1,"z":"no"},"c":[],"opt":3}`,
		`{"title":"x","n":3e2,"tags":["a"],"kind":"a","cond":{"k":"a"},"dep":{"a":1,"c":2},"all":{},"when":"2024-02-30"}`,
		`{"title":"x","n":1e400,"tags":["a"],"kind":"b","cond":{"k":"b"},"tree":{"kids":[{"v":"x"}]},"when":5}`,
		`{"title":"x","n":-3,"tags":["a","a","b","a"],"kind":"b","f":-0.5,"c":[7],"v":{"x":[1,2]}}`,
	}},
	{`{"type":"integer","multipleOf":7}`, []string{`14`, `15`, `1.4e1`, `7e400`, `-21`, `0`, `1e-400`, `21.0`}},
	{`{"multipleOf":0.1}`, []string{`0.3`, `0.35`, `1e5`, `123456789012345678901234567890.1`, `-0.7`}},
	{`{"multipleOf":1e-9}`, []string{`0.000000001`, `0.0000000015`, `3`}},
	{`{"maximum":1e400,"minimum":-1e400}`, []string{`1e401`, `-1e401`, `1e399`, `0`}},
	{`{"exclusiveMaximum":0.1,"exclusiveMinimum":-0.1}`, []string{`0.1`, `0.09999999999999999999`, `-0.1`, `0`}},
	{`{"type":"number","maximum":9007199254740993}`, []string{`9007199254740993`, `9007199254740994`, `9007199254740992.5`}},
	{`{"type":"array","uniqueItems":true}`, []string{`[1,1.0]`, `[1,2,1,1]`, `[{"a":1,"b":2},{"b":2,"a":1}]`, `[[1],[1.0]]`, `["1",1]`,
		`[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,3,20,3]`}},
	{`{"type":["integer","string"],"minLength":3,"maximum":5}`, []string{`"ab"`, `6`, `5.5`, `null`, `"abc"`}},
	{`{"type":"string","minLength":2,"maxLength":3}`, []string{`"é"`, `"éé"`, `"日本語"`, `"日本語x"`, `"😀😀"`}},
	{`{"properties":{"a":{"type":"string"}},"patternProperties":{"^a":{"maxLength":1}}}`, []string{`{"a":"xy"}`, `{"a":1}`, `{"ab":"xy"}`}},
	{`{"allOf":[{"properties":{"a":{"maxLength":1}}},{"properties":{"a":{"minLength":3}}}]}`, []string{`{"a":"xx"}`}},
	{`{"oneOf":[{"required":["a"]},{"required":["b"]}]}`, []string{`{"a":1}`, `{"a":1,"b":2}`, `{}`}},
	{`{"type":"object","dependencies":{"a":["b","c"],"x":["c"]}}`, []string{`{"a":1}`, `{"a":1,"x":1}`, `{"a":1,"b":1,"c":1}`}},
	{`{"items":{"type":"object","required":["id"],"properties":{"id":{"type":"string","format":"uuid"}}}}`,
		[]string{`[{"id":"2f1e3c1a-0b3c-4e4f-9a8b-7c6d5e4f3a2b"},{},{"id":"nope"},{"id":5}]`}},
	{`{"properties":{"e":{"format":"email"},"t":{"format":"date-time"},"i":{"format":"ipv4"},"u":{"format":"uri"},"h":{"format":"hostname"}}}`,
		[]string{`{"e":"a@b.c","t":"2024-01-02T03:04:05Z","i":"1.2.3.4","u":"https://x","h":"a.b"}`, `{"e":"a","t":"x","i":"1.2.3","u":"x","h":"-a"}`}},
	{`{"items":false}`, []string{`[]`, `[1,2]`}},
	{`{"items":[true,false],"additionalItems":{"type":"string"}}`, []string{`[1,2,3,"x"]`}},
	{`{"not":{}}`, []string{`1`}},
	{`false`, []string{`1`}},
	{`{"const":null}`, []string{`null`, `0`, `false`}},
	{`{"enum":[{"a":[1,{"b":null}]},"x"]}`, []string{`{"a":[1.0,{"b":null}]}`, `{"a":[1,{"b":0}]}`}},
	{`{"contains":{"type":"string"},"items":{"maxLength":2}}`, []string{`[1,2]`, `["abc"]`, `[]`}},
	{`{"if":{"type":"string"},"then":{"maxLength":2},"else":{"minimum":3}}`, []string{`"abc"`, `2`, `[]`}},
}

func TestNativeMatchesDefaultBackend(t *testing.T) {
	gojs, native := New(), New(WithBackend(NativeBackend()))
	for _, tc := range differential {
		for _, data := range tc.data {
			e1 := gojs.ValidateJSON([]byte(tc.schema), []byte(data))
			e2 := native.ValidateJSON([]byte(tc.schema), []byte(data))
			if !sameViolations(e1, e2) {
				t.Errorf("schema %.60s data %s\ngojsonschema: %v\n      native: %v", tc.schema, data, violationsOf(e1), violationsOf(e2))
			}
		}
	}
}

func violationsOf(err error) any {
	var ipe *InvalidParamError
	if errors.As(err, &ipe) {
		var b strings.Builder
		for _, v := range ipe.Errors {
			fmt.Fprintf(&b, "\n\t%s %s %s %s %s", v.InstancePath, v.SchemaPath, v.Keyword, paramsJSON(v.Params), v.Message)
		}
		return b.String()
	}
	return err
}

func sameViolations(e1, e2 error) bool {
	var a, b *InvalidParamError
	if errors.As(e1, &a) != errors.As(e2, &b) {
		return false
	}
	if a == nil {
		return (e1 == nil) == (e2 == nil)
	}
	if len(a.Errors) != len(b.Errors) {
		return false
	}
	for i := range a.Errors {
		x, y := a.Errors[i], b.Errors[i]
		if x.InstancePath != y.InstancePath || x.SchemaPath != y.SchemaPath || x.Keyword != y.Keyword ||
			x.Message != y.Message || paramsJSON(x.Params) != paramsJSON(y.Params) {
			return false
		}
	}
	return true
}

func TestNativeFloat64Instances(t *testing.T) {
	c, err := NativeBackend().Compile([]byte(`{"type":"object","properties":{"n":{"type":"integer","maximum":3}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if vs := c.Validate(map[string]any{"n": 3.0}); vs != nil {
		t.Errorf("3.0: %v", vs)
	}
	if vs := c.Validate(map[string]any{"n": 2.5}); len(vs) != 1 || vs[0].Keyword != "type" {
		t.Errorf("2.5: %v", vs)
	}
	if vs := c.Validate(map[string]any{"n": 4.0}); len(vs) != 1 || vs[0].Keyword != "maximum" {
		t.Errorf("4.0: %v", vs)
	}
}

func TestDecimalAgainstBigRat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lit := func() string {
		var b strings.Builder
		if r.IntN(3) == 0 {
			b.WriteByte('-')
		}
		if r.IntN(4) == 0 {
			b.WriteByte('0')
		} else {
			b.WriteByte(byte('1' + r.IntN(9)))
			for range r.IntN(25) {
				b.WriteByte(byte('0' + r.IntN(10)))
			}
		}
		if r.IntN(2) == 0 {
			b.WriteByte('.')
			for range 1 + r.IntN(12) {
				b.WriteByte(byte('0' + r.IntN(10)))
			}
		}
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "e%d", r.IntN(60)-30)
		}
		return b.String()
	}
	for range 20000 {
		a, b := lit(), lit()
		da, ok1 := parseDecimal(a)
		db, ok2 := parseDecimal(b)
		ra, _ := new(big.Rat).SetString(a)
		rb, _ := new(big.Rat).SetString(b)
		if !ok1 || !ok2 {
			t.Fatalf("parse %s %s", a, b)
		}
		if got, want := da.cmp(&db), ra.Cmp(rb); got != want {
			t.Fatalf("cmp(%s, %s) = %d, want %d", a, b, got, want)
		}
		if got, want := da.isInt(), ra.IsInt(); got != want {
			t.Fatalf("isInt(%s) = %v, want %v", a, got, want)
		}
		if rb.Sign() > 0 {
			if got, want := da.multipleOf(&db), new(big.Rat).Quo(ra, rb).IsInt(); got != want {
				t.Fatalf("multipleOf(%s, %s) = %v, want %v", a, b, got, want)
			}
		}
	}
	for _, s := range []string{"", "-", "01", "1.", ".1", "1e", "1e+", "+1", "1x", "--1", "0x1", "NaN"} {
		if _, ok := parseDecimal(s); ok {
			t.Errorf("parseDecimal(%q) accepted", s)
		}
	}
	if !reflect.DeepEqual(jsonEqual(json.Number("1e400"), json.Number("10e399")), true) {
		t.Error("1e400 != 10e399")
	}
}
