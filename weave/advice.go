package weave

import (
	"context"
	"reflect"

	"github.com/teggo/teggo/aop"
)

// Advice is one entry of a method's advice list, as the container resolved
// it at build time: a fixed instance for singleton advice, or a resolver
// that finds the instance of the call's scope for context advice.
type Advice struct {
	// Name is the advice's proto name, for messages.
	Name string
	// Instance is the advice object when it is a singleton.
	Instance any
	// Resolve finds the advice object of the call's scope when it is a
	// context proto. Exactly one of Instance and Resolve is set.
	Resolve func(ctx context.Context) (any, error)
	// Params are the raw params given where the advice was applied.
	Params aop.Params
	// Parsed is what the advice's ParamsParser returned for Params.
	Parsed any
	// Order is the resolved order (lower is outer); for messages only, the
	// list is already sorted.
	Order int
	// Kinds says which hooks of the advice run. It is required with
	// Resolve, since there is no object to look at before a call (KindsOf
	// of a zero value of the advice type). With Instance, zero means every
	// hook Instance implements, and a non-zero value is a mask over those.
	Kinds Kind
	// From says where the advice was applied, e.g. "pointcut at
	// topic.go:12", for messages only.
	From string
}

// Kind is a set of advice hooks.
type Kind uint8

// The hooks.
const (
	KindBeforeCall Kind = 1 << iota
	KindAfterReturn
	KindAfterThrow
	KindAfterFinally
	KindAround
)

// KindsOf reports which hooks v implements.
func KindsOf(v any) Kind { return KindsOfType(reflect.TypeOf(v)) }

var (
	beforeCallType   = reflect.TypeFor[aop.BeforeCall]()
	afterReturnType  = reflect.TypeFor[aop.AfterReturn]()
	afterThrowType   = reflect.TypeFor[aop.AfterThrow]()
	afterFinallyType = reflect.TypeFor[aop.AfterFinally]()
	aroundType       = reflect.TypeFor[aop.Around]()
)

// KindsOfType reports which hooks values of type t implement, without
// making one: an advice proto's are those of its pointer type.
func KindsOfType(t reflect.Type) Kind {
	if t == nil {
		return 0
	}
	var k Kind
	for _, h := range []struct {
		kind Kind
		typ  reflect.Type
	}{
		{KindBeforeCall, beforeCallType}, {KindAfterReturn, afterReturnType}, {KindAfterThrow, afterThrowType},
		{KindAfterFinally, afterFinallyType}, {KindAround, aroundType},
	} {
		if t.Implements(h.typ) {
			k |= h.kind
		}
	}
	return k
}
