package eventbus

import (
	"context"
	"errors"
	"sync"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

// ErrNotCorked is returned by Uncork without a matching Cork.
var ErrNotCorked = errors.New("eventbus: Uncork without Cork")

// corkState is the cork of one scope: a context proto, so that a scope
// closing while corked drops what it holds.
type corkState struct {
	proto.Context `name:"eventbusCork"`

	mu    sync.Mutex
	depth int
	held  []func() // publications, in emit order
	bus   *Bus
	scope *container.Scope
}

// Cork holds the events emitted in ctx's scope — a request, typically
// around a transaction — until the matching Uncork. Corks nest: each Cork
// needs its Uncork, and only the outermost Uncork releases the events.
// Without a scope and a bus in ctx, Cork logs a warning and does nothing
// (the Uncork then fails with ErrNotCorked).
func Cork(ctx context.Context) {
	b, sc, ok := corkTarget(ctx)
	if !ok {
		l := logger(ctx)
		if b != nil {
			l = b.log
		}
		l.Warn("eventbus: Cork needs the ctx of a scope whose container has an eventbus.Bus")
		return
	}
	s, err := container.GetIn[*corkState](sc)
	if err != nil {
		b.log.Warn("eventbus: Cork failed", "error", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.depth == 0 {
		s.bus, s.scope = b, sc
		b.corks.Store(sc, s)
		b.corked.Add(1)
	}
	s.depth++
}

// Uncork undoes one Cork of ctx's scope. The outermost Uncork publishes the
// held events in the order they were emitted (each then runs as any other
// event: in its own scope, concurrently with the others). Uncork without a
// matching Cork returns ErrNotCorked.
func Uncork(ctx context.Context) error {
	b, sc, ok := corkTarget(ctx)
	if !ok {
		return ErrNotCorked
	}
	s := b.corkOf(sc)
	if s == nil {
		return ErrNotCorked
	}
	s.mu.Lock()
	if s.depth == 0 {
		s.mu.Unlock()
		return ErrNotCorked
	}
	s.depth--
	if s.depth > 0 {
		s.mu.Unlock()
		return nil
	}
	held := s.release()
	s.mu.Unlock()
	for _, publish := range held {
		publish()
	}
	return nil
}

// PreDestroy drops what a scope closing corked still holds, with a warning.
func (s *corkState) PreDestroy(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.depth == 0 {
		return nil
	}
	if held := s.release(); len(held) > 0 {
		s.bus.log.Warn("eventbus: scope closed while corked: held events dropped", "dropped", len(held), "corks", s.depth)
	}
	s.depth = 0
	return nil
}

// release uncorks the scope and returns its held events. s.mu is held.
func (s *corkState) release() []func() {
	held := s.held
	s.held = nil
	s.bus.corks.Delete(s.scope)
	s.bus.corked.Add(-1)
	return held
}

// hold keeps publish for later when ctx's scope is corked.
func (b *Bus) hold(ctx context.Context, publish func()) bool {
	sc, ok := container.ScopeFrom(ctx)
	if !ok {
		return false
	}
	s := b.corkOf(sc)
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.depth == 0 {
		return false
	}
	s.held = append(s.held, publish)
	return true
}

// corkTarget returns the bus and scope of ctx; ok when both exist.
func corkTarget(ctx context.Context) (b *Bus, sc *container.Scope, ok bool) {
	b = From(ctx)
	sc, ok = container.ScopeFrom(ctx)
	return b, sc, ok && b != nil
}

// corkOf returns the cork of sc while it is corked, else nil.
func (b *Bus) corkOf(sc *container.Scope) *corkState {
	if v, ok := b.corks.Load(sc); ok {
		return v.(*corkState)
	}
	return nil
}
