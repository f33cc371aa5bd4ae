package eventbus_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
)

// held checks that nothing was delivered: the bus is idle and no handler
// ran.
func held(t *testing.T, e *env) {
	t.Helper()
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	wantSeen(t, e.sink)
}

func TestCorkHoldsUntilUncork(t *testing.T) {
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created))
	ctx, _ := e.request(t)
	eventbus.Cork(ctx)
	if !eventbus.Emit(ctx, TopicCreated{ID: "c1"}) {
		t.Fatal("a held event with a handler must report true")
	}
	held(t, e)
	w := eventbus.Expect[TopicCreated](e.bus)
	if err := eventbus.Uncork(ctx); err != nil {
		t.Fatal(err)
	}
	wait(t, w)
	wantSeen(t, e.sink, "indexed:c1")
}

func TestNestedCorkNeedsEveryUncork(t *testing.T) {
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created))
	ctx, _ := e.request(t)
	eventbus.Cork(ctx)
	eventbus.Cork(ctx)
	eventbus.Emit(ctx, TopicCreated{ID: "n"})
	if err := eventbus.Uncork(ctx); err != nil {
		t.Fatal(err)
	}
	held(t, e)
	w := eventbus.Expect[TopicCreated](e.bus)
	if err := eventbus.Uncork(ctx); err != nil {
		t.Fatal(err)
	}
	wait(t, w)
	wantSeen(t, e.sink, "indexed:n")
	if err := eventbus.Uncork(ctx); !errors.Is(err, eventbus.ErrNotCorked) {
		t.Fatalf("a third Uncork: %v, want ErrNotCorked", err)
	}
}

func TestUncorkWithoutCork(t *testing.T) {
	e := newEnv(t)
	ctx, _ := e.request(t)
	if err := eventbus.Uncork(ctx); !errors.Is(err, eventbus.ErrNotCorked) {
		t.Fatalf("got %v, want ErrNotCorked", err)
	}
	if err := eventbus.Uncork(context.Background()); !errors.Is(err, eventbus.ErrNotCorked) {
		t.Fatalf("without a scope: got %v, want ErrNotCorked", err)
	}
	eventbus.Cork(eventbus.WithBus(context.Background(), e.bus)) // no scope: a warning, nothing else
	e.log.WaitFor(t, "Cork needs the ctx of a scope")
}

func TestCorkedRequestsDeliverTheirOwn(t *testing.T) {
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created))
	a, _ := e.request(t)
	b, _ := e.request(t)
	eventbus.Cork(a)
	eventbus.Cork(b)
	eventbus.Emit(a, TopicCreated{ID: "a1"})
	eventbus.Emit(b, TopicCreated{ID: "b1"})
	eventbus.Emit(a, TopicCreated{ID: "a2"})
	if err := eventbus.Uncork(a); err != nil {
		t.Fatal(err)
	}
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	wantSeen(t, e.sink, "indexed:a1", "indexed:a2") // b's event still held
	if err := eventbus.Uncork(b); err != nil {
		t.Fatal(err)
	}
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	wantSeen(t, e.sink, "indexed:a1", "indexed:a2", "indexed:b1")
}

func TestConcurrentCorkingRequests(t *testing.T) {
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created))
	corked := make(chan struct{})
	var ready, wg sync.WaitGroup
	for i := range 4 {
		ready.Add(1)
		wg.Go(func() {
			ctx, sc := container.NewScope(context.Background(), e.c)
			defer sc.Close()
			eventbus.Cork(ctx)
			for j := range 10 {
				eventbus.Emit(ctx, TopicCreated{ID: string(rune('a'+i)) + string(rune('0'+j))})
			}
			ready.Done()
			<-corked // every request is corked and holds its events at once
			if err := eventbus.Uncork(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	ready.Wait()
	held(t, e)
	close(corked)
	wg.Wait()
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	if n := len(e.sink.list()); n != 40 {
		t.Fatalf("%d events delivered, want 40", n)
	}
}

func TestScopeClosedWhileCorkedDropsHeldEvents(t *testing.T) {
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created))
	ctx, sc := e.request(t)
	eventbus.Cork(ctx)
	eventbus.Emit(ctx, TopicCreated{ID: "lost1"})
	eventbus.Emit(ctx, TopicCreated{ID: "lost2"})
	if err := sc.Close(); err != nil {
		t.Fatal(err)
	}
	e.log.WaitFor(t, "scope closed while corked", "dropped=2")
	held(t, e)
	// the bus no longer counts that scope as corked
	ctx2, _ := e.request(t)
	w := eventbus.Expect[TopicCreated](e.bus)
	eventbus.Emit(ctx2, TopicCreated{ID: "next"})
	wait(t, w)
	wantSeen(t, e.sink, "indexed:next")
}
