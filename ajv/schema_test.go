package ajv

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teggo/teggo/internal/jsontree"
)

type address struct {
	City string `json:"city" jsonschema:"minLength=1"`
	Zip  string `json:"zip,omitempty" jsonschema:"pattern=^[0-9]{5}$"`
}

type profile struct {
	Name     string            `json:"name" jsonschema:"minLength=2,maxLength=20"`
	Email    string            `json:"email" jsonschema:"format=email"`
	Role     string            `json:"role" jsonschema:"enum=admin,enum=user"`
	Age      int               `json:"age" jsonschema:"minimum=1,maximum=150"`
	Nick     *string           `json:"nick,omitempty"`
	Born     time.Time         `json:"born,omitzero"`
	Home     address           `json:"home"`
	Others   []address         `json:"others,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
	Forced   string            `json:"forced,omitempty" jsonschema:"required"`
	Optional string            `json:"optional" jsonschema:"optional"`
	Skipped  string            `json:"-"`
}

func schemaMap(t *testing.T, s *Schema) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(s.JSON(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSchemaFromType(t *testing.T) {
	a := New()
	s, err := SchemaOf[profile](a)
	if err != nil {
		t.Fatal(err)
	}
	m := schemaMap(t, s)
	if m["additionalProperties"] != false || m["type"] != "object" {
		t.Fatalf("root: %v", m)
	}
	if _, ok := m["$schema"]; ok {
		t.Error("$schema should be dropped")
	}
	req := map[string]bool{}
	for _, r := range m["required"].([]any) {
		req[r.(string)] = true
	}
	for _, name := range []string{"name", "email", "role", "age", "home", "forced"} {
		if !req[name] {
			t.Errorf("%s should be required (required: %v)", name, m["required"])
		}
	}
	for _, name := range []string{"nick", "born", "others", "labels", "optional"} {
		if req[name] {
			t.Errorf("%s should be optional", name)
		}
	}
	props := m["properties"].(map[string]any)
	if _, ok := props["Skipped"]; ok {
		t.Error("json:\"-\" field in schema")
	}
	if props["born"].(map[string]any)["format"] != "date-time" {
		t.Errorf("time.Time: %v", props["born"])
	}
	home := props["home"].(map[string]any)
	if home["additionalProperties"] != false || home["properties"].(map[string]any)["zip"].(map[string]any)["pattern"] != "^[0-9]{5}$" {
		t.Errorf("nested struct: %v", home)
	}
	if props["others"].(map[string]any)["items"].(map[string]any)["type"] != "object" {
		t.Errorf("slice of structs: %v", props["others"])
	}
	if props["labels"].(map[string]any)["additionalProperties"].(map[string]any)["type"] != "string" {
		t.Errorf("map: %v", props["labels"])
	}
	if strings.Contains(string(s.JSON()), "$defs") {
		t.Errorf("non-recursive types are inlined: %s", s.JSON())
	}
}

func validProfile() *profile {
	return &profile{Name: "Ann", Email: "ann@example.com", Role: "admin", Age: 30, Home: address{City: "Hangzhou"}, Forced: "f"}
}

func TestValidateStruct(t *testing.T) {
	for _, b := range backends {
		t.Run(b.Name(), func(t *testing.T) {
			a := New(WithBackend(b))
			if err := a.Validate(validProfile()); err != nil {
				t.Fatalf("valid profile: %v", err)
			}
			p := validProfile()
			p.Name = "A"
			p.Email = "nope"
			p.Role = "root"
			p.Age = 200
			p.Home.City = ""
			p.Others = []address{{City: "x", Zip: "12"}}
			err := a.Validate(p)
			var ipe *InvalidParamError
			if !errors.As(err, &ipe) {
				t.Fatalf("want *InvalidParamError, got %v", err)
			}
			if ipe.Data != any(p) {
				t.Error("Data should be the validated value")
			}
			var got []string
			for _, v := range ipe.Errors {
				got = append(got, v.InstancePath+" "+v.Keyword)
			}
			want := []string{"/age maximum", "/email format", "/home/city minLength", "/name minLength", "/others/0/zip pattern", "/role enum"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %q\nwant %q", got, want)
			}
		})
	}
}

func TestRawBodyAgainstTypeSchema(t *testing.T) {
	a := New()
	s, err := SchemaOf[profile](a)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Validate([]byte(`{"name":"Ann","email":"ann@example.com","role":"user","age":3,"home":{"city":"x","extra":1}}`))
	var ipe *InvalidParamError
	if !errors.As(err, &ipe) {
		t.Fatalf("got %v", err)
	}
	var got []string
	for _, v := range ipe.Errors {
		got = append(got, v.InstancePath+" "+v.Keyword+" "+v.Message)
	}
	want := []string{"/forced required must have required property 'forced'", "/home additionalProperties must NOT have additional properties"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

type treeNode struct {
	Name string      `json:"name" jsonschema:"minLength=1"`
	Kids []*treeNode `json:"kids,omitempty"`
}

func TestRecursiveType(t *testing.T) {
	for _, b := range backends {
		a := New(WithBackend(b))
		tree := &treeNode{Name: "root", Kids: []*treeNode{{Name: "a", Kids: []*treeNode{{Name: ""}}}}}
		err := a.Validate(tree)
		var ipe *InvalidParamError
		if !errors.As(err, &ipe) || len(ipe.Errors) != 1 || ipe.Errors[0].InstancePath != "/kids/0/kids/0/name" {
			t.Fatalf("%s: got %v", b.Name(), err)
		}
	}
}

func TestSchemaCachedPerTypeAndPerAjv(t *testing.T) {
	a, b := New(), New(WithBackend(SanthoshBackend()))
	s1, _ := SchemaOf[profile](a)
	s2, _ := a.SchemaFor(reflect.TypeFor[*profile]())
	if s1 != s2 {
		t.Error("schema generated twice for one type")
	}
	s3, _ := SchemaOf[profile](b)
	if s3 == s1 || s3.Backend() == s1.Backend() {
		t.Error("two Ajv instances share a cache")
	}
}

func TestConcurrentUse(t *testing.T) {
	a := &Ajv{} // the zero value, as the container makes it
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := validProfile()
			if i%2 == 0 {
				p.Name = ""
			}
			err := a.Validate(p)
			if (err != nil) != (i%2 == 0) {
				t.Errorf("goroutine %d: %v", i, err)
			}
			if err := a.ValidateJSON([]byte(`{"type":"string"}`), []byte(`"x"`)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if a.Backend() != "gojsonschema" {
		t.Errorf("zero value backend = %s", a.Backend())
	}
}

func TestUnsupportedType(t *testing.T) {
	_, err := New().SchemaFor(reflect.TypeFor[chan int]())
	var se *SchemaError
	if !errors.As(err, &se) {
		t.Fatalf("want *SchemaError, got %v", err)
	}
}

func TestValueConversionMatchesEncodingJSON(t *testing.T) {
	nick := "n"
	type inner struct {
		F float32 `json:"f"`
	}
	type embedded struct{ E string }
	type withEmbed struct {
		embedded
		X int `json:"x,string"`
	}
	values := []any{
		validProfile(),
		&profile{Nick: &nick, Born: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC), Labels: map[string]string{"k": "v"}},
		[]inner{{F: 1.5}, {F: 1e20}},
		map[string]any{"a": []any{1, "x", nil, true}},
		withEmbed{embedded{"e"}, 7},
		[]byte("bytes"),
	}
	var c jsontree.Converter
	for _, v := range values {
		got, err := c.ToTree(reflect.ValueOf(v))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		want, _ := decodeJSON(b, 100)
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		var gv, wv any
		_ = json.Unmarshal(gb, &gv)
		_ = json.Unmarshal(wb, &wv)
		if !reflect.DeepEqual(gv, wv) {
			t.Errorf("%T:\n got %s\nwant %s", v, gb, wb)
		}
	}
}
