package ajv

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// nState collects failures when a validation is re-run to report them.
// check runs with a nil *nState first: it then stops at the first failure,
// tracks no path and allocates nothing.
type nState struct {
	path   []string
	raws   rawChunks
	toks   []string // arena of the recorded instance paths
	digits []byte   // arena of index tokens
	// limit, when positive, is the cap on reported violations: repeated
	// failures of one keyword at one place (uniqueItems pairs) past it are
	// counted, not recorded.
	limit int
}

func (st *nState) add(n *nNode, keyword string) *rawError {
	// the instance paths are copied into a shared arena: 60,000
	// failures cost a few allocations, not one each
	if cap(st.toks)-len(st.toks) < len(st.path) {
		st.toks = make([]string, 0, max(arenaLen, len(st.path)))
	}
	start := len(st.toks)
	st.toks = append(st.toks, st.path...)
	inst := st.toks[start:len(st.toks):len(st.toks)]
	return st.raws.add(rawError{inst: inst, keyword: keyword, schemaPtr: n.ptr, hasPtr: true})
}

// arenaLen is the size of the chunks the reporting pass takes instance
// tokens and index digits from.
const arenaLen = 4096

// index returns the instance token of array index i. Its digits live in
// an arena that is only ever appended to, so the strings never change.
func (st *nState) index(i int) string {
	if i < len(smallIndexes) {
		return smallIndexes[i]
	}
	if cap(st.digits)-len(st.digits) < 20 {
		st.digits = make([]byte, 0, arenaLen)
	}
	start := len(st.digits)
	st.digits = strconv.AppendInt(st.digits, int64(i), 10)
	return unsafe.String(&st.digits[start], len(st.digits)-start)
}

// smallIndexes are the tokens of the first array indexes.
var smallIndexes = func() (t [64]string) {
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

// uniqueItems records the duplicate pairs of a. Past the cap only their
// number is kept, on the last recorded pair: they all sort after it.
func (st *nState) uniqueItems(n *nNode, a []any) bool {
	recorded := 0
	var last *rawError
	total := duplicateItems(a, func(i, j int) bool {
		if st.limit > 0 && recorded == st.limit {
			return false
		}
		r := st.add(n, "uniqueItems")
		r.i, r.j = i, j
		recorded, last = recorded+1, r
		return true
	})
	if total > recorded {
		last.more = total - recorded
	}
	return total == 0
}

func (st *nState) push(tok string) { st.path = append(st.path, tok) }
func (st *nState) pop()            { st.path = st.path[:len(st.path)-1] }

// at validates v against sub under the instance token tok. A valid v is
// recognised by the first, allocation-free check and not walked again.
func (st *nState) at(sub *nNode, v any, tok string) bool {
	if sub.check(v, nil) {
		return true
	}
	st.push(tok)
	sub.check(v, st)
	st.pop()
	return false
}

// atIndex is at for the array item i; the token is only made for an
// invalid item.
func (st *nState) atIndex(sub *nNode, v any, i int) bool {
	if sub.check(v, nil) {
		return true
	}
	st.push(st.index(i))
	sub.check(v, st)
	st.pop()
	return false
}

// onlyInteger reports whether n needs a number's value for its type alone:
// no bound or multipleOf.
func (n *nNode) onlyInteger() bool {
	return n.minimum == nil && n.maximum == nil && n.exclMin == nil && n.exclMax == nil && n.multipleOf == nil
}

// plainInteger reports whether s is an integer literal without fraction or
// exponent (-?(0|[1-9][0-9]*)): an integer, without parsing its value.
func plainInteger(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// check reports whether v is valid against n. With st == nil it returns at
// the first failure; otherwise it records every failure in st, with the
// reporting rules of the other backends: a failed "type" ends the checks of
// the node, anyOf/oneOf/not/contains/propertyNames report themselves only,
// and allOf, $ref, then/else and dependencies report what fails inside.
func (n *nNode) check(v any, st *nState) bool {
	for n.ref != nil {
		n = n.ref
	}
	if n.isBool {
		if n.boolValue {
			return true
		}
		if st != nil {
			st.add(n, "false schema")
		}
		return false
	}
	var (
		kind  uint8
		num   decimal
		numOK bool
	)
	switch v.(type) {
	case nil:
		kind = tNull
	case bool:
		kind = tBoolean
	case string:
		kind = tString
	case map[string]any:
		kind = tObject
	case []any:
		kind = tArray
	case json.Number, float64:
		kind = tNumber
		if n.needsNum {
			if lit, ok := v.(json.Number); ok && n.onlyInteger() && plainInteger(string(lit)) {
				kind |= tInteger // nothing but the type needs the value
			} else if num, numOK = numberOf(v); numOK && num.isInt() {
				kind |= tInteger
			}
		}
	}
	if n.types != 0 && n.types&kind == 0 {
		if st != nil {
			st.add(n, "type")
		}
		return false
	}
	if n.typeOnly {
		return true
	}
	ok := true
	if !n.checkApplicators(v, st) {
		if st == nil {
			return false
		}
		ok = false
	}
	switch x := v.(type) {
	case string:
		if !n.checkString(x, st) {
			if st == nil {
				return false
			}
			ok = false
		}
	case map[string]any:
		if !n.checkObject(x, st) {
			if st == nil {
				return false
			}
			ok = false
		}
	case []any:
		if !n.checkArray(x, st) {
			if st == nil {
				return false
			}
			ok = false
		}
	case json.Number, float64:
		if n.needsNum && !n.checkNumber(&num, numOK, st) {
			if st == nil {
				return false
			}
			ok = false
		}
	}
	if n.enum != nil {
		found := false
		for _, e := range n.enum {
			if jsonEqual(v, e) {
				found = true
				break
			}
		}
		if !found {
			if st == nil {
				return false
			}
			st.add(n, "enum")
			ok = false
		}
	}
	if n.hasConst && !jsonEqual(v, n.constVal) {
		if st == nil {
			return false
		}
		st.add(n, "const")
		ok = false
	}
	return ok
}

func (n *nNode) checkApplicators(v any, st *nState) bool {
	ok := true
	for _, sub := range n.allOf {
		if !sub.check(v, st) {
			if st == nil {
				return false
			}
			ok = false
		}
	}
	if n.anyOf != nil {
		pass := false
		for _, sub := range n.anyOf {
			if sub.check(v, nil) {
				pass = true
				break
			}
		}
		if !pass {
			if st == nil {
				return false
			}
			st.add(n, "anyOf")
			ok = false
		}
	}
	if n.oneOf != nil {
		passed := 0
		for _, sub := range n.oneOf {
			if sub.check(v, nil) {
				if passed++; passed > 1 {
					break
				}
			}
		}
		if passed != 1 {
			if st == nil {
				return false
			}
			st.add(n, "oneOf")
			ok = false
		}
	}
	if n.not != nil && n.not.check(v, nil) {
		if st == nil {
			return false
		}
		st.add(n, "not")
		ok = false
	}
	if n.ifNode != nil && (n.thenNode != nil || n.elseNode != nil) {
		branch := n.elseNode
		if n.ifNode.check(v, nil) {
			branch = n.thenNode
		}
		if branch != nil && !branch.check(v, st) {
			if st == nil {
				return false
			}
			ok = false
		}
	}
	return ok
}

func (n *nNode) checkString(s string, st *nState) bool {
	ok := true
	if n.maxLength >= 0 && len(s) > n.maxLength && utf8.RuneCountInString(s) > n.maxLength {
		if st == nil {
			return false
		}
		st.add(n, "maxLength")
		ok = false
	}
	if n.minLength > 0 && (len(s) < n.minLength || utf8.RuneCountInString(s) < n.minLength) {
		if st == nil {
			return false
		}
		st.add(n, "minLength")
		ok = false
	}
	if n.pattern != nil && !n.pattern.MatchString(s) {
		if st == nil {
			return false
		}
		st.add(n, "pattern")
		ok = false
	}
	if n.format != nil && !n.format(s) {
		if st == nil {
			return false
		}
		st.add(n, "format")
		ok = false
	}
	return ok
}

func (n *nNode) checkNumber(d *decimal, valid bool, st *nState) bool {
	ok := true
	if n.maximum != nil && (!valid || d.cmp(n.maximum) > 0) {
		if st == nil {
			return false
		}
		st.add(n, "maximum")
		ok = false
	}
	if n.exclMax != nil && (!valid || d.cmp(n.exclMax) >= 0) {
		if st == nil {
			return false
		}
		st.add(n, "exclusiveMaximum")
		ok = false
	}
	if n.minimum != nil && (!valid || d.cmp(n.minimum) < 0) {
		if st == nil {
			return false
		}
		st.add(n, "minimum")
		ok = false
	}
	if n.exclMin != nil && (!valid || d.cmp(n.exclMin) <= 0) {
		if st == nil {
			return false
		}
		st.add(n, "exclusiveMinimum")
		ok = false
	}
	if n.multipleOf != nil && (!valid || !d.multipleOf(n.multipleOf)) {
		if st == nil {
			return false
		}
		st.add(n, "multipleOf")
		ok = false
	}
	return ok
}

func (n *nNode) checkArray(a []any, st *nState) bool {
	ok := true
	if n.minItems >= 0 && len(a) < n.minItems {
		if st == nil {
			return false
		}
		st.add(n, "minItems")
		ok = false
	}
	if n.maxItems >= 0 && len(a) > n.maxItems {
		if st == nil {
			return false
		}
		st.add(n, "maxItems")
		ok = false
	}
	if n.items != nil {
		for i, e := range a {
			if st == nil {
				if !n.items.check(e, nil) {
					return false
				}
			} else if !st.atIndex(n.items, e, i) {
				ok = false
			}
		}
	} else if n.tuple != nil {
		for i, e := range a {
			sub := n.additionalItems
			if i < len(n.tuple) {
				sub = n.tuple[i]
			}
			if sub == nil {
				break
			}
			if st == nil {
				if !sub.check(e, nil) {
					return false
				}
			} else if !st.atIndex(sub, e, i) {
				ok = false
			}
		}
		if n.noMoreItems && len(a) > len(n.tuple) {
			if st == nil {
				return false
			}
			st.add(n, "additionalItems")
			ok = false
		}
	}
	if n.uniqueItems && len(a) > 1 {
		if st == nil {
			if duplicateItems(a, nil) > 0 {
				return false
			}
		} else if !st.uniqueItems(n, a) {
			ok = false
		}
	}
	if n.contains != nil {
		found := false
		for _, e := range a {
			if n.contains.check(e, nil) {
				found = true
				break
			}
		}
		if !found {
			if st == nil {
				return false
			}
			st.add(n, "contains")
			ok = false
		}
	}
	return ok
}

// isProp reports whether name is listed in properties.
func (n *nNode) isProp(name string) bool {
	if n.propIndex != nil {
		_, ok := n.propIndex[name]
		return ok
	}
	for i := range n.props {
		if n.props[i].name == name {
			return true
		}
	}
	return false
}

func (n *nNode) checkObject(o map[string]any, st *nState) bool {
	ok := true
	if n.minProps >= 0 && len(o) < n.minProps {
		if st == nil {
			return false
		}
		st.add(n, "minProperties")
		ok = false
	}
	if n.maxProps >= 0 && len(o) > n.maxProps {
		if st == nil {
			return false
		}
		st.add(n, "maxProperties")
		ok = false
	}
	for _, name := range n.required {
		if _, has := o[name]; !has {
			if st == nil {
				return false
			}
			st.add(n, "required").prop = name
			ok = false
		}
	}
	found := 0
	for i := range n.props {
		p := &n.props[i]
		val, has := o[p.name]
		if !has {
			if p.required {
				if st == nil {
					return false
				}
				st.add(n, "required").prop = p.name
				ok = false
			}
			continue
		}
		found++
		if st == nil {
			if !p.node.check(val, nil) {
				return false
			}
		} else if !st.at(p.node, val, p.name) {
			ok = false
		}
	}
	// Every member is a listed property unless found < len(o); only then
	// can additionalProperties apply.
	if len(n.patternProps) > 0 || (found < len(o) && (n.noMoreProps || n.additional != nil)) {
		for k, val := range o {
			matched := false
			for _, pp := range n.patternProps {
				if !pp.re.MatchString(k) {
					continue
				}
				matched = true
				if st == nil {
					if !pp.node.check(val, nil) {
						return false
					}
				} else if !st.at(pp.node, val, k) {
					ok = false
				}
			}
			if matched || n.isProp(k) {
				continue
			}
			switch {
			case n.noMoreProps:
				if st == nil {
					return false
				}
				st.add(n, "additionalProperties").prop = k
				ok = false
			case n.additional != nil:
				if st == nil {
					if !n.additional.check(val, nil) {
						return false
					}
				} else if !st.at(n.additional, val, k) {
					ok = false
				}
			}
		}
	}
	if n.propertyNames != nil {
		for k := range o {
			if !n.propertyNames.checkName(k) {
				if st == nil {
					return false
				}
				st.add(n, "propertyNames").prop = k
				ok = false
			}
		}
	}
	for _, d := range n.depNames {
		if _, has := o[d.prop]; !has {
			continue
		}
		for _, name := range d.names {
			if _, has := o[name]; !has {
				if st == nil {
					return false
				}
				// the missing name, for now; Validate finds the property
				// to blame the way the default backend does
				st.add(n, "dependencies").prop = name
				ok = false
			}
		}
	}
	for _, d := range n.depSchemas {
		if _, has := o[d.prop]; has && !d.node.check(o, st) {
			if st == nil {
				return false
			}
			ok = false
		}
	}
	return ok
}

// checkName validates a property name for propertyNames. A name is a
// string; when the schema only has string keywords, enum or const, it is
// checked without boxing it into an interface (which would allocate).
func (n *nNode) checkName(k string) bool {
	for n.ref != nil {
		n = n.ref
	}
	if n.isBool || n.allOf != nil || n.anyOf != nil || n.oneOf != nil || n.not != nil || n.ifNode != nil {
		return n.check(k, nil)
	}
	if n.types != 0 && n.types&tString == 0 {
		return false
	}
	if !n.checkString(k, nil) {
		return false
	}
	if n.enum != nil {
		found := false
		for _, e := range n.enum {
			if s, ok := e.(string); ok && s == k {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if n.hasConst {
		if s, ok := n.constVal.(string); !ok || s != k {
			return false
		}
	}
	return true
}
