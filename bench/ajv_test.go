package bench

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/teggo/teggo/ajv"
)

// syncTask is tegg's SyncPackageTaskSchema from the ajv docs: six fields,
// strings with maxLength and trim, booleans, one optional field.
type syncTask struct {
	Fullname         string  `json:"fullname" transform:"trim" jsonschema:"maxLength=100"`
	Tips             string  `json:"tips" transform:"trim" jsonschema:"maxLength=1024"`
	SkipDependencies bool    `json:"skipDependencies"`
	SyncDownloadData bool    `json:"syncDownloadData"`
	Force            bool    `json:"force"`
	RegistryName     *string `json:"registryName,omitempty"`
}

var syncBody = []byte(`{"fullname":"  @eggjs/tegg  ","tips":" sync it please ","skipDependencies":true,"syncDownloadData":false,"force":false,"registryName":"npm"}`)

func decodedTask(b *testing.B) syncTask {
	var t syncTask
	if err := json.Unmarshal(syncBody, &t); err != nil {
		b.Fatal(err)
	}
	return t
}

func benchStruct(b *testing.B, v *ajv.Ajv) {
	base := decodedTask(b)
	if err := v.Validate(&base); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		t := base
		t.Fullname, t.Tips = "  @eggjs/tegg  ", " sync it please "
		if err := v.Validate(&t); err != nil {
			b.Fatal(err)
		}
	}
}

func benchRaw(b *testing.B, v *ajv.Ajv) {
	s, err := ajv.SchemaOf[syncTask](v)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.ValidateValue(s, syncBody); err != nil {
			b.Fatal(err)
		}
	}
}

// Validate(&struct): transforms applied in place, then validated.
func BenchmarkAjvStructGoJSONSchema(b *testing.B) { benchStruct(b, ajv.New()) }
func BenchmarkAjvStructSanthosh(b *testing.B) {
	benchStruct(b, ajv.New(ajv.WithBackend(ajv.SanthoshBackend())))
}

func BenchmarkAjvStructNative(b *testing.B) {
	benchStruct(b, ajv.New(ajv.WithBackend(ajv.NativeBackend())))
}

// Raw request body against the type's compiled schema (decode + transform
// keyword + validate), the HTTP layer's path.
func BenchmarkAjvRawBodyGoJSONSchema(b *testing.B) { benchRaw(b, ajv.New()) }
func BenchmarkAjvRawBodySanthosh(b *testing.B) {
	benchRaw(b, ajv.New(ajv.WithBackend(ajv.SanthoshBackend())))
}

func BenchmarkAjvRawBodyNative(b *testing.B) {
	benchRaw(b, ajv.New(ajv.WithBackend(ajv.NativeBackend())))
}

// The validator alone on an already decoded body (no decoding, no
// transform): what the backend itself costs.
func benchValidator(b *testing.B, backend ajv.Backend) {
	s, err := ajv.SchemaOf[syncTask](ajv.New())
	if err != nil {
		b.Fatal(err)
	}
	c, err := backend.Compile(s.JSON())
	if err != nil {
		b.Fatal(err)
	}
	var inst any
	d := json.NewDecoder(strings.NewReader(`{"fullname":"@eggjs/tegg","tips":"sync it please","skipDependencies":true,"syncDownloadData":false,"force":false,"registryName":"npm"}`))
	d.UseNumber()
	if err := d.Decode(&inst); err != nil {
		b.Fatal(err)
	}
	if vs := c.Validate(inst); vs != nil {
		b.Fatal(vs)
	}
	b.ReportAllocs()
	for b.Loop() {
		if vs := c.Validate(inst); vs != nil {
			b.Fatal(vs)
		}
	}
}

func BenchmarkAjvValidatorGoJSONSchema(b *testing.B) { benchValidator(b, ajv.GoJSONSchemaBackend()) }
func BenchmarkAjvValidatorSanthosh(b *testing.B)     { benchValidator(b, ajv.SanthoshBackend()) }
func BenchmarkAjvValidatorNative(b *testing.B)       { benchValidator(b, ajv.NativeBackend()) }

var errTooLong = errors.New("too long")

// The same checks by hand: trim, then two length checks. The booleans and
// the optional field need no check once decoded into the struct.
func BenchmarkAjvHandWritten(b *testing.B) {
	base := decodedTask(b)
	b.ReportAllocs()
	for b.Loop() {
		t := base
		t.Fullname, t.Tips = "  @eggjs/tegg  ", " sync it please "
		t.Fullname = strings.TrimSpace(t.Fullname)
		t.Tips = strings.TrimSpace(t.Tips)
		if len([]rune(t.Fullname)) > 100 || len([]rune(t.Tips)) > 1024 {
			b.Fatal(errTooLong)
		}
	}
}
