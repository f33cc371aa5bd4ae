package redisstream_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus/redisstream"
)

const group = redisstream.DefaultGroup

// An entry stays pending while its handler runs and is acknowledged only
// once it returned nil.
func TestRedisAckAfterHandlers(t *testing.T) {
	srv, rc := start(t)
	gate, started := make(chan struct{}), make(chan int, 1)
	n := newNode(t, srv.Addr(), func(ctx context.Context, e Ping) error {
		started <- e.ID
		<-gate
		return nil
	})
	n.emit(t, Ping{ID: 1})
	select {
	case <-started:
	case <-time.After(wait):
		t.Fatal("the handler never ran")
	}
	if p := pending(t, rc, group); p != 1 {
		t.Fatalf("pending while the handler runs = %d, want 1", p)
	}
	close(gate)
	waitFor(t, "the entry acknowledged", func() bool { return pending(t, rc, group) == 0 })
	if c := n.rec.count(n.rec.pings, 1); c != 1 {
		t.Fatalf("handled %d times, want 1", c)
	}
}

// A handler that fails leaves the entry pending; it is delivered again
// after ClaimIdle and acknowledged once it succeeds.
func TestRedisFailedHandlerIsRedelivered(t *testing.T) {
	srv, rc := start(t)
	var calls atomic.Int32
	n := newNode(t, srv.Addr(), func(ctx context.Context, e Ping) error {
		if calls.Add(1) == 1 {
			return errors.New("the index is down")
		}
		return nil
	}, redisstream.ClaimIdle(100*time.Millisecond))
	n.emit(t, Ping{ID: 7})
	waitFor(t, "a second delivery", func() bool { return calls.Load() >= 2 })
	waitFor(t, "the entry acknowledged", func() bool { return pending(t, rc, group) == 0 })
	if c := calls.Load(); c != 2 {
		t.Fatalf("handled %d times, want 2 (one failure, one success)", c)
	}
	n.log.WaitFor(t, "eventbus: handler failed", "the index is down")
}

// An entry whose handler fails on every delivery is moved, after
// MaxDeliveries, to the dead-letter stream with one log line.
func TestRedisDeadLetterAfterMaxDeliveries(t *testing.T) {
	srv, rc := start(t)
	var calls atomic.Int32
	n := newNode(t, srv.Addr(), func(ctx context.Context, e Ping) error {
		calls.Add(1)
		return errors.New("always")
	}, redisstream.ClaimIdle(50*time.Millisecond), redisstream.MaxDeliveries(3))
	n.emit(t, Ping{ID: 9})
	dead := redisstream.DeadKey(redisstream.DefaultPrefix, pingTopic)
	waitFor(t, "the entry dead-lettered", func() bool { return rc.XLen(context.Background(), dead).Val() == 1 })
	waitFor(t, "nothing pending", func() bool { return pending(t, rc, group) == 0 })
	if c := calls.Load(); c != 3 {
		t.Fatalf("handled %d times before dead-lettering, want 3", c)
	}
	msgs, err := rc.XRange(context.Background(), dead, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	if v := msgs[0].Values; v[redisstream.DataField] != `{"ID":9}` || v["group"] != group || v["deliveries"] != "3" {
		t.Fatalf("dead-letter entry %v", v)
	}
	log := n.log.WaitFor(t, "moved to the dead-letter stream")
	if c := strings.Count(log, "moved to the dead-letter stream"); c != 1 {
		t.Fatalf("%d dead-letter lines, want 1:\n%s", c, log)
	}
}

// Entries a consumer read and never acknowledged (its process died) are
// claimed by a live consumer once idle for ClaimIdle, and handled there.
func TestRedisClaimsDeadConsumersEntries(t *testing.T) {
	srv, rc := start(t)
	ctx := context.Background()
	stream := redisstream.DefaultPrefix + pingTopic
	if err := rc.XGroupCreateMkStream(ctx, stream, group, "$").Err(); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		rc.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []any{redisstream.DataField, fmt.Sprintf(`{"ID":%d}`, i)}})
	}
	// The ghost reads all 20 and dies without acknowledging.
	got, err := rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: group, Consumer: "ghost", Streams: []string{stream, ">"}, Count: 100, Block: -1}).Result()
	if err != nil || len(got[0].Messages) != 20 {
		t.Fatalf("the ghost read %v, %v", got, err)
	}
	n := newNode(t, srv.Addr(), nil, redisstream.ClaimIdle(200*time.Millisecond))
	waitFor(t, "the ghost's entries handled", func() bool { ids, _ := n.rec.distinct(false); return ids == 20 })
	waitFor(t, "nothing pending", func() bool { return pending(t, rc, group) == 0 })
	if _, calls := n.rec.distinct(false); calls != 20 {
		t.Fatalf("%d calls for 20 entries", calls)
	}
}

// Two processes of one app: a grouped handler runs once per event across
// them, a broadcast handler in both.
func TestRedisBroadcastRunsInEveryConsumer(t *testing.T) {
	srv, _ := start(t)
	a, b := newNode(t, srv.Addr(), nil), newNode(t, srv.Addr(), nil)
	const events = 200
	for i := range events {
		a.emit(t, Ping{ID: i})
		b.emit(t, Note{ID: i})
	}
	waitFor(t, "every note in both", func() bool {
		na, _ := a.rec.distinct(true)
		nb, _ := b.rec.distinct(true)
		return na == events && nb == events
	})
	waitFor(t, "every ping once", func() bool {
		pa, _ := a.rec.distinct(false)
		pb, _ := b.rec.distinct(false)
		return pa+pb >= events
	})
	for i := range events {
		if c := a.rec.count(a.rec.pings, i) + b.rec.count(b.rec.pings, i); c != 1 {
			t.Errorf("ping %d handled %d times, want once", i, c)
		}
		if ca, cb := a.rec.count(a.rec.notes, i), b.rec.count(b.rec.notes, i); ca != 1 || cb != 1 {
			t.Errorf("note %d handled %d and %d times, want once in each", i, ca, cb)
		}
	}
	pa, _ := a.rec.distinct(false)
	t.Logf("pings: %d in one process, %d in the other", pa, events-pa)
}

// XADD MAXLEN ~ keeps the stream near MaxLen however many events pass.
func TestRedisMaxLenCapsTheStream(t *testing.T) {
	srv, rc := start(t)
	tr := redisstream.New(client(t, srv.Addr()), redisstream.MaxLen(500))
	defer tr.Close(context.Background())
	for i := range 5000 {
		if err := tr.Publish(context.Background(), pingTopic, Ping{ID: i}); err != nil {
			t.Fatal(err)
		}
	}
	stream := redisstream.DefaultPrefix + pingTopic
	waitFor(t, "the last event added", func() bool {
		msgs, _ := rc.XRevRangeN(context.Background(), stream, "+", "-", 1).Result()
		return len(msgs) == 1 && msgs[0].Values[redisstream.DataField] == `{"ID":4999}`
	})
	// Approximate trimming removes whole nodes (100 entries by default).
	if n := rc.XLen(context.Background(), stream).Val(); n < 500 || n > 700 {
		t.Fatalf("XLEN = %d after 5000 events with MaxLen 500", n)
	}
}

// Close lets the entries in flight finish and acknowledges them.
func TestRedisCloseAcksInFlight(t *testing.T) {
	srv, rc := start(t)
	gate, started := make(chan struct{}), make(chan int, 10)
	n := newNode(t, srv.Addr(), func(ctx context.Context, e Ping) error {
		started <- e.ID
		<-gate
		return nil
	})
	for i := range 3 {
		n.emit(t, Ping{ID: i})
	}
	for range 3 {
		select {
		case <-started:
		case <-time.After(wait):
			t.Fatal("the handlers never ran")
		}
	}
	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		stopped <- n.bus.Stop(ctx)
	}()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned with handlers running: %v", err)
	case <-time.After(50 * time.Millisecond): // not proof of anything; the check is below
	}
	if p := pending(t, rc, group); p != 3 {
		t.Fatalf("pending before the handlers return = %d, want 3", p)
	}
	close(gate)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if p := pending(t, rc, group); p != 0 {
		t.Fatalf("pending after Stop = %d, want 0: Close did not acknowledge the entries in flight", p)
	}
	if cs, err := rc.XInfoConsumers(context.Background(), redisstream.DefaultPrefix+pingTopic, group).Result(); err != nil || len(cs) != 0 {
		t.Fatalf("consumers after Stop: %v, %v; want none (a stopped process with nothing pending leaves the group)", cs, err)
	}
	if err := n.tr.Publish(context.Background(), pingTopic, Ping{}); err == nil {
		t.Fatal("Publish after Close accepted an event")
	}
}

// Redis stops: Publish fails with CodeUnavailable, the outage is logged
// once; it restarts (empty): the group is created again and delivery
// resumes, and the recovery is logged once.
func TestRedisRestartedMidwayResumes(t *testing.T) {
	srv, _ := start(t)
	n := newNode(t, srv.Addr(), nil)
	n.emit(t, Ping{ID: 1})
	waitFor(t, "the first ping", func() bool { return n.rec.count(n.rec.pings, 1) == 1 })

	srv.Stop()
	n.log.WaitFor(t, "eventbus: redis unavailable") // the readers notice
	var perr error
	waitFor(t, "Publish to fail", func() bool {
		perr = n.tr.Publish(context.Background(), pingTopic, Ping{ID: 99})
		return perr != nil
	})
	if !errors.Is(perr, redisstream.CodeUnavailable) || container.CodeOf(perr) != redisstream.CodeUnavailable {
		t.Fatalf("Publish with Redis down: %v, want CodeUnavailable", perr)
	}
	time.Sleep(300 * time.Millisecond) // let the readers retry a few times: still one warning
	srv.Restart()
	waitFor(t, "Publish to work again", func() bool {
		return n.tr.Publish(context.Background(), pingTopic, Ping{ID: 2}) == nil
	})
	waitFor(t, "a ping published after the restart handled", func() bool { return n.rec.count(n.rec.pings, 2) >= 1 })
	for i := 3; i < 50; i++ {
		n.emit(t, Ping{ID: i})
	}
	waitFor(t, "every ping after the restart", func() bool {
		for i := 3; i < 50; i++ {
			if n.rec.count(n.rec.pings, i) == 0 {
				return false
			}
		}
		return true
	})
	log := n.log.WaitFor(t, "eventbus: redis available again")
	if c := strings.Count(log, "eventbus: redis unavailable"); c != 1 {
		t.Fatalf("%d outage warnings, want 1:\n%s", c, log)
	}
}

// Close sends every event Publish accepted before it, in publish order.
func TestRedisCloseSendsWhatPublishAccepted(t *testing.T) {
	srv, rc := start(t)
	tr := redisstream.New(client(t, srv.Addr()))
	const events = 20000
	for i := range events {
		if err := tr.Publish(context.Background(), pingTopic, Ping{ID: i}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tr.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs, err := rc.XRange(context.Background(), redisstream.DefaultPrefix+pingTopic, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != events {
		t.Fatalf("%d entries after Close, want %d", len(msgs), events)
	}
	for i, m := range msgs {
		if want := fmt.Sprintf(`{"ID":%d}`, i); m.Values[redisstream.DataField] != want {
			t.Fatalf("entry %d is %v, want %s: out of order", i, m.Values, want)
		}
	}
}
