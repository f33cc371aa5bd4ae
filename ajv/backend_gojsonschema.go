package ajv

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/xeipuuv/gojsonschema"
)

// GoJSONSchemaBackend returns the default backend, built on
// github.com/xeipuuv/gojsonschema. It is guarded:
//
//   - schemas with $anchor, $dynamicRef, $dynamicAnchor, $recursiveRef or
//     $recursiveAnchor are refused (gojsonschema recurses on them until the
//     process dies), as are $ref cycles that consume no input;
//   - only "#/..." references into the same document are allowed; the
//     loader it is given refuses every other document, so nothing is ever
//     fetched over the network or read from disk;
//   - meta-schema validation is off (it would fetch the meta-schema) and the
//     draft is not auto-detected from $schema (keywords of drafts 4, 6 and 7
//     are all understood);
//   - format applies to strings only, as the specification says:
//     gojsonschema would also fail numbers against "email"; the checkers
//     are teggo's (see the Formats section of docs/validation.md);
//   - a keyword gojsonschema does not check (2019-09 and 2020-12 keywords
//     such as prefixItems or unevaluatedProperties, an unknown keyword or
//     format, an empty enum, a keyword whose meaning $schema changes) is
//     refused at Compile with a *SchemaError naming it and its schema path
//     and matching errors.ErrUnsupported, never ignored.
//
// When NativeBackend compiles the same schema, its allocation-free check
// runs first and reports the instances it rejects (with the violations
// gojsonschema reports, only the capped ones rendered); gojsonschema
// decides the others. A hostile body thus never makes gojsonschema build an
// error object for each of its failures.
func GoJSONSchemaBackend() Backend { return prefiltered(gojsBackend{}) }

type gojsBackend struct{}

func (gojsBackend) Name() string { return "gojsonschema" }

func (gojsBackend) Compile(schemaJSON []byte) (Compiled, error) {
	doc, err := parseSchema(schemaJSON)
	if err != nil {
		return nil, err
	}
	// The rewrite works on a second decoding so that doc, used to report
	// violations, stays exactly what the user wrote.
	second, err := decodeJSON(schemaJSON, DefaultMaxDepth)
	if err != nil {
		return nil, schemaErrorf(err, "not valid JSON")
	}
	if err := refuseUnchecked("gojsonschema", doc.root, gojsKeywords); err != nil {
		return nil, err
	}
	guardFormats(second)
	sl := gojsonschema.NewSchemaLoader()
	sl.AutoDetect = false
	sl.Validate = false
	sl.Draft = gojsonschema.Hybrid
	s, err := sl.Compile(localLoader{JSONLoader: gojsonschema.NewGoLoader(nil), doc: second})
	if err != nil {
		return nil, schemaErrorf(err, "gojsonschema")
	}
	return &gojsCompiled{schema: s, doc: doc}, nil
}

// localLoader hands gojsonschema an already decoded document and a loader
// factory that refuses every other document.
type localLoader struct {
	gojsonschema.JSONLoader // supplies JsonSource and JsonReference ("#")
	doc                     any
}

func (l localLoader) LoadJSON() (any, error) { return l.doc, nil }

func (localLoader) LoaderFactory() gojsonschema.JSONLoaderFactory { return refusingFactory{} }

type refusingFactory struct{}

func (refusingFactory) New(source string) gojsonschema.JSONLoader {
	return refusingLoader{JSONLoader: gojsonschema.NewGoLoader(nil), source: source}
}

type refusingLoader struct {
	gojsonschema.JSONLoader
	source string
}

var errNoRemote = errors.New("ajv: loading schemas from outside the document is disabled")

func (l refusingLoader) LoadJSON() (any, error) {
	return nil, errors.Join(errNoRemote, errors.New("refused "+strconv.Quote(l.source)))
}

func (refusingLoader) LoaderFactory() gojsonschema.JSONLoaderFactory { return refusingFactory{} }

// guardFormats rewrites every "format" that a number could reach (the node
// does not restrict "type" to non-numbers) into
// {"if": {"type": "string"}, "then": {"format": ...}}, so that gojsonschema
// checks it on strings only. Violations are located in the original
// document, where the format still sits on its node.
func guardFormats(n any) {
	node, ok := n.(map[string]any)
	if !ok {
		return
	}
	forEachSubschema(node, func(_ string, sub any) { guardFormats(sub) })
	f, ok := node["format"]
	if !ok || !numbersReach(node["type"]) {
		return
	}
	delete(node, "format")
	cond := map[string]any{"if": map[string]any{"type": "string"}, "then": map[string]any{"format": f}}
	_, hasIf := node["if"]
	_, hasThen := node["then"]
	_, hasElse := node["else"]
	if !hasIf && !hasThen && !hasElse {
		node["if"], node["then"] = cond["if"], cond["then"]
		return
	}
	all, _ := node["allOf"].([]any)
	node["allOf"] = append(all, cond)
}

func numbersReach(t any) bool {
	switch t := t.(type) {
	case nil:
		return true
	case string:
		return t == "number" || t == "integer"
	case []any:
		for _, x := range t {
			if s, _ := x.(string); s == "number" || s == "integer" {
				return true
			}
		}
		return false
	}
	return true
}

type gojsCompiled struct {
	schema *gojsonschema.Schema
	doc    *schemaDoc
}

// Validate runs gojsonschema. A panic inside it (gojsonschema panics, on a
// nil float, when a number beyond float64 meets enum, const or
// uniqueItems) is reported as a violation: bad input never crashes the
// caller. Behind the native pre-pass (see prefiltered), which compares
// numbers exactly, the pre-pass answers for such an instance instead.
func (c *gojsCompiled) Validate(instance any) []Violation {
	vs, _ := c.validateBounded(instance, 0)
	return vs
}

func (c *gojsCompiled) validateBounded(instance any, limit int) ([]Violation, int) {
	vs, omitted, failure := c.tryValidate(instance, limit)
	if failure != nil {
		return []Violation{{Keyword: "$internal", SchemaPath: "#", Params: map[string]any{},
			Message: fmt.Sprintf("must be checkable: the validator failed on this value (%v)", failure)}}, 0
	}
	return vs, omitted
}

// tryValidate runs gojsonschema; failure is what it panicked with.
func (c *gojsCompiled) tryValidate(instance any, limit int) (vs []Violation, omitted int, failure any) {
	defer func() {
		if r := recover(); r != nil {
			vs, omitted, failure = nil, 0, r
		}
	}()
	res, err := c.schema.Validate(gojsonschema.NewRawLoader(instance))
	if err != nil {
		return []Violation{{Keyword: "$internal", SchemaPath: "#", Params: map[string]any{}, Message: "validator failed: " + err.Error()}}, 0, nil
	}
	if res.Valid() {
		return nil, 0, nil
	}
	errs := res.Errors()
	raws := make([]rawError, 0, len(errs))
	for _, re := range errs {
		kw, ok := gojsKeyword(re)
		if !ok {
			continue
		}
		r := rawError{inst: contextTokens(re.Context()), keyword: kw}
		d := re.Details()
		switch kw {
		case "required", "additionalProperties", "propertyNames":
			r.prop, _ = d["property"].(string)
		case "uniqueItems":
			r.i, _ = d["i"].(int)
			r.j, _ = d["j"].(int)
		case "dependencies":
			missing, _ := d["dependency"].(string)
			r.prop = triggeringProperty(c.doc, r.inst, instance, missing)
		}
		raws = append(raws, r)
	}
	vs, omitted = c.doc.toViolations(rawChunks{raws}, instance, limit)
	return vs, omitted, nil
}

// contextTokens splits a gojsonschema context ("(root).a.0") into instance
// tokens without being confused by dots in property names.
func contextTokens(ctx *gojsonschema.JsonContext) []string {
	const sep = "\x00"
	s := ctx.String(sep)
	parts := strings.Split(s, sep)
	return parts[1:] // drop "(root)"
}

// gojsKeyword maps a gojsonschema error to the ajv keyword. Wrapper errors
// (allOf, if/then/else) report nothing of their own: their causes are
// reported where they failed.
func gojsKeyword(e gojsonschema.ResultError) (string, bool) {
	switch e.(type) {
	case *gojsonschema.FalseError:
		return "false schema", true
	case *gojsonschema.RequiredError:
		return "required", true
	case *gojsonschema.InvalidTypeError:
		return "type", true
	case *gojsonschema.NumberAnyOfError:
		return "anyOf", true
	case *gojsonschema.NumberOneOfError:
		return "oneOf", true
	case *gojsonschema.NumberNotError:
		return "not", true
	case *gojsonschema.MissingDependencyError:
		return "dependencies", true
	case *gojsonschema.ConstError:
		return "const", true
	case *gojsonschema.EnumError:
		return "enum", true
	case *gojsonschema.ArrayNoAdditionalItemsError:
		return "additionalItems", true
	case *gojsonschema.ArrayMinItemsError:
		return "minItems", true
	case *gojsonschema.ArrayMaxItemsError:
		return "maxItems", true
	case *gojsonschema.ItemsMustBeUniqueError:
		return "uniqueItems", true
	case *gojsonschema.ArrayContainsError:
		return "contains", true
	case *gojsonschema.ArrayMinPropertiesError:
		return "minProperties", true
	case *gojsonschema.ArrayMaxPropertiesError:
		return "maxProperties", true
	case *gojsonschema.AdditionalPropertyNotAllowedError:
		return "additionalProperties", true
	case *gojsonschema.InvalidPropertyNameError:
		return "propertyNames", true
	case *gojsonschema.StringLengthGTEError:
		return "minLength", true
	case *gojsonschema.StringLengthLTEError:
		return "maxLength", true
	case *gojsonschema.DoesNotMatchPatternError:
		return "pattern", true
	case *gojsonschema.DoesNotMatchFormatError:
		return "format", true
	case *gojsonschema.MultipleOfError:
		return "multipleOf", true
	case *gojsonschema.NumberLTEError:
		return "maximum", true
	case *gojsonschema.NumberLTError:
		return "exclusiveMaximum", true
	case *gojsonschema.NumberGTEError:
		return "minimum", true
	case *gojsonschema.NumberGTError:
		return "exclusiveMinimum", true
	}
	return "", false // allOf, condition_then/else, internal
}

// triggeringProperty finds the property whose "dependencies" entry lists
// missing, for ajv's params.
func triggeringProperty(doc *schemaDoc, inst []string, instance any, missing string) string {
	obj, _ := instanceAt(instance, inst).(map[string]any)
	loc, ok := doc.locate(inst, hasKeyword("dependencies"))
	if !ok {
		return ""
	}
	deps, _ := loc.node.(map[string]any)["dependencies"].(map[string]any)
	for _, prop := range slices.Sorted(maps.Keys(deps)) {
		l, _ := deps[prop].([]any)
		if _, present := obj[prop]; !present {
			continue
		}
		for _, x := range l {
			if x == any(missing) {
				return prop
			}
		}
	}
	return ""
}

// stringFormat adapts a checker to gojsonschema's FormatChecker: values
// other than strings pass.
type stringFormat func(string) bool

func (f stringFormat) IsFormat(v any) bool {
	s, ok := v.(string)
	return !ok || f(s)
}

// init replaces gojsonschema's checkers of teggo's formats (format.go) in
// its registry, the only one it consults, so that gojsonschema accepts
// exactly what the other backends accept.
func init() {
	for name, f := range formats {
		gojsonschema.FormatCheckers.Add(name, stringFormat(f))
	}
}
