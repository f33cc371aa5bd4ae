package ajv

import (
	"fmt"
	"testing"
)

// TestFormatsMatchAjvFormats checks, on every backend, the strings where
// gojsonschema's own checkers disagreed with ajv-formats' full mode, and the
// edges of each format teggo implements.
func TestFormatsMatchAjvFormats(t *testing.T) {
	cases := []struct {
		format, value string
		valid         bool
	}{
		{"date-time", "2020-01-01", false}, // a date alone is not a date-time
		{"date-time", "12:00:00Z", false},
		{"date-time", "2020-01-01T12:00:00", false}, // the zone is required
		{"date-time", "2020-01-01T12:00:00Z", true},
		{"date-time", "2020-01-01t12:00:00.5+01:00", true},
		{"date-time", "2020-01-01 12:00:00-0130", true},
		{"date-time", "2020-02-30T12:00:00Z", false},
		{"date-time", "2016-12-31T23:59:60Z", true},
		{"date", "2024-02-29", true},
		{"date", "2023-02-29", false},
		{"date", "2020-1-01", false},
		{"time", "12:00:00", true},
		{"time", "24:00:00", false},
		{"time", "12:00:00.+01:00", false},
		{"uuid", "123E4567-E89B-12D3-A456-426614174000", true}, // upper case
		{"uuid", "123e4567-e89b-12d3-a456-426614174000", true},
		{"uuid", "urn:uuid:123e4567-e89b-12d3-a456-426614174000", true},
		{"uuid", "123e4567e89b12d3a456426614174000", false},
		{"email", "ann@example.com", true},
		{"email", "Ann <ann@example.com>", false}, // a display name is not an address
		{"email", "ann@example", false},           // the domain needs a dot
		{"email", "ann smith@example.com", false},
		{"email", "0@!", false},
		{"uri", "http://example.com/a b", false}, // spaces
		{"uri", "http://example.com/a%20b", true},
		{"uri", "urn:isbn:0451450523", true},
		{"uri", "/relative/path", false},
		{"uri-reference", "/relative/path", true},
		{"uri-reference", "a b", false},
		{"duration", "P1Y2M3DT4H5M6S", true},
		{"duration", "P", false},
		{"duration", "P1W", true},
		{"duration", "P1DT", false},
		{"hostname", "a-b.example.com.", true},
		{"hostname", "-a.example.com", false},
		{"int32", "2147483647", true},
		{"int32", "2147483648", false},
	}
	for _, b := range backends {
		a := New(WithBackend(b))
		for _, tc := range cases {
			schema := fmt.Sprintf(`{"type":"string","format":%q}`, tc.format)
			err := a.ValidateJSON([]byte(schema), []byte(fmt.Sprintf("%q", tc.value)))
			if (err == nil) != tc.valid {
				t.Errorf("%s: format %s, %q: valid = %v, want %v (%v)", b.Name(), tc.format, tc.value, err == nil, tc.valid, err)
			}
		}
		// formats constrain strings only
		for _, f := range []string{"date-time", "uuid", "email", "uri", "int32"} {
			if err := a.ValidateJSON([]byte(fmt.Sprintf(`{"format":%q}`, f)), []byte(`12`)); err != nil {
				t.Errorf("%s: format %s on a number: %v", b.Name(), f, err)
			}
		}
	}
}
