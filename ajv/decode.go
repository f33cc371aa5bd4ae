package ajv

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// DefaultMaxDepth is the default limit on the nesting of arrays and objects
// in validated JSON. Deeper input is refused with a *SyntaxError before any
// backend sees it, so no backend can exhaust the stack on it.
const DefaultMaxDepth = 256

// maxExponent bounds the decimal exponent of numbers in validated JSON.
// Comparing 1e400 is fine; comparing 1e999999999 would make the backends
// build a billion-digit big.Rat.
const maxExponent = 10000

// maxNumberLen bounds the length of one number literal, for the same reason.
const maxNumberLen = 4096

// decodeJSON parses data into the generic form the backends validate:
// map[string]any, []any, string, bool, json.Number and nil. Anything that is
// not acceptable JSON, or is nested deeper than maxDepth, is a *SyntaxError.
func decodeJSON(data []byte, maxDepth int) (any, error) {
	if err := precheck(data, maxDepth); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, toSyntaxError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &SyntaxError{Offset: dec.InputOffset(), Reason: "unexpected data after top-level value", Err: err}
	}
	return v, nil
}

func toSyntaxError(err error) *SyntaxError {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &SyntaxError{Offset: se.Offset, Reason: se.Error(), Err: err}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &SyntaxError{Offset: -1, Reason: "unexpected end of JSON input", Err: err}
	}
	return &SyntaxError{Offset: -1, Reason: err.Error(), Err: err}
}

// precheck enforces what encoding/json does not: valid UTF-8 (it would
// silently replace bad bytes), a nesting limit and bounded numbers. It is a
// single pass over data that tracks only whether it is inside a string.
func precheck(data []byte, maxDepth int) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &SyntaxError{Offset: 0, Reason: "empty input"}
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return &SyntaxError{Offset: int64(off), Reason: "invalid UTF-8"}
	}
	depth := 0
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > maxDepth {
				return &SyntaxError{Offset: int64(i), Reason: "nesting depth exceeds the limit of " + itoa(maxDepth)}
			}
		case c == ']' || c == '}':
			depth--
		case c == '-' || (c >= '0' && c <= '9'):
			j := i
			for j < len(data) && isNumberByte(data[j]) {
				j++
			}
			if err := checkNumber(data[i:j], i); err != nil {
				return err
			}
			i = j - 1
		}
	}
	return nil
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// checkNumber refuses number literals too long or with too large an exponent
// to be compared cheaply. Malformed literals are left to the decoder.
func checkNumber(lit []byte, off int) error {
	if len(lit) > maxNumberLen {
		return &SyntaxError{Offset: int64(off), Reason: "number literal too long"}
	}
	e := bytes.IndexAny(lit, "eE")
	if e < 0 {
		return nil
	}
	exp := lit[e+1:]
	if len(exp) > 0 && (exp[0] == '+' || exp[0] == '-') {
		exp = exp[1:]
	}
	n := 0
	for _, c := range exp {
		if c < '0' || c > '9' {
			return nil // malformed: the decoder reports it
		}
		n = n*10 + int(c-'0')
		if n > maxExponent {
			return &SyntaxError{Offset: int64(off), Reason: "number exponent out of range"}
		}
	}
	return nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}
