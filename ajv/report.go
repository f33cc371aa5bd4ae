package ajv

import (
	"hash/maphash"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// locator finds the schema nodes of the raw errors of one validation run,
// as schemaDoc.locate does, but shares the work between errors: the node
// sets reached along instance paths are memoized per set and per segment,
// and a segment that no node of a set singles out (it is not a listed
// property, matches no patternProperties and is not an index into a tuple)
// reaches the same set as every other such segment. 60,000 errors at
// /ids/0 ... /ids/59999 then cost two map look-ups each instead of a walk
// of the schema.
type locator struct {
	d     *schemaDoc
	sets  [][]located // expanded node sets by id; 0 is the root's
	infos []*setInfo  // what singles out a segment, per set, once needed
	steps map[stepKey]int32
	hits  map[matchKey]located
	miss  map[matchKey]bool
	ptrs  map[string]*located // backend-given schema pointers; nil: not found

	// the previous error's instance path and the sets along it, and its
	// last match
	prevInst  []string
	prevSets  []int32
	lastHit   matchKey
	lastLoc   located
	lastHitOK bool

	// the schema path of the last violation keyed, for the next one of
	// the same node and keyword
	lastPtr, lastKeyword, lastSchema string
	bytes                            []byte // arena of instance pointers
}

// pointer is pointerOf(tokens), its bytes taken from an arena that is only
// ever appended to, so that the strings never change.
func (lc *locator) pointer(tokens []string) string {
	if len(tokens) == 0 {
		return ""
	}
	n := 0
	for _, t := range tokens {
		n += 1 + len(t) + strings.Count(t, "~") + strings.Count(t, "/")
	}
	if cap(lc.bytes)-len(lc.bytes) < n {
		lc.bytes = make([]byte, 0, max(arenaLen*4, n))
	}
	start := len(lc.bytes)
	for _, t := range tokens {
		lc.bytes = append(lc.bytes, '/')
		lc.bytes = append(lc.bytes, escapePointer(t)...)
	}
	return unsafe.String(&lc.bytes[start], len(lc.bytes)-start)
}

// stepKey is a set and a segment, or the class of the segments no node of
// the set singles out (generic): array indexes and other names.
type stepKey struct {
	set     int32
	seg     string
	generic bool
	index   bool
}

type matchKey struct {
	set     int32
	keyword string
}

// setInfo is what makes a segment special for the nodes of a set.
type setInfo struct {
	names    map[string]bool
	patterns []*regexp.Regexp
	tuple    int // the longest items array or prefixItems
}

func newLocator(d *schemaDoc) *locator {
	root := d.expandInPlace(located{"", d.root}, nil, map[string]bool{})
	return &locator{
		d:     d,
		sets:  [][]located{root},
		infos: []*setInfo{nil},
		steps: map[stepKey]int32{},
		hits:  map[matchKey]located{},
		miss:  map[matchKey]bool{},
	}
}

// locate returns the node of e as schemaDoc.locate(e.inst, e.matcher(d))
// would, or the node at the backend's own pointer when there is none.
func (lc *locator) locate(e *rawError) (located, bool) {
	if len(lc.sets[0]) == 0 {
		return lc.fallback(e)
	}
	// consecutive errors mostly share all but their last token: the sets
	// of the previous error's path are reused as far as the paths agree
	k := 0
	for k < len(e.inst) && k < len(lc.prevSets) && e.inst[k] == lc.prevInst[k] {
		k++
	}
	lc.prevSets = lc.prevSets[:k]
	set := int32(0)
	if k > 0 {
		set = lc.prevSets[k-1]
	}
	for _, seg := range e.inst[k:] {
		if set = lc.step(set, seg); set < 0 {
			lc.prevInst = e.inst[:len(lc.prevSets)]
			return lc.fallback(e)
		}
		lc.prevSets = append(lc.prevSets, set)
	}
	lc.prevInst = e.inst
	switch e.keyword {
	case "required", "additionalProperties", "dependencies", "dependentRequired":
		// the matcher depends on the property: not memoized
		for _, c := range lc.sets[set] {
			if e.matches(lc.d, c.node) {
				return c, true
			}
		}
		return lc.fallback(e)
	}
	mk := matchKey{set, e.keyword}
	if lc.lastHitOK && lc.lastHit == mk {
		return lc.lastLoc, true
	}
	if c, ok := lc.hits[mk]; ok {
		lc.lastHit, lc.lastLoc, lc.lastHitOK = mk, c, true
		return c, true
	}
	if !lc.miss[mk] {
		for _, c := range lc.sets[set] {
			if e.matches(lc.d, c.node) {
				lc.hits[mk] = c
				return c, true
			}
		}
		lc.miss[mk] = true
	}
	return lc.fallback(e)
}

func (lc *locator) fallback(e *rawError) (located, bool) {
	if !e.hasPtr {
		return located{}, false
	}
	if lc.ptrs == nil {
		lc.ptrs = map[string]*located{}
	}
	c, ok := lc.ptrs[e.schemaPtr]
	if !ok {
		if n, found := lc.d.resolvePointer(e.schemaPtr); found {
			c = &located{ptr: e.schemaPtr, node: n}
		}
		lc.ptrs[e.schemaPtr] = c
	}
	if c == nil {
		return located{}, false
	}
	return *c, true
}

// step returns the set reached from set through seg, or -1 for none.
func (lc *locator) step(set int32, seg string) int32 {
	info := lc.info(set)
	idx, isIndex := -1, false
	if seg != "" && (seg[0] >= '0' && seg[0] <= '9' || seg[0] == '+' || seg[0] == '-') {
		// as childNodes reads it; a name is rejected first without
		// building strconv's error
		var err error
		idx, err = strconv.Atoi(seg)
		isIndex = err == nil && idx >= 0
	}
	special := info.names[seg] || (isIndex && idx < info.tuple)
	for _, re := range info.patterns {
		if special {
			break
		}
		special = re.MatchString(seg)
	}
	key := stepKey{set: set, generic: !special, index: isIndex}
	if special {
		key.seg = seg
	}
	if id, ok := lc.steps[key]; ok {
		return id
	}
	var next []located
	for _, c := range lc.sets[set] {
		next = lc.d.childNodes(c, seg, next)
	}
	seen := map[string]bool{}
	var cur []located
	for _, n := range next {
		cur = lc.d.expandInPlace(n, cur, seen)
	}
	id := int32(-1)
	if len(cur) > 0 {
		id = int32(len(lc.sets))
		lc.sets = append(lc.sets, cur)
		lc.infos = append(lc.infos, nil)
	}
	lc.steps[key] = id
	return id
}

func (lc *locator) info(set int32) *setInfo {
	if in := lc.infos[set]; in != nil {
		return in
	}
	in := &setInfo{names: map[string]bool{}}
	for _, c := range lc.sets[set] {
		node, ok := c.node.(map[string]any)
		if !ok {
			continue
		}
		if props, ok := node["properties"].(map[string]any); ok {
			for name := range props {
				in.names[name] = true
			}
		}
		if pp, ok := node["patternProperties"].(map[string]any); ok {
			for p := range pp {
				if re := lc.d.pattern(p); re != nil {
					in.patterns = append(in.patterns, re)
				}
			}
		}
		if items, ok := node["items"].([]any); ok {
			in.tuple = max(in.tuple, len(items))
		}
		if prefix, ok := node["prefixItems"].([]any); ok {
			in.tuple = max(in.tuple, len(prefix))
		}
	}
	lc.infos[set] = in
	return in
}

// selectFirst sorts and de-duplicates found and keeps its first limit
// (all of them for limit <= 0); omitted counts the distinct others and the
// unmaterialised violations of the kept raw errors' more. Past a few times
// limit, duplicates are found by a hash of the identity key and the first
// limit selected with a bounded heap, in O(n log limit).
func selectFirst(found []foundViolation, limit int) (kept []foundViolation, omitted int) {
	omitted = unmaterialised(found)
	if limit <= 0 || len(found) <= 4*limit {
		slices.SortFunc(found, compareFound)
		found = slices.CompactFunc(found, func(a, b foundViolation) bool { return compareFound(a, b) == 0 })
		if limit > 0 && len(found) > limit {
			return found[:limit], omitted + len(found) - limit
		}
		return found, omitted
	}
	distinct := distinctFound(found)
	// a max-heap of the limit smallest seen so far
	heap := make([]int32, 0, limit)
	less := func(a, b int32) bool { return compareFound(found[a], found[b]) < 0 }
	down := func(i int) {
		for {
			l, largest := 2*i+1, i
			if l < len(heap) && less(heap[largest], heap[l]) {
				largest = l
			}
			if r := l + 1; r < len(heap) && less(heap[largest], heap[r]) {
				largest = r
			}
			if largest == i {
				return
			}
			heap[i], heap[largest] = heap[largest], heap[i]
			i = largest
		}
	}
	for _, i := range distinct {
		if len(heap) < limit {
			heap = append(heap, i)
			for c := len(heap) - 1; c > 0; {
				p := (c - 1) / 2
				if !less(heap[p], heap[c]) {
					break
				}
				heap[p], heap[c] = heap[c], heap[p]
				c = p
			}
			continue
		}
		if less(i, heap[0]) {
			heap[0] = i
			down(0)
		}
	}
	kept = make([]foundViolation, len(heap))
	for k, i := range heap {
		kept[k] = found[i]
	}
	slices.SortFunc(kept, compareFound)
	return kept, omitted + len(distinct) - len(kept)
}

var foundSeed = maphash.MakeSeed()

// distinctFound returns the indexes of found's distinct violations (the
// first of each set comparing equal).
func distinctFound(found []foundViolation) []int32 {
	first := make(map[uint64]int32, len(found))
	var collided []int32 // distinct violations whose hash another one has
	out := make([]int32, 0, len(found))
next:
	for i := range found {
		f := &found[i]
		sum := maphash.String(foundSeed, f.path)
		sum = sum*31 ^ maphash.String(foundSeed, f.schema)
		if f.raw.prop != "" {
			sum = sum*31 ^ maphash.String(foundSeed, f.raw.prop)
		}
		sum = sum*31 ^ uint64(f.i)<<32 ^ uint64(f.j)
		j, seen := first[sum]
		if !seen {
			first[sum] = int32(i)
			out = append(out, int32(i))
			continue
		}
		if compareFound(found[j], *f) == 0 {
			continue
		}
		for _, c := range collided {
			if compareFound(found[c], *f) == 0 {
				continue next
			}
		}
		collided = append(collided, int32(i))
		out = append(out, int32(i))
	}
	return out
}

// unmaterialised sums the more of the raw errors in found, once per place
// (instance path, keyword and schema path): two raw errors of one place
// stand for the same unmaterialised violations.
func unmaterialised(found []foundViolation) int {
	var seen map[[3]string]bool
	n := 0
	for i := range found {
		f := &found[i]
		if f.raw.more == 0 {
			continue
		}
		k := [3]string{f.path, f.raw.keyword, f.schema}
		if seen[k] {
			continue
		}
		if seen == nil {
			seen = map[[3]string]bool{}
		}
		seen[k] = true
		n += f.raw.more
	}
	return n
}
