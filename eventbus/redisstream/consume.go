package redisstream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/eventbus"
)

// Subscribe creates the app's consumer group on the stream of each grouped
// topic (at the stream's end: the group sees the events added from now
// on; an existing group is kept) and starts reading: one goroutine reads
// the grouped streams (XREADGROUP), one claims idle entries (XAUTOCLAIM)
// and dead-letters those delivered too often, one acknowledges (XACK,
// batched), and one reads the broadcast streams (XREAD). When Redis does
// not answer, Subscribe logs the outage and returns nil: the readers
// create the groups once it is back.
func (t *Transport) Subscribe(ctx context.Context, sub eventbus.Subscription, deliver eventbus.Deliver) error {
	if t.subbed {
		return errors.New("redisstream: Subscribe called twice")
	}
	select {
	case <-t.stop:
		return errors.New("redisstream: Subscribe after Close")
	default:
	}
	t.subbed = true
	t.sub, t.deliver = sub, deliver
	if len(sub.Grouped) > 0 {
		streams := t.keys(sub.Grouped)
		created := true
		if err := t.createGroups(ctx, streams, "$"); err != nil {
			t.health.fail("subscribe", err)
			created = false
		}
		t.acking = true
		go t.acker()
		t.readers.Add(2)
		go t.readGroup(streams, created)
		go t.claimer(streams)
	}
	if len(sub.Broadcast) > 0 {
		streams := t.keys(sub.Broadcast)
		ids, err := t.lastIDs(ctx, streams)
		if err != nil {
			t.health.fail("subscribe", err)
		}
		t.readers.Add(1)
		go t.readBroadcast(streams, ids)
	}
	return nil
}

// keys returns the stream keys of topics.
func (t *Transport) keys(topics []string) []string {
	out := make([]string, len(topics))
	for i, tp := range topics {
		out[i] = t.cfg.Prefix + tp
	}
	return out
}

// topic returns the topic of a stream key.
func (t *Transport) topic(stream string) string { return strings.TrimPrefix(stream, t.cfg.Prefix) }

// createGroups creates the group on each stream at start ("$": its end,
// "0": its beginning), and the stream when missing; an existing group is
// left as it is.
func (t *Transport) createGroups(ctx context.Context, streams []string, start string) error {
	pipe := t.client.Pipeline()
	cmds := make([]*redis.StatusCmd, len(streams))
	for i, s := range streams {
		cmds[i] = pipe.XGroupCreateMkStream(ctx, s, t.cfg.Group, start)
	}
	_, _ = pipe.Exec(ctx)
	for _, c := range cmds {
		if err := c.Err(); err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return err
		}
	}
	return nil
}

// isNoGroup is Redis's answer when the group or the stream is gone (a
// Redis that restarted empty).
func isNoGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

// readGroup reads the grouped streams as this process's consumer until
// Close. A group found missing is created again from the stream's
// beginning, so that the events added since it vanished are not skipped.
func (t *Transport) readGroup(streams []string, created bool) {
	defer t.readers.Done()
	args := make([]string, 0, 2*len(streams))
	args = append(args, streams...)
	for range streams {
		args = append(args, ">")
	}
	start := "$"
	var bo backoff
	for {
		if t.stopped() {
			return
		}
		if !created {
			if err := t.createGroups(context.Background(), streams, start); err != nil {
				t.health.fail("create group", err)
				if !bo.wait(t.stop) {
					return
				}
				continue
			}
			created = true
		}
		free := t.grouped.room(t.stop)
		if free == 0 {
			return
		}
		res, err := t.client.XReadGroup(context.Background(), &redis.XReadGroupArgs{
			Group: t.cfg.Group, Consumer: t.cfg.Consumer, Streams: args,
			Count: min(t.cfg.Count, int64(free)), Block: t.cfg.Block,
		}).Result()
		if isNoGroup(err) {
			created, start = false, "0"
			continue
		}
		got, quit := t.settle(err, &bo)
		if quit {
			return
		}
		if !got {
			continue
		}
		for _, s := range res {
			topic := t.topic(s.Stream)
			for _, m := range s.Messages {
				t.dispatch(topic, s.Stream, m, false)
			}
		}
	}
}

// dispatch hands entry m of stream to the bus. A grouped entry is
// acknowledged once its handlers succeeded; a refused one stays pending,
// to be claimed again.
func (t *Transport) dispatch(topic, stream string, m redis.XMessage, broadcast bool) {
	w := &t.grouped
	if broadcast {
		w = &t.broadcast
	}
	w.take()
	data, hasData := m.Values[DataField].(string)
	msg := eventbus.Message{Topic: topic, Broadcast: broadcast,
		Decode: func(into any) error {
			if !hasData {
				return fmt.Errorf("redisstream: entry %s of %s has no %q field", m.ID, stream, DataField)
			}
			return json.Unmarshal([]byte(data), into)
		},
	}
	if broadcast {
		msg.Done = func(error) { w.release() }
	} else {
		id := m.ID
		msg.Done = func(err error) {
			if err == nil {
				select {
				case t.acks <- ack{stream, id}:
				default: // the acker is far behind: the entry is delivered again after ClaimIdle
				}
			}
			w.release()
		}
	}
	if err := t.deliver(context.Background(), msg); err != nil {
		w.release()
		t.cfg.Logger.Error("eventbus: delivery refused", "stream", stream, "id", m.ID, "broadcast", broadcast, "err", err.Error())
	}
}

// stopped reports whether Close was called.
func (t *Transport) stopped() bool {
	select {
	case <-t.stop:
		return true
	default:
		return false
	}
}

// ack is one entry to acknowledge.
type ack struct{ stream, id string }

// acker acknowledges the entries whose handlers succeeded, all those
// finished since the last round trip in one pipeline, until Close has
// drained the deliveries; a failed round trip is tried again with backoff.
func (t *Transport) acker() {
	defer close(t.ackDone)
	pending := map[string][]string{}
	n := 0
	add := func(a ack) { pending[a.stream] = append(pending[a.stream], a.id); n++ }
	stopping := false
	var bo backoff
	for {
		if n == 0 {
			if stopping && len(t.acks) == 0 {
				return
			}
			select {
			case a := <-t.acks:
				add(a)
			case <-t.ackStop:
				stopping = true
				continue
			}
		}
	drain:
		for n < 8192 {
			select {
			case a := <-t.acks:
				add(a)
			default:
				break drain
			}
		}
		if err := t.xack(pending); err != nil {
			t.health.fail("ack", err)
			if !bo.wait(t.ackGiveUp) {
				t.ackErr = fmt.Errorf("redisstream: Close's deadline came with %d acknowledgement(s) not sent: the entries will be delivered again", n+len(t.acks))
				return
			}
			continue
		}
		t.health.ok()
		bo = backoff{}
		clear(pending)
		n = 0
	}
}

// xack acknowledges pending in one pipeline.
func (t *Transport) xack(pending map[string][]string) error {
	ctx := context.Background()
	pipe := t.client.Pipeline()
	for s, ids := range pending {
		pipe.XAck(ctx, s, t.cfg.Group, ids...)
	}
	_, err := pipe.Exec(ctx)
	if err != nil && isReply(err) {
		return nil // NOGROUP: the group is gone, and with it what was pending
	}
	return err
}

// claimer claims, every ClaimIdle/2, the entries of the grouped streams
// idle for ClaimIdle in any consumer of the group (their handlers failed,
// or their process died): it delivers them again here, or moves those
// delivered MaxDeliveries times to the dead-letter stream.
func (t *Transport) claimer(streams []string) {
	defer t.readers.Done()
	every := min(max(t.cfg.ClaimIdle/2, 10*time.Millisecond), 30*time.Second)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
		}
		for _, s := range streams {
			if !t.claim(s) {
				break
			}
		}
	}
}

// claim claims the idle entries of stream; false when Redis failed or the
// transport is full or closing.
func (t *Transport) claim(stream string) bool {
	ctx := context.Background()
	start := "0-0"
	for {
		if t.stopped() {
			return false
		}
		free := t.grouped.free()
		if free <= 0 {
			return false
		}
		msgs, next, err := t.client.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: stream, Group: t.cfg.Group,
			MinIdle: t.cfg.ClaimIdle, Start: start, Count: min(t.cfg.Count, int64(free)), Consumer: t.cfg.Consumer}).Result()
		if isNoGroup(err) {
			return true // the reader creates it again
		}
		if err != nil {
			t.health.fail("claim", err)
			return false
		}
		if len(msgs) > 0 {
			counts, err := t.deliveries(ctx, stream, msgs)
			if err != nil {
				t.health.fail("claim", err)
				return false
			}
			topic := t.topic(stream)
			for _, m := range msgs {
				if n := counts[m.ID]; n > t.cfg.MaxDeliveries {
					t.deadLetter(ctx, topic, stream, m, n-1)
					continue
				}
				t.dispatch(topic, stream, m, false)
			}
		}
		if next == "" || next == "0-0" {
			return true
		}
		start = next
	}
}

// deliveries returns the delivery count of each of msgs, just claimed by
// this consumer (the claim counted as one).
func (t *Transport) deliveries(ctx context.Context, stream string, msgs []redis.XMessage) (map[string]int64, error) {
	pend, err := t.client.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: stream, Group: t.cfg.Group,
		Start: msgs[0].ID, End: msgs[len(msgs)-1].ID, Count: int64(len(msgs)) + int64(t.grouped.max), Consumer: t.cfg.Consumer}).Result()
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(pend))
	for _, p := range pend {
		out[p.ID] = p.RetryCount
	}
	return out, nil
}

// deadLetter moves entry m, delivered n times, to the topic's dead-letter
// stream and acknowledges it, in one transaction, with one log line. When
// Redis fails, m stays pending and is claimed again later.
func (t *Transport) deadLetter(ctx context.Context, topic, stream string, m redis.XMessage, n int64) {
	dead := DeadKey(t.cfg.Prefix, topic)
	data, _ := m.Values[DataField].(string)
	pipe := t.client.TxPipeline()
	pipe.XAdd(ctx, &redis.XAddArgs{Stream: dead, MaxLen: t.cfg.MaxLen, Approx: true, Values: []any{
		DataField, data, "id", m.ID, "group", t.cfg.Group, "deliveries", strconv.FormatInt(n, 10)}})
	pipe.XAck(ctx, stream, t.cfg.Group, m.ID)
	if _, err := pipe.Exec(ctx); err != nil {
		t.health.fail("dead-letter", err)
		return
	}
	t.cfg.Logger.Error("eventbus: event moved to the dead-letter stream: its handlers failed on every delivery",
		"topic", topic, "id", m.ID, "deliveries", n, "group", t.cfg.Group, "dead", dead)
}

// lastIDs returns the last entry id of each stream ("0-0" when empty), from
// which a broadcast reader starts.
func (t *Transport) lastIDs(ctx context.Context, streams []string) ([]string, error) {
	pipe := t.client.Pipeline()
	cmds := make([]*redis.XMessageSliceCmd, len(streams))
	for i, s := range streams {
		cmds[i] = pipe.XRevRangeN(ctx, s, "+", "-", 1)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	ids := make([]string, len(streams))
	for i, c := range cmds {
		ids[i] = "0-0"
		if msgs, err := c.Result(); err == nil && len(msgs) > 0 {
			ids[i] = msgs[0].ID
		}
	}
	return ids, nil
}

// readBroadcast reads the broadcast streams from ids (nil: their ends,
// once Redis answers) until Close, with plain XREAD: every process sees
// every entry added after it started, and acknowledges nothing.
func (t *Transport) readBroadcast(streams, ids []string) {
	defer t.readers.Done()
	index := make(map[string]int, len(streams))
	for i, s := range streams {
		index[s] = i
	}
	var bo backoff
	for {
		if t.stopped() {
			return
		}
		if ids == nil {
			var err error
			if ids, err = t.lastIDs(context.Background(), streams); err != nil {
				t.health.fail("read", err)
				if !bo.wait(t.stop) {
					return
				}
				continue
			}
		}
		free := t.broadcast.room(t.stop)
		if free == 0 {
			return
		}
		res, err := t.client.XRead(context.Background(), &redis.XReadArgs{
			Streams: append(append(make([]string, 0, 2*len(streams)), streams...), ids...),
			Count:   min(t.cfg.Count, int64(free)), Block: t.cfg.Block,
		}).Result()
		got, quit := t.settle(err, &bo)
		if quit {
			return
		}
		if !got {
			continue
		}
		for _, s := range res {
			topic := t.topic(s.Stream)
			for _, m := range s.Messages {
				t.dispatch(topic, s.Stream, m, true)
				ids[index[s.Stream]] = m.ID
			}
		}
	}
}

// Close stops reading (the reads in progress end within Block), waits for
// the entries in flight to finish and acknowledges those that succeeded,
// and sends what Publish accepted, all bounded by ctx; what was not done
// by then is in the error (unacknowledged entries are delivered again to
// another process after ClaimIdle). Close may be called more than once.
func (t *Transport) Close(ctx context.Context) error {
	t.closeOnce.Do(func() {
		close(t.pubStop)
		t.pubMu.Lock()
		t.pubClosed = true
		t.pubMu.Unlock()
		t.pubOnce.Do(func() { close(t.pubDone) }) // never started: nothing to send
		close(t.stop)

		var errs []error
		readers := make(chan struct{})
		go func() { t.readers.Wait(); close(readers) }()
		select {
		case <-readers:
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("redisstream: a read still in progress at Close's deadline: %w", ctx.Err()))
		}
		if err := t.grouped.waitEmpty(ctx); err != nil {
			errs = append(errs, err)
		}
		if err := t.broadcast.waitEmpty(ctx); err != nil {
			errs = append(errs, err)
		}
		if t.acking {
			close(t.ackStop)
			select {
			case <-t.ackDone:
			case <-ctx.Done():
				close(t.ackGiveUp)
				<-t.ackDone
			}
			if t.ackErr != nil {
				errs = append(errs, t.ackErr)
			} else if ctx.Err() == nil {
				t.leaveGroup(ctx)
			}
		}
		close(t.pubDrain)
		select {
		case <-t.pubDone:
		case <-ctx.Done():
			close(t.pubGiveUp)
			<-t.pubDone
		}
		if t.pubErr != nil {
			errs = append(errs, t.pubErr)
		}
		t.closeErr = errors.Join(errs...)
	})
	return t.closeErr
}

// window counts the entries in flight of one kind, up to max.
type window struct {
	mu  sync.Mutex
	n   int
	max int
	ch  chan struct{} // closed at the next release
}

func (w *window) init(max int) { w.max = max }

func (w *window) take() {
	w.mu.Lock()
	w.n++
	w.mu.Unlock()
}

func (w *window) release() {
	w.mu.Lock()
	w.n--
	if w.ch != nil {
		close(w.ch)
		w.ch = nil
	}
	w.mu.Unlock()
}

// free is the room left now.
func (w *window) free() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.max - w.n
}

// next returns the room left, and when there is none a channel closed at
// the next release.
func (w *window) next() (int, chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if free := w.max - w.n; free > 0 {
		return free, nil
	}
	if w.ch == nil {
		w.ch = make(chan struct{})
	}
	return 0, w.ch
}

// room waits for room and returns it; 0 when stop closed first.
func (w *window) room(stop <-chan struct{}) int {
	for {
		free, ch := w.next()
		if ch == nil {
			return free
		}
		select {
		case <-ch:
		case <-stop:
			return 0
		}
	}
}

// waitEmpty waits until nothing is in flight, or ctx is done.
func (w *window) waitEmpty(ctx context.Context) error {
	for {
		w.mu.Lock()
		n := w.n
		if n == 0 {
			w.mu.Unlock()
			return nil
		}
		if w.ch == nil {
			w.ch = make(chan struct{})
		}
		ch := w.ch
		w.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("redisstream: %d delivery(ies) unfinished at Close's deadline (delivered again after ClaimIdle): %w", n, ctx.Err())
		}
	}
}

// leaveGroup removes this consumer from the group on each grouped stream
// where it holds no pending entry, so that the groups do not collect the
// names of stopped processes (one that holds entries stays: deleting it
// would drop them). A process that died keeps its name there, harmless.
func (t *Transport) leaveGroup(ctx context.Context) {
	for _, s := range t.keys(t.sub.Grouped) {
		pend, err := t.client.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: s, Group: t.cfg.Group,
			Start: "-", End: "+", Count: 1, Consumer: t.cfg.Consumer}).Result()
		if err != nil || len(pend) > 0 {
			continue
		}
		_ = t.client.XGroupDelConsumer(ctx, s, t.cfg.Group, t.cfg.Consumer).Err()
	}
}

// settle records the outcome of a read: got says it brought entries to
// dispatch; after a failure it waits out the backoff, and quit says the
// transport stopped meanwhile.
func (t *Transport) settle(err error, bo *backoff) (got, quit bool) {
	switch {
	case errors.Is(err, redis.Nil): // the block timed out: nothing new
		t.health.ok()
		*bo = backoff{}
		return false, false
	case err != nil:
		t.health.fail("read", err)
		return false, !bo.wait(t.stop)
	}
	t.health.ok()
	*bo = backoff{}
	return true, false
}
