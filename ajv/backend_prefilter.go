package ajv

// prefiltered returns library behind the native pre-pass: when
// NativeBackend compiles the same schema, its allocation-free check runs
// first on every instance, and an instance it rejects is reported by it
// (with the violations the library reports, only the capped ones
// rendered); the library decides the instances it accepts. gojsonschema
// and santhosh build an error object, message and path for every failure
// and cannot be told to stop at the cap: behind the pre-pass, a hostile
// body never reaches them. A schema NativeBackend does not compile is the
// library's alone. The backend keeps the library's name.
func prefiltered(library Backend) Backend {
	return prefilterBackend{prefilter: nativeBackend{}, library: library}
}

// prefilterBackend composes a prefilter, whose compiled schemas screen
// instances (see screening), with the library that decides the rest.
type prefilterBackend struct {
	prefilter Backend
	library   Backend
}

func (b prefilterBackend) Name() string { return b.library.Name() }

// Compile compiles with the library, whose refusals are the backend's, and
// then with the prefilter, whose refusals only leave the library alone.
func (b prefilterBackend) Compile(schemaJSON []byte) (Compiled, error) {
	lib, err := b.library.Compile(schemaJSON)
	if err != nil {
		return nil, err
	}
	pre, err := b.prefilter.Compile(schemaJSON)
	if err != nil {
		return lib, nil
	}
	s, ok := pre.(screening)
	if !ok {
		return lib, nil
	}
	return &prefilteredCompiled{pre: s, lib: lib}, nil
}

// screening is a compiled prefilter: screen reports whether it rejects
// instance and, when it does, the violations (the first limit of them,
// all for limit <= 0) and how many more there are. Accepting costs no
// allocation.
type screening interface {
	screen(instance any, limit int) (vs []Violation, omitted int, rejected bool)
}

// fallible is a library's compiled schema that can fail to check an
// instance at all (gojsonschema panics on a number beyond float64 under
// enum, const or uniqueItems): tryValidate is validateBounded returning
// that failure instead of a violation reporting it.
type fallible interface {
	tryValidate(instance any, limit int) (vs []Violation, omitted int, failure any)
}

type prefilteredCompiled struct {
	pre screening
	lib Compiled
}

func (c *prefilteredCompiled) Validate(instance any) []Violation {
	vs, _ := c.validateBounded(instance, 0)
	return vs
}

// validateBounded reports an instance the prefilter rejects with its
// violations; the library decides the others. When the library fails on
// an instance the prefilter accepted, the prefilter's verdict stands: it
// compares numbers exactly, where gojsonschema fails.
func (c *prefilteredCompiled) validateBounded(instance any, limit int) ([]Violation, int) {
	if vs, omitted, rejected := c.pre.screen(instance, limit); rejected {
		return vs, omitted
	}
	if f, ok := c.lib.(fallible); ok {
		vs, omitted, failure := f.tryValidate(instance, limit)
		if failure != nil {
			return nil, 0
		}
		return vs, omitted
	}
	if b, ok := c.lib.(boundedCompiled); ok {
		return b.validateBounded(instance, limit)
	}
	vs := c.lib.Validate(instance)
	if limit > 0 && len(vs) > limit {
		return vs[:limit:limit], len(vs) - limit
	}
	return vs, 0
}
