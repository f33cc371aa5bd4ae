package ajv

import (
	"encoding/json"
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
// pair (no allocation); longer arrays are grouped by value.
const smallUnique = 16

// duplicateItems counts the items of arr equal to an earlier item and calls
// report(i, j) for each such j in increasing order, i being the last earlier
// index equal to it: the pairs gojsonschema reports. Once report returns
// false it is not called again, but the count goes on. With a nil report it
// stops at the first duplicate and returns 1.
//
// A long array is grouped by value in one pass: strings by their text,
// numbers and the rest by a hash consistent with jsonEqual, and an item
// whose literal is the previous item's joins its group without any look-up,
// so that 512k equal numbers cost a comparison each, not a pair each.
func duplicateItems(arr []any, report func(i, j int) bool) int {
	dups := 0
	reporting := report != nil
	if len(arr) <= smallUnique {
		for j := 1; j < len(arr); j++ {
			for i := j - 1; i >= 0; i-- {
				if jsonEqual(arr[i], arr[j]) {
					dups++
					if report == nil {
						return dups
					}
					if reporting {
						reporting = report(i, j)
					}
					break
				}
			}
		}
		return dups
	}
	g := itemGroups{arr: arr}
	g.h.SetSeed(uniqueSeed)
	for j, item := range arr {
		i, dup := g.add(j, item)
		if !dup {
			continue
		}
		dups++
		if report == nil {
			return dups
		}
		if reporting {
			reporting = report(i, j)
		}
	}
	return dups
}

// itemGroups assigns the items of an array to groups of equal values.
type itemGroups struct {
	arr     []any
	strs    map[string]int32   // string item -> group
	hashed  map[uint64][]int32 // jsonHash -> groups
	first   []int32            // per group: its first index
	last    []int32            // per group: its last index so far
	h       maphash.Hash
	prev    string // the previous item's literal, when prevOK
	prevNum bool   // ... and whether it was a number
	prevOK  bool
	prevGrp int32
}

// add puts item j in its group; for a duplicate it returns the group's
// previous last index.
func (g *itemGroups) add(j int, item any) (int, bool) {
	var (
		gid int32
		lit string
		num bool
		ok  = true
	)
	switch x := item.(type) {
	case string:
		lit = x
		if g.prevOK && !g.prevNum && g.prev == x {
			gid = g.prevGrp
			break
		}
		if g.strs == nil {
			g.strs = make(map[string]int32, 64)
		}
		var found bool
		if gid, found = g.strs[x]; !found {
			gid = g.newGroup(j)
			g.strs[x] = gid
		}
	case json.Number:
		lit, num = string(x), true
		if g.prevOK && g.prevNum && g.prev == lit {
			gid = g.prevGrp
			break
		}
		gid = g.hashedGroup(j, item)
	default:
		ok = false
		gid = g.hashedGroup(j, item)
	}
	g.prev, g.prevNum, g.prevOK, g.prevGrp = lit, num, ok, gid
	if int(g.first[gid]) == j {
		return 0, false
	}
	i := g.last[gid]
	g.last[gid] = int32(j)
	return int(i), true
}

func (g *itemGroups) newGroup(j int) int32 {
	g.first = append(g.first, int32(j))
	g.last = append(g.last, int32(j))
	return int32(len(g.first) - 1)
}

// hashedGroup finds the group of item by its jsonHash, or opens one.
func (g *itemGroups) hashedGroup(j int, item any) int32 {
	if g.hashed == nil {
		g.hashed = make(map[uint64][]int32, 64)
	}
	g.h.Reset()
	jsonHash(&g.h, item)
	sum := g.h.Sum64()
	ids := g.hashed[sum]
	for _, gid := range ids {
		if jsonEqual(g.arr[g.first[gid]], item) {
			return gid
		}
	}
	gid := g.newGroup(j)
	g.hashed[sum] = append(ids, gid)
	return gid
}
