package ajv

import (
	"errors"
	"net/url"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// SanthoshBackend returns a backend built on
// github.com/santhosh-tekuri/jsonschema/v6, which passes the whole draft-07
// and 2020-12 test suites. Select it with WithBackend(SanthoshBackend()).
// Schemas without $schema are compiled as draft-07 (ajv's default), format is
// asserted with teggo's format checkers (so that every backend accepts the
// same strings), and its loader refuses every document but the one compiled. It
// refuses the same schemas as the default backend, so switching backends
// never changes which schemas compile. As under GoJSONSchemaBackend, the
// native validator of the same schema, when it compiles, reports the
// instances it rejects, and santhosh decides the others (see prefiltered).
func SanthoshBackend() Backend { return prefiltered(santhoshBackend{}) }

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

// sharedFormats replaces santhosh's format checkers by the ones every
// backend uses (formatChecker), so that every backend accepts the same
// strings. "regex" cannot be overridden; gojsonschema and santhosh both check it with
// regexp.Compile.
var sharedFormats = func() []*jsonschema.Format {
	names := []string{"date", "time", "date-time", "duration", "hostname", "email", "idn-email", "ipv4", "ipv6",
		"uri", "uri-reference", "iri", "iri-reference", "uri-template", "uuid", "json-pointer", "relative-json-pointer", "int32"}
	out := make([]*jsonschema.Format, 0, len(names))
	for _, name := range names {
		check := formatChecker(name)
		if check == nil {
			panic("ajv: no checker of format " + name)
		}
		out = append(out, &jsonschema.Format{Name: name, Validate: func(v any) error {
			s, ok := v.(string)
			if !ok || check(s) {
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

// validateBounded runs santhosh and maps its error tree; it builds an
// error object per failure, which the native pre-pass spares it for the
// instances it rejects (see prefiltered).
func (c *santhoshCompiled) validateBounded(instance any, limit int) ([]Violation, int) {
	err := c.schema.Validate(instance)
	if err == nil {
		return nil, 0
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Keyword: "$internal", SchemaPath: "#", Params: map[string]any{}, Message: "validator failed: " + err.Error()}}, 0
	}
	col := santhoshCollector{}
	col.collect(ve)
	return c.doc.toViolations(col.raws, instance, limit)
}

// santhoshCollector gathers the raw errors of one santhosh error tree.
type santhoshCollector struct {
	raws             rawChunks
	lastURL, lastPtr string
	lastOK           bool
}

func (col *santhoshCollector) add(r rawError) {
	col.raws.add(r)
}

// collect flattens santhosh's error tree. Wrappers (the schema,
// groups, allOf and $ref) are looked through; anyOf, oneOf, not,
// propertyNames and contains are reported themselves, without their causes,
// as the default backend does.
//
// The schema location of consecutive errors is usually the same (60,000
// failures of one items schema): its pointer is decoded once for them.
func (col *santhoshCollector) collect(e *jsonschema.ValidationError) {
	switch e.ErrorKind.(type) {
	case *kind.Schema, *kind.Group, *kind.AllOf, *kind.Reference:
		for _, c := range e.Causes {
			col.collect(c)
		}
		return
	}
	r := rawError{inst: e.InstanceLocation}
	if e.SchemaURL != col.lastURL || !col.lastOK {
		col.lastURL = e.SchemaURL
		col.lastPtr, col.lastOK = fragment(e.SchemaURL)
	}
	r.schemaPtr, r.hasPtr = col.lastPtr, col.lastOK
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			r.keyword, r.prop = "required", m
			col.add(r)
		}
		return
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			r.keyword, r.prop = "additionalProperties", p
			col.add(r)
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
	case *kind.Type:
		r.keyword = "type"
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
	col.add(r)
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
