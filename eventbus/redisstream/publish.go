package redisstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
)

// Transport is the eventbus.Transport on Redis Streams; make it with New
// and give it to the bus with eventbus.Config{Transport: t} (the App does,
// from eventbus.transport: redis).
type Transport struct {
	client redis.UniversalClient
	cfg    Config
	health health

	// publishing
	pubOnce   sync.Once
	pubCh     chan pubItem
	pubStop   chan struct{} // closed by Close: Publish no longer waits for room
	pubMu     sync.RWMutex  // Publish holds it shared while it queues; Close exclusively to shut the door
	pubClosed bool
	pubDown   atomic.Bool           // the last send failed: Publish fails fast
	pubCause  atomic.Pointer[error] // why the last send failed
	pubDrain  chan struct{}         // closed by Close: send what is queued, then return
	pubDone   chan struct{}         // closed when the publisher returned
	pubGiveUp chan struct{}         // closed when Close's deadline passed before the queue was sent
	pubErr    error                 // what the publisher could not send, once pubDone is closed

	// consuming (consume.go)
	sub       eventbus.Subscription
	deliver   eventbus.Deliver
	subbed    bool
	stop      chan struct{} // closed by Close: stop reading
	readers   sync.WaitGroup
	grouped   window
	broadcast window
	acks      chan ack
	acking    bool          // the acker runs
	ackStop   chan struct{} // closed by Close once the deliveries are drained
	ackGiveUp chan struct{} // closed when Close's deadline passed before the acks were sent
	ackDone   chan struct{}
	ackErr    error
	closeOnce sync.Once
	closeErr  error
}

var _ eventbus.Transport = (*Transport)(nil)

// pubItem is one event waiting to be sent.
type pubItem struct {
	stream string
	data   []byte
}

// New returns a Transport on client (the App's *redis.Client, a cluster
// or a sentinel client). Nothing runs until the first Publish or Subscribe.
func New(client redis.UniversalClient, opts ...Option) *Transport {
	t := &Transport{client: client}
	for _, o := range opts {
		o(&t.cfg)
	}
	t.cfg.fill()
	t.health.log = t.cfg.Logger
	t.pubCh = make(chan pubItem, t.cfg.Buffer)
	t.pubStop = make(chan struct{})
	t.pubDrain = make(chan struct{})
	t.pubDone = make(chan struct{})
	t.pubGiveUp = make(chan struct{})
	t.stop = make(chan struct{})
	t.ackStop = make(chan struct{})
	t.ackDone = make(chan struct{})
	t.ackGiveUp = make(chan struct{})
	t.grouped.init(4 * int(t.cfg.Count))
	t.broadcast.init(4 * int(t.cfg.Count))
	t.acks = make(chan ack, 16*t.cfg.Count)
	return t
}

// Config returns the transport's settings, defaults filled in.
func (t *Transport) Config() Config { return t.cfg }

// Publish queues event, as JSON, for the stream of topic, and returns: a
// goroutine sends the queued events in one pipeline of XADDs, in the order
// they were published. While Redis does not answer it returns an error
// matching CodeUnavailable at once, and the event is not accepted; when the
// queue (Buffer) is full it waits for room until ctx is done. An event
// accepted but not yet sent is lost if the process dies.
func (t *Transport) Publish(ctx context.Context, topic string, event any) error {
	if t.pubDown.Load() {
		var cause error
		if p := t.pubCause.Load(); p != nil {
			cause = *p
		}
		return &container.Error{Code: CodeUnavailable, Msg: "redis does not answer: event " + topic + " not published",
			Hint: "the events published before the outage are sent when it answers again", Err: cause}
	}
	data, err := json.Marshal(event)
	if err != nil {
		return fmt.Errorf("redisstream: encoding %s: %w", topic, err)
	}
	t.pubMu.RLock()
	defer t.pubMu.RUnlock()
	if t.pubClosed {
		return errors.New("redisstream: publish after Close: event " + topic + " not published")
	}
	t.pubOnce.Do(func() { go t.publisher() })
	it := pubItem{stream: t.cfg.Prefix + topic, data: data}
	select {
	case t.pubCh <- it:
		return nil
	default:
	}
	select {
	case t.pubCh <- it:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("redisstream: publish queue full until the emitter's ctx was done: event %s not published: %w", topic, context.Cause(ctx))
	case <-t.pubStop:
		return errors.New("redisstream: publish during Close: event " + topic + " not published")
	}
}

// maxBatch bounds one pipeline of XADDs.
const maxBatch = 1024

// publisher sends the queued events until Close, batching what is queued
// into one pipeline. A batch that fails for want of Redis is sent again,
// with backoff, until it goes through or Close's deadline ends.
func (t *Transport) publisher() {
	defer close(t.pubDone)
	batch := make([]pubItem, 0, maxBatch)
	draining := false
	for {
		if len(batch) == 0 {
			if draining { // Publish no longer queues: what is left is all there is
				select {
				case it := <-t.pubCh:
					batch = append(batch, it)
				default:
					return
				}
			} else {
				select {
				case it := <-t.pubCh:
					batch = append(batch, it)
				case <-t.pubDrain:
					draining = true
					continue
				}
			}
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case it := <-t.pubCh:
				batch = append(batch, it)
			default:
				break fill
			}
		}
		if len(batch) == 0 {
			continue
		}
		if !t.send(batch) {
			t.pubErr = fmt.Errorf("redisstream: Close's deadline came with %d event(s) not sent", len(batch)+len(t.pubCh))
			return
		}
		clear(batch)
		batch = batch[:0]
	}
}

// send sends batch, retrying while Redis does not answer; false when Close
// gave up on it.
func (t *Transport) send(batch []pubItem) bool {
	var backoff backoff
	for {
		err := t.xadd(batch)
		if err == nil {
			t.pubDown.Store(false)
			t.health.ok()
			return true
		}
		t.pubCause.Store(&err)
		t.pubDown.Store(true)
		t.health.fail("publish", err)
		if !backoff.wait(t.pubGiveUp) {
			return false
		}
	}
}

// xadd sends batch in one pipeline. An entry Redis refuses (a key of
// another type) is logged and skipped; an error of the connection fails
// the whole batch, to be sent again (the entries that went through then
// appear twice: at least once).
func (t *Transport) xadd(batch []pubItem) error {
	ctx := context.Background()
	pipe := t.client.Pipeline()
	cmds := make([]*redis.StringCmd, len(batch))
	for i, it := range batch {
		cmds[i] = pipe.XAdd(ctx, &redis.XAddArgs{Stream: it.stream, MaxLen: t.cfg.MaxLen, Approx: true, Values: []any{DataField, it.data}})
	}
	_, err := pipe.Exec(ctx)
	if err == nil {
		return nil
	}
	for i, c := range cmds {
		cerr := c.Err()
		if cerr == nil {
			continue
		}
		if !isReply(cerr) {
			return cerr
		}
		t.cfg.Logger.Error("eventbus: redis refused an event: dropped", "stream", batch[i].stream, "err", cerr.Error())
	}
	return nil
}

// isReply reports whether err is Redis's answer (a command error), not a
// failure to reach it.
func isReply(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && !errors.Is(err, redis.ErrClosed) && !isLoading(err)
}

// isLoading is a restarted Redis still loading its data.
func isLoading(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && len(re.Error()) >= 7 && re.Error()[:7] == "LOADING"
}

// health reports an outage once, and its end once.
type health struct {
	log  *slog.Logger
	mu   sync.Mutex
	down bool
}

func (h *health) fail(op string, err error) {
	h.mu.Lock()
	first := !h.down
	h.down = true
	h.mu.Unlock()
	if first {
		h.log.Warn("eventbus: redis unavailable: publishing fails and delivery waits until it answers", "op", op, "err", err.Error())
	}
}

func (h *health) ok() {
	h.mu.Lock()
	was := h.down
	h.down = false
	h.mu.Unlock()
	if was {
		h.log.Info("eventbus: redis available again")
	}
}

// backoff waits 50 ms, doubling up to 2 s, with jitter.
type backoff struct{ d time.Duration }

// wait sleeps the next delay; false when quit closed first.
func (b *backoff) wait(quit <-chan struct{}) bool {
	switch {
	case b.d == 0:
		b.d = 50 * time.Millisecond
	case b.d < 2*time.Second:
		b.d = min(2*b.d, 2*time.Second)
	}
	d := b.d/2 + rand.N(b.d/2+1)
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-quit:
		return false
	}
}
