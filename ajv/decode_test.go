package ajv

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeMatchesEncodingJSON holds the decoder to encoding/json: the same
// values for every input both accept, and a *SyntaxError exactly where
// encoding/json refuses or one of the documented limits applies.
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e3,"x\u00e9\ud83d\ude00\n",true,false,null]}`, `"\ud800x"`, `"\ud800\u0041"`, `0`, `-0.0E+1`, `01`, `1.`, `[1,]`, `{"a" 1}`, ` [ ] `, `"\/\b\f\r\t"`, "\"\x01\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeJSON(data, 64)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		werr := dec.Decode(&want)
		if werr == nil {
			if _, terr := dec.Token(); terr == nil || terr.Error() != "EOF" {
				werr = errors.New("trailing data")
			}
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("not a *SyntaxError: %v", err)
			}
			limited := !utf8.Valid(data) || strings.Contains(se.Reason, "depth") || strings.Contains(se.Reason, "number")
			if werr == nil && !limited {
				t.Fatalf("refused %q (%v), encoding/json accepts it", data, err)
			}
			return
		}
		if werr != nil {
			t.Fatalf("accepted %q, encoding/json refuses it: %v", data, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %#v, want %#v", data, got, want)
		}
	})
}

func TestDecodeLimits(t *testing.T) {
	for _, in := range []string{strings.Repeat("[", 65) + strings.Repeat("]", 65), `1e10001`, strings.Repeat("1", 4097), "\"\xff\"", ``, `  `} {
		var se *SyntaxError
		if _, err := decodeJSON([]byte(in), 64); !errors.As(err, &se) {
			t.Errorf("%.20q: %v", in, err)
		}
	}
	if _, err := decodeJSON([]byte(strings.Repeat("[", 64)+strings.Repeat("]", 64)), 64); err != nil {
		t.Error(err)
	}
}
