package weave

import (
	"context"

	"github.com/teggo/teggo/aop"
)

// Call is the aop.Call of one advised call. Every frame holds one; the
// chain hands it to the advice.
type Call struct {
	frame Frame
	nargs int // arguments, the context included
	nres  int // results, a trailing error excluded
	chain *Chain
	next  aop.Next // c.proceed, bound once per pooled frame
	pos   int      // next Around to run
	cur   int      // index of the advice running now (for Params)
	objs  []any    // this call's context advice objects, by advice index
	state []stateEntry
}

var _ aop.Call = (*Call)(nil)

type stateEntry struct{ key, value any }

// Bind ties a Call to the frame that holds it, of nargs arguments and
// nres results, once, when the frame is made.
func (c *Call) Bind(f Frame, nargs, nres int) {
	c.frame, c.nargs, c.nres = f, nargs, nres
	c.next = c.proceed
}

// Context returns the method's context.Context argument, or
// context.Background() when the method takes none.
func (c *Call) Context() context.Context {
	if c.nargs > 0 {
		v, _ := c.frame.Access(OpArg, 0, nil)
		if ctx, ok := v.(context.Context); ok && ctx != nil {
			return ctx
		}
	}
	return context.Background()
}

// Target returns the object whose method is called.
func (c *Call) Target() any {
	v, _ := c.frame.Access(OpTarget, 0, nil)
	return v
}

// TypeName returns the target's type name, e.g. "TopicService".
func (c *Call) TypeName() string { return c.chain.typeName }

// Method returns the method name, e.g. "Create".
func (c *Call) Method() string { return c.chain.method }

// NumArgs returns the number of arguments, the context included.
func (c *Call) NumArgs() int { return c.nargs }

// Arg returns argument i boxed in an any; only this one is boxed. It
// panics when i is out of range.
func (c *Call) Arg(i int) any { return c.get(OpArg, "argument", i, c.nargs) }

// SetArg replaces argument i for the advice and target that run after.
func (c *Call) SetArg(i int, v any) error { return c.set(OpSetArg, "argument", i, c.nargs, v) }

// NumResults returns the number of results, a trailing error excluded.
func (c *Call) NumResults() int { return c.nres }

// Result returns result i (a trailing error excluded). It panics when i is
// out of range.
func (c *Call) Result(i int) any { return c.get(OpResult, "result", i, c.nres) }

// SetResult replaces result i (a trailing error excluded).
func (c *Call) SetResult(i int, v any) error { return c.set(OpSetResult, "result", i, c.nres, v) }

func (c *Call) get(op Op, what string, i, n int) any {
	v, err := c.frame.Access(op, i, nil)
	if err != nil {
		panic(indexError(what, i, n))
	}
	return v
}

func (c *Call) set(op Op, what string, i, n int, v any) error {
	_, err := c.frame.Access(op, i, v)
	if err == ErrOutOfRange {
		return indexError(what, i, n)
	}
	return err
}

// Params returns the raw params given where the running advice was applied.
func (c *Call) Params() aop.Params { return c.chain.advice[c.cur].Params }

// ParsedParams returns what the running advice's ParamsParser made of its
// params at build time, or nil.
func (c *Call) ParsedParams() any { return c.chain.advice[c.cur].Parsed }

// Set stores a value under key for the other advice of this call.
func (c *Call) Set(key, value any) {
	for i := range c.state {
		if c.state[i].key == key {
			c.state[i].value = value
			return
		}
	}
	c.state = append(c.state, stateEntry{key, value})
}

// Get returns the value stored under key during this call.
func (c *Call) Get(key any) (any, bool) {
	for _, e := range c.state {
		if e.key == key {
			return e.value, true
		}
	}
	return nil, false
}

// proceed runs the Around at c.pos, or the target when none is left. It
// restores c.pos on return, so an Around may call next more than once.
func (c *Call) proceed() error {
	ch := c.chain
	i := c.pos
	if i >= len(ch.around) {
		return c.frame.Invoke()
	}
	idx := ch.around[i]
	a := ch.advice[idx].around
	if a == nil {
		a = c.object(idx).(aop.Around)
	}
	c.pos = i + 1
	prev := c.cur
	c.cur = idx
	err := a.Around(c, c.next)
	c.cur, c.pos = prev, i
	return err
}

// reset clears the per-call fields so the frame can go back to the pool.
func (c *Call) reset() {
	clear(c.state)
	c.state = c.state[:0]
	clear(c.objs)
	c.chain, c.pos, c.cur = nil, 0, 0
}
