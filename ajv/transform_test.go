package ajv

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

type tItem struct {
	Name string `json:"name" transform:"trim,toUpperCase" jsonschema:"maxLength=3"`
}

type tBody struct {
	Title  string           `json:"title" transform:"trim" jsonschema:"maxLength=5"`
	Start  string           `json:"start" transform:"trimStart"`
	End    string           `json:"end" transform:"trimEnd"`
	Lower  *string          `json:"lower,omitempty" transform:"toLowerCase"`
	Tags   []string         `json:"tags,omitempty" transform:"trim"`
	Items  []tItem          `json:"items,omitempty"`
	Ptr    *tItem           `json:"ptr,omitempty"`
	ByName map[string]tItem `json:"byName,omitempty"`
	Plain  string           `json:"plain"`
}

func TestTransformsInPlace(t *testing.T) {
	a := New()
	low := " MiXeD "
	b := &tBody{
		Title: "  hello  ", Start: "  s  ", End: "  e  ", Lower: &low,
		Tags: []string{" a ", "b "}, Items: []tItem{{" x "}}, Ptr: &tItem{" y "},
		ByName: map[string]tItem{"k": {" z "}}, Plain: "  keep  ",
	}
	if err := a.Validate(b); err != nil {
		t.Fatalf("maxLength must see the trimmed title: %v", err)
	}
	checks := map[string][2]string{
		"title": {b.Title, "hello"}, "start": {b.Start, "s  "}, "end": {b.End, "  e"},
		"lower": {*b.Lower, " mixed "}, "tags0": {b.Tags[0], "a"}, "items": {b.Items[0].Name, "X"},
		"ptr": {b.Ptr.Name, "Y"}, "map": {b.ByName["k"].Name, "Z"}, "plain": {b.Plain, "  keep  "},
	}
	for k, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", k, c[0], c[1])
		}
	}
}

func TestTransformNonPointerLeavesCallerCopy(t *testing.T) {
	a := New()
	b := tBody{Title: "  hello  "}
	if err := a.Validate(b); err != nil {
		t.Fatal(err)
	}
	if b.Title != "  hello  " {
		t.Error("a value passed by copy was changed")
	}
}

func TestTransformMethod(t *testing.T) {
	a := New()
	b := &tBody{Title: " x "}
	if err := a.Transform(b); err != nil || b.Title != "x" {
		t.Fatalf("Transform: %v %q", err, b.Title)
	}
	if err := a.Transform(tBody{}); err == nil {
		t.Error("Transform of a non-pointer must fail")
	}
}

type badTransform struct {
	N string `json:"n" transform:"trim,reverse"`
}

type intTransform struct {
	N int `json:"n" transform:"trim"`
}

func TestTransformPlanErrors(t *testing.T) {
	a := New()
	err := a.Validate(&badTransform{})
	if err == nil || !strings.Contains(err.Error(), `unknown transform "reverse"`) {
		t.Errorf("unknown transform: %v", err)
	}
	if err := a.Validate(&intTransform{}); err == nil || !strings.Contains(err.Error(), "strings only") {
		t.Errorf("transform on int: %v", err)
	}
	if _, err := Compile([]byte(`{"type":"string","transform":["nope"]}`)); err == nil {
		t.Error("unknown transform in a schema literal must not compile")
	}
}

func TestTransformKeywordOnRawJSON(t *testing.T) {
	for _, b := range backends {
		a := New(WithBackend(b))
		// typebox: Type.String({ transform: [TransformEnum.trim], maxLength: 3 })
		schema := []byte(`{"type":"object","properties":{"n":{"type":"string","transform":["trim","toLowerCase"],"maxLength":3},"list":{"type":"array","items":{"$ref":"#/definitions/s"}}},"definitions":{"s":{"type":"string","transform":"trim","minLength":1}}}`)
		s, err := a.Compile(schema)
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.ValidateDecoded([]byte(`{"n":"  ABC  ","list":[" q "]}`))
		if err != nil {
			t.Fatalf("%s: %v", b.Name(), err)
		}
		m := v.(map[string]any)
		if m["n"] != "abc" || m["list"].([]any)[0] != "q" {
			t.Errorf("transformed value: %v", m)
		}
		err = s.Validate([]byte(`{"list":["   "]}`))
		var ipe *InvalidParamError
		if !errors.As(err, &ipe) || ipe.Errors[0].InstancePath != "/list/0" || ipe.Errors[0].Keyword != "minLength" {
			t.Errorf("%s: %v", b.Name(), err)
		}
	}
}

func TestTypeSchemaCarriesTransforms(t *testing.T) {
	a := New()
	s, err := SchemaOf[tBody](a)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(s.JSON(), &m)
	title := m["properties"].(map[string]any)["title"].(map[string]any)
	if tr, _ := title["transform"].([]any); len(tr) != 1 || tr[0] != "trim" {
		t.Errorf("title schema: %v", title)
	}
	// The raw body path gives the same answer as the struct path.
	if err := s.Validate([]byte(`{"title":"  hello  ","start":"","end":"","plain":""}`)); err != nil {
		t.Errorf("raw body with a padded title: %v", err)
	}
}
