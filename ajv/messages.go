package ajv

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// rawError is a backend's failure before it becomes a Violation: where in
// the instance, which keyword, and the few facts only the backend knows.
// Limits and allowed values are read from the schema itself, so that both
// backends produce the same Params and Message.
type rawError struct {
	inst    []string // instance tokens; for required, additionalProperties, dependencies and propertyNames: the object
	keyword string
	prop    string // missing, additional or invalid property name
	i, j    int    // uniqueItems: the duplicate indexes
	// more counts further violations of the same keyword at the same
	// place that the backend did not materialise, all ordered after this
	// one (uniqueItems pairs past the cap); they are counted as omitted.
	more int
	// schemaPtr is the pointer of the schema node the backend reports, used
	// when locate finds none; hasPtr says whether it is known.
	schemaPtr string
	hasPtr    bool
}

// matcher returns the predicate that recognises the schema node behind e.
func (e *rawError) matcher(d *schemaDoc) func(any) bool {
	return func(n any) bool { return e.matches(d, n) }
}

// matches reports whether the schema node n is the one behind e.
func (e *rawError) matches(d *schemaDoc, n any) bool {
	switch e.keyword {
	case "false schema":
		b, ok := n.(bool)
		return ok && !b
	case "required":
		node, _ := n.(map[string]any)
		req, _ := node["required"].([]any)
		return slices.Contains(req, any(e.prop))
	case "additionalProperties":
		node, _ := n.(map[string]any)
		if b, ok := node["additionalProperties"].(bool); !ok || b {
			return false
		}
		if props, ok := node["properties"].(map[string]any); ok {
			if _, ok := props[e.prop]; ok {
				return false
			}
		}
		if pp, ok := node["patternProperties"].(map[string]any); ok {
			for p := range pp {
				if re := d.pattern(p); re != nil && re.MatchString(e.prop) {
					return false
				}
			}
		}
		return true
	case "dependencies", "dependentRequired":
		node, _ := n.(map[string]any)
		deps, _ := node[e.keyword].(map[string]any)
		_, ok := deps[e.prop]
		return ok
	}
	node, ok := n.(map[string]any)
	if !ok {
		return false
	}
	_, ok = node[e.keyword]
	return ok
}

// toViolations turns raw errors into sorted, de-duplicated Violations.
// Errors whose schema node cannot be located are failures inside anyOf,
// oneOf or not (reported by the composite keyword) and are dropped, unless
// the backend gave its own location.
//
// With limit > 0 only the first limit violations in that order are
// rendered (message text, params) and returned; omitted counts the others,
// including the ones a raw error's more stands for. With limit <= 0 every
// violation is returned.
//
// The cost is O(n) in the number of raw errors, apart from the final sort
// of at most limit violations: each raw error is located through a cache
// shared by the errors of one run (see locator), gets its identity key
// once (instance pointer, keyword, schema pointer, then the property and
// item indexes that tell apart violations of the same keyword at the same
// place), is de-duplicated by a hash of that key, and the first limit are
// selected with a bounded heap. Nothing is compared through fmt.
func (d *schemaDoc) toViolations(raws rawChunks, instance any, limit int) (vs []Violation, omitted int) {
	n := raws.len()
	if n == 0 {
		return nil, 0
	}
	lc := newLocator(d)
	found := make([]foundViolation, 0, n)
	for _, chunk := range raws {
		for i := range chunk {
			e := &chunk[i]
			loc, ok := lc.locate(e)
			if !ok {
				continue
			}
			found = append(found, lc.newFound(e, loc))
		}
	}
	found = pruneBlocked(found)
	found, omitted = selectFirst(found, limit)
	if len(found) == 0 {
		return nil, 0
	}
	out := make([]Violation, len(found))
	for i := range found {
		out[i] = d.violation(found[i].raw, found[i].loc, instance)
	}
	return out, omitted
}

// rawChunks holds raw errors in chunks that are never moved once filled,
// so that collecting 60,000 of them copies none and pointers to them stay
// valid.
type rawChunks [][]rawError

// add appends r and returns where it is kept.
func (c *rawChunks) add(r rawError) *rawError {
	last := len(*c) - 1
	if last < 0 || len((*c)[last]) == cap((*c)[last]) {
		size := 16
		if last >= 0 {
			size = min(2*cap((*c)[last]), rawChunkMax)
		}
		*c = append(*c, make([]rawError, 0, size))
		last++
	}
	(*c)[last] = append((*c)[last], r)
	return &(*c)[last][len((*c)[last])-1]
}

// rawChunkMax is the largest chunk of rawChunks.
const rawChunkMax = 4096

func (c rawChunks) len() int {
	n := 0
	for _, chunk := range c {
		n += len(chunk)
	}
	return n
}

// foundViolation is a located raw error with the keys it is pruned, sorted
// and de-duplicated by.
type foundViolation struct {
	raw    *rawError // its keyword is the violation's
	loc    located   // its ptr is the schema pointer of the node
	inst   string    // instance pointer the node was checked at
	path   string    // InstancePath of the violation
	schema string    // SchemaPath of the violation
	i, j   int       // uniqueItems indexes, larger first
}

func (lc *locator) newFound(e *rawError, loc located) foundViolation {
	f := foundViolation{raw: e, loc: loc, inst: lc.pointer(e.inst)}
	f.path = f.inst
	if e.keyword == "required" {
		f.path = f.inst + "/" + escapePointer(e.prop)
	}
	if lc.lastPtr != loc.ptr || lc.lastKeyword != e.keyword || lc.lastSchema == "" {
		lc.lastPtr, lc.lastKeyword = loc.ptr, e.keyword
		if e.keyword == "false schema" {
			lc.lastSchema = "#" + loc.ptr
		} else {
			lc.lastSchema = "#" + loc.ptr + "/" + escapePointer(e.keyword)
		}
	}
	f.schema = lc.lastSchema
	if e.keyword == "uniqueItems" {
		f.i, f.j = max(e.i, e.j), min(e.i, e.j)
	}
	return f
}

// compareFound orders violations by InstancePath, Keyword and SchemaPath,
// then by the property and indexes that distinguish violations of one
// keyword at one place. Two violations comparing equal render the same
// Violation: the rendering depends on nothing else.
func compareFound(a, b foundViolation) int {
	return cmp.Or(
		cmp.Compare(a.path, b.path),
		cmp.Compare(a.raw.keyword, b.raw.keyword),
		cmp.Compare(a.schema, b.schema),
		cmp.Compare(a.raw.prop, b.raw.prop),
		cmp.Compare(a.i, b.i),
		cmp.Compare(a.j, b.j),
	)
}

// blockingRank orders the keywords that end the checks of a schema on a
// value: once a value has the wrong type, const, enum or format, the other
// keywords of the same schema (and the schemas below it) are not reported
// for that value. santhosh-tekuri/jsonschema stops there; the same rule is
// applied to every backend so that they report the same violations.
var blockingRank = map[string]int{"type": 1, "const": 2, "enum": 3, "format": 4}

// pruneBlocked drops the violations a blocking keyword hides. It looks up
// each violation's own node and every ancestor node in a map of blockers,
// so it costs O(n·d) for pointers d tokens deep, never O(n²).
func pruneBlocked(found []foundViolation) []foundViolation {
	if !mayBlock(found) {
		return found
	}
	type key struct{ node, inst string }
	blockers := map[key]string{}
	blockedInsts := map[string][]string{} // node -> instance pointers with a blocker
	for _, f := range found {
		r, ok := blockingRank[f.raw.keyword]
		if !ok {
			continue
		}
		k := key{f.loc.ptr, f.inst}
		cur, ok := blockers[k]
		if !ok {
			blockedInsts[f.loc.ptr] = append(blockedInsts[f.loc.ptr], f.inst)
		}
		if !ok || r < blockingRank[cur] {
			blockers[k] = f.raw.keyword
		}
	}
	if len(blockers) == 0 {
		return found
	}
	blockedBelow := func(f foundViolation) bool {
		// a blocker on a proper ancestor node, at a proper ancestor instance
		for i := 0; i < len(f.loc.ptr); i++ {
			if f.loc.ptr[i] != '/' {
				continue
			}
			insts, ok := blockedInsts[f.loc.ptr[:i]]
			if !ok {
				continue
			}
			if len(insts) <= strings.Count(f.inst, "/") {
				for _, in := range insts {
					if strings.HasPrefix(f.inst, in+"/") {
						return true
					}
				}
				continue
			}
			for j := 0; j < len(f.inst); j++ {
				if f.inst[j] == '/' {
					if _, ok := blockers[key{f.loc.ptr[:i], f.inst[:j]}]; ok {
						return true
					}
				}
			}
		}
		return false
	}
	kept := found[:0:0]
	for _, f := range found {
		if kw, ok := blockers[key{f.loc.ptr, f.inst}]; ok && f.raw.keyword != kw {
			continue
		}
		if blockedBelow(f) {
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

// mayBlock reports whether pruneBlocked can drop anything from found: only
// when a node with a blocking keyword also has another keyword, or is a
// proper ancestor of another violation's node. It costs one map look-up per
// violation and a few per distinct node, so that 60,000 "type" failures of
// one items schema are not keyed one by one.
func mayBlock(found []foundViolation) bool {
	type nodeInfo struct {
		keyword        string
		mixed, blocker bool
	}
	nodes := map[string]*nodeInfo{}
	blockers := false
	for i := range found {
		f := &found[i]
		ni := nodes[f.loc.ptr]
		if ni == nil {
			ni = &nodeInfo{keyword: f.raw.keyword}
			nodes[f.loc.ptr] = ni
		} else if ni.keyword != f.raw.keyword {
			ni.mixed = true
		}
		if _, ok := blockingRank[f.raw.keyword]; ok {
			ni.blocker, blockers = true, true
		}
	}
	if !blockers {
		return false
	}
	for node, ni := range nodes {
		if ni.blocker && ni.mixed {
			return true
		}
		for i := 0; i < len(node); i++ {
			if node[i] == '/' {
				if a := nodes[node[:i]]; a != nil && a.blocker {
					return true
				}
			}
		}
	}
	return false
}

func (d *schemaDoc) violation(e *rawError, loc located, instance any) Violation {
	node, _ := loc.node.(map[string]any)
	kw := e.keyword
	v := Violation{
		InstancePath: pointerOf(e.inst),
		SchemaPath:   "#" + loc.ptr + "/" + escapePointer(kw),
		Keyword:      kw,
	}
	count := func(k string) int { return toInt(node[k]) }
	switch kw {
	case "false schema":
		v.SchemaPath = "#" + loc.ptr
		v.Params = map[string]any{}
		v.Message = "boolean schema is false"
	case "type":
		t := typeString(node["type"])
		v.Params = map[string]any{"type": t}
		v.Message = "must be " + t
	case "maxLength":
		v.Params = map[string]any{"limit": count(kw)}
		v.Message = fmt.Sprintf("must NOT have more than %d characters", count(kw))
	case "minLength":
		v.Params = map[string]any{"limit": count(kw)}
		v.Message = fmt.Sprintf("must NOT have fewer than %d characters", count(kw))
	case "maxItems":
		v.Params = map[string]any{"limit": count(kw)}
		v.Message = fmt.Sprintf("must NOT have more than %d items", count(kw))
	case "minItems":
		v.Params = map[string]any{"limit": count(kw)}
		v.Message = fmt.Sprintf("must NOT have fewer than %d items", count(kw))
	case "additionalItems":
		n := 0
		if items, ok := node["items"].([]any); ok {
			n = len(items)
		}
		v.Params = map[string]any{"limit": n}
		v.Message = fmt.Sprintf("must NOT have more than %d items", n)
	case "maxProperties":
		v.Params = map[string]any{"limit": count(kw)}
		v.Message = fmt.Sprintf("must NOT have more than %d properties", count(kw))
	case "minProperties":
		v.Params = map[string]any{"limit": count(kw)}
		v.Message = fmt.Sprintf("must NOT have fewer than %d properties", count(kw))
	case "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum":
		limit := node[kw]
		if _, isBool := limit.(bool); isBool { // draft-04 boolean exclusive bounds
			if kw == "exclusiveMaximum" {
				limit = node["maximum"]
			} else {
				limit = node["minimum"]
			}
		}
		op := map[string]string{"maximum": "<=", "minimum": ">=", "exclusiveMaximum": "<", "exclusiveMinimum": ">"}[kw]
		v.Params = map[string]any{"comparison": op, "limit": limit}
		v.Message = fmt.Sprintf("must be %s %v", op, limit)
	case "multipleOf":
		v.Params = map[string]any{"multipleOf": node[kw]}
		v.Message = fmt.Sprintf("must be multiple of %v", node[kw])
	case "pattern":
		v.Params = map[string]any{"pattern": node[kw]}
		v.Message = fmt.Sprintf("must match pattern %q", node[kw])
	case "format":
		v.Params = map[string]any{"format": node[kw]}
		v.Message = fmt.Sprintf("must match format %q", node[kw])
	case "enum":
		v.Params = map[string]any{"allowedValues": node[kw]}
		v.Message = "must be equal to one of the allowed values"
	case "const":
		v.Params = map[string]any{"allowedValue": node[kw]}
		v.Message = "must be equal to constant"
	case "uniqueItems":
		i, j := max(e.i, e.j), min(e.i, e.j)
		v.Params = map[string]any{"i": i, "j": j}
		// ajv 8 (no typed items): i is the later index, j the earlier
		// duplicate, and the message names j first
		v.Message = fmt.Sprintf("must NOT have duplicate items (items ## %d and %d are identical)", j, i)
	case "required":
		v.InstancePath = pointerOf(append(slices.Clip(e.inst), e.prop))
		v.Params = map[string]any{"missingProperty": e.prop}
		v.Message = fmt.Sprintf("must have required property '%s'", e.prop)
	case "additionalProperties":
		v.Params = map[string]any{"additionalProperty": e.prop}
		v.Message = "must NOT have additional properties"
	case "dependencies", "dependentRequired":
		deps, _ := node[kw].(map[string]any)
		list, _ := deps[e.prop].([]any)
		obj, _ := instanceAt(instance, e.inst).(map[string]any)
		var names []string
		missing := ""
		for _, x := range list {
			s, _ := x.(string)
			names = append(names, s)
			if _, ok := obj[s]; !ok && missing == "" {
				missing = s
			}
		}
		v.Params = map[string]any{"property": e.prop, "missingProperty": missing, "depsCount": len(names), "deps": strings.Join(names, ", ")}
		v.Message = fmt.Sprintf("must have property %s when property %s is present", strings.Join(names, ", "), e.prop)
	case "propertyNames":
		v.Params = map[string]any{"propertyName": e.prop}
		v.Message = "property name must be valid"
	case "anyOf":
		v.Params = map[string]any{}
		v.Message = "must match a schema in anyOf"
	case "oneOf":
		v.Params = map[string]any{"passingSchemas": nil}
		v.Message = "must match exactly one schema in oneOf"
	case "not":
		v.Params = map[string]any{}
		v.Message = "must NOT be valid"
	case "contains":
		v.Params = map[string]any{"minContains": 1}
		v.Message = "must contain at least 1 valid item(s)"
	default:
		v.Params = map[string]any{}
		v.Message = fmt.Sprintf("must pass %q keyword validation", kw)
	}
	return v
}

// instanceAt returns the value at the instance tokens, or nil.
func instanceAt(v any, tokens []string) any {
	for _, t := range tokens {
		switch c := v.(type) {
		case map[string]any:
			v = c[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

func typeString(t any) string {
	switch t := t.(type) {
	case string:
		return t
	case []any:
		parts := make([]string, 0, len(t))
		for _, x := range t {
			parts = append(parts, fmt.Sprint(x))
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(t)
}

func toInt(v any) int {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return int(i)
		}
		if f, err := n.Float64(); err == nil {
			return int(f)
		}
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}
