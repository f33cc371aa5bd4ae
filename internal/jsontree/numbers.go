package jsontree

import (
	"strconv"
	"unsafe"
)

// Parsers of decimal text into the number at p, of bits bits, shared by
// the HTTP layer's parameter binding and body decoding (Decoder). The value
// is written only when the text parses and fits; the error is strconv's.

// ParseIntAt parses s as a signed integer of bits bits (8, 16, 32 or 64)
// into the int of that size at p.
func ParseIntAt(p unsafe.Pointer, bits int, s string) error {
	n, err := strconv.ParseInt(s, 10, bits)
	if err == nil {
		putInt(p, bits, n)
	}
	return err
}

// ParseUintAt parses s as an unsigned integer of bits bits into the uint
// of that size at p.
func ParseUintAt(p unsafe.Pointer, bits int, s string) error {
	n, err := strconv.ParseUint(s, 10, bits)
	if err == nil {
		putInt(p, bits, n)
	}
	return err
}

// putInt stores n, which fits in bits bits, into the integer of that size
// at p: the low bits are the same for a signed and an unsigned integer.
func putInt[N int64 | uint64](p unsafe.Pointer, bits int, n N) {
	switch bits {
	case 8:
		*(*uint8)(p) = uint8(n)
	case 16:
		*(*uint16)(p) = uint16(n)
	case 32:
		*(*uint32)(p) = uint32(n)
	default:
		*(*N)(p) = n
	}
}

// ParseFloatAt parses s as a float of bits bits (32 or 64) into the float
// of that size at p.
func ParseFloatAt(p unsafe.Pointer, bits int, s string) error {
	f, err := strconv.ParseFloat(s, bits)
	if err != nil {
		return err
	}
	if bits == 32 {
		*(*float32)(p) = float32(f)
	} else {
		*(*float64)(p) = f
	}
	return nil
}
