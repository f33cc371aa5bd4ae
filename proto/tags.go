package proto

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/teggo/teggo/internal/suggest"
)

// Tag keys read from a marker field (the embedded Singleton, Context or
// AlwaysNew) and from inject fields. The same grammar is read by reflection at
// registration and by the generator from source.
const (
	TagName      = "name"      // marker: the proto's name
	TagAccess    = "access"    // marker: "private" (default) or "public"
	TagQualifier = "qualifier" // marker and field: "k=v[,k=v]"
	TagInject    = "inject"    // field: present = injected; value = proto name, "" = by type
	TagOptional  = "optional"  // field: "true" leaves the field zero when nothing matches
	TagGroup     = "group"     // field: a dig value group, for slice fields
)

// Built-in qualifier keys every proto carries implicitly, as tegg's
// InitTypeQualifier and ModuleQualifier.
const (
	QualifierInitType = "initType" // singleton | context | alwaysNew
	QualifierModule   = "module"   // the proto's Go package path
)

// Qualifier is one key=value pair that narrows resolution.
type Qualifier struct{ Key, Value string }

// Qualifiers is a set of qualifiers kept sorted by key.
type Qualifiers []Qualifier

// String renders the set as in a tag: "k=v,k2=v2".
func (q Qualifiers) String() string {
	var b strings.Builder
	for i, x := range q {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(x.Key + "=" + x.Value)
	}
	return b.String()
}

// Get returns the value for key and whether it is present.
func (q Qualifiers) Get(key string) (string, bool) {
	for _, x := range q {
		if x.Key == key {
			return x.Value, true
		}
	}
	return "", false
}

// With returns a copy of q with key set to value, still sorted.
func (q Qualifiers) With(key, value string) Qualifiers {
	out := make(Qualifiers, 0, len(q)+1)
	for _, x := range q {
		if x.Key != key {
			out = append(out, x)
		}
	}
	out = append(out, Qualifier{key, value})
	slices.SortFunc(out, func(a, b Qualifier) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// Satisfies reports whether q holds every pair of want.
func (q Qualifiers) Satisfies(want Qualifiers) bool {
	for _, w := range want {
		if v, ok := q.Get(w.Key); !ok || v != w.Value {
			return false
		}
	}
	return true
}

// Equal reports whether both sets hold the same pairs.
func (q Qualifiers) Equal(o Qualifiers) bool {
	return slices.Equal(q, o)
}

// ParseQualifiers parses "k=v[,k=v]". Keys and values are trimmed; an empty
// string is an empty set; a pair without '=' or a repeated key is an error.
func ParseQualifiers(s string) (Qualifiers, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var out Qualifiers
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return nil, fmt.Errorf("qualifier %q: want key=value", strings.TrimSpace(part))
		}
		if _, dup := out.Get(k); dup {
			return nil, fmt.Errorf("qualifier key %q given twice", k)
		}
		out = append(out, Qualifier{k, v})
	}
	slices.SortFunc(out, func(a, b Qualifier) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// MarkerTag is what the tags of a marker field declare.
type MarkerTag struct {
	Name       string // "" means the default name
	Access     Access
	Qualifiers Qualifiers
}

var markerKeys = []string{TagName, TagAccess, TagQualifier}

// ParseMarkerTag reads the tags of a marker field.
func ParseMarkerTag(tag reflect.StructTag) (MarkerTag, error) {
	var m MarkerTag
	if err := checkKeys(tag, markerKeys); err != nil {
		return m, err
	}
	if name, ok := tag.Lookup(TagName); ok {
		if err := checkName(name); err != nil {
			return m, err
		}
		m.Name = name
	}
	switch a, _ := tag.Lookup(TagAccess); a {
	case "", "private":
		m.Access = Private
	case "public":
		m.Access = Public
	default:
		return m, fmt.Errorf(`access %q: want "public" or "private"`, a)
	}
	q, err := ParseQualifiers(tag.Get(TagQualifier))
	if err != nil {
		return m, err
	}
	for _, x := range q {
		if x.Key == QualifierInitType || x.Key == QualifierModule {
			return m, fmt.Errorf("qualifier %q is built in and set by the container", x.Key)
		}
	}
	m.Qualifiers = q
	return m, nil
}

// FieldTag is what the tags of an inject field declare.
type FieldTag struct {
	Inject     bool   // the field carries an inject tag
	Name       string // proto or dig name; "" = by type
	Optional   bool
	Group      string
	Qualifiers Qualifiers
}

var fieldKeys = []string{TagInject, TagOptional, TagGroup, TagQualifier}

// ParseFieldTag reads the tags of a struct field. A field without an inject
// tag is not an inject site; optional, group or qualifier without inject is an
// error, since it would silently do nothing.
func ParseFieldTag(tag reflect.StructTag) (FieldTag, error) {
	var f FieldTag
	if err := checkKeys(tag, fieldKeys); err != nil {
		return f, err
	}
	name, inject := tag.Lookup(TagInject)
	if !inject {
		for _, k := range fieldKeys[1:] {
			if _, ok := tag.Lookup(k); ok {
				return f, fmt.Errorf("tag %q without inject:\"\" does nothing", k)
			}
		}
		return f, nil
	}
	f.Inject, f.Name = true, strings.TrimSpace(name)
	if f.Name != "" {
		if err := checkName(f.Name); err != nil {
			return f, err
		}
	}
	switch o, _ := tag.Lookup(TagOptional); o {
	case "", "false":
	case "true":
		f.Optional = true
	default:
		return f, fmt.Errorf(`optional %q: want "true" or "false"`, o)
	}
	f.Group = tag.Get(TagGroup)
	if f.Group != "" && f.Name != "" {
		return f, fmt.Errorf("inject name %q and group %q exclude each other", f.Name, f.Group)
	}
	q, err := ParseQualifiers(tag.Get(TagQualifier))
	if err != nil {
		return f, err
	}
	f.Qualifiers = q
	return f, nil
}

func checkName(name string) error {
	if name == "" || strings.TrimSpace(name) != name || strings.ContainsAny(name, ",= \t") {
		return fmt.Errorf("name %q: want a non-empty name without spaces, ',' or '='", name)
	}
	return nil
}

// checkKeys rejects misspelt keys that look like ours ("nmae", "Optional"):
// a misspelt key would otherwise be ignored without a word.
func checkKeys(tag reflect.StructTag, keys []string) error {
	for _, k := range tagKeys(string(tag)) {
		if slices.Contains(keys, k) {
			continue
		}
		if near, ok := suggest.Nearest(k, keys); ok && suggest.Distance(strings.ToLower(k), strings.ToLower(near)) <= 2 {
			return fmt.Errorf("unknown tag key %q (did you mean %q?)", k, near)
		}
	}
	return nil
}

// tagKeys lists the keys of a conventional struct tag.
func tagKeys(tag string) []string {
	var keys []string
	for tag != "" {
		i := 0
		for i < len(tag) && tag[i] == ' ' {
			i++
		}
		tag = tag[i:]
		i = 0
		for i < len(tag) && tag[i] > ' ' && tag[i] != ':' && tag[i] != '"' {
			i++
		}
		if i == 0 || i+1 >= len(tag) || tag[i] != ':' || tag[i+1] != '"' {
			break
		}
		keys = append(keys, tag[:i])
		tag = tag[i+1:]
		i = 1
		for i < len(tag) && tag[i] != '"' {
			if tag[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(tag) {
			break
		}
		tag = tag[i+1:]
	}
	return keys
}

// DefaultName is the name a proto gets when its marker names none: the type
// name in lowerCamel ("TopicService" → "topicService", "HTTPClient" →
// "httpClient").
func DefaultName(typeName string) string {
	r := []rune(typeName)
	n := 0 // length of the leading run of capitals
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	if n > 1 && n < len(r) {
		n-- // the last capital starts the next word: "HTTPClient" → "http" + "Client"
	}
	for i := range n {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}
