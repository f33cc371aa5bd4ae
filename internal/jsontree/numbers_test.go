package jsontree

import (
	"math"
	"strconv"
	"testing"
	"unsafe"
)

// Every size takes its extremes and refuses one past them, leaving the
// destination as it was.
func TestParseIntAtAndParseUintAtEverySize(t *testing.T) {
	var i8 int8
	var i16 int16
	var i32 int32
	var i64 int64
	ints := []struct {
		p        unsafe.Pointer
		bits     int
		get      func() int64
		min, max int64
	}{
		{unsafe.Pointer(&i8), 8, func() int64 { return int64(i8) }, math.MinInt8, math.MaxInt8},
		{unsafe.Pointer(&i16), 16, func() int64 { return int64(i16) }, math.MinInt16, math.MaxInt16},
		{unsafe.Pointer(&i32), 32, func() int64 { return int64(i32) }, math.MinInt32, math.MaxInt32},
		{unsafe.Pointer(&i64), 64, func() int64 { return i64 }, math.MinInt64, math.MaxInt64},
	}
	for _, c := range ints {
		for _, want := range []int64{c.min, -1, 0, 1, c.max} {
			if err := ParseIntAt(c.p, c.bits, strconv.FormatInt(want, 10)); err != nil || c.get() != want {
				t.Errorf("int%d %d: got %d, %v", c.bits, want, c.get(), err)
			}
		}
		if c.bits < 64 {
			if err := ParseIntAt(c.p, c.bits, strconv.FormatInt(c.max+1, 10)); err == nil || c.get() != c.max {
				t.Errorf("int%d over its max: %v, value %d", c.bits, err, c.get())
			}
		}
	}
	var u8 uint8
	var u16 uint16
	var u32 uint32
	var u64 uint64
	uints := []struct {
		p    unsafe.Pointer
		bits int
		get  func() uint64
		max  uint64
	}{
		{unsafe.Pointer(&u8), 8, func() uint64 { return uint64(u8) }, math.MaxUint8},
		{unsafe.Pointer(&u16), 16, func() uint64 { return uint64(u16) }, math.MaxUint16},
		{unsafe.Pointer(&u32), 32, func() uint64 { return uint64(u32) }, math.MaxUint32},
		{unsafe.Pointer(&u64), 64, func() uint64 { return u64 }, math.MaxUint64},
	}
	for _, c := range uints {
		for _, want := range []uint64{0, 1, c.max} {
			if err := ParseUintAt(c.p, c.bits, strconv.FormatUint(want, 10)); err != nil || c.get() != want {
				t.Errorf("uint%d %d: got %d, %v", c.bits, want, c.get(), err)
			}
		}
		if err := ParseUintAt(c.p, c.bits, "-1"); err == nil || c.get() != c.max {
			t.Errorf("uint%d -1: %v, value %d", c.bits, err, c.get())
		}
	}
}
