package eventbus

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Stop stops the bus: from now on Emit returns false (and logs), events
// held by corks are dropped when released; the transport, if any, is
// closed (it stops receiving, lets the deliveries in flight finish and
// settles them, flushes what it accepted), and the events in flight are
// drained until they finish or ctx is done. In the latter case Stop returns
// a *StopError listing what was still running. Stop may be called more
// than once.
func (b *Bus) Stop(ctx context.Context) error {
	b.stopped.Store(true)
	var terr error
	if b.transport != nil {
		b.closeOnce.Do(func() { terr = b.transport.Close(ctx) })
	}
	err := b.WaitIdle(ctx)
	b.pool.close()
	if err != nil {
		return &StopError{Unfinished: b.unfinished(), Err: err, Transport: terr}
	}
	return terr
}

// StopError reports the events a Stop could not drain before its deadline.
type StopError struct {
	// Unfinished lists the event types still being processed.
	Unfinished []Unfinished
	// Err is the ctx error that ended the drain.
	Err error
	// Transport is the error closing the transport, if any.
	Transport error
}

// Unfinished is one event type still being processed at Stop's deadline.
type Unfinished struct {
	// Event is the event type, e.g. "app.TopicCreated".
	Event string
	// Events is how many events of that type were in flight.
	Events int
	// Handlers are the handlers still running, e.g. "app.(*Mailer).OnSignup".
	Handlers []string
}

// Error lists the unfinished event types with their running handlers.
func (e *StopError) Error() string {
	var b strings.Builder
	n := 0
	for _, u := range e.Unfinished {
		n += u.Events
	}
	fmt.Fprintf(&b, "eventbus: stopped with %d event(s) unfinished", n)
	for i, u := range e.Unfinished {
		sep := ": "
		if i > 0 {
			sep = "; "
		}
		fmt.Fprintf(&b, "%s%s ×%d running [%s]", sep, u.Event, u.Events, strings.Join(u.Handlers, ", "))
	}
	fmt.Fprintf(&b, " (%v)", e.Err)
	if e.Transport != nil {
		fmt.Fprintf(&b, "; closing the transport: %v", e.Transport)
	}
	return b.String()
}

// Unwrap returns the ctx error and the transport's.
func (e *StopError) Unwrap() []error {
	if e.Transport != nil {
		return []error{e.Err, e.Transport}
	}
	return []error{e.Err}
}

// unfinished lists the topics with events in flight, sorted by event type.
func (b *Bus) unfinished() []Unfinished {
	var out []Unfinished
	for _, t := range b.topics {
		info := t.info()
		if n := info.inflight.Load(); n > 0 {
			out = append(out, Unfinished{Event: info.label, Events: int(n), Handlers: t.running()})
		}
	}
	slices.SortFunc(out, func(a, b Unfinished) int { return strings.Compare(a.Event, b.Event) })
	return out
}
