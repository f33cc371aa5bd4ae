package ajv

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

func TestGuardsRefuseSchemas(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(`{"type":"string"}`))
	}))
	defer srv.Close()
	dir := t.TempDir()
	file := filepath.Join(dir, "s.json")
	if err := os.WriteFile(file, []byte(`{"type":"string"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"$anchor":         `{"$defs":{"a":{"$anchor":"x","type":"string"}},"$ref":"#x"}`,
		"$dynamicRef":     `{"$dynamicAnchor":"n","items":{"$dynamicRef":"#n"}}`,
		"$recursiveRef":   `{"items":{"$recursiveRef":"#"}}`,
		"http ref":        `{"$ref":"` + srv.URL + `/s.json"}`,
		"http ref deep":   `{"properties":{"a":{"$ref":"` + srv.URL + `/s.json#/x"}}}`,
		"file ref":        `{"$ref":"file://` + file + `"}`,
		"relative ref":    `{"$ref":"s.json"}`,
		"dangling ref":    `{"$ref":"#/definitions/missing"}`,
		"self ref":        `{"$ref":"#"}`,
		"ref cycle":       `{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"allOf":[{"$ref":"#/definitions/a"}]}},"$ref":"#/definitions/a"}`,
		"nested $id":      `{"properties":{"a":{"$id":"http://x/y","type":"string"}}}`,
		"bad pattern":     `{"pattern":"("}`,
		"unknown $schema": `{"$schema":"` + srv.URL + `/meta.json","type":"string"}`,
		"not an object":   `[1]`,
		"not JSON":        `{"type":`,
	}
	for _, b := range backends {
		for name, schema := range cases {
			_, err := compileWith(b, []byte(schema), DefaultMaxDepth)
			var se *SchemaError
			if !errors.As(err, &se) {
				t.Errorf("%s/%s: want *SchemaError, got %v", b.Name(), name, err)
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("a backend fetched a remote schema %d times", n)
	}
}

func TestGuardsAllow(t *testing.T) {
	ok := []string{
		`{"$id":"https://example.com/root.json","definitions":{"s":{"type":"string"}},"properties":{"a":{"$ref":"#/definitions/s"}}}`,
		`{"properties":{"$anchor":{"type":"string"},"$ref":{"type":"string"}}}`, // property names, not keywords
		`{"properties":{"kids":{"type":"array","items":{"$ref":"#"}}}}`,         // recursion that consumes input
		`true`,
	}
	for _, b := range backends {
		for _, schema := range ok {
			c, err := compileWith(b, []byte(schema), DefaultMaxDepth)
			if err != nil {
				t.Errorf("%s: %s: %v", b.Name(), schema, err)
				continue
			}
			if err := c.Validate([]byte(`{"a":1,"kids":[{"kids":[]}]}`)); err != nil && schema == ok[2] {
				t.Errorf("%s: %v", b.Name(), err)
			}
		}
	}
}

func TestKnownMetaSchemaAccepted(t *testing.T) {
	for _, b := range backends {
		for _, ms := range []string{"http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2020-12/schema"} {
			if _, err := compileWith(b, []byte(`{"$schema":"`+ms+`","type":"string"}`), DefaultMaxDepth); err != nil {
				t.Errorf("%s: %s: %v", b.Name(), ms, err)
			}
		}
	}
}

func TestHugeNumbersNeverPanic(t *testing.T) {
	for _, tc := range []struct{ schema, data string }{
		{`{"enum":[1,2]}`, `1e400`},
		{`{"const":1}`, `1e400`},
		{`{"type":"array","uniqueItems":true}`, `[1e400, 1e400]`},
		{`{"type":"object","properties":{"n":{"enum":[1]}}}`, `{"n":-1e999}`},
	} {
		for _, b := range []Backend{GoJSONSchemaBackend(), NativeBackend(), SanthoshBackend()} {
			a := New(WithBackend(b))
			err := a.ValidateJSON([]byte(tc.schema), []byte(tc.data))
			var ip *InvalidParamError
			if !errors.As(err, &ip) {
				t.Errorf("%s: %s against %s: want violations, got %v", b.Name(), tc.data, tc.schema, err)
			}
		}
	}
}
