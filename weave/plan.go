package weave

import (
	"go/token"
	"reflect"
	"slices"

	"github.com/teggo/teggo/aop"
)

// PlannedAdvice is one entry of a method's advice list, before the
// container resolves the advice proto to an object.
type PlannedAdvice struct {
	// AdviceType is the advice's struct type, when given by type.
	AdviceType reflect.Type
	// AdviceName is the advice's proto name, when given by name.
	AdviceName string
	// Params are the params given where the advice was applied.
	Params aop.Params
	// Order is the resolved order (lower is outer).
	Order int
	// From says where it was applied: "crosscut at file:line" or
	// "pointcut at file:line".
	From string
}

// Plan returns the ordered advice list of method of the struct type t (a
// pointer type is dereferenced) from decls: the crosscuts that match, in
// the order of decls, then the method's pointcuts in the order of decls
// (source order), stably sorted ascending by Order. Decls of other types
// (other subsystems share the slice) and invalid decls are skipped; see
// DeclErrors. Unexported methods get no advice.
func Plan(decls []any, t reflect.Type, method string) []PlannedAdvice {
	return PlanPromoted(decls, t, nil, method)
}

// PlanPromoted is Plan for a method of t promoted from the embedded type
// declaring (nil when t declares it): the method keeps the crosscuts and
// pointcuts of the type that declares it, and gets those of t too. A
// crosscut that matches both applies once.
func PlanPromoted(decls []any, t, declaring reflect.Type, method string) []PlannedAdvice {
	if t == nil || !token.IsExported(method) {
		return nil
	}
	types := []reflect.Type{t}
	if declaring != nil {
		types = append(types, declaring)
	}
	for i, x := range types {
		if x.Kind() == reflect.Pointer {
			types[i] = x.Elem()
		}
	}
	var out []PlannedAdvice
	for _, d := range decls {
		if c := crosscutOf(d); c != nil && c.Err == nil {
			for _, x := range types {
				if c.Match.Match(x, method) {
					out = append(out, PlannedAdvice{AdviceType: c.AdviceType, AdviceName: c.AdviceName, Params: c.Params, Order: c.Order, From: from("crosscut", c.Pos)})
					break
				}
			}
		}
	}
	for _, d := range decls {
		if p := pointcutOf(d); p != nil && p.Err == nil && p.Method == method && slices.Contains(types, p.Type) {
			out = append(out, PlannedAdvice{AdviceType: p.AdviceType, AdviceName: p.AdviceName, Params: p.Params, Order: p.Order, From: from("pointcut", p.Pos)})
		}
	}
	// Insertion sort: stable, and lists are short.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Order < out[j-1].Order; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// DeclErrors returns the Err of every invalid pointcut and crosscut in
// decls, in order (each an *aop.DeclError matching aop.ErrInvalidDecl). Decls of
// other types are skipped.
func DeclErrors(decls []any) []error {
	var errs []error
	for _, d := range decls {
		if p := pointcutOf(d); p != nil && p.Err != nil {
			errs = append(errs, p.Err)
		}
		if c := crosscutOf(d); c != nil && c.Err != nil {
			errs = append(errs, c.Err)
		}
	}
	return errs
}

func pointcutOf(d any) *aop.PointcutDecl {
	switch v := d.(type) {
	case *aop.PointcutDecl:
		return v
	case aop.PointcutDecl:
		return &v
	}
	return nil
}

func crosscutOf(d any) *aop.CrosscutDecl {
	switch v := d.(type) {
	case *aop.CrosscutDecl:
		return v
	case aop.CrosscutDecl:
		return &v
	}
	return nil
}

func from(kind, pos string) string {
	if pos == "" {
		return kind
	}
	return kind + " at " + pos
}

// PointcutSource is a declaration that applies advice as pointcuts of its
// own making, such as an HTTP controller's AOP middleware: given every
// declaration, it returns its pointcuts. Expand turns sources into plain
// pointcuts, so one plan orders them with every other advice.
type PointcutSource interface {
	Pointcuts(decls []any) []*aop.PointcutDecl
}

// Expand returns decls followed by the pointcuts of its PointcutSources.
func Expand(decls []any) []any {
	out := decls
	for _, d := range decls {
		if s, ok := d.(PointcutSource); ok {
			for _, p := range s.Pointcuts(decls) {
				if len(out) == len(decls) {
					out = append([]any(nil), decls...)
				}
				out = append(out, p)
			}
		}
	}
	return out
}
