package ajv

import (
	"errors"
	"net/url"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"github.com/xeipuuv/gojsonschema"
)

// SanthoshBackend returns a backend built on
// github.com/santhosh-tekuri/jsonschema/v6, which passes the whole draft-07
// and 2020-12 test suites. Select it with WithBackend(SanthoshBackend()).
// Schemas without $schema are compiled as draft-07 (ajv's default), format is
// asserted with teggo's format checkers (so that every backend accepts the
// same strings), and its loader refuses every document but the one compiled. It
// refuses the same schemas as the default backend, so switching backends
// never changes which schemas compile.
func SanthoshBackend() Backend { return santhoshBackend{} }

type santhoshBackend struct{}

func (santhoshBackend) Name() string { return "santhosh-tekuri/jsonschema" }

const santhoshURL = "mem:///schema.json"

func (santhoshBackend) Compile(schemaJSON []byte) (Compiled, error) {
	doc, err := parseSchema(schemaJSON)
	if err != nil {
		return nil, err
	}
	second, err := decodeJSON(schemaJSON, DefaultMaxDepth)
	if err != nil {
		return nil, schemaErrorf(err, "not valid JSON")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	for _, f := range sharedFormats {
		c.RegisterFormat(f)
	}
	c.UseLoader(refusingURLLoader{})
	if err := c.AddResource(santhoshURL, second); err != nil {
		return nil, schemaErrorf(err, "santhosh")
	}
	s, err := c.Compile(santhoshURL)
	if err != nil {
		return nil, schemaErrorf(err, "santhosh")
	}
	return &santhoshCompiled{schema: s, doc: doc}, nil
}

// sharedFormats replaces santhosh's format checkers by the ones in
// gojsonschema's registry, where teggo's own (format.go) are installed, so
// that every backend accepts the same strings. "regex" cannot be overridden; both backends check it
// with regexp.Compile.
var sharedFormats = func() []*jsonschema.Format {
	names := []string{"date", "time", "date-time", "duration", "hostname", "email", "idn-email", "ipv4", "ipv6",
		"uri", "uri-reference", "iri", "iri-reference", "uri-template", "uuid", "json-pointer", "relative-json-pointer", "int32"}
	out := make([]*jsonschema.Format, 0, len(names))
	for _, name := range names {
		out = append(out, &jsonschema.Format{Name: name, Validate: func(v any) error {
			s, ok := v.(string)
			if !ok || gojsonschema.FormatCheckers.IsFormat(name, s) {
				return nil
			}
			return errors.New("not a valid " + name)
		}})
	}
	return out
}()

type refusingURLLoader struct{}

func (refusingURLLoader) Load(u string) (any, error) {
	return nil, errors.Join(errNoRemote, errors.New("refused "+u))
}

type santhoshCompiled struct {
	schema *jsonschema.Schema
	doc    *schemaDoc
}

func (c *santhoshCompiled) Validate(instance any) []Violation {
	vs, _ := c.validateBounded(instance, 0)
	return vs
}

func (c *santhoshCompiled) validateBounded(instance any, limit int) ([]Violation, int) {
	err := c.schema.Validate(instance)
	if err == nil {
		return nil, 0
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Keyword: "$internal", SchemaPath: "#", Params: map[string]any{}, Message: "validator failed: " + err.Error()}}, 0
	}
	var raws []rawError
	collectSanthosh(ve, &raws)
	return c.doc.toViolations(raws, instance, limit)
}

// collectSanthosh flattens santhosh's error tree. Wrappers (the schema,
// groups, allOf and $ref) are looked through; anyOf, oneOf, not,
// propertyNames and contains are reported themselves, without their causes,
// as the default backend does.
func collectSanthosh(e *jsonschema.ValidationError, out *[]rawError) {
	switch e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, c := range e.Causes {
			collectSanthosh(c, out)
		}
		return
	}
	r := rawError{inst: e.InstanceLocation}
	if ptr, ok := fragment(e.SchemaURL); ok {
		r.schemaPtr, r.hasPtr = ptr, true
	}
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			r.keyword, r.prop = "required", m
			*out = append(*out, r)
		}
		return
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			r.keyword, r.prop = "additionalProperties", p
			*out = append(*out, r)
		}
		return
	case *kind.Dependency:
		r.keyword, r.prop = "dependencies", k.Prop
	case *kind.DependentRequired:
		r.keyword, r.prop = "dependentRequired", k.Prop
	case *kind.PropertyNames:
		r.keyword, r.prop = "propertyNames", k.Property
	case *kind.UniqueItems:
		r.keyword, r.i, r.j = "uniqueItems", k.Duplicates[1], k.Duplicates[0]
	case *kind.FalseSchema:
		r.keyword = "false schema"
	case *kind.Not:
		r.keyword = "not"
	case *kind.AnyOf:
		r.keyword = "anyOf"
	case *kind.OneOf:
		r.keyword = "oneOf"
	case *kind.MinContains, *kind.MaxContains:
		r.keyword = "contains"
	default:
		kp := e.ErrorKind.KeywordPath()
		if len(kp) == 0 {
			return
		}
		r.keyword = kp[0]
		if r.keyword == "additionalItems" || r.keyword == "items" {
			if _, ok := e.ErrorKind.(*kind.AdditionalItems); ok {
				r.keyword = "additionalItems"
			}
		}
	}
	*out = append(*out, r)
}

// fragment returns the JSON pointer of a santhosh schema location.
func fragment(loc string) (string, bool) {
	i := strings.IndexByte(loc, '#')
	if i < 0 {
		return "", true
	}
	f, err := url.PathUnescape(loc[i+1:])
	if err != nil {
		return "", false
	}
	return f, true
}
