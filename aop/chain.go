package aop

import (
	"context"
	"fmt"
	"sync"
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
	Params Params
	// Parsed is what the advice's ParamsParser returned for Params.
	Parsed any
	// Order is the resolved order (lower is outer); for messages only, the
	// list is already sorted.
	Order int
	// Kinds says which hooks of the advice run. The container fills it
	// from the advice type (KindsOf of a zero *T); it is required with
	// Resolve, since there is no object to look at before a call. With
	// Instance, zero means every hook Instance implements, and a non-zero
	// value is a mask over those.
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
func KindsOf(v any) Kind {
	var k Kind
	if _, ok := v.(BeforeCall); ok {
		k |= KindBeforeCall
	}
	if _, ok := v.(AfterReturn); ok {
		k |= KindAfterReturn
	}
	if _, ok := v.(AfterThrow); ok {
		k |= KindAfterThrow
	}
	if _, ok := v.(AfterFinally); ok {
		k |= KindAfterFinally
	}
	if _, ok := v.(Around); ok {
		k |= KindAround
	}
	return k
}

// entry is an Advice with its hooks asserted once.
type entry struct {
	Advice
	before       BeforeCall
	afterReturn  AfterReturn
	afterThrow   AfterThrow
	afterFinally AfterFinally
	aroundHook   Around
}

func (e *entry) object(ctx context.Context) (any, error) {
	v, err := e.Resolve(ctx)
	if err != nil {
		return nil, fmt.Errorf("aop: advice %s: %w", e.Name, err)
	}
	return v, nil
}

// Chain is the woven advice of one method of one proxy type. It is built
// once by the container and shared by every call; it pools the method's
// frames.
type Chain struct {
	typeName, method string
	advice           []entry
	before, around   []int
	afterReturn      []int
	afterThrow       []int
	afterFinally     []int
	pool             sync.Pool
}

// NewChain builds the chain for typeName.method from its ordered advice
// list. It returns nil for an empty list: a proxy calls its target directly
// when its chain is nil.
//
// It panics when an entry has neither Instance nor Resolve: that is a bug
// in the caller (the container), not a user error.
func NewChain(typeName, method string, list []Advice) *Chain {
	if len(list) == 0 {
		return nil
	}
	ch := &Chain{typeName: typeName, method: method, advice: make([]entry, len(list))}
	for i, a := range list {
		e := &ch.advice[i]
		e.Advice = a
		switch {
		case a.Instance != nil:
			k := KindsOf(a.Instance)
			if e.Kinds != 0 {
				k &= e.Kinds
			}
			e.Kinds = k
		case a.Resolve == nil:
			panic(fmt.Sprintf("aop: NewChain %s.%s: advice %d (%s) has neither Instance nor Resolve", typeName, method, i, a.Name))
		}
		if a.Instance != nil {
			e.before, _ = a.Instance.(BeforeCall)
			e.afterReturn, _ = a.Instance.(AfterReturn)
			e.afterThrow, _ = a.Instance.(AfterThrow)
			e.afterFinally, _ = a.Instance.(AfterFinally)
			e.aroundHook, _ = a.Instance.(Around)
		}
		for _, k := range []struct {
			kind Kind
			list *[]int
		}{
			{KindBeforeCall, &ch.before}, {KindAround, &ch.around}, {KindAfterReturn, &ch.afterReturn},
			{KindAfterThrow, &ch.afterThrow}, {KindAfterFinally, &ch.afterFinally},
		} {
			if e.Kinds&k.kind != 0 {
				*k.list = append(*k.list, i)
			}
		}
	}
	return ch
}

// TypeName returns the proxied type's name.
func (ch *Chain) TypeName() string { return ch.typeName }

// Method returns the proxied method's name.
func (ch *Chain) Method() string { return ch.method }

// Advice returns the ordered advice list, for pictures and tests.
func (ch *Chain) Advice() []Advice {
	out := make([]Advice, len(ch.advice))
	for i := range ch.advice {
		out[i] = ch.advice[i].Advice
	}
	return out
}

// Acquire returns a frame of the method from the chain's pool, or a new one
// made by newFrame. Generated code calls it.
func (ch *Chain) Acquire(newFrame func() Frame) Frame {
	if f, ok := ch.pool.Get().(Frame); ok {
		return f
	}
	return newFrame()
}

// Release returns a frame to the pool. The generated caller zeroes its own
// typed fields first, so the pool retains no argument or result.
func (ch *Chain) Release(c *Call) {
	f := c.frame
	c.reset()
	ch.pool.Put(f)
}

// Run runs the advice chain around c's target and returns the call's error.
// Generated code calls it between Acquire and Release.
func (ch *Chain) Run(c *Call) error {
	c.chain, c.pos = ch, 0
	for _, i := range ch.before {
		e := &ch.advice[i]
		b := e.before
		if b == nil {
			v, err := e.object(c.Context())
			if err != nil {
				return err
			}
			b = v.(BeforeCall)
		}
		c.cur = i
		if err := b.BeforeCall(c); err != nil {
			return err
		}
	}
	return ch.try(c)
}

// The phases of try, to know what a panic still has to run.
const (
	phaseTry     = iota // the Around chain, the target, AfterReturn
	phaseThrow          // AfterThrow
	phaseFinally        // AfterFinally
	phaseDone
)

// try is the part of the call inside tegg's try/catch/finally.
func (ch *Chain) try(c *Call) (err error) {
	phase := phaseTry
	defer func() {
		if phase == phaseDone {
			return
		}
		r := recover()
		if r == nil {
			// runtime.Goexit (t.FailNow in a test): nothing to re-panic,
			// but the finally block still runs, as deferred calls do.
			if phase < phaseFinally {
				ch.finally(c, nil)
			}
			return
		}
		// A panic in the try runs the catch and the finally blocks; one in
		// the catch block runs the finally block; one in the finally block
		// runs nothing more. Then the panic goes on.
		if phase == phaseTry {
			phase = phaseThrow
			ch.throw(c, &PanicError{Value: r})
		}
		if phase == phaseThrow {
			phase = phaseFinally
			ch.finally(c, nil)
		}
		panic(r)
	}()
	err = c.proceed()
	if err == nil {
		for _, i := range ch.afterReturn {
			e := &ch.advice[i]
			a := e.afterReturn
			if a == nil {
				v, rerr := e.object(c.Context())
				if rerr != nil {
					err = rerr
					break
				}
				a = v.(AfterReturn)
			}
			c.cur = i
			if err = a.AfterReturn(c); err != nil {
				break
			}
		}
	}
	if err != nil {
		phase = phaseThrow
		err = ch.throw(c, err)
	}
	phase = phaseFinally
	err = ch.finally(c, err)
	phase = phaseDone
	return err
}

// throw runs AfterThrow in list order; the first one that returns an error
// replaces err and ends the catch block.
func (ch *Chain) throw(c *Call, err error) error {
	for _, i := range ch.afterThrow {
		e := &ch.advice[i]
		a := e.afterThrow
		if a == nil {
			v, rerr := e.object(c.Context())
			if rerr != nil {
				return rerr
			}
			a = v.(AfterThrow)
		}
		c.cur = i
		if terr := a.AfterThrow(c, err); terr != nil {
			return terr
		}
	}
	return err
}

// finally runs AfterFinally in list order; the first one that returns an
// error replaces err and ends the finally block.
func (ch *Chain) finally(c *Call, err error) error {
	for _, i := range ch.afterFinally {
		e := &ch.advice[i]
		a := e.afterFinally
		if a == nil {
			v, rerr := e.object(c.Context())
			if rerr != nil {
				return rerr
			}
			a = v.(AfterFinally)
		}
		c.cur = i
		if ferr := a.AfterFinally(c); ferr != nil {
			return ferr
		}
	}
	return err
}
