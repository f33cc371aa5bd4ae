package jsontree

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// sixFieldBody is a typical small request body.
var sixFieldBody = []byte(`{"title":"Hello teggo","body":"a body of text","tags":["go","di"],"priority":3,"draft":false,"author":"fengmk2"}`)

// wideBody has objects of more than eight members and arrays of more than
// eight elements.
var wideBody = []byte(`{"id":12345,"name":"teggo","description":"a DI and HTTP framework","version":"1.2.3","private":false,"license":"MIT",` +
	`"keywords":["di","http","aop","schedule","eventbus","ajv","schema","validation","go","framework"],` +
	`"scores":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20],` +
	`"maintainers":[{"name":"a","email":"a@example.com","url":"https://a.example.com","since":2019,"active":true,"roles":["owner"],"tz":"UTC","lang":"go","x":1},` +
	`{"name":"b","email":"b@example.com","url":"https://b.example.com","since":2020,"active":false,"roles":["dev","ops"],"tz":"CET","lang":"ts","x":2}],` +
	`"repository":{"type":"git","url":"https://example.com/teggo/teggo.git"},"homepage":"https://example.com","bugs":null}`)

// sixFieldAllocs is what decoding sixFieldBody allocates: the copy of the
// input, one slab of boxed values, the map and its group of slots, and the
// tags slice and its boxed header. It was 27 before strings shared the
// input's copy and values were boxed from slabs.
const sixFieldAllocs = 6

func BenchmarkDecodeJSON(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(sixFieldBody)))
	for b.Loop() {
		if _, err := Parse(sixFieldBody, defaultMaxDepth); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeJSONWide(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(wideBody)))
	for b.Loop() {
		if _, err := Parse(wideBody, defaultMaxDepth); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDecodeJSONAllocs(t *testing.T) {
	// The count is the same under the race detector.
	got := testing.AllocsPerRun(100, func() {
		if _, err := Parse(sixFieldBody, defaultMaxDepth); err != nil {
			t.Fatal(err)
		}
	})
	if got > sixFieldAllocs {
		t.Errorf("decoding the six-field body allocates %v times, want at most %d", got, sixFieldAllocs)
	}
}

// decodeStd is encoding/json's reading of data: UseNumber, nothing after the
// value.
func decodeStd(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("data after the value (%v)", err)
	}
	return v, nil
}

// withinLimits tells whether encoding/json's value v keeps decodeJSON's
// limits: nesting of at most maxDepth arrays and objects, numbers of at
// most maxNumberLen bytes with an exponent of at most maxExponent.
func withinLimits(v any, maxDepth int) bool {
	switch v := v.(type) {
	case map[string]any:
		if maxDepth == 0 {
			return false
		}
		for _, x := range v {
			if !withinLimits(x, maxDepth-1) {
				return false
			}
		}
	case []any:
		if maxDepth == 0 {
			return false
		}
		for _, x := range v {
			if !withinLimits(x, maxDepth-1) {
				return false
			}
		}
	case json.Number:
		if len(v) > maxNumberLen {
			return false
		}
		if i := strings.IndexAny(string(v), "eE"); i >= 0 {
			exp := 0
			for _, c := range strings.TrimLeft(string(v[i+1:]), "+-") {
				if exp = exp*10 + int(c-'0'); exp > maxExponent {
					return false
				}
			}
		}
	}
	return true
}

// decodedStd is what encoding/json (with UseNumber) decodes each body into.
func decodedStd(t *testing.T, bodies [][]byte) []any {
	t.Helper()
	wants := make([]any, len(bodies))
	for i, b := range bodies {
		w, err := decodeStd(b)
		if err != nil {
			t.Fatal(err)
		}
		wants[i] = w
	}
	return wants
}

// decodeChecked decodes data with decodeJSON twice: as it is, and padded
// with leading spaces past sharedInputMax so that strings are allocated one
// by one; both must agree, and so must a decode through a scratch. It then overwrites data, which the result must
// not refer to.
func decodeChecked(t *testing.T, data []byte, maxDepth int) (any, *SyntaxError) {
	t.Helper()
	buf := bytes.Clone(data)
	got, err := Parse(buf, maxDepth)
	pad := sharedInputMax + 1
	padded := append(bytes.Repeat([]byte{' '}, pad), data...)
	got2, err2 := Parse(padded, maxDepth)
	checkScratch(t, data, maxDepth, got, err)
	for i := range buf {
		buf[i] = '!'
	}
	for i := range padded {
		padded[i] = '!'
	}
	if err != nil {
		var se, se2 *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("%q: not a *SyntaxError: %v", data, err)
		}
		if se.Offset < 0 || se.Offset > int64(len(data)) {
			t.Fatalf("%q: offset %d outside the input", data, se.Offset)
		}
		if !errors.As(err2, &se2) {
			t.Fatalf("%q padded: %v, unpadded: %v", data, err2, err)
		}
		want := *se
		if want.Reason != "empty input" {
			want.Offset += int64(pad)
		}
		if *se2 != want {
			t.Fatalf("%q padded: %+v, want %+v", data, *se2, want)
		}
		return nil, se
	}
	if err2 != nil {
		t.Fatalf("%q padded: %v, unpadded accepted", data, err2)
	}
	if !reflect.DeepEqual(got, got2) {
		t.Fatalf("%q: %#v, padded %#v", data, got, got2)
	}
	return got, nil
}

// checkScratch decodes data through a scratch that served another body
// first, and requires the result decodeJSON gave (want, wantErr).
func checkScratch(t *testing.T, data []byte, maxDepth int, want any, wantErr error) {
	t.Helper()
	sc := GetArena()
	if _, err := ParseIn(wideBody, defaultMaxDepth, sc); err != nil {
		t.Fatal(err)
	}
	sc.Release()
	sc = GetArena()
	defer sc.Release()
	got, err := ParseIn(bytes.Clone(data), maxDepth, sc)
	if !reflect.DeepEqual(err, wantErr) || !reflect.DeepEqual(got, want) {
		t.Fatalf("%q through a scratch: %#v, %v; want %#v, %v", data, got, err, want, wantErr)
	}
}

// FuzzDecodeJSONMatchesEncodingJSON holds decodeJSON to encoding/json on
// arbitrary input, in both its modes (shared strings for small input, one
// allocation per string for large): the same value where encoding/json
// accepts the input and decodeJSON's limits hold, a *SyntaxError wherever
// encoding/json refuses it, and a *SyntaxError for a limit only.
func FuzzDecodeJSONMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{
		string(sixFieldBody),
		`{"a":"\"\\\/\b\f\n\r\t","b":"\u00e9\u4e16\u754c"}`,
		`["\ud83d\ude00","\ud800","\udc00\ud800","\ud800\u0041","\uD834\uDD1E"]`,
		`[[[],[[]],{}],{"a":{"b":[{"c":null}]}}]`,
		`{"a":1,"a":2,"b":{"x":1},"b":[3]}`,
		`[-0,1e5,1.5E-3,-0.0e+0,123456789012345678901234567890,1e10000,1e10001]`,
		`{"":"","":"empty key"}`,
		` {"t":true , "f":false,"n" :null } `,
		"\"caf\\u00e9 caf\xc3\xa9\"",
		"[\"\xff\"]",
		`{"a":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}`,
		`[1,]`, `{"a" 1}`, `01`, `1.`, `0`, `-0.0E+1`, ` [ ] `, `"\ud800x"`, `"\x"`, "\"a\x01\"", `[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]`,
	} {
		f.Add([]byte(s))
	}
	const maxDepth = 16
	f.Fuzz(func(t *testing.T, data []byte) {
		want, werr := decodeStd(data)
		got, se := decodeChecked(t, data, maxDepth)
		switch {
		case werr != nil:
			if se == nil {
				t.Fatalf("accepted %q, encoding/json refuses it: %v", data, werr)
			}
		case !utf8.Valid(data):
			if se == nil || se.Reason != "invalid UTF-8" {
				t.Fatalf("%q is not UTF-8: %v", data, se)
			}
		case !withinLimits(want, maxDepth):
			if se == nil || !strings.HasPrefix(se.Reason, "nesting depth") && !strings.HasPrefix(se.Reason, "number") {
				t.Fatalf("%q is beyond the limits: %v", data, se)
			}
		case se != nil:
			t.Fatalf("refused %q (%v), encoding/json accepts it", data, se)
		case !reflect.DeepEqual(got, want):
			t.Fatalf("%q: got %#v, want %#v", data, got, want)
		}
	})
}

// TestDecodeJSONErrors pins the Reason and Offset of refusals.
func TestDecodeJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		in     string
		offset int64
		reason string
	}{
		{"", 0, "empty input"},
		{" \t\r\n", 0, "empty input"},
		{"x", 0, "invalid character 'x'"},
		{"{", 1, "unexpected end of JSON input"},
		{"[", 1, "unexpected end of JSON input"},
		{"\"", 1, "unexpected end of JSON input"},
		{"\"abc", 4, "unexpected end of JSON input"},
		{"{\"a\"", 4, "unexpected end of JSON input"},
		{"{\"a\":", 5, "unexpected end of JSON input"},
		{"{\"a\":1", 6, "unexpected end of JSON input"},
		{"{\"a\":1,", 7, "unexpected end of JSON input"},
		{"{\"a\":1,}", 7, "invalid character '}'"},
		{"{,}", 1, "invalid character ','"},
		{"{\"a\" 1}", 5, "invalid character '1'"},
		{"{1:2}", 1, "invalid character '1'"},
		{"[1,]", 3, "invalid character ']'"},
		{"[,1]", 1, "invalid character ','"},
		{"[1 2]", 3, "invalid character '2'"},
		{"[1,2", 4, "unexpected end of JSON input"},
		{"{}}", 2, "unexpected data after top-level value"},
		{"[] []", 3, "unexpected data after top-level value"},
		{"{} x", 3, "unexpected data after top-level value"},
		{"tru", 3, "unexpected end of JSON input"},
		{"trUe", 2, "invalid character 'U'"},
		{"nul", 3, "unexpected end of JSON input"},
		{"nulll", 4, "unexpected data after top-level value"},
		{"fals", 4, "unexpected end of JSON input"},
		{"falsey", 5, "unexpected data after top-level value"},
		{"01", 1, "unexpected data after top-level value"},
		{"-", 1, "unexpected end of JSON input"},
		{"-a", 1, "invalid character 'a'"},
		{"1.", 2, "unexpected end of JSON input"},
		{"1.e5", 2, "invalid character 'e'"},
		{".5", 0, "invalid character '.'"},
		{"1e", 2, "unexpected end of JSON input"},
		{"1e+", 3, "unexpected end of JSON input"},
		{"1E-x", 3, "invalid character 'x'"},
		{"+1", 0, "invalid character '+'"},
		{"1e10001", 0, "number exponent out of range"},
		{"-1E+10001", 0, "number exponent out of range"},
		{"1e00000000000000000010001", 0, "number exponent out of range"},
		{"\"\\x\"", 2, "invalid escape character 'x'"},
		{"\"\\u12\"", 3, "invalid \\u escape"},
		{"\"\\u12g4\"", 3, "invalid \\u escape"},
		{"\"\\ud800\\u12\"", 9, "invalid \\u escape"},
		{"\"\\ud800\\ux\"", 9, "invalid \\u escape"},
		{"\"\\", 2, "unexpected end of JSON input"},
		{"\"a\\\"", 4, "unexpected end of JSON input"},
		{"\"\x01\"", 1, "invalid control character in string"},
		{"\"a\tb\"", 2, "invalid control character in string"},
		{"[\"ok\", \"\x1f\"]", 8, "invalid control character in string"},
		{"\xff", 0, "invalid UTF-8"},
		{"\"\xff\"", 1, "invalid UTF-8"},
		{"[x, \"\xff\"]", 5, "invalid UTF-8"},
		{"{\"a\":\"\xc3\"}", 6, "invalid UTF-8"},
		{"\"\xed\xa0\x80\"", 1, "invalid UTF-8"},
		{"[1,2,\xf0\x9f\x98]", 5, "invalid UTF-8"},
		{"\"ok\"\xe2\x82", 4, "invalid UTF-8"},
		{"[[[[[1]]]]]", 4, "nesting depth exceeds the limit of 4"},
		{"{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}", 20, "nesting depth exceeds the limit of 4"},
		{"\"é\" x", 5, "unexpected data after top-level value"},
		{"{\"é\":1,\"ü\":}", 13, "invalid character '}'"},
		{"[1,[2,{\"a\":[3,{\"b\":4}]}]]", 14, "nesting depth exceeds the limit of 4"},
		{"{\"a\":[],\"b\":{},\"c\":\"\"}x", 22, "unexpected data after top-level value"},
		{"\"\\u00e9\\n\\\\\" 1", 13, "unexpected data after top-level value"},
		{"{\"k\":\"v\",\"k\":", 13, "unexpected end of JSON input"},
		{"{\"a\":\"\\ud83d\\ude00", 18, "unexpected end of JSON input"},
		{"\"\\ud83d\\ude0", 9, "invalid \\u escape"},
	} {
		_, se := decodeChecked(t, []byte(tc.in), 4)
		if se == nil || se.Offset != tc.offset || se.Reason != tc.reason {
			t.Errorf("%q: %v, want %q at %d", tc.in, se, tc.reason, tc.offset)
		}
	}
}

// TestDecodeJSONValuesOutliveDecoding keeps the values of many decodings,
// made concurrently from buffers that are then reused, lets the GC run, and
// compares them with encoding/json's: values boxed from a shared slab and
// substrings of a shared copy of the input stay intact. Run it with -race.
func TestDecodeJSONValuesOutliveDecoding(t *testing.T) {
	bodies := [][]byte{
		sixFieldBody,
		wideBody,
		[]byte(`["\u00e9t\u00e9",{"k\n":"v\t","":""},-0,1.5E-3,"x"]`),
		[]byte(`{"big":"` + strings.Repeat("y", sharedInputMax) + `","n":[1,2,3],"s":"small"}`),
	}
	wants := decodedStd(t, bodies)
	const workers, rounds = 4, 200
	kept := make([][]any, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var buf []byte
			for r := range rounds {
				b := bodies[(w+r)%len(bodies)]
				buf = append(buf[:0], b...)
				v, err := Parse(buf, defaultMaxDepth)
				if err != nil {
					t.Error(err)
					return
				}
				for i := range buf {
					buf[i] = '#'
				}
				kept[w] = append(kept[w], v)
				if r%50 == 0 {
					runtime.GC()
				}
			}
		})
	}
	wg.Wait()
	runtime.GC()
	runtime.GC()
	for w, vs := range kept {
		for r, v := range vs {
			if want := wants[(w+r)%len(bodies)]; !reflect.DeepEqual(v, want) {
				t.Fatalf("worker %d round %d: %#v, want %#v", w, r, v, want)
			}
		}
	}
}

// TestDecodeJSONBoxedValues checks that values boxed from a slab behave as
// ordinary interface values of their type.
func TestDecodeJSONBoxedValues(t *testing.T) {
	v, err := Parse([]byte(`{"s":"text","n":-1.5e3,"e":""}`), defaultMaxDepth)
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	s, n, e := m["s"], m["n"], m["e"]
	if s != any("text") || n != any(json.Number("-1.5e3")) || e != any("") {
		t.Errorf("== with ordinary values fails: %#v %#v %#v", s, n, e)
	}
	if s == any(json.Number("text")) || n == any("-1.5e3") {
		t.Error("== ignores the dynamic type")
	}
	if reflect.TypeOf(s) != reflect.TypeFor[string]() || reflect.TypeOf(n) != reflect.TypeFor[json.Number]() {
		t.Errorf("dynamic types %T, %T", s, n)
	}
	if str, ok := s.(string); !ok || str != "text" {
		t.Errorf("s.(string) = %q, %v", str, ok)
	}
	if _, ok := n.(string); ok {
		t.Error("a json.Number asserts to string")
	}
	if f, err := n.(json.Number).Float64(); err != nil || f != -1500 {
		t.Errorf("Float64 = %v, %v", f, err)
	}
	set := map[any]int{"text": 1, json.Number("-1.5e3"): 2}
	if set[s] != 1 || set[n] != 2 {
		t.Error("boxed values hash differently from ordinary ones")
	}
	if got := fmt.Sprintf("%v %v %q", s, n, e); got != `text -1.5e3 ""` {
		t.Errorf("fmt: %s", got)
	}
	if b, err := json.Marshal(v); err != nil || string(b) != `{"e":"","n":-1.5e3,"s":"text"}` {
		t.Errorf("json.Marshal: %s, %v", b, err)
	}
}
