package aop

import "context"

// Call is the join point of one proxied call: tegg's AdviceContext. Advice
// reads and replaces arguments and results through it, reads the params
// given where it was applied, and shares per-call state with the other
// advice of the same call.
//
// A Call is valid only during the call; advice must not keep it.
type Call struct {
	frame Frame
	chain *Chain
	next  Next // c.proceed, bound once per pooled frame
	pos   int  // next Around to run
	cur   int  // index of the advice running now (for Params)
	state []stateEntry
}

type stateEntry struct{ key, value any }

// Bind ties a Call to the Frame that embeds it. Generated code calls it once
// when it allocates a frame.
func (c *Call) Bind(f Frame) {
	c.frame = f
	c.next = c.proceed
}

// Context returns the method's context.Context argument, or
// context.Background() when the method takes none.
func (c *Call) Context() context.Context {
	if ctx := c.frame.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// Target returns the object whose method is called.
func (c *Call) Target() any { return c.frame.Target() }

// TypeName returns the target's type name, e.g. "TopicService".
func (c *Call) TypeName() string { return c.chain.typeName }

// Method returns the method name, e.g. "Create".
func (c *Call) Method() string { return c.chain.method }

// NumArgs returns the number of arguments, the context included.
func (c *Call) NumArgs() int { return c.frame.NumArgs() }

// Arg returns argument i boxed in an any; only this one is boxed.
func (c *Call) Arg(i int) any { return c.frame.Arg(i) }

// SetArg replaces argument i for the advice and target that run after.
func (c *Call) SetArg(i int, v any) error { return c.frame.SetArg(i, v) }

// NumResults returns the number of results, a trailing error excluded.
func (c *Call) NumResults() int { return c.frame.NumResults() }

// Result returns result i (a trailing error excluded).
func (c *Call) Result(i int) any { return c.frame.Result(i) }

// SetResult replaces result i (a trailing error excluded).
func (c *Call) SetResult(i int, v any) error { return c.frame.SetResult(i, v) }

// Params returns the raw params given where the running advice was applied.
func (c *Call) Params() Params { return c.chain.advice[c.cur].Params }

// ParamsOf returns the params the running advice parsed at build time with
// its ParamsParser, typed. ok is false when the advice parsed none or they
// are not a P.
func ParamsOf[P any](c *Call) (p P, ok bool) {
	p, ok = c.chain.advice[c.cur].Parsed.(P)
	return p, ok
}

// ArgAs returns argument i as a T. ok is false when it is not a T (a nil
// interface value included). It panics, as Arg does, when i is out of range.
func ArgAs[T any](c *Call, i int) (v T, ok bool) {
	v, ok = c.frame.Arg(i).(T)
	return v, ok
}

// ResultAs returns result i (a trailing error excluded) as a T. ok is false
// when it is not a T (a nil interface value included). It panics, as Result
// does, when i is out of range.
func ResultAs[T any](c *Call, i int) (v T, ok bool) {
	v, ok = c.frame.Result(i).(T)
	return v, ok
}

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
	e := &ch.advice[idx]
	a := e.aroundHook
	if a == nil {
		v, err := e.object(c.Context())
		if err != nil {
			return err
		}
		a = v.(Around)
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
	c.chain, c.pos, c.cur = nil, 0, 0
}
