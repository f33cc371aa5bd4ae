package eventbus_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/proto"
)

// loopback is a Transport that serialises events and delivers them back,
// as a broker would: it shows the seam's contract end to end.
type loopback struct {
	mu        sync.Mutex
	published []string // topic:payload in publish order
	sub       eventbus.Subscription
	deliver   eventbus.Deliver
	results   []string // what each Done reported, in order
	closed    bool
}

func (l *loopback) Publish(ctx context.Context, topic string, event any) error {
	data, err := json.Marshal(event)
	if err != nil {
		return err
	}
	l.mu.Lock()
	l.published = append(l.published, topic+":"+string(data))
	deliver := l.deliver
	l.mu.Unlock()
	decode := func(into any) error { return json.Unmarshal(data, into) }
	done := func(broadcast bool) func(error) {
		return func(err error) {
			l.mu.Lock()
			defer l.mu.Unlock()
			r := fmt.Sprintf("%s broadcast=%v: ok", data, broadcast)
			if err != nil {
				r = fmt.Sprintf("%s broadcast=%v: %v", data, broadcast, err)
			}
			l.results = append(l.results, r)
		}
	}
	// As a broker would: the grouped handlers once (here), the broadcast
	// ones in every process (here too).
	if slices.Contains(l.sub.Grouped, topic) {
		if err := deliver(context.Background(), eventbus.Message{Topic: topic, Decode: decode, Done: done(false)}); err != nil {
			return err
		}
	}
	if slices.Contains(l.sub.Broadcast, topic) {
		return deliver(context.Background(), eventbus.Message{Topic: topic, Broadcast: true, Decode: decode, Done: done(true)})
	}
	return nil
}

func (l *loopback) Subscribe(ctx context.Context, sub eventbus.Subscription, deliver eventbus.Deliver) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sub, l.deliver = sub, deliver
	return nil
}

func (l *loopback) resultList() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Sorted(slices.Values(l.results))
}

func (l *loopback) Close(ctx context.Context) error {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	return nil
}

func TestTransportSeam(t *testing.T) {
	tr := &loopback{}
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created), eventbus.On((*Indexer).Deleted),
		func(c *container.Container) {
			_ = c.Provide(func() *eventbus.Config { return &eventbus.Config{Transport: tr} })
		})
	if want := []string{"github.com/teggo/teggo/eventbus_test.TopicCreated", "github.com/teggo/teggo/eventbus_test.TopicDeleted"}; !slices.Equal(tr.sub.Grouped, want) || len(tr.sub.Broadcast) != 0 {
		t.Fatalf("subscribed %+v, want grouped %q", tr.sub, want)
	}
	ctx, _ := e.request(t)
	eventbus.Cork(ctx)
	eventbus.Emit(ctx, TopicCreated{ID: "1"})
	eventbus.Emit(ctx, TopicDeleted{ID: "1"})
	eventbus.Emit(ctx, TopicCreated{ID: "2"})
	if len(tr.published) != 0 {
		t.Fatal("a corked event was published")
	}
	if err := eventbus.Uncork(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	want := []string{ // flushed in emit order
		`github.com/teggo/teggo/eventbus_test.TopicCreated:{"ID":"1"}`,
		`github.com/teggo/teggo/eventbus_test.TopicDeleted:{"ID":"1"}`,
		`github.com/teggo/teggo/eventbus_test.TopicCreated:{"ID":"2"}`,
	}
	if !slices.Equal(tr.published, want) {
		t.Fatalf("published %q, want %q", tr.published, want)
	}
	wantSeen(t, e.sink, "indexed:1", "unindexed:1", "indexed:2")
	if err := e.bus.Stop(guardCtx(t)); err != nil || !tr.closed {
		t.Fatalf("Stop: %v, transport closed: %v", err, tr.closed)
	}
}

// Broadcast handlers are subscribed apart, and a delivery runs only the set
// it names; Done reports after the handlers, with their errors.
func TestTransportSetsAndDone(t *testing.T) {
	tr := &loopback{}
	e := newEnv(t, new(Indexer), new(Failing), new(Echo),
		eventbus.On((*Indexer).Created), eventbus.On((*Failing).Handle),
		eventbus.On((*Echo).Deleted).Broadcast(),
		func(c *container.Container) {
			_ = c.Provide(func() *eventbus.Config { return &eventbus.Config{Transport: tr} })
		})
	created, deleted := "github.com/teggo/teggo/eventbus_test.TopicCreated", "github.com/teggo/teggo/eventbus_test.TopicDeleted"
	if !slices.Equal(tr.sub.Grouped, []string{created}) || !slices.Equal(tr.sub.Broadcast, []string{deleted}) {
		t.Fatalf("subscribed %+v, want grouped [%s], broadcast [%s]", tr.sub, created, deleted)
	}
	ctx, _ := e.request(t)
	eventbus.Emit(ctx, TopicCreated{ID: "1"})
	eventbus.Emit(ctx, TopicDeleted{ID: "2"})
	if err := e.bus.WaitIdle(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"ID":"1"} broadcast=false: eventbus: handler eventbus_test.(*Failing).Handle: index is down`,
		`{"ID":"2"} broadcast=true: ok`,
	}
	if got := tr.resultList(); !slices.Equal(got, want) {
		t.Fatalf("Done reported %q, want %q", got, want)
	}
	wantSeen(t, e.sink, "echo:2", "indexed:1")
	// A delivery of a set the topic lacks is refused, and Done is not called.
	err := tr.deliver(context.Background(), eventbus.Message{Topic: deleted, Decode: func(any) error { return nil },
		Done: func(error) { t.Error("Done called for a refused delivery") }})
	if err == nil {
		t.Fatal("a grouped delivery of a broadcast-only topic was accepted")
	}
	decodeErr := errors.New("bad payload")
	if err := tr.deliver(context.Background(), eventbus.Message{Topic: created, Decode: func(any) error { return decodeErr }}); !errors.Is(err, decodeErr) {
		t.Fatalf("decode failure: %v, want it wrapped", err)
	}
	if err := e.bus.Stop(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
}

// With a transport, an event no local handler takes is published all the
// same: another process may handle it.
func TestTransportPublishesUnhandledTypes(t *testing.T) {
	tr := &loopback{}
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created),
		func(c *container.Container) {
			_ = c.Provide(func() *eventbus.Config { return &eventbus.Config{Transport: tr} })
		})
	ctx, _ := e.request(t)
	if !eventbus.Emit(ctx, Unhandled{N: 7}) || !e.bus.Emit(ctx, Unhandled{N: 8}) {
		t.Fatal("Emit of a type without local handlers returned false with a transport")
	}
	want := []string{`github.com/teggo/teggo/eventbus_test.Unhandled:{"N":7}`, `github.com/teggo/teggo/eventbus_test.Unhandled:{"N":8}`}
	if !slices.Equal(tr.published, want) {
		t.Fatalf("published %q, want %q", tr.published, want)
	}
}

// Echo records deletions; it is declared Broadcast above.
type Echo struct {
	proto.Singleton
	Sink *Sink `inject:""`
}

func (h *Echo) Deleted(ctx context.Context, e TopicDeleted) error {
	h.Sink.add("echo:" + e.ID)
	return nil
}
