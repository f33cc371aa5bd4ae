package jsontree

import (
	"sync"
	"unsafe"
)

// An Arena is memory that a parsed value borrows and gives back: its
// maps, its arrays' elements and the boxes of its strings, numbers and
// arrays, reused by the next parse (see ParseIn). Strings
// themselves are never reused: they are cut from a fresh copy of each
// input, so a string copied out of a value stays what it was.
//
// A small body then costs its decode one allocation, the copy of the
// input, instead of one per map, array and slab.
type Arena struct {
	maps    []map[string]any // lent in order; empty when lent
	nmaps   int
	boxes   []string // the parser's first slab
	nboxes  int      // how many of boxes the value uses
	elems   []any    // arrays' elements, lent in order
	nelems  int
	arrays  [][]any // boxed array headers, lent in order
	narrays int
}

// What one arena holds at most: a value needing more gets the rest from
// ordinary allocations, which the arena does not keep.
const (
	scratchMaps   = 16
	scratchMapLen = 32 // a map that held more members is replaced, not kept
	scratchBoxes  = 64
	scratchElems  = 64
	scratchArrays = 16
)

var scratchPool = sync.Pool{New: func() any {
	return &Arena{
		boxes:  make([]string, scratchBoxes),
		elems:  make([]any, scratchElems),
		arrays: make([][]any, scratchArrays),
	}
}}

// GetArena returns an empty arena from a pool. Give it back with Release.
func GetArena() *Arena { return scratchPool.Get().(*Arena) }

// Release empties what the last value borrowed, dropping every reference
// it held, and puts the arena back in the pool. No value parsed with it
// may be used afterwards. An arena whose value must outlive it is simply
// not released: the collector takes it with the value.
func (sc *Arena) Release() {
	for i, m := range sc.maps[:sc.nmaps] {
		if len(m) > scratchMapLen {
			sc.maps[i] = make(map[string]any, 8)
		} else {
			clear(m)
		}
	}
	clear(sc.boxes[:sc.nboxes])
	clear(sc.elems[:sc.nelems])
	clear(sc.arrays[:sc.narrays])
	sc.nmaps, sc.nboxes, sc.nelems, sc.narrays = 0, 0, 0, 0
	scratchPool.Put(sc)
}

// boxesUsed records how many of the arena's boxes a decode used, given
// what was left of the parser's slab: all of them unless rest is still a
// tail of boxes.
func (sc *Arena) boxesUsed(rest []string) {
	sc.nboxes = len(sc.boxes)
	if n := len(rest); n > 0 && &rest[0] == &sc.boxes[len(sc.boxes)-n] {
		sc.nboxes -= n
	}
}

// newMap returns an empty map for an object, lent by the arena when
// there is one with a map to spare.
func (p *parser) newMap() map[string]any {
	sc := p.sc
	if sc == nil || sc.nmaps == scratchMaps {
		return make(map[string]any)
	}
	if sc.nmaps == len(sc.maps) {
		sc.maps = append(sc.maps, make(map[string]any, 8))
	}
	m := sc.maps[sc.nmaps]
	sc.nmaps++
	return m
}

// newArray returns an array of elems (collected by the caller) as an
// interface value. With an arena that has room, the elements and the
// boxed slice header are the arena's; the slice's capacity is its
// length, so an append never writes into the arena.
func (p *parser) newArray(elems []any) any {
	sc := p.sc
	n := len(elems)
	if sc == nil || sc.nelems+n > len(sc.elems) || sc.narrays == len(sc.arrays) {
		return append([]any(nil), elems...)
	}
	a := sc.elems[sc.nelems : sc.nelems+n : sc.nelems+n]
	copy(a, elems)
	sc.nelems += n
	h := &sc.arrays[sc.narrays]
	*h = a
	sc.narrays++
	return *(*any)(unsafe.Pointer(&eface{typ: arrayType, data: unsafe.Pointer(h)}))
}
