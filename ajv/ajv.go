package ajv

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/teggo/teggo/internal/jsontree"
	"github.com/teggo/teggo/proto"
)

// Ajv is the injectable validator, tegg's ajv singleton. Inject it with
//
//	Ajv *ajv.Ajv `inject:""`
//
// or build one with New. Its zero value is ready to use with the default
// backend; all methods are safe for concurrent use. Schemas generated from Go
// types and transform plans are computed once per type and cached in the
// Ajv; two Ajv values never share or disturb each other's caches.
type Ajv struct {
	proto.Singleton `name:"ajv" access:"public"`

	setup    sync.Once
	backend  Backend
	maxDepth int
	maxErrs  int

	types        sync.Map // reflect.Type -> *typeEntry
	literals     sync.Map // [32]byte -> *Schema
	literalCount atomic.Int64
	conv         jsontree.Converter
}

// maxCachedLiterals bounds the literal-schema cache of ValidateJSON, so that
// callers passing ever-new schemas cannot grow it without limit. Past it,
// new literals are compiled per call.
const maxCachedLiterals = 4096

// Option configures an Ajv.
type Option func(*Ajv)

// WithBackend selects the validation backend; the default is
// GoJSONSchemaBackend. SanthoshBackend and NativeBackend are the others
// provided.
func WithBackend(b Backend) Option { return func(a *Ajv) { a.backend = b } }

// MaxDepth sets the nesting limit of validated JSON (DefaultMaxDepth by
// default). Deeper input is a *SyntaxError.
func MaxDepth(n int) Option { return func(a *Ajv) { a.maxDepth = n } }

// MaxViolations sets how many violations an *InvalidParamError carries
// at most (DefaultMaxViolations by default); its Omitted field counts the
// rest.
func MaxViolations(n int) Option { return func(a *Ajv) { a.maxErrs = n } }

// New returns an Ajv configured by opts.
func New(opts ...Option) *Ajv {
	a := &Ajv{}
	for _, o := range opts {
		o(a)
	}
	a.init()
	return a
}

func (a *Ajv) init() {
	a.setup.Do(func() {
		if a.backend == nil {
			a.backend = GoJSONSchemaBackend()
		}
		if a.maxDepth <= 0 {
			a.maxDepth = DefaultMaxDepth
		}
		if a.maxErrs <= 0 {
			a.maxErrs = DefaultMaxViolations
		}
	})
}

// Backend returns the name of the backend in use.
func (a *Ajv) Backend() string {
	a.init()
	return a.backend.Name()
}

// Compile compiles a JSON schema literal with this Ajv's backend. See the
// package-level Compile.
func (a *Ajv) Compile(schemaJSON []byte) (*Schema, error) {
	a.init()
	return compileLimited(a.backend, schemaJSON, a.maxDepth, a.maxErrs)
}

// typeEntry is everything cached for one Go type.
type typeEntry struct {
	once      sync.Once
	schema    *Schema
	transform *typeTransform
	err       error
}

func (a *Ajv) entry(t reflect.Type) (*typeEntry, error) {
	a.init()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	e, ok := a.types.Load(t)
	if !ok {
		e, _ = a.types.LoadOrStore(t, &typeEntry{})
	}
	te := e.(*typeEntry)
	te.once.Do(func() {
		raw, err := reflectSchema(t)
		if err != nil {
			te.err = err
			return
		}
		if te.schema, err = compileLimited(a.backend, raw, a.maxDepth, a.maxErrs); err != nil {
			te.err = fmt.Errorf("ajv: schema of %s: %w", t, err)
			return
		}
		if te.transform, err = buildTransformPlan(t); err != nil {
			te.err = err
		}
	})
	return te, te.err
}

// SchemaFor returns the compiled schema of the Go type t (pointers are
// dereferenced), generated with invopop/jsonschema on first use and cached.
// Its JSON method gives the schema document for the HTTP layer and OpenAPI.
func (a *Ajv) SchemaFor(t reflect.Type) (*Schema, error) {
	if t == nil {
		return nil, errors.New("ajv: SchemaFor(nil)")
	}
	e, err := a.entry(t)
	if err != nil {
		return nil, err
	}
	return e.schema, nil
}

// SchemaOf returns the compiled schema of T; see Ajv.SchemaFor.
func SchemaOf[T any](a *Ajv) (*Schema, error) {
	return a.SchemaFor(reflect.TypeFor[T]())
}

// Validate applies the transform tags of v's type and validates v against
// the schema of its type. Pass a pointer: transforms then change the value
// in place, so that the caller keeps the trimmed strings. A non-pointer value
// is validated as transformed, but the caller's copy is not changed. A value
// that does not satisfy its schema is an *InvalidParamError with Data = v.
func (a *Ajv) Validate(v any) error {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return errors.New("ajv: Validate(nil)")
	}
	e, err := a.entry(rv.Type())
	if err != nil {
		return err
	}
	target, err := a.transformed(rv, e)
	if err != nil {
		return err
	}
	inst, err := a.conv.ToTree(target)
	if err != nil {
		return syntaxError(err)
	}
	if vs, omitted := validateWith(e.schema.compiled, inst, a.maxErrs); len(vs) > 0 {
		return newInvalidParamError(e.schema, v, vs, omitted)
	}
	return nil
}

// transformed applies e's transforms to rv in place when rv is a pointer,
// or to an addressable copy otherwise, and returns the value to validate.
func (a *Ajv) transformed(rv reflect.Value, e *typeEntry) (reflect.Value, error) {
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return rv, fmt.Errorf("ajv: Validate(nil %s)", rv.Type())
		}
		rv = rv.Elem()
	}
	if e.transform == nil {
		return rv, nil
	}
	if !rv.CanSet() {
		cp := reflect.New(rv.Type()).Elem()
		cp.Set(rv)
		rv = cp
	}
	e.transform.apply(rv)
	return rv, nil
}

// Transform applies the transform tags of v's type to v in place; v must be
// a non-nil pointer. The HTTP layer calls it after decoding a body that was
// validated as raw JSON.
func (a *Ajv) Transform(v any) error {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("ajv: Transform needs a non-nil pointer, got %T", v)
	}
	e, err := a.entry(rv.Type())
	if err != nil {
		return err
	}
	if e.transform != nil {
		e.transform.apply(rv.Elem())
	}
	return nil
}

// ValidateJSON validates raw JSON data against a JSON schema literal. The
// compiled schema is cached by the SHA-256 of schemaJSON, so repeated calls
// with the same schema compile it once. Malformed data is a *SyntaxError, a
// bad schema a *SchemaError, violations an *InvalidParamError.
func (a *Ajv) ValidateJSON(schemaJSON, data []byte) error {
	s, err := a.literal(schemaJSON)
	if err != nil {
		return err
	}
	return s.Validate(data)
}

func (a *Ajv) literal(schemaJSON []byte) (*Schema, error) {
	key := sha256.Sum256(schemaJSON)
	if s, ok := a.literals.Load(key); ok {
		return s.(*Schema), nil
	}
	s, err := a.Compile(schemaJSON)
	if err != nil {
		return nil, err
	}
	if a.literalCount.Load() < maxCachedLiterals {
		if _, loaded := a.literals.LoadOrStore(key, s); !loaded {
			a.literalCount.Add(1)
		}
	}
	return s, nil
}

// ValidateValue validates raw JSON data against a precompiled schema; it is
// s.Validate(data), here for symmetry with tegg's ajv.validate(schema, data).
func (a *Ajv) ValidateValue(s *Schema, data []byte) error {
	if s == nil {
		return errors.New("ajv: ValidateValue with a nil schema")
	}
	return s.Validate(data)
}
