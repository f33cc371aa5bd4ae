package http

import (
	"strconv"
	"unsafe"
)

// Parsers of decimal text into the number at p, of bits bits, shared by
// parameter binding (bind.go) and body decoding (treedecode.go). The value
// is written only when the text parses and fits; the error is strconv's.

func parseIntAt(p unsafe.Pointer, bits int, s string) error {
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return err
	}
	switch bits {
	case 8:
		*(*int8)(p) = int8(n)
	case 16:
		*(*int16)(p) = int16(n)
	case 32:
		*(*int32)(p) = int32(n)
	default:
		*(*int64)(p) = n
	}
	return nil
}

func parseUintAt(p unsafe.Pointer, bits int, s string) error {
	n, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		return err
	}
	switch bits {
	case 8:
		*(*uint8)(p) = uint8(n)
	case 16:
		*(*uint16)(p) = uint16(n)
	case 32:
		*(*uint32)(p) = uint32(n)
	default:
		*(*uint64)(p) = n
	}
	return nil
}

func parseFloatAt(p unsafe.Pointer, bits int, s string) error {
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
