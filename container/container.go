package container

import (
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"go.uber.org/dig"

	"github.com/teggo/teggo/proto"
)

// Container holds protos, constructors and declarations, validates their
// graph at Build, creates the singletons, and opens context scopes. A
// Container is independent of every other: there is no global registry.
//
// Register, Install and Provide are not safe for concurrent use and must
// happen before Build; everything after Build is safe for concurrent use.
type Container struct {
	log    *slog.Logger
	strict bool

	regs  []registration
	decls []any
	// advisable is decls with the pointcuts of its PointcutSources.
	advisable []any
	dig       *dig.Container
	ctors     []*ctorInfo
	errs      []error           // registration errors, reported by Build
	mods      map[string]string // installed module path -> where it was first installed
	digOut    map[digKey]*ctorInfo
	groups    map[digKey][]*ctorInfo

	protos    []*protoDef
	byName    map[string][]*protoDef       // resolution indexes, made at Build
	byPtr     map[reflect.Type][]*protoDef //
	byIface   map[reflect.Type][]*protoDef // protos implementing an interface, per interface
	resolveMu sync.Mutex                   // guards byIface for lookups after Build
	ctxCount  int                          // number of context protos: the slot count of a scope
	ctxProtos []*protoDef                  // context protos by slot

	validated bool  // validate ran; its verdict is validErr
	validErr  error //
	built     atomic.Bool
	stopped   atomic.Bool
	buildMu   sync.Mutex

	digValues map[digKey]reflect.Value
	created   []*protoDef                      // singletons in creation order
	byType    map[unsafe.Pointer]*lookupResult // by a proto's own pointer type
	lookups   sync.Map                         // reflect.Type or lookupKey → *lookupResult
	warnings  []error
}

// registration is one proto as registered, before Build completes it.
type registration struct {
	desc proto.Descriptor
	at   string // file:line of the Register call, when no Pos is known
}

// Option configures a Container.
type Option func(*Container)

// Logger sets the logger for warnings (e.g. advice bypassed by a
// concrete-type inject site). The default is slog.Default().
func Logger(l *slog.Logger) Option { return func(c *Container) { c.log = l } }

// Strict turns warnings into Build errors.
func Strict() Option { return func(c *Container) { c.strict = true } }

// New returns an empty container.
func New(opts ...Option) *Container {
	c := &Container{
		log:    slog.Default(),
		dig:    dig.New(),
		digOut: map[digKey]*ctorInfo{},
		groups: map[digKey][]*ctorInfo{},
	}
	for _, o := range opts {
		o(c)
	}
	// The container is injectable itself (`C *container.Container `inject:""``),
	// for subsystems that open scopes: the event bus, the scheduler, HTTP.
	_ = c.Supply(c)
	return c
}

// Register adds protos and declarations. Each item is one of:
//   - a pointer to a proto struct, e.g. new(TopicService): the proto is read
//     by reflection from its marker and tags;
//   - a proto.Descriptor, complete (generated) or partial (only Type and the
//     fields to override set, e.g. Name and Qualifiers to register the same
//     type several times): what is zero is read by reflection;
//   - a proto.Module: all its protos and declarations;
//   - a declaration (a proto.Decl: aop.Pointcut, aop.Crosscut, routes,
//     event handlers, schedules), kept in order for the subsystems that
//     understand it.
//
// Anything else (a struct without a marker, a string, a func) is refused:
// Build reports it with TEGGO_BAD_PROTO, naming the value and where it was
// registered.
//
// Errors in what is registered are reported by Build, all at once.
func (c *Container) Register(items ...any) {
	_, file, line, _ := runtime.Caller(1)
	at := fmt.Sprintf("%s:%d", file, line)
	for _, it := range items {
		c.register(it, at)
	}
}

// Install registers a module: its protos and its declarations. A module
// with a Path may be installed once; a second install of the same path is
// reported by Build as TEGGO_DUPLICATE_MODULE ("module X installed twice")
// instead of one TEGGO_DUPLICATE_PROTO per proto.
func (c *Container) Install(mods ...proto.Module) {
	at := ""
	if _, file, line, ok := runtime.Caller(1); ok {
		at = fmt.Sprintf("%s:%d", file, line)
	}
	for _, m := range mods {
		c.install(m, at)
	}
}

func (c *Container) install(m proto.Module, at string) {
	if m.Path != "" {
		if c.mods == nil {
			c.mods = map[string]string{}
		}
		if first, dup := c.mods[m.Path]; dup {
			hint := "remove the second Install"
			if first != "" {
				hint = "first installed at " + first + "; remove the second Install (an App installs its built-in modules itself)"
			}
			c.errs = append(c.errs, &Error{Code: CodeDuplicateModule, Pos: at,
				Msg: "module " + m.Path + " installed twice", Hint: hint})
			return
		}
		c.mods[m.Path] = at
	}
	for _, d := range m.Protos {
		c.regs = append(c.regs, registration{desc: d})
	}
	for _, d := range m.Decls {
		if _, ok := d.(proto.Decl); !ok {
			c.errs = append(c.errs, &Error{Code: CodeBadProto, Pos: at,
				Msg: fmt.Sprintf("module %s: declaration %T is not a proto.Decl", m.Path, d)})
			continue
		}
		c.decls = append(c.decls, d)
	}
}

func (c *Container) register(it any, at string) {
	if c.built.Load() {
		c.errs = append(c.errs, &Error{Code: CodeAlreadyBuilt, Msg: "Register after Build"})
		return
	}
	switch v := it.(type) {
	case nil:
		c.errs = append(c.errs, &Error{Code: CodeBadProto, Pos: at, Msg: "Register(nil)"})
	case proto.Module:
		c.install(v, at)
	case *proto.Module:
		c.install(*v, at)
	case proto.Descriptor:
		c.regs = append(c.regs, registration{desc: v, at: at})
	default:
		t := reflect.TypeOf(it)
		if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
			if _, _, ok := markerOf(t.Elem()); ok {
				c.regs = append(c.regs, registration{desc: proto.Descriptor{Type: t.Elem()}, at: at})
				return
			}
		}
		if t.Kind() == reflect.Struct {
			if _, _, ok := markerOf(t); ok {
				c.errs = append(c.errs, &Error{Code: CodeBadProto, Proto: t.String(), Pos: at,
					Msg: "a proto is registered by pointer", Hint: fmt.Sprintf("use Register(new(%s))", t.Name())})
				return
			}
		}
		if _, ok := it.(proto.Decl); ok {
			c.decls = append(c.decls, it)
			return
		}
		hint := "register a proto (new(T) of a struct whose first field is proto.Singleton, proto.Context or proto.AlwaysNew), a proto.Descriptor, a proto.Module or a declaration"
		if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
			hint = fmt.Sprintf("%s has no marker: embed proto.Singleton, proto.Context or proto.AlwaysNew as its first field", t.Elem())
		}
		c.errs = append(c.errs, &Error{Code: CodeBadProto, Proto: t.String(), Pos: at,
			Msg: fmt.Sprintf("Register(%T): not a proto, a descriptor, a module nor a declaration", it), Hint: hint})
	}
}

// Decls returns the registered declarations in registration order. The
// subsystems (aop, http, eventbus, schedule) pick theirs by type.
func (c *Container) Decls() []any { return c.decls }

// Built reports whether Build succeeded.
func (c *Container) Built() bool { return c.built.Load() }

// Logger returns the container's logger.
func (c *Container) Logger() *slog.Logger { return c.log }
