package ajv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// ownBackend compiles with b and, for gojsonschema and santhosh, drops the
// native pre-pass in front of them, so that their own error mapping is
// what reports.
type ownBackend struct{ Backend }

func (o ownBackend) Name() string { return o.Backend.Name() + "/own" }

func (o ownBackend) Compile(schemaJSON []byte) (Compiled, error) {
	c, err := o.Backend.Compile(schemaJSON)
	if p, ok := c.(*prefilteredCompiled); ok {
		return p.lib, err
	}
	return c, err
}

var boundedBackends = append(append([]Backend(nil), backends...),
	ownBackend{GoJSONSchemaBackend()}, ownBackend{SanthoshBackend()})

// boundedCases are the conformance table and bodies with many violations
// of several kinds, nested, duplicated through allOf and blocked by type.
func boundedCases() []struct{ name, schema, data string } {
	var out []struct{ name, schema, data string }
	for _, tc := range conformance {
		out = append(out, struct{ name, schema, data string }{tc.name, tc.schema, tc.data})
	}
	items := func(n int, f func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = f(i)
		}
		return strings.Join(parts, ",")
	}
	out = append(out,
		struct{ name, schema, data string }{"many unknown keys",
			`{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}`,
			"{" + items(300, func(i int) string { return `"k` + strconv.Itoa(i) + `":0` }) + `,"a":1}`},
		struct{ name, schema, data string }{"many wrong items, some blocked",
			`{"type":"object","properties":{"ids":{"type":"array","items":{"type":"integer","minimum":5}}}}`,
			`{"ids":[` + items(300, func(i int) string {
				switch i % 3 {
				case 0:
					return `"x"`
				case 1:
					return strconv.Itoa(i % 7)
				}
				return "9"
			}) + `]}`},
		struct{ name, schema, data string }{"duplicates",
			`{"type":"array","uniqueItems":true}`,
			"[" + items(400, func(i int) string { return []string{"1", "1.0", `"1"`, "2", `{"a":1}`, "[1]"}[i%6] }) + "]"},
		struct{ name, schema, data string }{"duplicates in many arrays",
			`{"type":"array","items":{"type":"array","uniqueItems":true}}`,
			"[" + items(60, func(i int) string { return "[1,1,1,2,2," + strconv.Itoa(i) + "]" }) + "]"},
		struct{ name, schema, data string }{"duplicates twice through allOf",
			`{"allOf":[{"uniqueItems":true},{"uniqueItems":true,"maxItems":3}]}`,
			"[" + items(200, func(i int) string { return strconv.Itoa(i % 5) }) + "]"},
		struct{ name, schema, data string }{"tuples and patterns",
			`{"type":"object","patternProperties":{"^p":{"type":"string"}},"additionalProperties":{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":{"type":"boolean"}}}`,
			"{" + items(120, func(i int) string {
				if i%2 == 0 {
					return `"p` + strconv.Itoa(i) + `":1`
				}
				return `"q` + strconv.Itoa(i) + `":[1,"x",0,false,2]`
			}) + "}"},
		struct{ name, schema, data string }{"required and nested",
			`{"type":"array","items":{"type":"object","required":["a","b"],"properties":{"c":{"type":"object","required":["d"]}}}}`,
			"[" + items(150, func(i int) string { return `{"c":{}}` }) + "]"},
	)
	return out
}

// TestBoundedMatchesFull proves that a capped report is exactly the first
// violations of the full one, in the same order, and that Omitted counts
// exactly the rest, on every backend (and on gojsonschema's and santhosh's
// own mapping), for caps below and above the heap-selection threshold.
func TestBoundedMatchesFull(t *testing.T) {
	for _, b := range boundedBackends {
		for _, tc := range boundedCases() {
			c, err := b.Compile([]byte(tc.schema))
			if err != nil {
				t.Fatalf("%s/%s: %v", b.Name(), tc.name, err)
			}
			inst, err := decodeJSON([]byte(tc.data), DefaultMaxDepth)
			if err != nil {
				t.Fatal(err)
			}
			full := c.Validate(inst)
			for _, limit := range []int{1, 2, 3, 7, 50, 1000} {
				vs, omitted := validateWith(c, inst, limit)
				n := min(limit, len(full))
				if !reflect.DeepEqual(vs, full[:n:n]) && !(n == 0 && vs == nil) {
					t.Fatalf("%s/%s cap %d:\n got %v\nwant %v", b.Name(), tc.name, limit, vs, full[:n])
				}
				if omitted != len(full)-n {
					t.Fatalf("%s/%s cap %d: omitted %d, want %d", b.Name(), tc.name, limit, omitted, len(full)-n)
				}
			}
		}
	}
}

// TestBackendsReportAlike proves that gojsonschema's and santhosh's own
// reports are the ones the native validator gives them on the conformance
// table, so that answering invalid instances natively changes no report
// there.
func TestBackendsReportAlike(t *testing.T) {
	for _, b := range []Backend{ownBackend{GoJSONSchemaBackend()}, ownBackend{SanthoshBackend()}} {
		for _, tc := range conformance {
			own, err := b.Compile([]byte(tc.schema))
			if err != nil {
				t.Fatal(err)
			}
			native, err := NativeBackend().Compile([]byte(tc.schema))
			if err != nil {
				continue
			}
			inst, err := decodeJSON([]byte(tc.data), DefaultMaxDepth)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := own.Validate(inst), native.Validate(inst); !reflect.DeepEqual(got, want) {
				t.Errorf("%s/%s:\n own    %v\n native %v", b.Name(), tc.name, got, want)
			}
		}
	}
}

// TestLocatorMatchesLocate proves that the memoized locator finds the node
// schemaDoc.locate finds, for listed, pattern-matched and other
// properties, tuple and additional items, through allOf and $ref.
func TestLocatorMatchesLocate(t *testing.T) {
	doc, err := parseSchema([]byte(`{
	 "definitions":{"s":{"type":"string","maxLength":1}},
	 "type":"object",
	 "properties":{"a":{"$ref":"#/definitions/s"},"01":{"type":"integer"}},
	 "patternProperties":{"^p":{"type":"integer"},"x$":{"minimum":3}},
	 "additionalProperties":{"type":"array","items":[{"type":"string"},{"maxLength":2}],"additionalItems":{"type":"boolean"}},
	 "allOf":[{"properties":{"a":{"minLength":2}},"additionalProperties":{"maxItems":1}}]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	var raws []rawError
	for _, top := range []string{"a", "01", "p1", "px", "zx", "q", "r", "1", "+1", "-0", ""} {
		for _, kw := range []string{"type", "maxLength", "minLength", "minimum", "maxItems", "additionalProperties", "required"} {
			raws = append(raws, rawError{inst: []string{top}, keyword: kw, prop: top})
			for _, idx := range []string{"0", "1", "2", "7", "01", "x"} {
				raws = append(raws, rawError{inst: []string{top, idx}, keyword: kw, prop: idx})
			}
		}
		raws = append(raws, rawError{inst: nil, keyword: "additionalProperties", prop: top})
	}
	lc := newLocator(doc)
	for _, r := range raws {
		for range 2 { // the second time from the caches
			got, gotOK := lc.locate(&r)
			want, wantOK := doc.locate(r.inst, r.matcher(doc))
			if gotOK != wantOK || got.ptr != want.ptr {
				t.Fatalf("%q %s %q: locator %q %v, locate %q %v", r.inst, r.keyword, r.prop, got.ptr, gotOK, want.ptr, wantOK)
			}
		}
	}
}

// TestDuplicateItems proves that grouping by value reports exactly the
// pairs and count of comparing every item with the earlier ones, for
// numbers written differently, strings that look like numbers, objects
// and arrays.
func TestDuplicateItems(t *testing.T) {
	values := []string{`1`, `1.0`, `10`, `1e1`, `"1"`, `"10"`, `-0`, `0`, `null`, `true`, `false`,
		`[1]`, `[1.0]`, `{"a":1,"b":2}`, `{"b":2.0,"a":1}`, `{"a":1}`, `"x"`, `2`, `100000000000000000000001`}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		n := 2 + rng.IntN(60)
		parts := make([]string, n)
		for i := range parts {
			if round%3 == 0 && i > 0 && rng.IntN(2) == 0 {
				parts[i] = parts[i-1]
				continue
			}
			parts[i] = values[rng.IntN(len(values))]
		}
		v, err := decodeJSON([]byte("["+strings.Join(parts, ",")+"]"), DefaultMaxDepth)
		if err != nil {
			t.Fatal(err)
		}
		arr := v.([]any)
		var want [][2]int
		for j := 1; j < len(arr); j++ {
			for i := j - 1; i >= 0; i-- {
				if jsonEqual(arr[i], arr[j]) {
					want = append(want, [2]int{i, j})
					break
				}
			}
		}
		var got [][2]int
		count := duplicateItems(arr, func(i, j int) bool { got = append(got, [2]int{i, j}); return true })
		if count != len(want) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%v: got %d %v, want %v", parts, count, got, want)
		}
		if first := duplicateItems(arr, nil); first != min(1, len(want)) {
			t.Fatalf("%v: first = %d", parts, first)
		}
		got = got[:0]
		if count := duplicateItems(arr, func(i, j int) bool { got = append(got, [2]int{i, j}); return len(got) < 2 }); count != len(want) || len(got) != min(2, len(want)) {
			t.Fatalf("%v: stopped reporting: %d %v", parts, count, got)
		}
	}
}

// TestDecodeLargeRepeated proves that a body past sharedInputMax, whose
// short strings, keys and numbers are interned, decodes to what
// encoding/json gives, and that a transform of one interned string leaves
// the others alone.
func TestDecodeLargeRepeated(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"list":[`)
	for i := range 3000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"k%d":%d,"s":"%s","n":%s,"e":"a\u00e9%d","long name of a member %d":"%s"}`, i%300, i%7, []string{"x", " y ", "x", "a\\nb"}[i%4], []string{"1", "1.0", "-2e3", "1"}[i%4], i%3,
			i%5, strings.Repeat("v", []int{17, 255, 256, 300}[i%4]))
	}
	b.WriteString(`]}`)
	if b.Len() <= sharedInputMax {
		t.Fatal("body too small to take the large-input path")
	}
	got, err := decodeJSON(b.Bytes(), DefaultMaxDepth)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b.Bytes()))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("large body decodes unlike encoding/json")
	}
	s, err := New(WithBackend(NativeBackend())).Compile([]byte(`{"type":"object","properties":{"list":{"type":"array","items":{"type":"object","properties":{"s":{"type":"string","transform":["trim"]}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.ValidateDecoded(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	list := v.(map[string]any)["list"].([]any)
	for i, e := range list {
		if want := []string{"x", "y", "x", "a\nb"}[i%4]; e.(map[string]any)["s"] != want {
			t.Fatalf("item %d: s = %q, want %q", i, e.(map[string]any)["s"], want)
		}
	}
}
