package session

import (
	"encoding/json"
	"fmt"
	"testing"
)

// The fast paths must agree with encoding/json byte for byte and value for
// value, errors included.
func TestCodecMatchesEncodingJSON(t *testing.T) {
	for _, v := range []any{"", "ann", "a b-c_d.e", "<b>", "a&b", `q"q`, `back\slash`, "tab\t", "été", "\u2028", "\xff",
		0, 1, -1, 1 << 62, -(1 << 62), int64(7), true, false, 1.5, nil, []int{1}, map[string]int{"a": 1}} {
		got, err1 := marshal(v)
		want, err2 := json.Marshal(v)
		if string(got) != string(want) || (err1 == nil) != (err2 == nil) {
			t.Errorf("marshal(%#v) = %s, %v; json gives %s, %v", v, got, err1, want, err2)
		}
	}
	for _, raw := range []string{`"ann"`, `""`, `"a\"b"`, `"\u003cb\u003e"`, `"été"`, "\"\xff\"", `"bad`, `0`, `-0`, `7`, `-42`, `01`, `+1`, `1e3`, `1.5`,
		`99999999999999999999`, `null`, `true`, `false`, `"true"`, `-`, ``} {
		for _, mk := range []func() any{func() any { return new(string) }, func() any { return new(int) }, func() any { return new(bool) }} {
			a, b := mk(), mk()
			err1 := unmarshal([]byte(raw), a)
			err2 := json.Unmarshal([]byte(raw), b)
			if fmt.Sprint(deref(a)) != fmt.Sprint(deref(b)) || (err1 == nil) != (err2 == nil) {
				t.Errorf("unmarshal(%s) into %T = %v, %v; json gives %v, %v", raw, a, deref(a), err1, deref(b), err2)
			}
		}
	}
}

func deref(p any) any {
	switch x := p.(type) {
	case *string:
		return *x
	case *int:
		return *x
	case *bool:
		return *x
	}
	return nil
}

func TestPayloadRoundTripAndRefusals(t *testing.T) {
	p := payload{ID: "ABC", Exp: 1700000000000, MaxAge: -1, Values: map[string][]byte{"a": []byte(`1`), "b": []byte(`"x"`)}}
	for _, enc := range []bool{true, false} {
		raw := encodePayload(p, enc)
		q, ok := decodePayload(raw, enc)
		if !ok || q.ID != p.ID || q.Exp != p.Exp || q.MaxAge != p.MaxAge || len(q.Values) != 2 || string(q.Values["b"]) != `"x"` {
			t.Fatalf("round trip (encrypted %v): %+v, %v", enc, q, ok)
		}
		if !enc {
			continue
		}
		for i := range len(raw) {
			if _, ok := decodePayload(raw[:i], enc); ok {
				t.Errorf("a payload cut at %d of %d decodes", i, len(raw))
			}
		}
		if _, ok := decodePayload(raw+"x", enc); ok {
			t.Errorf("a payload with trailing bytes decodes")
		}
	}
}
