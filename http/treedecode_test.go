package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/teggo/teggo/ajv"
	"github.com/teggo/teggo/internal/jsontree"
)

type fzInner struct {
	A string             `json:"a"`
	N *int               `json:"n"`
	M map[string]float64 `json:"m"`
}

// fzBody has a field of every kind the tree decoder handles, and fields
// it must leave to encoding/json (Name, by its Go name; Q, a query field
// encoding/json would fill by its Go name too).
type fzBody struct {
	S     string              `json:"s"`
	B     bool                `json:"b"`
	I     int                 `json:"i"`
	I8    int8                `json:"i8"`
	U16   uint16              `json:"u16"`
	F32   float32             `json:"f32"`
	F     float64             `json:"f"`
	Tags  []string            `json:"tags"`
	Ns    []int               `json:"ns"`
	P     *fzInner            `json:"p"`
	In    fzInner             `json:"in"`
	L     []fzInner           `json:"l"`
	Any   any                 `json:"any"`
	Mp    map[string][]string `json:"mp"`
	PP    **string            `json:"pp"`
	Bytes []byte              `json:"bytes"`
	Rec   *fzBody             `json:"rec"`
	Lv    level               `json:"lv"`
	Lp    *level              `json:"lp"`
	Ls    []level             `json:"ls"`
	Skip  string              `json:"-"`
	Name  string
	Q     string `query:"q"`
	priv  string //nolint:unused // unexported: encoding/json ignores it
}

// anything validates every JSON value, so that the fuzzer sees the trees
// of arbitrary bodies.
func anything(t testing.TB) *ajv.Schema {
	s, err := ajv.New().Compile([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hasDuplicateKeys reports an object with a repeated member: there the tree
// (last member wins, as validated) and encoding/json (which merges nested
// objects into one field) differ on purpose.
func hasDuplicateKeys(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type level struct {
		obj  bool
		keys map[string]bool
		key  bool // the next token of an object is a key
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.key {
			if k, ok := tok.(string); ok {
				if top.keys[k] {
					return true
				}
				top.keys[k] = true
				top.key = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &level{obj: true, keys: map[string]bool{}, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, &level{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].key = true
		}
	}
}

var treeSeeds = []string{
	`{"s":"x","b":true,"i":-3,"i8":127,"u16":65535,"f32":1.5,"f":1e300,"tags":["a","b"],"ns":[1,2],"p":{"a":"y","n":4,"m":{"k":2.5}},"in":{"a":"z"},"l":[{"a":"1"},{}],"any":{"x":[1,"2",true,null]},"mp":{"k":["v"]},"pp":"s","bytes":[1,2],"rec":{"s":"deep","rec":null}}`,
	`{"s":null,"tags":null,"p":null,"pp":null,"any":null,"mp":null,"ns":[]}`,
	`{"i8":128}`,
	`{"u16":-1}`,
	`{"i":1.5}`,
	`{"f32":1e39}`,
	`{"S":"case"}`,
	`{"name":"by Go name"}`,
	`{"Name":"exact Go name"}`,
	`{"q":"query field"}`,
	`{"Skip":"ignored"}`,
	`{"-":"dash"}`,
	`{"priv":"x","unknown":1}`,
	`{"tags":[1]}`,
	`{"bytes":"AQI="}`,
	`{"in":[]}`,
	`[1,2]`,
	`null`,
	`"str"`,
	`{"a":{"b":{"c":{}}},"any":1e400}`,
	`{"lv":"low","lp":"high","ls":["low",null]}`,
	`{"lv":null,"lp":null,"ls":null}`,
	`{"lv":"medium"}`,
	`{"lp":1}`,
}

// FuzzTreeDecoderMatchesEncodingJSON: whenever the tree decoder takes a
// body, encoding/json decodes the same body without error to the same
// value; whenever encoding/json refuses a body, the tree decoder does too.
func FuzzTreeDecoderMatchesEncodingJSON(f *testing.F) {
	for _, s := range treeSeeds {
		f.Add([]byte(s))
	}
	schema := anything(f)
	dec := jsontree.BodyDecoder(reflect.TypeFor[fzBody]())
	if dec == nil {
		f.Fatal("fzBody has no tree decoder")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := schema.ValidateDecoded(data)
		if err != nil || hasDuplicateKeys(data) {
			return
		}
		var got, want fzBody
		ok := dec(unsafe.Pointer(&got), tree)
		jerr := json.Unmarshal(data, &want)
		if !ok {
			return // encoding/json decides
		}
		if jerr != nil {
			t.Fatalf("%s: the tree decoder took a body encoding/json refuses (%v)", data, jerr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n tree: %+v\n json: %+v", data, got, want)
		}
	})
}

// The usual bodies take the fast path: the test fails if the decoder gives
// up on them (the fuzz target alone would pass with a decoder that always
// gives up).
func TestTreeDecoderTakesUsualBodies(t *testing.T) {
	schema := anything(t)
	dec := jsontree.BodyDecoder(reflect.TypeFor[fzBody]())
	for _, body := range append(treeSeeds[:2:2], `{"lv":"low","lp":"high","ls":["low",null]}`) {
		tree, err := schema.ValidateDecoded([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		var got, want fzBody
		if !dec(unsafe.Pointer(&got), tree) {
			t.Fatalf("%s: the tree decoder gave up", body)
		}
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s:\n tree: %+v\n json: %+v", body, got, want)
		}
	}
	// and gives up where encoding/json would do something else
	for _, body := range []string{`{"S":"case"}`, `{"name":"x"}`, `{"q":"x"}`, `{"i8":128}`, `{"i":1.5}`, `{"bytes":"AQI="}`} {
		tree, err := schema.ValidateDecoded([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		var got fzBody
		if dec(unsafe.Pointer(&got), tree) {
			t.Errorf("%s: the tree decoder took it", body)
		}
	}
}

type withTime struct {
	At time.Time `json:"at"`
}

type withRaw struct {
	Raw json.RawMessage `json:"raw"`
}

type withString struct {
	N int `json:"n,string"`
}

type withArray struct {
	A [2]int `json:"a"`
}

type embedded struct{ fzInner }

type withEmbedded struct {
	E embedded `json:"e"`
}

type withIface struct {
	R io.Reader `json:"r"`
}

type withChan struct {
	C chan int `json:"c"`
}

type textKey string

func (k *textKey) UnmarshalText(b []byte) error { *k = textKey("k:" + string(b)); return nil }

type withTextKey struct {
	M map[textKey]int `json:"m"`
}

// Shapes whose rules are encoding/json's are left to encoding/json at
// Mount.
func TestTreeDecoderLeavesCustomTypesToEncodingJSON(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeFor[withString](),
		reflect.TypeFor[withArray](), reflect.TypeFor[withEmbedded](), reflect.TypeFor[withIface](),
		reflect.TypeFor[withChan](), reflect.TypeFor[withTextKey](),
	} {
		if jsontree.BodyDecoder(typ) != nil {
			t.Errorf("%s has a tree decoder", typ)
		}
	}
	if jsontree.BodyDecoder(reflect.TypeFor[fzBody]()) == nil {
		t.Error("fzBody has none")
	}
}

func TestHasDuplicateKeys(t *testing.T) {
	for body, want := range map[string]bool{
		`{"a":1,"a":2}`:               true,
		`{"a":{"b":1,"b":2}}`:         true,
		`[{"a":1},{"a":1}]`:           false,
		`{"a":[{"a":1}],"b":{"a":2}}`: false,
		`{"a":"b","b":"a"}`:           false,
		`{"f":1e700,"f":0}`:           true,
	} {
		if got := hasDuplicateKeys([]byte(body)); got != want {
			t.Errorf("%s: %v", body, got)
		}
	}
}

type level int

func (l *level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*l = 1
	case "high":
		*l = 2
	default:
		return errors.New("unknown level")
	}
	return nil
}

type withCustom struct {
	At    time.Time       `json:"at"`
	Raw   json.RawMessage `json:"raw"`
	Level level           `json:"level"`
}

// Types with their own decoding get the validated member: a
// TextUnmarshaler its string, a json.Unmarshaler the member re-encoded
// compactly; an error gives the body back to encoding/json.
func TestTreeDecoderCustomTypes(t *testing.T) {
	schema := anything(t)
	dec := jsontree.BodyDecoder(reflect.TypeFor[withCustom]())
	if dec == nil {
		t.Fatal("no decoder")
	}
	tree, err := schema.ValidateDecoded([]byte(`{"at":"2026-11-21T10:00:00Z","raw":{ "b": 1, "a": [true] },"level":"high"}`))
	if err != nil {
		t.Fatal(err)
	}
	var got withCustom
	if !dec(unsafe.Pointer(&got), tree) {
		t.Fatal("gave up")
	}
	if !got.At.Equal(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)) || string(got.Raw) != `{"a":[true],"b":1}` || got.Level != 2 {
		t.Fatalf("%+v raw=%s", got, got.Raw)
	}
	for _, body := range []string{`{"level":"medium"}`, `{"at":"yesterday"}`, `{"level":3}`} {
		tree, err := schema.ValidateDecoded([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if dec(unsafe.Pointer(new(withCustom)), tree) {
			t.Errorf("%s: taken", body)
		}
	}
}

// Inputs of path parameters into plain strings take bindPath; anything
// with a parser, a schema or a transform takes bindParams.
func TestPathOnlyPlans(t *testing.T) {
	type plain struct {
		ID   string `param:"id"`
		Name string `param:"name"`
	}
	type checked struct {
		ID string `param:"id" jsonschema:"maxLength=3"`
	}
	type number struct {
		ID int `param:"id"`
	}
	type withQuery struct {
		ID   string `param:"id"`
		Page string `query:"page"`
	}
	type trimmed struct {
		ID string `param:"id" transform:"trim"`
	}
	for typ, want := range map[reflect.Type]bool{
		reflect.TypeFor[plain](): true, reflect.TypeFor[checked](): false, reflect.TypeFor[number](): false,
		reflect.TypeFor[withQuery](): false, reflect.TypeFor[trimmed](): false,
	} {
		p, errs := planBinding(typ, "/:id/:name")
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if p.pathOnly != want {
			t.Errorf("%s: pathOnly %v, want %v", typ, p.pathOnly, want)
		}
	}
}
