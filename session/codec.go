package session

import (
	"encoding/json"
	"strconv"
)

// marshal is json.Marshal with byte-identical fast paths for the common
// scalar types.
func marshal(v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		if plainASCII(x) {
			b := make([]byte, 0, len(x)+2)
			b = append(b, '"')
			b = append(b, x...)
			return append(b, '"'), nil
		}
	case int:
		return strconv.AppendInt(nil, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(nil, x, 10), nil
	case bool:
		return strconv.AppendBool(nil, x), nil
	}
	return json.Marshal(v)
}

// plainASCII reports whether json.Marshal writes s as is between quotes:
// printable ASCII without the characters it escapes.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// unmarshal is json.Unmarshal with fast paths for *string, *int and *bool;
// anything the fast path does not recognise goes to encoding/json.
func unmarshal(raw []byte, dst any) error {
	switch d := dst.(type) {
	case *string:
		if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' && noBackslash(raw[1:n-1]) {
			*d = string(raw[1 : n-1])
			return nil
		}
	case *int:
		if plainInt(raw) {
			if v, err := strconv.Atoi(string(raw)); err == nil {
				*d = v
				return nil
			}
		}
	case *bool:
		switch string(raw) {
		case "true":
			*d = true
			return nil
		case "false":
			*d = false
			return nil
		}
	}
	return json.Unmarshal(raw, dst)
}

func noBackslash(b []byte) bool {
	for _, c := range b {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			return false
		}
	}
	return true
}

// plainInt reports whether raw is a JSON integer: an optional minus, then
// digits without a leading zero.
func plainInt(raw []byte) bool {
	if len(raw) > 0 && raw[0] == '-' {
		raw = raw[1:]
	}
	if len(raw) == 0 || (raw[0] == '0' && len(raw) > 1) {
		return false
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
