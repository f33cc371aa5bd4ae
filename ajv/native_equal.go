package ajv

import (
	"hash/maphash"
	"strconv"
)

// jsonEqual reports whether two decoded JSON values are equal as JSON
// Schema defines it (enum, const, uniqueItems): numbers by mathematical
// value (1 equals 1.0, exactly, even past float64), objects by their members
// regardless of order. It does not allocate for json.Number numbers.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !jsonEqual(xv, yv) {
				return false
			}
		}
		return true
	}
	da, ok := numberOf(a)
	if !ok {
		return false
	}
	db, ok := numberOf(b)
	return ok && da.cmp(&db) == 0
}

var uniqueSeed = maphash.MakeSeed()

// jsonHash hashes a decoded JSON value consistently with jsonEqual.
func jsonHash(h *maphash.Hash, v any) {
	switch x := v.(type) {
	case nil:
		h.WriteByte(0)
	case bool:
		if x {
			h.WriteByte(1)
		} else {
			h.WriteByte(2)
		}
	case string:
		h.WriteByte(3)
		h.WriteString(x)
		h.WriteByte(0)
	case []any:
		h.WriteByte(5)
		h.WriteString(strconv.Itoa(len(x)))
		for _, e := range x {
			jsonHash(h, e)
		}
	case map[string]any:
		// order-independent: the sum of the members' own hashes
		var sum uint64
		for k, e := range x {
			var m maphash.Hash
			m.SetSeed(uniqueSeed)
			m.WriteString(k)
			m.WriteByte(0)
			jsonHash(&m, e)
			sum += m.Sum64()
		}
		h.WriteByte(6)
		h.WriteString(strconv.FormatUint(sum, 16))
	default:
		d, ok := numberOf(v)
		if !ok {
			h.WriteByte(7)
			return
		}
		h.WriteByte(4)
		if d.isZero() {
			h.WriteByte('0')
			return
		}
		if d.neg {
			h.WriteByte('-')
		}
		h.WriteString(strconv.Itoa(d.point))
		h.WriteByte('.')
		for k := d.start; k < d.end; k++ {
			h.WriteByte(d.digit(k))
		}
	}
}

// smallUnique is the array length up to which uniqueItems compares every
// pair (no allocation); longer arrays are bucketed by hash.
const smallUnique = 16

// duplicatePairs calls report(i, j) for every j that equals an earlier
// item, i being the last such earlier index: the pairs gojsonschema reports.
// It stops and returns false at the first pair when report is nil.
func duplicatePairs(arr []any, report func(i, j int)) bool {
	unique := true
	if len(arr) <= smallUnique {
		for j := 1; j < len(arr); j++ {
			for i := j - 1; i >= 0; i-- {
				if jsonEqual(arr[i], arr[j]) {
					if report == nil {
						return false
					}
					unique = false
					report(i, j)
					break
				}
			}
		}
		return unique
	}
	buckets := make(map[uint64][]int, len(arr))
	var h maphash.Hash
	h.SetSeed(uniqueSeed)
	for j, item := range arr {
		h.Reset()
		jsonHash(&h, item)
		sum := h.Sum64()
		idx := buckets[sum]
		for k := len(idx) - 1; k >= 0; k-- {
			if jsonEqual(arr[idx[k]], item) {
				if report == nil {
					return false
				}
				unique = false
				report(idx[k], j)
				break
			}
		}
		buckets[sum] = append(idx, j)
	}
	return unique
}
