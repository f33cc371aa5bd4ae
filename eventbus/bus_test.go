package eventbus_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/proto"
)

func TestHandlerReceivesPayload(t *testing.T) {
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created))
	ctx, _ := e.request(t)
	w := eventbus.Expect[TopicCreated](e.bus)
	if !eventbus.Emit(ctx, TopicCreated{ID: "t1"}) {
		t.Fatal("Emit reported no handler")
	}
	if got := wait(t, w); got.ID != "t1" {
		t.Fatalf("waiter got %+v", got)
	}
	wantSeen(t, e.sink, "indexed:t1")
}

func TestOneHandlerTwoEventTypes(t *testing.T) {
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created), eventbus.On((*Indexer).Deleted))
	ctx, _ := e.request(t)
	created, deleted := eventbus.Expect[TopicCreated](e.bus), eventbus.Expect[TopicDeleted](e.bus)
	eventbus.Emit(ctx, TopicCreated{ID: "a"})
	e.bus.Emit(ctx, TopicDeleted{ID: "a"}) // the untyped form routes by dynamic type
	wait(t, created)
	wait(t, deleted)
	wantSeen(t, e.sink, "indexed:a", "unindexed:a")
}

func TestFailingAndSlowHandlers(t *testing.T) {
	e := newEnv(t, new(Failing), new(Slow), eventbus.On((*Failing).Handle), eventbus.On((*Slow).Handle))
	ctx, _ := e.request(t)
	w := eventbus.Expect[TopicCreated](e.bus)
	if !eventbus.Emit(ctx, TopicCreated{ID: "x"}) { // returns at once, Slow still blocked
		t.Fatal("Emit reported no handler")
	}
	<-e.sink.started
	e.log.WaitFor(t, "handler failed", "event=eventbus_test.TopicCreated", "handler=eventbus_test.(*Failing).Handle", "index is down")
	close(e.sink.gate)
	wait(t, w)
	wantSeen(t, e.sink, "slow:x") // the waiter returned only after Slow finished
}

func TestPanickingHandlerIsIsolated(t *testing.T) {
	e := newEnv(t, new(Panicky), new(Indexer), eventbus.On((*Panicky).Handle), eventbus.On((*Indexer).Created))
	ctx, _ := e.request(t)
	w := eventbus.Expect[TopicCreated](e.bus)
	eventbus.Emit(ctx, TopicCreated{ID: "p"})
	wait(t, w)
	wantSeen(t, e.sink, "indexed:p")
	e.log.WaitFor(t, "handler panicked", "handler exploded", "handler=eventbus_test.(*Panicky).Handle")
}

func TestEventScopeIsFreshAndClosed(t *testing.T) {
	e := newEnv(t, new(Auditor), new(EventState), eventbus.On((*Auditor).Handle))
	ctx, _ := e.request(t)
	for _, id := range []string{"1", "2"} {
		w := eventbus.Expect[TopicCreated](e.bus)
		eventbus.Emit(ctx, TopicCreated{ID: id})
		wait(t, w)
	}
	var states, destroyed []string
	for _, s := range e.sink.list() {
		if p, ok := strings.CutPrefix(s, "state:"); ok {
			states = append(states, p)
		}
		if p, ok := strings.CutPrefix(s, "destroyed:"); ok {
			destroyed = append(destroyed, p)
		}
	}
	if len(states) != 2 || states[0] == states[1] {
		t.Fatalf("context protos per event: %q, want two different ones", states)
	}
	if strings.Join(states, ",") != strings.Join(destroyed, ",") {
		t.Fatalf("destroyed %q, want every event's state %q: the event scopes were not closed", destroyed, states)
	}
}

func TestEmitWithoutHandlerOrBus(t *testing.T) {
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created))
	ctx, _ := e.request(t)
	w := eventbus.ExpectFirst(e.bus, reflect.TypeFor[TopicDeleted](), reflect.TypeFor[Unhandled]())
	if eventbus.Emit(ctx, Unhandled{N: 7}) {
		t.Fatal("Emit reported a handler for Unhandled")
	}
	if got := wait(t, w); got != (Unhandled{N: 7}) {
		t.Fatalf("the first-of waiter got %#v", got)
	}
	if eventbus.Emit(context.Background(), TopicCreated{}) {
		t.Fatal("Emit without a bus reported a handler")
	}
	if e.bus.Emit(ctx, nil) {
		t.Fatal("Emit(nil) reported a handler")
	}
	// WithBus reaches the bus outside any scope.
	w2 := eventbus.Expect[TopicCreated](e.bus)
	if !eventbus.Emit(eventbus.WithBus(context.Background(), e.bus), TopicCreated{ID: "b"}) {
		t.Fatal("Emit through WithBus failed")
	}
	wait(t, w2)
	wantSeen(t, e.sink, "indexed:b")
}

func TestAwaitRespectsDeadline(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := eventbus.Await[TopicCreated](ctx, e.bus); !errors.Is(err, context.Canceled) {
		t.Fatalf("Await with a cancelled ctx: %v", err)
	}
	if err := e.bus.WaitIdle(ctx); err != nil {
		t.Fatalf("an idle bus: %v", err)
	}
}

func TestConcurrentEmits(t *testing.T) {
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created), eventbus.On((*Indexer).Deleted))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			ctx, sc := container.NewScope(context.Background(), e.c)
			defer sc.Close()
			for j := range 50 {
				id := string(rune('a'+i)) + string(rune('0'+j%10))
				eventbus.Emit(ctx, TopicCreated{ID: id})
				eventbus.Emit(ctx, TopicDeleted{ID: id})
			}
		})
	}
	wg.Wait()
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	if n := len(e.sink.list()); n != 800 {
		t.Fatalf("%d handler calls, want 800", n)
	}
}

// Named handles two event types with one shared method, which learns from
// its ctx which event it runs for (tegg's EventContext).
type Named struct {
	proto.Singleton
	Sink *Sink `inject:""`
}

func (h *Named) Created(ctx context.Context, e TopicCreated) error { return h.record(ctx, e.ID) }
func (h *Named) Deleted(ctx context.Context, e TopicDeleted) error { return h.record(ctx, e.ID) }

func (h *Named) record(ctx context.Context, id string) error {
	name := eventbus.EventName(ctx)
	h.Sink.add(name[strings.LastIndexByte(name, '.')+1:] + ":" + id)
	return nil
}

func TestHandlerLearnsItsEvent(t *testing.T) {
	e := newEnv(t, new(Named), new(Indexer), eventbus.On((*Named).Created), eventbus.On((*Named).Deleted), eventbus.On((*Indexer).Created))
	ctx, _ := e.request(t)
	created, deleted := eventbus.Expect[TopicCreated](e.bus), eventbus.Expect[TopicDeleted](e.bus)
	eventbus.Emit(ctx, TopicCreated{ID: "a"})
	eventbus.Emit(ctx, TopicDeleted{ID: "b"})
	wait(t, created)
	wait(t, deleted)
	wantSeen(t, e.sink, "TopicCreated:a", "TopicDeleted:b", "indexed:a")
	if name := eventbus.EventName(ctx); name != "" {
		t.Errorf("EventName outside a handler = %q", name)
	}
	got := e.bus.Handlers(reflect.TypeFor[TopicCreated]())
	if want := []string{"eventbus_test.(*Named).Created", "eventbus_test.(*Indexer).Created"}; !slices.Equal(got, want) {
		t.Errorf("Handlers(TopicCreated) = %v, want %v", got, want)
	}
	if got := e.bus.Handlers(reflect.TypeFor[int]()); got != nil {
		t.Errorf("Handlers(int) = %v", got)
	}
}
