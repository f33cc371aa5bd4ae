package ajv

import (
	"errors"
	"maps"
	"slices"
)

// gojsKeywords are the keywords gojsonschema checks (its "hybrid" draft,
// with draft-07 meanings), besides the annotations it may ignore.
var gojsKeywords = nativeKeywords

// refuseUnchecked walks every schema node of root and returns a *SchemaError
// matching errors.ErrUnsupported for the first keyword (in pointer order)
// that the backend named by backend does not check under the root's
// dialect: a keyword that is not an annotation and not in checked, a
// keyword whose meaning the dialect changes, or a format with no checker.
// A backend that ignored such a keyword would accept instances the schema
// rejects; refusing it at Compile lets FallbackBackend pick one that checks
// it.
func refuseUnchecked(backend string, root any, checked map[string]bool) error {
	dialect := ""
	if m, ok := root.(map[string]any); ok {
		if ms, ok := m["$schema"].(string); ok {
			dialect = normalizeDialect(ms)
		}
	}
	switch dialect {
	case "", dialectDraft6, dialectDraft7, dialect2019, dialect2020:
	default:
		return schemaErrorf(errors.ErrUnsupported, "%s backend: $schema %q is not supported (draft-06, draft-07, 2019-09 and 2020-12 are)", backend, dialect)
	}
	return walkUnchecked(backend, dialect, "", root, checked)
}

func walkUnchecked(backend, dialect, ptr string, n any, checked map[string]bool) error {
	s, ok := n.(map[string]any)
	if !ok {
		return nil
	}
	refuse := func(kw, why string) error {
		return schemaErrorf(errors.ErrUnsupported, "%s backend: keyword %q at %q is not checked%s", backend, kw, "#"+ptr, why)
	}
	for _, kw := range slices.Sorted(maps.Keys(s)) {
		if !checked[kw] && !nativeAnnotations[kw] {
			return refuse(kw, "")
		}
	}
	if e, ok := s["enum"].([]any); ok && len(e) == 0 {
		return refuse("enum", " (empty: gojsonschema would accept every value)")
	}
	if f, ok := s["format"].(string); ok && formatChecker(f) == nil {
		return refuse("format", " (unknown format "+f+")")
	}
	switch dialect {
	case dialectDraft6:
		for _, kw := range [...]string{"if", "then", "else"} {
			if _, ok := s[kw]; ok {
				return refuse(kw, " under draft-06, where it is not a keyword")
			}
		}
	case dialect2019, dialect2020:
		why := " with the meaning it has under " + dialect
		if _, ok := s["items"].([]any); ok {
			return refuse("items", why+" (an array)")
		}
		for _, kw := range [...]string{"additionalItems", "dependencies"} {
			if _, ok := s[kw]; ok {
				return refuse(kw, why)
			}
		}
		if _, ok := s["$ref"]; ok {
			for _, k := range slices.Sorted(maps.Keys(s)) {
				if k != "$ref" && checked[k] {
					return refuse(k, why+" (next to $ref)")
				}
			}
		}
	}
	var err error
	forEachSubschema(s, func(suffix string, sub any) {
		if err == nil {
			err = walkUnchecked(backend, dialect, ptr+suffix, sub, checked)
		}
	})
	return err
}
