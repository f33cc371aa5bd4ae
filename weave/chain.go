package weave

import (
	"fmt"
	"sync"

	"github.com/teggo/teggo/aop"
)

// entry is an Advice with its hooks asserted once; the hooks come first,
// so a call reads one cache line of each entry it runs.
type entry struct {
	before       aop.BeforeCall
	afterReturn  aop.AfterReturn
	afterThrow   aop.AfterThrow
	afterFinally aop.AfterFinally
	around       aop.Around
	Advice
}

// Chain is the woven advice of one method of one proto type. The container
// builds it once; every call of the method shares it, whoever makes the
// call (a proxy, an HTTP route, a job, an event handler). It pools the
// method's frames.
type Chain struct {
	typeName, method string
	advice           []entry
	contextual       []int // advice resolved per call from its scope
	before, around   []int
	afterReturn      []int
	afterThrow       []int
	afterFinally     []int
	pool             sync.Pool
}

// NewChain builds the chain of typeName.method from its ordered advice
// list. It returns nil for an empty list: a nil chain calls the method
// directly.
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
			e.before, _ = a.Instance.(aop.BeforeCall)
			e.afterReturn, _ = a.Instance.(aop.AfterReturn)
			e.afterThrow, _ = a.Instance.(aop.AfterThrow)
			e.afterFinally, _ = a.Instance.(aop.AfterFinally)
			e.around, _ = a.Instance.(aop.Around)
		case a.Resolve != nil:
			ch.contextual = append(ch.contextual, i)
		default:
			panic(fmt.Sprintf("weave: NewChain %s.%s: advice %d (%s) has neither Instance nor Resolve", typeName, method, i, a.Name))
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

// TypeName returns the advised type's name.
func (ch *Chain) TypeName() string { return ch.typeName }

// Method returns the advised method's name.
func (ch *Chain) Method() string { return ch.method }

// Advice returns the ordered advice list, for pictures and tests.
func (ch *Chain) Advice() []Advice {
	out := make([]Advice, len(ch.advice))
	for i := range ch.advice {
		out[i] = ch.advice[i].Advice
	}
	return out
}

// Frame returns a pooled frame of the method, or nil; the caller makes a
// new one then.
func (ch *Chain) Frame() any { return ch.pool.Get() }

// Recycle clears the call's advice state and returns its frame to the pool.
// The caller zeroes the frame's typed fields first, so the pool retains no
// argument or result.
func (ch *Chain) Recycle(c *Call) {
	f := c.frame
	c.reset()
	ch.pool.Put(f)
}

// object returns the object of advice i for this call.
func (c *Call) object(i int) any { return c.objs[i] }

// Run runs the advice chain around c's frame and returns the call's error.
func (ch *Chain) Run(c *Call) error {
	c.chain, c.pos = ch, 0
	if len(ch.contextual) > 0 {
		if cap(c.objs) < len(ch.advice) {
			c.objs = make([]any, len(ch.advice))
		}
		c.objs = c.objs[:len(ch.advice)]
		ctx := c.Context()
		for _, i := range ch.contextual {
			e := &ch.advice[i]
			v, err := e.Resolve(ctx)
			if err != nil {
				return fmt.Errorf("aop: advice %s: %w", e.Name, err)
			}
			c.objs[i] = v
		}
	}
	for _, i := range ch.before {
		b := ch.advice[i].before
		if b == nil {
			b = c.object(i).(aop.BeforeCall)
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
			ch.throw(c, &aop.PanicError{Value: r})
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
			a := ch.advice[i].afterReturn
			if a == nil {
				a = c.object(i).(aop.AfterReturn)
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
		a := ch.advice[i].afterThrow
		if a == nil {
			a = c.object(i).(aop.AfterThrow)
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
		a := ch.advice[i].afterFinally
		if a == nil {
			a = c.object(i).(aop.AfterFinally)
		}
		c.cur = i
		if ferr := a.AfterFinally(c); ferr != nil {
			return ferr
		}
	}
	return err
}
