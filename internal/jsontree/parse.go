package jsontree

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// maxExponent bounds the decimal exponent of numbers in validated JSON.
// Comparing 1e400 is fine; comparing 1e999999999 would make the backends
// build a billion-digit big.Rat.
const maxExponent = 10000

// maxNumberLen bounds the length of one number literal, for the same reason.
const maxNumberLen = 4096

// sharedInputMax bounds the inputs whose decoded strings share memory. An
// input of at most this many bytes is copied into one string, and every
// string and number without escapes is a substring of that copy, and string
// and number values are boxed into interfaces from shared slabs (see box):
// a handful of allocations instead of two per value. The price is that one
// retained value keeps the whole copy and its slab alive, at most a few KiB.
// Larger inputs get one allocation per string and per boxed value, as
// encoding/json does, so that a small value kept from a large body never
// keeps the body in memory.
const sharedInputMax = 4096

// Parse parses data into the generic form JSON schemas are checked on:
// map[string]any, []any, string, bool, json.Number and nil, the values
// encoding/json produces with UseNumber. Unlike encoding/json it refuses
// invalid UTF-8 (instead of replacing it), nesting deeper than maxDepth and
// numbers too large to compare cheaply. Every refusal is a *SyntaxError.
// The result never refers to data's memory: data may be reused afterwards.
// Strings of an input of at most sharedInputMax bytes share memory.
func Parse(data []byte, maxDepth int) (any, error) {
	return ParseIn(data, maxDepth, nil)
}

// ParseIn is Parse taking the value's maps, array elements and boxes from
// sc when sc is not nil and data is at most sharedInputMax bytes. The value
// is then sc's until sc.Release.
func ParseIn(data []byte, maxDepth int, sc *Arena) (any, error) {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, &SyntaxError{Offset: int64(off), Reason: "invalid UTF-8"}
	}
	p := parser{data: data, maxDepth: maxDepth}
	if len(data) <= sharedInputMax {
		p.src = string(data)
		p.shared = true
		if sc != nil {
			p.sc = sc
			p.slab = sc.boxes
		}
	}
	p.skipSpace()
	if p.pos == len(data) {
		return nil, &SyntaxError{Offset: 0, Reason: "empty input"}
	}
	v, err := p.value(0)
	if p.sc != nil {
		p.sc.boxesUsed(p.slab)
	}
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(data) {
		return nil, p.fail("unexpected data after top-level value")
	}
	return v, nil
}

// SyntaxError reports input that is not acceptable JSON: malformed JSON,
// invalid UTF-8, trailing data, nesting deeper than the limit or a number
// too large to compare.
type SyntaxError struct {
	// Offset is the byte offset in the input where the problem was found.
	Offset int64
	// Reason says what is wrong, in lower case.
	Reason string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return "invalid JSON at offset " + strconv.FormatInt(e.Offset, 10) + ": " + e.Reason
}

type parser struct {
	data     []byte
	pos      int
	maxDepth int
	// shared is set for inputs of at most sharedInputMax bytes: src is then
	// a copy of data, strings are taken from it, and slab boxes values.
	shared bool
	src    string
	slab   []string
	// sc, when set (shared inputs only), lends the value's memory
	sc *Arena
	// intern, for inputs larger than sharedInputMax, holds the short
	// strings and numbers last seen, boxed, so that a body repeating the
	// same few values allocates them once; see interned.
	intern *internCache
	last   *internEntry // the entry last returned by interned
	chunk  []byte       // the strings of a large input are copied here
	// scanned counts the bytes countRest has read ahead
	scanned int
}

// internMax is the longest string or number literal interned, and
// internSlots the size of the direct-mapped cache: a long body made of the
// same short values ("1,1,1,..." or 50,000 "x") costs a handful of
// allocations for them instead of two per value, and a value kept from the
// body keeps only its own few bytes alive.
const (
	internMax   = 16
	internSlots = 256
)

type internEntry struct {
	s        string
	num, str any // s boxed as json.Number and as string, once needed
}

type internCache [internSlots]internEntry

// interned returns the cache entry of the literal b (at most internMax
// bytes), replacing what the slot held when it was another literal.
func (p *parser) interned(b []byte) *internEntry {
	if p.intern == nil {
		p.intern = new(internCache)
	}
	if p.last != nil && p.last.s == string(b) { // a run of one value
		return p.last
	}
	h := uint32(len(b))
	for _, c := range b {
		h = h*31 + uint32(c)
	}
	e := &p.intern[uint8(h^h>>8^h>>16)]
	if e.s != string(b) {
		*e = internEntry{s: p.copyString(b)}
	}
	p.last = e
	return e
}

// slabLen is the number of values boxed from one slab allocation.
const slabLen = 32

// eface is the runtime's layout of an interface value: a type word and a
// pointer to the value. A boxed string or json.Number is a pointer to a
// string header, which the runtime allocates one by one (convTstring).
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// The type words of string and json.Number, taken from real boxed values.
var (
	stringType = typeWord("")
	numberType = typeWord(json.Number(""))
	arrayType  = typeWord([]any(nil))
)

func typeWord(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

// box returns s as an interface value of type string or json.Number (typ is
// stringType or numberType: both are laid out as a string header). It does
// what the runtime does when it boxes such a value, but the header lives in
// p.slab, allocated slabLen headers at a time, instead of in an allocation
// of its own. Each slab element is written once, before the interface value
// referring to it exists, and never again, and an interface value's data is
// never written through: the values are as immutable as ordinary ones, and
// the GC keeps the slab alive while any of them is reachable. (An arena's
// slab is written again after its release, when no value of the previous
// decode may be in use any more.)
func (p *parser) box(typ unsafe.Pointer, s string) any {
	if len(p.slab) == 0 {
		// Values take some bytes each: a slab need not be longer than
		// what remains of the input can fill.
		p.slab = make([]string, min(slabLen, (len(p.data)-p.pos)/16+4))
	}
	h := &p.slab[0]
	*h = s
	p.slab = p.slab[1:]
	return *(*any)(unsafe.Pointer(&eface{typ: typ, data: unsafe.Pointer(h)}))
}

func (p *parser) fail(reason string) *SyntaxError {
	return &SyntaxError{Offset: int64(p.pos), Reason: reason}
}

func (p *parser) unexpected() *SyntaxError {
	if p.pos >= len(p.data) {
		return p.fail("unexpected end of JSON input")
	}
	return p.fail("invalid character " + strconv.QuoteRune(rune(p.data[p.pos])))
}

func (p *parser) skipSpace() {
	d, i := p.data, p.pos
	for i < len(d) && d[i] <= ' ' && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r') {
		i++
	}
	p.pos = i
}

func (p *parser) value(depth int) (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.unexpected()
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		switch {
		case p.shared && s != "":
			return p.box(stringType, s), nil
		case !p.shared && len(s) <= internMax:
			e := p.interned(unsafe.Slice(unsafe.StringData(s), len(s)))
			if e.str == nil {
				e.str = e.s
			}
			return e.str, nil
		}
		return s, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, p.unexpected()
}

func (p *parser) literal(word string) error {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		for i := 0; i < len(word); i++ {
			if p.pos >= len(p.data) || p.data[p.pos] != word[i] {
				return p.unexpected()
			}
			p.pos++
		}
	}
	p.pos += len(word)
	return nil
}

func (p *parser) object(depth int) (any, error) {
	if depth > p.maxDepth {
		return nil, p.tooDeep()
	}
	p.pos++ // {
	m := p.newMap()
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return m, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.unexpected()
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.unexpected()
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
		p.skipSpace()
		switch done, ok := p.afterValue('}'); {
		case !ok:
			return nil, p.unexpected()
		case done:
			return m, nil
		}
	}
}

func (p *parser) array(depth int) (any, error) {
	if depth > p.maxDepth {
		return nil, p.tooDeep()
	}
	p.pos++ // [
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return []any{}, nil
	}
	// The elements are collected on the stack and copied into a slice of
	// the final length: one allocation for a short array. Past eight they
	// go to a heap slice sized by counting the rest (countRest) and kept
	// as is; it doubles should the count fall short.
	var buf [8]any
	elems := buf[:0]
	var long []any
	for {
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		switch {
		case long != nil:
			if len(long) == cap(long) {
				long = append(make([]any, 0, 2*cap(long)), long...)
			}
			long = append(long, v)
		case len(elems) == len(buf):
			long = make([]any, 0, len(buf)+1+p.countRest())
			long = append(append(long, elems...), v)
		default:
			elems = append(elems, v)
		}
		p.skipSpace()
		switch done, ok := p.afterValue(']'); {
		case !ok:
			return nil, p.unexpected()
		case done:
			if long != nil && p.sc == nil {
				return slices.Clip(long), nil
			}
			if long != nil {
				elems = long
			}
			return p.newArray(elems), nil
		}
	}
}

// countRest counts the elements after the one just read of the array being
// parsed: the commas at its level up to its closing bracket, skipping
// strings and nested values. A long array then takes one allocation of its
// final size instead of growing and copying pointers as it fills (18 ms of
// a 1 MiB body of 512k numbers). The scans of one input read at most its
// length in all, so nested long arrays cannot make them quadratic; past
// that, or on malformed input (which the parse then refuses), it returns a
// small guess.
func (p *parser) countRest() int {
	const guess = 24
	d := p.data
	if p.scanned >= len(d) {
		return guess
	}
	n, depth := 0, 0
	for i := p.pos; i < len(d); i++ {
		switch d[i] {
		case '"':
			for i++; i < len(d) && d[i] != '"'; i++ {
				if d[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			if depth == 0 {
				p.scanned += i - p.pos
				return n
			}
			depth--
		case ',':
			if depth == 0 {
				n++
			}
		}
	}
	p.scanned = len(d)
	return guess
}

// afterValue reads what follows an object's member or an array's element
// and the space after it: a comma (more follow) or the closing bracket
// (done); ok is false for anything else.
func (p *parser) afterValue(closing byte) (done, ok bool) {
	if p.pos >= len(p.data) {
		return false, false
	}
	c := p.data[p.pos]
	if c != ',' && c != closing {
		return false, false
	}
	p.pos++
	return c == closing, true
}

// tooDeep is the refusal of an object or array nested past maxDepth.
func (p *parser) tooDeep() *SyntaxError {
	return p.fail("nesting depth exceeds the limit of " + strconv.Itoa(p.maxDepth))
}

// strStop marks the bytes that end the plain run of a string: the closing
// quote, a backslash and the control characters.
var strStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str parses a string; the input is known to be valid UTF-8.
func (p *parser) str() (string, error) {
	d := p.data
	start := p.pos + 1 // after the opening quote
	i := start
	for i < len(d) && !strStop[d[i]] {
		i++
	}
	p.pos = i
	switch {
	case i == len(d):
		return "", p.fail("unexpected end of JSON input")
	case d[i] == '\\':
		return p.escapedStr(start)
	case d[i] != '"':
		return "", p.fail("invalid control character in string")
	}
	p.pos++
	switch {
	case p.shared:
		return p.src[start:i], nil
	case i-start <= internMax:
		return p.interned(d[start:i]).s, nil
	}
	return p.copyString(d[start:i]), nil
}

// stringChunk is the size of the chunks the strings of a large input are
// copied into, and stringOwn the length from which a string gets its own
// allocation: 50,000 distinct keys cost a few dozen allocations, and a
// string kept from the body keeps at most its chunk alive.
const (
	stringChunk = 4096
	stringOwn   = 256
)

// copyString returns a copy of b, a string of a large input. The chunk it
// is cut from is only ever appended to, so the string never changes.
func (p *parser) copyString(b []byte) string {
	if len(b) >= stringOwn {
		return string(b)
	}
	if cap(p.chunk)-len(p.chunk) < len(b) {
		p.chunk = make([]byte, 0, stringChunk)
	}
	start := len(p.chunk)
	p.chunk = append(p.chunk, b...)
	return unsafe.String(unsafe.SliceData(p.chunk[start:]), len(b))
}

func (p *parser) escapedStr(start int) (string, error) {
	buf := make([]byte, 0, p.pos-start+16)
	buf = append(buf, p.data[start:p.pos]...)
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(buf), nil
		case c < 0x20:
			return "", p.fail("invalid control character in string")
		case c != '\\':
			buf = append(buf, c)
			p.pos++
			continue
		}
		p.pos++ // backslash
		if p.pos >= len(p.data) {
			break
		}
		e := p.data[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				// A valid pair makes one rune; anything else is U+FFFD, as
				// encoding/json does.
				if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
					save := p.pos
					p.pos += 2
					r2, ok := p.hex4()
					if !ok {
						return "", p.fail("invalid \\u escape")
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
					} else {
						p.pos = save
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			p.pos--
			return "", p.fail("invalid escape character " + strconv.QuoteRune(rune(e)))
		}
	}
	return "", p.fail("unexpected end of JSON input")
}

func (p *parser) hex4() (rune, bool) {
	if len(p.data)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.data[p.pos : p.pos+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.pos += 4
	return r, true
}

// number parses -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and bounds it.
func (p *parser) number() (any, error) {
	start := p.pos
	d := p.data
	digits := func() int {
		n := 0
		for p.pos < len(d) && d[p.pos] >= '0' && d[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if d[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(d) && d[p.pos] == '0':
		p.pos++
	case digits() == 0:
		return nil, p.unexpected()
	}
	if p.pos < len(d) && d[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.unexpected()
		}
	}
	if p.pos < len(d) && (d[p.pos] == 'e' || d[p.pos] == 'E') {
		p.pos++
		if p.pos < len(d) && (d[p.pos] == '+' || d[p.pos] == '-') {
			p.pos++
		}
		expStart := p.pos
		if digits() == 0 {
			return nil, p.unexpected()
		}
		exp := 0
		for _, c := range d[expStart:p.pos] {
			exp = exp*10 + int(c-'0')
			if exp > maxExponent {
				p.pos = start
				return nil, p.fail("number exponent out of range")
			}
		}
	}
	if p.pos-start > maxNumberLen {
		p.pos = start
		return nil, p.fail("number literal too long")
	}
	switch {
	case p.shared:
		return p.box(numberType, p.src[start:p.pos]), nil
	case p.pos-start <= internMax:
		e := p.interned(d[start:p.pos])
		if e.num == nil {
			e.num = json.Number(e.s)
		}
		return e.num, nil
	}
	return json.Number(d[start:p.pos]), nil
}
