package ajv

import (
	"encoding/json"
	"math/big"
	"math/bits"
	"strconv"
)

// decimal is a JSON number literal read in place, without allocating: the
// native backend compares numbers exactly, as gojsonschema and santhosh do
// with big.Rat, but without building one. The value is
//
//	(-1)^neg × 0.D[start:end] × 10^point
//
// where D is the concatenation of the integer digits ip and the fraction
// digits fp, and D[start:end] are its significant digits (no leading or
// trailing zeros). A zero has start == end.
type decimal struct {
	neg        bool
	ip, fp     string
	start, end int
	point      int
}

// maxDecimalExp clamps exponents so that point arithmetic cannot overflow;
// anything beyond it is far beyond what the decoder admits (maxExponent).
const maxDecimalExp = 1 << 40

// parseDecimal reads a JSON number (RFC 8259 grammar). It reports false for
// anything else.
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	i := 0
	if i < len(s) && s[i] == '-' {
		d.neg = true
		i++
	}
	st := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == st || (s[st] == '0' && i-st > 1) {
		return d, false
	}
	d.ip = s[st:i]
	if i < len(s) && s[i] == '.' {
		i++
		st = i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == st {
			return d, false
		}
		d.fp = s[st:i]
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		st = i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if exp < maxDecimalExp {
				exp = exp*10 + int(s[i]-'0')
			}
			i++
		}
		if i == st {
			return d, false
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return d, false
	}
	n := len(d.ip) + len(d.fp)
	d.start, d.end = 0, n
	for d.start < n && d.digit(d.start) == '0' {
		d.start++
	}
	for d.end > d.start && d.digit(d.end-1) == '0' {
		d.end--
	}
	d.point = len(d.ip) + exp - d.start
	return d, true
}

// digit returns D[i].
func (d *decimal) digit(i int) byte {
	if i < len(d.ip) {
		return d.ip[i]
	}
	return d.fp[i-len(d.ip)]
}

func (d *decimal) isZero() bool { return d.start == d.end }

// isInt reports whether the value is an integer (1.0 and 1e400 are).
func (d *decimal) isInt() bool { return d.isZero() || d.point >= d.end-d.start }

// cmp compares two decimals exactly: -1, 0 or +1.
func (d *decimal) cmp(e *decimal) int {
	dz, ez := d.isZero(), e.isZero()
	switch {
	case dz && ez:
		return 0
	case dz:
		if e.neg {
			return 1
		}
		return -1
	case ez:
		if d.neg {
			return -1
		}
		return 1
	case d.neg != e.neg:
		if d.neg {
			return -1
		}
		return 1
	}
	m := d.cmpAbs(e)
	if d.neg {
		return -m
	}
	return m
}

// cmpAbs compares the magnitudes of two non-zero decimals.
func (d *decimal) cmpAbs(e *decimal) int {
	if d.point != e.point {
		if d.point < e.point {
			return -1
		}
		return 1
	}
	nd, ne := d.end-d.start, e.end-e.start
	for k := 0; k < nd || k < ne; k++ {
		switch {
		case k >= nd:
			return -1 // d ran out: e has more significant digits
		case k >= ne:
			return 1
		}
		a, b := d.digit(d.start+k), e.digit(e.start+k)
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	return 0
}

// multipleOf reports whether d is an integer multiple of m (m > 0), exactly.
// With sd and sm the significant digits as integers and ed, em the
// exponents of their last digits, d/m = sd/sm × 10^(ed-em). sd and sm end in
// a non-zero digit, so when ed < em the quotient is never an integer;
// otherwise it is one iff sd × 10^(ed-em) ≡ 0 (mod sm), computed digit by
// digit. A divisor of more than 19 significant digits falls back to big.Rat.
func (d *decimal) multipleOf(m *decimal) bool {
	if d.isZero() {
		return true
	}
	nd, nm := d.end-d.start, m.end-m.start
	ed, em := d.point-nd, m.point-nm
	if ed < em {
		return false
	}
	if nm > 19 {
		return d.multipleOfBig(m)
	}
	var sm uint64
	for k := m.start; k < m.end; k++ {
		sm = sm*10 + uint64(m.digit(k)-'0')
	}
	if sm == 1 {
		return true
	}
	var r uint64
	for k := d.start; k < d.end; k++ {
		r = addMod(mulMod(r, 10, sm), uint64(d.digit(k)-'0'), sm)
	}
	if r == 0 {
		return true
	}
	return mulMod(r, powMod(10, uint64(ed-em), sm), sm) == 0
}

func (d *decimal) multipleOfBig(m *decimal) bool {
	a, ok1 := new(big.Rat).SetString(d.String())
	b, ok2 := new(big.Rat).SetString(m.String())
	if !ok1 || !ok2 || b.Sign() == 0 {
		return false
	}
	return new(big.Rat).Quo(a, b).IsInt()
}

// String renders the decimal in normalized scientific form (allocates; for
// the rare big.Rat fallback).
func (d *decimal) String() string {
	if d.isZero() {
		return "0"
	}
	b := make([]byte, 0, d.end-d.start+24)
	if d.neg {
		b = append(b, '-')
	}
	b = append(b, '0', '.')
	for k := d.start; k < d.end; k++ {
		b = append(b, d.digit(k))
	}
	b = append(b, 'e')
	b = strconv.AppendInt(b, int64(d.point), 10)
	return string(b)
}

func mulMod(a, b, m uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	_, rem := bits.Div64(hi%m, lo, m)
	return rem
}

// addMod adds a digit b (≤ 9) to a < m < 10^19: no overflow.
func addMod(a, b, m uint64) uint64 { return (a + b) % m }

func powMod(base, exp, m uint64) uint64 {
	r := uint64(1) % m
	base %= m
	for exp > 0 {
		if exp&1 == 1 {
			r = mulMod(r, base, m)
		}
		base = mulMod(base, base, m)
		exp >>= 1
	}
	return r
}

// numberOf reads a decoded JSON number: json.Number (the decoder's form) or
// float64 (formatted first, which allocates; the decoder never yields it).
func numberOf(v any) (decimal, bool) {
	switch x := v.(type) {
	case json.Number:
		return parseDecimal(string(x))
	case float64:
		return parseDecimal(strconv.FormatFloat(x, 'g', -1, 64))
	}
	return decimal{}, false
}
