package ajv

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// schemaDoc is a parsed schema document (map[string]any, []any, string, bool,
// json.Number, nil) with the helpers the library backends need to turn their errors
// into Violations: JSON pointer resolution and the location of a keyword for
// an instance path.
type schemaDoc struct {
	root any
	// patterns holds the compiled patternProperties regexps of the
	// document, filled by guard; read-only afterwards.
	patterns map[string]*regexp.Regexp
}

// pattern returns the compiled patternProperties regexp p, or nil when it
// does not compile.
func (d *schemaDoc) pattern(p string) *regexp.Regexp {
	if re, ok := d.patterns[p]; ok {
		return re
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil
	}
	return re
}

// Keywords whose value is one subschema.
var schemaKeywords = map[string]bool{
	"not": true, "if": true, "then": true, "else": true, "additionalItems": true,
	"additionalProperties": true, "contains": true, "propertyNames": true,
	"unevaluatedItems": true, "unevaluatedProperties": true, "contentSchema": true,
	"items": true, // or an array of subschemas (draft-07 tuples)
}

// Keywords whose value is an array of subschemas.
var schemaArrayKeywords = map[string]bool{
	"allOf": true, "anyOf": true, "oneOf": true, "prefixItems": true, "items": true,
}

// Keywords whose value maps names to subschemas.
var schemaMapKeywords = map[string]bool{
	"properties": true, "patternProperties": true, "$defs": true, "definitions": true,
	"dependentSchemas": true, "dependencies": true,
}

// Keywords gojsonschema cannot handle safely; see guard.
var forbiddenKeywords = []string{"$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"}

// forEachSubschema calls fn for every direct subschema of node with the
// pointer suffix that leads to it.
func forEachSubschema(node map[string]any, fn func(suffix string, sub any)) {
	for k, v := range node {
		switch {
		case schemaMapKeywords[k]:
			if m, ok := v.(map[string]any); ok {
				for name, sub := range m {
					if _, isList := sub.([]any); isList && k == "dependencies" {
						continue // property dependencies: a list of names
					}
					fn("/"+k+"/"+escapePointer(name), sub)
				}
			}
		case schemaArrayKeywords[k]:
			if arr, ok := v.([]any); ok {
				for i, sub := range arr {
					fn("/"+k+"/"+strconv.Itoa(i), sub)
				}
				continue
			}
			if schemaKeywords[k] {
				fn("/"+k, v)
			}
		case schemaKeywords[k]:
			fn("/"+k, v)
		}
	}
}

// guard refuses what a backend must never see: anchors and dynamic
// references (gojsonschema recurses on them until the process dies), $ref to
// anything but a JSON pointer into this document (gojsonschema would fetch it
// over the network or from disk), nested $id (it changes how refs resolve),
// dangling refs, and $ref cycles that consume no input (infinite recursion at
// validation).
func (d *schemaDoc) guard() error {
	if err := d.guardNode(d.root, "", true); err != nil {
		return err
	}
	return d.checkRefCycles()
}

func (d *schemaDoc) guardNode(n any, ptr string, isRoot bool) error {
	switch n.(type) {
	case bool:
		return nil
	case map[string]any:
	default:
		return schemaErrorf(nil, "schema at %q must be an object or a boolean", "#"+ptr)
	}
	node := n.(map[string]any)
	for _, k := range forbiddenKeywords {
		if _, ok := node[k]; ok {
			return schemaErrorf(nil, "%s at %q is not supported", k, "#"+ptr)
		}
	}
	if ms, ok := node["$schema"]; ok {
		name, _ := ms.(string)
		if !isRoot || !knownMetaSchema(name) {
			return schemaErrorf(nil, "$schema %q at %q: only the root may name a meta-schema, and only a standard draft (04, 06, 07, 2019-09, 2020-12)", name, "#"+ptr)
		}
	}
	if _, ok := node["$id"]; ok && !isRoot {
		return schemaErrorf(nil, "$id is only supported on the root schema (found at %q)", "#"+ptr)
	}
	if r, ok := node["$ref"]; ok {
		ref, isString := r.(string)
		if !isString {
			return schemaErrorf(nil, "$ref at %q must be a string", "#"+ptr)
		}
		if _, _, err := d.resolveRef(ref); err != nil {
			return schemaErrorf(err, "$ref %q at %q", ref, "#"+ptr)
		}
	}
	if p, ok := node["pattern"].(string); ok {
		if _, err := regexp.Compile(p); err != nil {
			return schemaErrorf(err, "pattern at %q", "#"+ptr)
		}
	}
	if pp, ok := node["patternProperties"].(map[string]any); ok {
		for p := range pp {
			re, err := regexp.Compile(p)
			if err != nil {
				return schemaErrorf(err, "patternProperties at %q", "#"+ptr)
			}
			if d.patterns == nil {
				d.patterns = map[string]*regexp.Regexp{}
			}
			d.patterns[p] = re
		}
	}
	var err error
	forEachSubschema(node, func(suffix string, sub any) {
		if err == nil {
			err = d.guardNode(sub, ptr+suffix, false)
		}
	})
	return err
}

// knownMetaSchema reports whether name is a standard draft's meta-schema,
// which gojsonschema and santhosh know without loading anything.
func knownMetaSchema(name string) bool {
	name = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(name, "https://"), "http://"), "#")
	switch name {
	case "json-schema.org/draft-04/schema", "json-schema.org/draft-06/schema", "json-schema.org/draft-07/schema",
		"json-schema.org/draft/2019-09/schema", "json-schema.org/draft/2020-12/schema":
		return true
	}
	return false
}

// refError is returned by resolveRef.
type refError string

func (e refError) Error() string { return string(e) }

// resolveRef resolves a $ref, which must be a JSON pointer fragment into this
// document ("#" or "#/..."), to its pointer and node.
func (d *schemaDoc) resolveRef(ref string) (string, any, error) {
	if !strings.HasPrefix(ref, "#") {
		return "", nil, refError("only local references (\"#/...\") are supported; remote and relative references are never loaded")
	}
	frag, err := url.PathUnescape(ref[1:])
	if err != nil {
		return "", nil, refError("malformed fragment")
	}
	if frag != "" && !strings.HasPrefix(frag, "/") {
		return "", nil, refError("anchor references are not supported")
	}
	n, ok := d.resolvePointer(frag)
	if !ok {
		return "", nil, refError("target not found")
	}
	switch n.(type) {
	case map[string]any, bool:
	default:
		return "", nil, refError("target is not a schema")
	}
	return frag, n, nil
}

// resolvePointer resolves an RFC 6901 pointer ("" or "/a/b") in the document.
func (d *schemaDoc) resolvePointer(ptr string) (any, bool) {
	cur := d.root
	if ptr == "" {
		return cur, true
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescapePointer(tok)
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// inPlaceKeywords apply their subschemas to the same instance location. A
// cycle through them alone never terminates.
var inPlaceKeywords = []string{"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "dependencies"}

func (d *schemaDoc) checkRefCycles() error {
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var visit func(ptr string, n any) error
	visit = func(ptr string, n any) error {
		switch state[ptr] {
		case visiting:
			return schemaErrorf(nil, "$ref cycle through %q applies the schema to itself forever", "#"+ptr)
		case done:
			return nil
		}
		state[ptr] = visiting
		node, _ := n.(map[string]any)
		if node != nil {
			if ref, ok := node["$ref"].(string); ok {
				tptr, target, err := d.resolveRef(ref)
				if err != nil {
					return schemaErrorf(err, "$ref %q", ref)
				}
				if err := visit(tptr, target); err != nil {
					return err
				}
			}
			for _, k := range inPlaceKeywords {
				v, ok := node[k]
				if !ok {
					continue
				}
				switch v := v.(type) {
				case []any:
					for i, sub := range v {
						if err := visit(ptr+"/"+k+"/"+strconv.Itoa(i), sub); err != nil {
							return err
						}
					}
				case map[string]any:
					if k == "dependentSchemas" || k == "dependencies" {
						for name, sub := range v {
							if _, isList := sub.([]any); isList {
								continue
							}
							if err := visit(ptr+"/"+k+"/"+escapePointer(name), sub); err != nil {
								return err
							}
						}
						continue
					}
					if err := visit(ptr+"/"+k, v); err != nil {
						return err
					}
				case bool:
				}
			}
		}
		state[ptr] = done
		return nil
	}
	// Every subschema can be the start of a cycle, so visit them all.
	var all func(ptr string, n any) error
	all = func(ptr string, n any) error {
		if err := visit(ptr, n); err != nil {
			return err
		}
		node, ok := n.(map[string]any)
		if !ok {
			return nil
		}
		var err error
		forEachSubschema(node, func(suffix string, sub any) {
			if err == nil {
				err = all(ptr+suffix, sub)
			}
		})
		return err
	}
	return all("", d.root)
}

// located is one schema node reached while locating a violation.
type located struct {
	ptr  string
	node any
}

// expandInPlace adds to set the nodes that apply to the same instance
// location as c through $ref, allOf, then, else and dependentSchemas. It does
// not enter anyOf, oneOf, not, if, contains or propertyNames: failures inside
// those are reported by the composite keyword itself.
func (d *schemaDoc) expandInPlace(c located, set []located, seen map[string]bool) []located {
	if seen[c.ptr] {
		return set
	}
	seen[c.ptr] = true
	set = append(set, c)
	node, ok := c.node.(map[string]any)
	if !ok {
		return set
	}
	if ref, ok := node["$ref"].(string); ok {
		if tptr, target, err := d.resolveRef(ref); err == nil {
			set = d.expandInPlace(located{tptr, target}, set, seen)
		}
	}
	if arr, ok := node["allOf"].([]any); ok {
		for i, sub := range arr {
			set = d.expandInPlace(located{c.ptr + "/allOf/" + strconv.Itoa(i), sub}, set, seen)
		}
	}
	for _, k := range [...]string{"then", "else"} {
		if sub, ok := node[k]; ok {
			set = d.expandInPlace(located{c.ptr + "/" + k, sub}, set, seen)
		}
	}
	for _, k := range [...]string{"dependentSchemas", "dependencies"} {
		if m, ok := node[k].(map[string]any); ok {
			for name, sub := range m {
				if _, isList := sub.([]any); !isList {
					set = d.expandInPlace(located{c.ptr + "/" + k + "/" + escapePointer(name), sub}, set, seen)
				}
			}
		}
	}
	return set
}

// childNodes returns the subschemas that apply to the member seg of an
// instance validated by node.
func (d *schemaDoc) childNodes(c located, seg string, out []located) []located {
	node, ok := c.node.(map[string]any)
	if !ok {
		return out
	}
	matchedProp := false
	if props, ok := node["properties"].(map[string]any); ok {
		if sub, ok := props[seg]; ok {
			out = append(out, located{c.ptr + "/properties/" + escapePointer(seg), sub})
			matchedProp = true
		}
	}
	if pp, ok := node["patternProperties"].(map[string]any); ok {
		for p, sub := range pp {
			if re := d.pattern(p); re != nil && re.MatchString(seg) {
				out = append(out, located{c.ptr + "/patternProperties/" + escapePointer(p), sub})
				matchedProp = true
			}
		}
	}
	if !matchedProp {
		if sub, ok := node["additionalProperties"]; ok {
			out = append(out, located{c.ptr + "/additionalProperties", sub})
		}
	}
	idx, err := strconv.Atoi(seg)
	if err != nil || idx < 0 {
		return out
	}
	if prefix, ok := node["prefixItems"].([]any); ok {
		if idx < len(prefix) {
			return append(out, located{c.ptr + "/prefixItems/" + seg, prefix[idx]})
		}
		if sub, ok := node["items"]; ok {
			return append(out, located{c.ptr + "/items", sub})
		}
		return out
	}
	switch items := node["items"].(type) {
	case []any:
		if idx < len(items) {
			return append(out, located{c.ptr + "/items/" + seg, items[idx]})
		}
		if sub, ok := node["additionalItems"]; ok {
			out = append(out, located{c.ptr + "/additionalItems", sub})
		}
	case map[string]any, bool:
		out = append(out, located{c.ptr + "/items", items})
	}
	return out
}

// locate finds the schema node that produced a violation at instancePath
// (the tokens of the instance location) and satisfies match. The search
// follows properties, patternProperties, additionalProperties, items,
// prefixItems and additionalItems along the path and, at every step, the
// in-place keywords of expandInPlace. It reports false when no such node
// exists, which is the case for failures inside anyOf, oneOf and not.
func (d *schemaDoc) locate(instancePath []string, match func(node any) bool) (located, bool) {
	cur := d.expandInPlace(located{"", d.root}, nil, map[string]bool{})
	for _, seg := range instancePath {
		var next []located
		for _, c := range cur {
			next = d.childNodes(c, seg, next)
		}
		seen := map[string]bool{}
		cur = cur[:0:0]
		for _, n := range next {
			cur = d.expandInPlace(n, cur, seen)
		}
		if len(cur) == 0 {
			return located{}, false
		}
	}
	for _, c := range cur {
		if match(c.node) {
			return c, true
		}
	}
	return located{}, false
}

// hasKeyword returns a locate matcher for nodes carrying keyword.
func hasKeyword(keyword string) func(any) bool {
	return func(n any) bool {
		node, ok := n.(map[string]any)
		if !ok {
			return false
		}
		_, ok = node[keyword]
		return ok
	}
}

func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	s = strings.ReplaceAll(s, "~", "~0")
	return strings.ReplaceAll(s, "/", "~1")
}

func unescapePointer(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	s = strings.ReplaceAll(s, "~1", "/")
	return strings.ReplaceAll(s, "~0", "~")
}

// pointerOf joins instance location tokens into a JSON pointer.
func pointerOf(tokens []string) string {
	if len(tokens) == 0 {
		return ""
	}
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return b.String()
}
