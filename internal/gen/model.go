package gen

import (
	"go/token"
	"go/types"

	"github.com/teggo/teggo/proto"
)

// Package is the model of one Go package: what zz_teggo.go is generated
// from.
type Package struct {
	// Path is the import path; Name the package name.
	Path, Name string
	// Dir is the package directory; ModuleDir the module root, from which
	// generated positions are relative.
	Dir, ModuleDir string
	// Protos are the package's protos, sorted by type name.
	Protos []*Proto
	// Decls are the declarations read from directives, in source order.
	Decls []Decl

	types *types.Package
	info  *types.Info
}

// Proto is one proto struct of the package.
type Proto struct {
	// TypeName is the Go type name.
	TypeName string
	// Name is the proto name (the marker's name tag or its default).
	Name       string
	InitType   proto.InitType
	Access     proto.Access
	Qualifiers proto.Qualifiers
	// Pos is the position of the type's name.
	Pos token.Position
	// Fields are the inject sites in declaration order.
	Fields []*Field
	// Methods are the exported methods of *TypeName but the lifecycle
	// hooks, sorted by name.
	Methods []*Method
	// Proxied are the methods of the proto's proxy: Methods when it gets
	// one (it is public, or injected by interface in its package, and not
	// an advice), else none.
	Proxied []*Method
	// Controller is the proto's //teggo:controller, if any.
	Controller *Directive

	obj      *types.TypeName
	named    *types.Named
	fieldPos []token.Pos // position of every struct field, by index
	proxy    string      // proxy type name
	proxyNew string      // proxy constructor name
}

// Field is one inject site.
type Field struct {
	Name string
	Type types.Type
	Tag  proto.FieldTag
	Pos  token.Position
}

// Method is one exported method of a proto, as its proxy implements it.
type Method struct {
	Name string
	// CtxFirst reports whether the first parameter is a context.Context.
	CtxFirst bool
	// Params are the parameter types; a variadic last parameter is a slice.
	Params []types.Type
	// ParamNames are the source names ("" when unnamed).
	ParamNames []string
	Variadic   bool
	// Results are the result types, a trailing error excluded.
	Results []types.Type
	// HasErr reports a trailing error result.
	HasErr bool
	// Index is the method's index in Proto.Proxied (its chain index).
	Index int
	Pos   token.Position

	// unproxiable says why the method's types cannot be written in the
	// package, which matters only when the proto gets a proxy.
	unproxiable string
}

// Decl is one declaration read from a directive, emitted into
// Module().Decls.
type Decl interface {
	// Directive returns the directive the declaration comes from.
	Directive() *Directive
}

// Pointcut is a //teggo:pointcut on a proto method.
type Pointcut struct {
	D      *Directive
	Proto  *Proto
	Method string
	Advice *types.TypeName
}

// Crosscut is a //teggo:crosscut on an advice proto.
type Crosscut struct {
	D      *Directive
	Advice *Proto
	// Type and Methods are set for type=; TypeRe and MethodRe for typeRe=.
	Type             *types.TypeName
	Methods          []string
	TypeRe, MethodRe string
}

// EventHandler is a //teggo:event on a proto method.
type EventHandler struct {
	D      *Directive
	Proto  *Proto
	Method string
	Event  types.Type
}

// Schedule is a //teggo:schedule on a proto with a Subscribe method.
type Schedule struct {
	D     *Directive
	Proto *Proto
}

// Route is a //teggo:http on a method of a controller proto.
type Route struct {
	D      *Directive
	Proto  *Proto
	Method string
	// Summary is the first sentence of the method's doc comment, for the
	// OpenAPI document.
	Summary string
}

// Controller is a //teggo:controller on a proto.
type Controller struct {
	D     *Directive
	Proto *Proto
}

// Middleware is a //teggo:middleware on a controller or one of its methods.
type Middleware struct {
	D      *Directive
	Proto  *Proto
	Method string       // "" on the type
	Ref    types.Object // the advice type or the echo middleware
}

// Directive implementations.
func (d *Pointcut) Directive() *Directive     { return d.D }
func (d *Crosscut) Directive() *Directive     { return d.D }
func (d *EventHandler) Directive() *Directive { return d.D }
func (d *Schedule) Directive() *Directive     { return d.D }
func (d *Route) Directive() *Directive        { return d.D }
func (d *Controller) Directive() *Directive   { return d.D }
func (d *Middleware) Directive() *Directive   { return d.D }
