package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// openAPI builds the OpenAPI 3.1 document of the mounted routes from the
// same schemas that validate the requests.
func (m *mount) openAPI() ([]byte, error) {
	paths := map[string]map[string]any{}
	ids := map[string]int{} // operationIds are unique: one method on two routes gets Name_2
	for _, r := range m.routes {
		op, err := m.operation(r)
		if err != nil {
			return nil, routeError(CodeBadInput, r, "cannot make its OpenAPI operation", err)
		}
		p := openAPIPath(r.path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		method := strings.ToLower(r.method)
		if prev, ok := paths[p][method].(map[string]any); ok && r.host != "" {
			// the same route on another of its hosts: one operation, every host
			if hosts, ok := prev["x-teggo-host"].([]string); ok {
				prev["x-teggo-host"] = append(hosts, r.host)
				continue
			}
		}
		if n := ids[r.label]; n > 0 {
			op["operationId"] = fmt.Sprintf("%s_%d", r.label, n+1)
		}
		ids[r.label]++
		paths[p][method] = op
	}
	for _, ops := range paths {
		for _, op := range ops {
			xKeywords(op) // teggo's schema keywords, as OpenAPI's extensions
		}
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": m.cfg.title, "version": m.cfg.version},
		// relative to where the document is served; no authentication is
		// declared unless the app adds it
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{},
		"paths":    paths,
		"components": map[string]any{
			"schemas": map[string]any{"Problem": problemSchema},
			"responses": map[string]any{
				"Problem": map[string]any{"description": "an RFC 9457 problem document",
					"content": map[string]any{ProblemContentType: map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
			},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

var problemSchema = map[string]any{
	"type":     "object",
	"required": []string{"type", "title", "status"},
	"properties": map[string]any{
		"type":     map[string]any{"type": "string"},
		"title":    map[string]any{"type": "string"},
		"status":   map[string]any{"type": "integer"},
		"detail":   map[string]any{"type": "string"},
		"instance": map[string]any{"type": "string"},
		"code":     map[string]any{"type": "string"},
		"errors": map[string]any{"type": "array", "items": map[string]any{
			"type":     "object",
			"required": []string{"location", "message", "code"},
			"properties": map[string]any{
				"location": map[string]any{"type": "string"},
				"message":  map[string]any{"type": "string"},
				"code":     map[string]any{"type": "string"},
				"params":   map[string]any{"type": "object"},
			},
		}},
	},
}

// openAPIPath turns echo's ":id" into "{id}" and a trailing "*" into
// "{path}".
func openAPIPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		switch {
		case strings.HasPrefix(s, ":"):
			segs[i] = "{" + s[1:] + "}"
		case s == "*":
			segs[i] = "{path}"
		}
	}
	return strings.Join(segs, "/")
}

func (m *mount) operation(r *route) (map[string]any, error) {
	summary := r.decl.set.summary
	if summary == "" {
		summary = r.decl.handler // the method's name, when its doc comment gave none
	}
	op := map[string]any{
		"operationId": r.label,
		"summary":     summary,
		"tags":        []string{r.ctrlName},
	}
	if r.plan != nil {
		var params []any
		var props [inBody]map[string]any
		var required [inBody][]string
		for at, s := range r.plan.locSchema {
			if s == nil {
				continue
			}
			var doc struct {
				Properties map[string]any `json:"properties"`
				Required   []string       `json:"required"`
			}
			if err := json.Unmarshal(s.JSON(), &doc); err != nil {
				return nil, err
			}
			props[at], required[at] = doc.Properties, doc.Required
		}
		for _, f := range r.plan.fields {
			sch := props[f.at][f.name]
			if sch == nil {
				sch = map[string]any{"type": f.conv.jsonType}
			}
			params = append(params, map[string]any{
				"name":     f.name,
				"in":       whereNames[f.at],
				"required": f.at == inPath || slices.Contains(required[f.at], f.name),
				"schema":   sch,
			})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.plan.bodySchema != nil {
			var body any
			if err := json.Unmarshal(r.plan.bodySchema.JSON(), &body); err != nil {
				return nil, err
			}
			op["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{"application/json": map[string]any{"schema": body}}}
		}
	}
	responses := map[string]any{}
	out := r.decl.out
	switch {
	case out == nil:
		responses["204"] = map[string]any{"description": "no content"}
	case planOut(out).stream, planOut(out).bytes:
		responses[strconv.Itoa(r.status)] = map[string]any{"description": http.StatusText(r.status),
			"content": map[string]any{"application/octet-stream": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}}
	case planOut(out).text:
		responses[strconv.Itoa(r.status)] = map[string]any{"description": http.StatusText(r.status),
			"content": map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}}
	default:
		sch, err := m.outSchema(out)
		if err != nil {
			return nil, err
		}
		responses[strconv.Itoa(r.status)] = map[string]any{"description": http.StatusText(r.status),
			"content": map[string]any{"application/json": map[string]any{"schema": sch}}}
		if planOut(out).nilable && r.status != http.StatusNoContent {
			responses["204"] = map[string]any{"description": "no content (a nil result)"}
		}
	}
	ref := map[string]any{"$ref": "#/components/responses/Problem"}
	if r.plan != nil {
		responses["422"] = ref
		if r.plan.body {
			responses["400"], responses["413"], responses["415"] = ref, ref, ref
		}
	}
	if r.timeout > 0 {
		responses["503"] = ref
	}
	responses["4XX"] = map[string]any{"$ref": "#/components/responses/Problem"} // 404 for an unknown id, 405, 406, ...: always a problem document
	responses["default"] = ref
	op["responses"] = responses
	if r.timeout > 0 {
		op["x-teggo-timeout"] = r.timeout.String()
	}
	if r.host != "" {
		op["x-teggo-host"] = []string{r.host}
	}
	return op, nil
}

// outSchema is the response schema of Out: ajv's schema of the type (the
// same generator as the input's), or {} for what it cannot describe.
func (m *mount) outSchema(t reflect.Type) (any, error) {
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if base.Kind() == reflect.Interface {
		return map[string]any{}, nil
	}
	s, err := m.ajv.SchemaFor(t)
	if err != nil {
		return map[string]any{"description": fmt.Sprintf("%s (no schema: %v)", t, err)}, nil
	}
	var doc any
	if err := json.Unmarshal(s.JSON(), &doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// teggoKeywords are the schema keywords teggo reads that JSON Schema does
// not define: the OpenAPI document writes them with the x- prefix of
// OpenAPI's extensions, so that linters accept it.
var teggoKeywords = []string{"transform"}

// xKeywords renames teggo's keywords to x-... in v and below, in place.
func xKeywords(v any) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range teggoKeywords {
			if x, ok := v[k]; ok {
				if _, isProp := x.(map[string]any); !isProp { // a property named "transform" stays
					delete(v, k)
					v["x-"+k] = x
				}
			}
		}
		for _, x := range v {
			xKeywords(x)
		}
	case []any:
		for _, x := range v {
			xKeywords(x)
		}
	}
}
