package eventbus_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
)

// loopback is a Transport that serialises events and delivers them back,
// as a broker would: it shows the seam's contract end to end.
type loopback struct {
	mu        sync.Mutex
	published []string // topic:payload in publish order
	topics    []string
	deliver   eventbus.Deliver
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
	return deliver(context.Background(), topic, func(into any) error { return json.Unmarshal(data, into) })
}

func (l *loopback) Subscribe(ctx context.Context, topics []string, deliver eventbus.Deliver) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.topics, l.deliver = slices.Sorted(slices.Values(topics)), deliver
	return nil
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
	if want := []string{"github.com/teggo/teggo/eventbus_test.TopicCreated", "github.com/teggo/teggo/eventbus_test.TopicDeleted"}; !slices.Equal(tr.topics, want) {
		t.Fatalf("subscribed %q, want %q", tr.topics, want)
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
