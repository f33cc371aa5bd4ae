package aop

import (
	"errors"
	"fmt"
	"go/token"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
)

// Default orders: crosscuts run outside pointcuts unless told otherwise.
const (
	DefaultCrosscutOrder = 100
	DefaultPointcutOrder = 1000
)

// ErrInvalidDecl matches (with errors.Is) every error a PointcutDecl or
// CrosscutDecl carries.
var ErrInvalidDecl = errors.New("aop: invalid declaration")

// DeclError is what an invalid pointcut or crosscut declaration carries in
// its Err field. Declarations are made at package init, so they never panic:
// the container reports them at Build as a TEGGO_BAD_DECL, with the
// DeclError as its cause.
type DeclError struct {
	// Kind is "pointcut" or "crosscut".
	Kind string
	// Pos is where the declaration was made, "file:line".
	Pos string
	// Msg says what is wrong.
	Msg string
	// Err is the underlying error, if any (e.g. a regexp syntax error).
	Err error
}

// Error renders "aop: pointcut at file:line: msg".
func (e *DeclError) Error() string {
	var b strings.Builder
	b.WriteString("aop: ")
	b.WriteString(e.Kind)
	if e.Pos != "" {
		b.WriteString(" at ")
		b.WriteString(e.Pos)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *DeclError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalidDecl.
func (e *DeclError) Is(target error) bool { return target == ErrInvalidDecl }

// Option refines a pointcut or crosscut declaration: Order, WithParams,
// Param, At.
type Option struct{ apply func(*options) }

type options struct {
	order    int
	hasOrder bool
	params   Params
	pos      string
}

// Order sets the order of the advice in a method's list; lower is outer.
// Crosscuts default to DefaultCrosscutOrder (100) and pointcuts to
// DefaultPointcutOrder (1000).
func Order(n int) Option {
	return Option{func(o *options) { o.order, o.hasOrder = n, true }}
}

// WithParams adds params for the advice where it is applied (tegg's
// adviceParams). Several WithParams and Param options merge; a later key
// wins.
func WithParams(p Params) Option {
	return Option{func(o *options) {
		for k, v := range p {
			o.set(k, v)
		}
	}}
}

// Param adds one param: Param("propagation", "requires_new").
func Param(key, value string) Option {
	return Option{func(o *options) { o.set(key, value) }}
}

// At sets the position a declaration reports, instead of the caller of
// Pointcut or Crosscut. Generated code uses it to point at the
// `//teggo:pointcut` or `//teggo:crosscut` directive.
func At(file string, line int) Option {
	return Option{func(o *options) { o.pos = file + ":" + strconv.Itoa(line) }}
}

func (o *options) set(k, v string) {
	if o.params == nil {
		o.params = Params{}
	}
	o.params[k] = v
}

func newOptions(order int, opts []Option) options {
	o := options{order: order}
	if _, file, line, ok := runtime.Caller(2); ok {
		o.pos = file + ":" + strconv.Itoa(line)
	}
	for _, op := range opts {
		if op.apply != nil {
			op.apply(&o)
		}
	}
	return o
}

// PointcutDecl applies an advice to one method. Make it with Pointcut and
// hand it to the container in a proto.Module's Decls.
type PointcutDecl struct {
	// Type is the receiver's struct type (never a pointer).
	Type reflect.Type
	// Method is the method name.
	Method string
	// AdviceType is the advice's struct type, when given by type.
	AdviceType reflect.Type
	// AdviceName is the advice's proto name, when given by name.
	AdviceName string
	// Params are the params for the advice at this method.
	Params Params
	// Order is the advice's order (lower is outer).
	Order int
	// Pos is where it was declared, "file:line".
	Pos string
	// Err is set when the declaration is invalid; the decl then applies
	// nowhere and the container reports Err at Build.
	Err error
}

// CrosscutDecl applies an advice to every method its matcher accepts. Make
// it with Crosscut and hand it to the container in a proto.Module's Decls.
type CrosscutDecl struct {
	// AdviceType is the advice's struct type, when given by type.
	AdviceType reflect.Type
	// AdviceName is the advice's proto name, when given by name.
	AdviceName string
	// Match selects the methods.
	Match Matcher
	// Params are the params for the advice at every matched method.
	Params Params
	// Order is the advice's order (lower is outer).
	Order int
	// Pos is where it was declared, "file:line".
	Pos string
	// Err is set when the declaration is invalid; the decl then applies
	// nowhere and the container reports Err at Build.
	Err error
}

// Pointcut declares that advice runs around method, which is a method
// expression such as (*TopicService).Create or TopicService.Create. advice
// is the advice proto: a pointer such as new(TxAdvice) (its element type
// is the advice type), a reflect.Type, or a proto name as a string.
//
// It never panics: invalid input gives a decl whose Err says why, which the
// container reports at Build.
func Pointcut(method any, advice any, opts ...Option) *PointcutDecl {
	o := newOptions(DefaultPointcutOrder, opts)
	d := &PointcutDecl{Params: o.params, Order: o.order, Pos: o.pos}
	fail := func(msg string, err error) *PointcutDecl {
		d.Err = &DeclError{Kind: "pointcut", Pos: d.Pos, Msg: msg, Err: err}
		return d
	}
	var msg string
	if d.AdviceType, d.AdviceName, msg = adviceOf(advice); msg != "" {
		return fail(msg, nil)
	}
	if d.Type, d.Method, msg = methodOf(method); msg != "" {
		return fail(msg, nil)
	}
	return d
}

// Crosscut declares that advice runs around every method that match
// accepts (ForType, ForRegexp, ForFunc). Only exported methods of
// registered protos are candidates. advice is as for Pointcut.
//
// It never panics: invalid input gives a decl whose Err says why, which the
// container reports at Build.
func Crosscut(advice any, match Matcher, opts ...Option) *CrosscutDecl {
	o := newOptions(DefaultCrosscutOrder, opts)
	d := &CrosscutDecl{Match: match, Params: o.params, Order: o.order, Pos: o.pos}
	fail := func(msg string, err error) *CrosscutDecl {
		d.Err = &DeclError{Kind: "crosscut", Pos: d.Pos, Msg: msg, Err: err}
		return d
	}
	var msg string
	if d.AdviceType, d.AdviceName, msg = adviceOf(advice); msg != "" {
		return fail(msg, nil)
	}
	switch {
	case match.match == nil && match.err == nil:
		return fail("no matcher: use ForType, ForRegexp or ForFunc", nil)
	case match.err != nil:
		return fail(match.String(), match.err)
	}
	return d
}

// adviceOf reads the advice argument of Pointcut and Crosscut.
func adviceOf(advice any) (t reflect.Type, name, msg string) {
	switch a := advice.(type) {
	case nil:
		return nil, "", "advice is nil: give new(Advice) or a proto name"
	case string:
		if a == "" {
			return nil, "", "advice name is empty"
		}
		return nil, a, ""
	case reflect.Type:
		t = a
	default:
		t = reflect.TypeOf(advice)
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.Name() == "" {
		return nil, "", fmt.Sprintf("advice must be a named struct type (new(Advice)) or a proto name, not %T", advice)
	}
	return t, "", ""
}

// methodOf reads a method expression: its receiver's struct type and name.
func methodOf(method any) (t reflect.Type, name, msg string) {
	if method == nil {
		return nil, "", "method is nil: give a method expression such as (*T).Method"
	}
	v := reflect.ValueOf(method)
	if v.Kind() != reflect.Func || v.IsNil() {
		return nil, "", fmt.Sprintf("method must be a method expression such as (*T).Method, not %T", method)
	}
	full := ""
	if fn := runtime.FuncForPC(v.Pointer()); fn != nil {
		full = fn.Name()
	}
	if strings.HasSuffix(full, "-fm") {
		// A method value (x.Method) is bound to one object: the receiver
		// type is not in its signature.
		return nil, "", fmt.Sprintf("%s is a method value; give a method expression such as (*T).%s", strings.TrimSuffix(full, "-fm"), lastElem(strings.TrimSuffix(full, "-fm")))
	}
	name = lastElem(full)
	ft := v.Type()
	if ft.NumIn() == 0 {
		return nil, "", fmt.Sprintf("%s is not a method expression: it has no receiver", full)
	}
	recv := ft.In(0)
	if recv.Kind() == reflect.Pointer {
		recv = recv.Elem()
	}
	if recv.Kind() != reflect.Struct || recv.Name() == "" {
		return nil, "", fmt.Sprintf("%s is not a method expression on a named struct type (receiver %s)", full, ft.In(0))
	}
	if strings.Contains(recv.Name(), "[") {
		return nil, "", fmt.Sprintf("%s: methods of generic types are not supported", full)
	}
	// The function must be the method itself, not a func that merely takes
	// a *T first: its symbol is pkg.T.Method or pkg.(*T).Method.
	owner := strings.TrimSuffix(full, "."+name)
	if !strings.HasSuffix(owner, "."+recv.Name()) && !strings.HasSuffix(owner, ".(*"+recv.Name()+")") {
		return nil, "", fmt.Sprintf("%s is not a method of %s: give a method expression such as (*%s).Method", full, recv.Name(), recv.Name())
	}
	if !isExported(name) {
		return nil, "", fmt.Sprintf("method %s.%s is not exported: only exported methods are proxied", recv.Name(), name)
	}
	if _, ok := reflect.PointerTo(recv).MethodByName(name); !ok {
		return nil, "", fmt.Sprintf("%s has no method %s", recv.Name(), name)
	}
	return recv, name, ""
}

func lastElem(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func isExported(name string) bool { return token.IsExported(name) }

// Matcher selects the methods a crosscut applies to. Make one with ForType,
// ForRegexp or ForFunc; the zero Matcher matches nothing and makes the
// crosscut invalid.
type Matcher struct {
	match func(t reflect.Type, method string) bool
	desc  string
	err   error
}

// Match reports whether the matcher accepts method of the struct type t.
func (m Matcher) Match(t reflect.Type, method string) bool {
	return m.match != nil && m.match(t, method)
}

// String describes the matcher, e.g. `type=TopicService method=Create`.
func (m Matcher) String() string { return m.desc }

// Err returns the error a matcher was built with (a bad regexp, a nil
// func, an unknown method), or nil.
func (m Matcher) Err() error { return m.err }

// ForType matches methods of one struct type, given as (*T)(nil), T{} or a
// reflect.Type. With no methods it matches every exported method of T;
// naming a method T does not have makes the crosscut invalid.
func ForType(typ any, methods ...string) Matcher {
	var t reflect.Type
	switch v := typ.(type) {
	case nil:
	case reflect.Type:
		t = v
	default:
		t = reflect.TypeOf(typ)
	}
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct || t.Name() == "" {
		return Matcher{desc: fmt.Sprintf("ForType(%T)", typ), err: fmt.Errorf("not a named struct type: give (*T)(nil), T{} or a reflect.Type")}
	}
	desc := "type=" + t.Name()
	if len(methods) == 0 {
		return Matcher{desc: desc, match: func(u reflect.Type, _ string) bool { return u == t }}
	}
	pt := reflect.PointerTo(t)
	for _, m := range methods {
		if _, ok := pt.MethodByName(m); !ok || !isExported(m) {
			return Matcher{desc: desc + " method=" + m, err: fmt.Errorf("%s has no exported method %s", t.Name(), m)}
		}
	}
	desc += " method=" + strings.Join(methods, ",")
	set := append([]string(nil), methods...)
	return Matcher{desc: desc, match: func(u reflect.Type, method string) bool {
		if u != t {
			return false
		}
		for _, m := range set {
			if m == method {
				return true
			}
		}
		return false
	}}
}

// ForRegexp matches methods whose struct type name (without package, e.g.
// "TopicService") matches typeRe and whose name matches methodRe. The
// expressions are Go regexps, unanchored as in tegg (use ^...$ to anchor);
// an empty one matches everything. A bad expression makes the crosscut
// invalid.
func ForRegexp(typeRe, methodRe string) Matcher {
	desc := "typeRe=" + strconv.Quote(typeRe) + " methodRe=" + strconv.Quote(methodRe)
	tre, err := regexp.Compile(typeRe)
	if err != nil {
		return Matcher{desc: desc, err: fmt.Errorf("typeRe: %w", err)}
	}
	mre, err := regexp.Compile(methodRe)
	if err != nil {
		return Matcher{desc: desc, err: fmt.Errorf("methodRe: %w", err)}
	}
	return Matcher{desc: desc, match: func(t reflect.Type, method string) bool {
		return tre.MatchString(t.Name()) && mre.MatchString(method)
	}}
}

// ForFunc matches the methods for which f returns true. t is the proto's
// struct type; method is an exported method name.
func ForFunc(f func(t reflect.Type, method string) bool) Matcher {
	if f == nil {
		return Matcher{desc: "func", err: errors.New("ForFunc(nil)")}
	}
	return Matcher{desc: "func", match: f}
}

// DeclaredAt returns where the pointcut was declared (proto.Decl).
func (d PointcutDecl) DeclaredAt() string { return d.Pos }

// DeclaredAt returns where the crosscut was declared (proto.Decl).
func (d CrosscutDecl) DeclaredAt() string { return d.Pos }
