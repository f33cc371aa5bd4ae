package ajv

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// want is an expected violation; Params are compared as JSON.
type want struct {
	path, schemaPath, keyword, params, message string
}

// conformance is the one table every backend must pass.
var conformance = []struct {
	name   string
	schema string
	data   string
	want   []want
}{
	{"valid object", `{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`, `{"a":"x"}`, nil},
	{"maxLength", `{"type":"object","properties":{"title":{"type":"string","maxLength":3}}}`, `{"title":"abcd"}`,
		[]want{{"/title", "#/properties/title/maxLength", "maxLength", `{"limit":3}`, "must NOT have more than 3 characters"}}},
	{"minLength counts runes", `{"type":"string","minLength":2}`, `"é"`,
		[]want{{"", "#/minLength", "minLength", `{"limit":2}`, "must NOT have fewer than 2 characters"}}},
	{"required at the property", `{"type":"object","properties":{"p":{"type":"object","properties":{"fullname":{"type":"string"}},"required":["fullname"]}}}`, `{"p":{}}`,
		[]want{{"/p/fullname", "#/properties/p/required", "required", `{"missingProperty":"fullname"}`, "must have required property 'fullname'"}}},
	{"every required", `{"type":"object","required":["a","b"]}`, `{}`,
		[]want{
			{"/a", "#/required", "required", `{"missingProperty":"a"}`, "must have required property 'a'"},
			{"/b", "#/required", "required", `{"missingProperty":"b"}`, "must have required property 'b'"},
		}},
	{"additionalProperties", `{"type":"object","properties":{"a":{}},"additionalProperties":false}`, `{"a":1,"x":2,"y":3}`,
		[]want{
			{"", "#/additionalProperties", "additionalProperties", `{"additionalProperty":"x"}`, "must NOT have additional properties"},
			{"", "#/additionalProperties", "additionalProperties", `{"additionalProperty":"y"}`, "must NOT have additional properties"},
		}},
	{"type", `{"type":"object","properties":{"a":{"type":"string"}}}`, `{"a":1}`,
		[]want{{"/a", "#/properties/a/type", "type", `{"type":"string"}`, "must be string"}}},
	{"type list", `{"type":["string","null"]}`, `true`,
		[]want{{"", "#/type", "type", `{"type":"string,null"}`, "must be string,null"}}},
	{"integer", `{"type":"integer"}`, `1.5`,
		[]want{{"", "#/type", "type", `{"type":"integer"}`, "must be integer"}}},
	{"maximum", `{"type":"number","maximum":10}`, `11`,
		[]want{{"", "#/maximum", "maximum", `{"comparison":"<=","limit":10}`, "must be <= 10"}}},
	{"minimum", `{"type":"number","minimum":1}`, `0`,
		[]want{{"", "#/minimum", "minimum", `{"comparison":">=","limit":1}`, "must be >= 1"}}},
	{"exclusive bounds", `{"type":"array","items":[{"exclusiveMaximum":5},{"exclusiveMinimum":5}]}`, `[5,5]`,
		[]want{
			{"/0", "#/items/0/exclusiveMaximum", "exclusiveMaximum", `{"comparison":"<","limit":5}`, "must be < 5"},
			{"/1", "#/items/1/exclusiveMinimum", "exclusiveMinimum", `{"comparison":">","limit":5}`, "must be > 5"},
		}},
	{"multipleOf", `{"multipleOf":2}`, `3`,
		[]want{{"", "#/multipleOf", "multipleOf", `{"multipleOf":2}`, "must be multiple of 2"}}},
	{"pattern", `{"type":"string","pattern":"^a"}`, `"ba"`,
		[]want{{"", "#/pattern", "pattern", `{"pattern":"^a"}`, `must match pattern "^a"`}}},
	{"format email", `{"type":"object","properties":{"m":{"type":"string","format":"email"}}}`, `{"m":"nope"}`,
		[]want{{"/m", "#/properties/m/format", "format", `{"format":"email"}`, `must match format "email"`}}},
	{"format ignores numbers", `{"format":"email"}`, `5`, nil},
	{"format ignores numbers typed", `{"type":["string","number"],"format":"date-time"}`, `5`, nil},
	{"format still checks strings without type", `{"format":"email"}`, `"x"`,
		[]want{{"", "#/format", "format", `{"format":"email"}`, `must match format "email"`}}},
	{"format guard next to if", `{"if":{"type":"number"},"then":{"minimum":0},"format":"ipv4"}`, `-1`,
		[]want{{"", "#/then/minimum", "minimum", `{"comparison":">=","limit":0}`, "must be >= 0"}}},
	{"enum", `{"enum":["a","b"]}`, `"c"`,
		[]want{{"", "#/enum", "enum", `{"allowedValues":["a","b"]}`, "must be equal to one of the allowed values"}}},
	{"const", `{"const":42}`, `41`,
		[]want{{"", "#/const", "const", `{"allowedValue":42}`, "must be equal to constant"}}},
	{"items", `{"type":"array","items":{"type":"object","properties":{"name":{"type":"string","minLength":1}}}}`, `[{"name":"a"},{"name":""}]`,
		[]want{{"/1/name", "#/items/properties/name/minLength", "minLength", `{"limit":1}`, "must NOT have fewer than 1 characters"}}},
	{"minItems maxItems", `{"type":"object","properties":{"a":{"minItems":2},"b":{"maxItems":1}}}`, `{"a":[1],"b":[1,2]}`,
		[]want{
			{"/a", "#/properties/a/minItems", "minItems", `{"limit":2}`, "must NOT have fewer than 2 items"},
			{"/b", "#/properties/b/maxItems", "maxItems", `{"limit":1}`, "must NOT have more than 1 items"},
		}},
	{"uniqueItems", `{"uniqueItems":true}`, `[1,2,1]`,
		[]want{{"", "#/uniqueItems", "uniqueItems", `{"i":2,"j":0}`, "must NOT have duplicate items (items ## 0 and 2 are identical)"}}},
	{"tuple additionalItems", `{"type":"array","items":[{"type":"string"}],"additionalItems":false}`, `["a",1]`,
		[]want{{"", "#/additionalItems", "additionalItems", `{"limit":1}`, "must NOT have more than 1 items"}}},
	{"min/maxProperties", `{"type":"object","properties":{"a":{"minProperties":1},"b":{"maxProperties":1}}}`, `{"a":{},"b":{"x":1,"y":2}}`,
		[]want{
			{"/a", "#/properties/a/minProperties", "minProperties", `{"limit":1}`, "must NOT have fewer than 1 properties"},
			{"/b", "#/properties/b/maxProperties", "maxProperties", `{"limit":1}`, "must NOT have more than 1 properties"},
		}},
	{"anyOf reported once", `{"anyOf":[{"type":"string"},{"type":"integer","minimum":3}]}`, `1`,
		[]want{{"", "#/anyOf", "anyOf", `{}`, "must match a schema in anyOf"}}},
	{"oneOf none", `{"oneOf":[{"type":"string"},{"type":"boolean"}]}`, `1`,
		[]want{{"", "#/oneOf", "oneOf", `{"passingSchemas":null}`, "must match exactly one schema in oneOf"}}},
	{"oneOf two", `{"oneOf":[{"type":"number"},{"type":"integer"}]}`, `1`,
		[]want{{"", "#/oneOf", "oneOf", `{"passingSchemas":null}`, "must match exactly one schema in oneOf"}}},
	{"not", `{"not":{"type":"string"}}`, `"x"`,
		[]want{{"", "#/not", "not", `{}`, "must NOT be valid"}}},
	{"allOf reports causes", `{"allOf":[{"type":"object","properties":{"a":{"maxLength":1}}},{"required":["b"]}]}`, `{"a":"xx"}`,
		[]want{
			{"/a", "#/allOf/0/properties/a/maxLength", "maxLength", `{"limit":1}`, "must NOT have more than 1 characters"},
			{"/b", "#/allOf/1/required", "required", `{"missingProperty":"b"}`, "must have required property 'b'"},
		}},
	{"if then", `{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["x"]},"else":{"required":["y"]}}`, `{"k":"a"}`,
		[]want{{"/x", "#/then/required", "required", `{"missingProperty":"x"}`, "must have required property 'x'"}}},
	{"local $ref", `{"definitions":{"name":{"type":"string","maxLength":2}},"type":"object","properties":{"a":{"$ref":"#/definitions/name"},"b":{"$ref":"#/definitions/name"}}}`, `{"a":"abc","b":"ok"}`,
		[]want{{"/a", "#/definitions/name/maxLength", "maxLength", `{"limit":2}`, "must NOT have more than 2 characters"}}},
	{"$defs recursion", `{"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},"additionalProperties":false}}}`, `{"v":1,"kids":[{"v":2,"kids":[{"v":"x"}]}]}`,
		[]want{{"/kids/0/kids/0/v", "#/$defs/node/properties/v/type", "type", `{"type":"integer"}`, "must be integer"}}},
	{"patternProperties", `{"type":"object","patternProperties":{"^n_":{"type":"number"}},"additionalProperties":false}`, `{"n_a":"x","z":1}`,
		[]want{
			{"", "#/additionalProperties", "additionalProperties", `{"additionalProperty":"z"}`, "must NOT have additional properties"},
			{"/n_a", "#/patternProperties/^n_/type", "type", `{"type":"number"}`, "must be number"},
		}},
	{"additionalProperties schema", `{"type":"object","additionalProperties":{"type":"boolean"}}`, `{"a":true,"b":1}`,
		[]want{{"/b", "#/additionalProperties/type", "type", `{"type":"boolean"}`, "must be boolean"}}},
	{"escaped property names", `{"type":"object","properties":{"a/b":{"type":"string"},"c.d":{"type":"string"}}}`, `{"a/b":1,"c.d":2}`,
		[]want{
			{"/a~1b", "#/properties/a~1b/type", "type", `{"type":"string"}`, "must be string"},
			{"/c.d", "#/properties/c.d/type", "type", `{"type":"string"}`, "must be string"},
		}},
	{"false schema", `{"type":"object","properties":{"no":false}}`, `{"no":1}`,
		[]want{{"/no", "#/properties/no", "false schema", `{}`, "boolean schema is false"}}},
	{"type stops other keywords", `{"type":"string","maxLength":1,"pattern":"^x"}`, `123`,
		[]want{{"", "#/type", "type", `{"type":"string"}`, "must be string"}}},
	{"format stops other keywords", `{"type":"string","maxLength":1,"format":"email"}`, `"abc"`,
		[]want{{"", "#/format", "format", `{"format":"email"}`, `must match format "email"`}}},
	{"huge number", `{"type":"number","maximum":10}`, `1e400`,
		[]want{{"", "#/maximum", "maximum", `{"comparison":"<=","limit":10}`, "must be <= 10"}}},
	{"huge integer", `{"type":"integer","minimum":0,"maximum":10}`, `123456789012345678901234567890`,
		[]want{{"", "#/maximum", "maximum", `{"comparison":"<=","limit":10}`, "must be <= 10"}}},
	{"null", `{"type":"object","properties":{"a":{"type":"string"}}}`, `{"a":null}`,
		[]want{{"/a", "#/properties/a/type", "type", `{"type":"string"}`, "must be string"}}},
	{"typebox task", typeboxTask, `{"fullname":"` + longString(101) + `","tips":"t","skipDependencies":"no","syncDownloadData":false,"force":false,"forceSyncHistory":false,"extra":1}`,
		[]want{
			{"", "#/additionalProperties", "additionalProperties", `{"additionalProperty":"extra"}`, "must NOT have additional properties"},
			{"/fullname", "#/properties/fullname/maxLength", "maxLength", `{"limit":100}`, "must NOT have more than 100 characters"},
			{"/skipDependencies", "#/properties/skipDependencies/type", "type", `{"type":"boolean"}`, "must be boolean"},
		}},
}

const typeboxTask = `{"type":"object","additionalProperties":false,
 "properties":{
  "fullname":{"type":"string","transform":["trim"],"maxLength":100},
  "tips":{"type":"string","transform":["trim"],"maxLength":1024},
  "skipDependencies":{"type":"boolean"},
  "syncDownloadData":{"type":"boolean"},
  "force":{"type":"boolean"},
  "forceSyncHistory":{"type":"boolean"},
  "registryName":{"type":"string"}},
 "required":["fullname","tips","skipDependencies","syncDownloadData","force","forceSyncHistory"]}`

func longString(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}

func paramsJSON(p map[string]any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
	return strings.TrimSpace(b.String())
}

var backends = []Backend{GoJSONSchemaBackend(), SanthoshBackend(), NativeBackend()}

func TestConformance(t *testing.T) {
	for _, b := range backends {
		a := New(WithBackend(b))
		for _, tc := range conformance {
			t.Run(b.Name()+"/"+tc.name, func(t *testing.T) {
				err := a.ValidateJSON([]byte(tc.schema), []byte(tc.data))
				if tc.want == nil {
					if err != nil {
						t.Fatalf("want valid, got %v", err)
					}
					return
				}
				var ipe *InvalidParamError
				if !errors.As(err, &ipe) {
					t.Fatalf("want *InvalidParamError, got %T %v", err, err)
				}
				if string(ipe.Data.(json.RawMessage)) != tc.data {
					t.Errorf("Data = %s", ipe.Data)
				}
				got := make([]want, len(ipe.Errors))
				for i, v := range ipe.Errors {
					got[i] = want{v.InstancePath, v.SchemaPath, v.Keyword, paramsJSON(v.Params), v.Message}
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("violations\n got: %q\nwant: %q", got, tc.want)
				}
			})
		}
	}
}
