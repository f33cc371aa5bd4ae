package proto

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefaultName(t *testing.T) {
	for in, want := range map[string]string{
		"TopicService": "topicService", "HTTPClient": "httpClient", "DB": "db", "X": "x", "already": "already", "": "",
	} {
		if got := DefaultName(in); got != want {
			t.Errorf("DefaultName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseQualifiers(t *testing.T) {
	q, err := ParseQualifiers(" role = primary , dc=eu")
	if err != nil || q.String() != "dc=eu,role=primary" {
		t.Fatalf("got %v, %v", q, err)
	}
	for _, bad := range []string{"role", "=x", "a=1,a=2"} {
		if _, err := ParseQualifiers(bad); err == nil {
			t.Errorf("ParseQualifiers(%q) accepted", bad)
		}
	}
	if !q.Satisfies(Qualifiers{{"role", "primary"}}) || q.Satisfies(Qualifiers{{"role", "replica"}}) {
		t.Fatal("Satisfies is wrong")
	}
}

func TestParseMarkerTag(t *testing.T) {
	m, err := ParseMarkerTag(`name:"repo" access:"public" qualifier:"k=v"`)
	if err != nil || m.Name != "repo" || m.Access != Public || m.Qualifiers.String() != "k=v" {
		t.Fatalf("got %+v, %v", m, err)
	}
	for tag, want := range map[reflect.StructTag]string{
		`access:"open"`:          `access "open"`,
		`name:"a b"`:             `name "a b"`,
		`qualifier:"initType=x"`: `built in`,
		`nmae:"x"`:               `did you mean "name"`,
		`acess:"public"`:         `did you mean "access"`,
		`qualifier:"novalue"`:    `want key=value`,
	} {
		if _, err := ParseMarkerTag(tag); err == nil || !contains(err.Error(), want) {
			t.Errorf("ParseMarkerTag(%s) = %v, want %q", tag, err, want)
		}
	}
}

func TestParseFieldTag(t *testing.T) {
	f, err := ParseFieldTag(`inject:"db" optional:"true" qualifier:"role=primary" json:"-"`)
	if err != nil || !f.Inject || f.Name != "db" || !f.Optional || f.Qualifiers.String() != "role=primary" {
		t.Fatalf("got %+v, %v", f, err)
	}
	if f, err := ParseFieldTag(`json:"x"`); err != nil || f.Inject {
		t.Fatalf("a plain field: %+v, %v", f, err)
	}
	for tag, want := range map[reflect.StructTag]string{
		`optional:"true"`:          `without inject`,
		`inject:"" optional:"yes"`: `optional "yes"`,
		`inject:"a" group:"g"`:     `exclude each other`,
		`injcet:""`:                `did you mean "inject"`,
	} {
		if _, err := ParseFieldTag(tag); err == nil || !contains(err.Error(), want) {
			t.Errorf("ParseFieldTag(%s) = %v, want %q", tag, err, want)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
