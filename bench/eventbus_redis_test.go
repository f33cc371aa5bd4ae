package bench

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmredis "github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/eventbus/redisstream"
	"github.com/teggo/teggo/internal/redistest"
	"github.com/teggo/teggo/proto"
)

// Events across processes on Redis Streams, end to end: a publishing side
// emits b.N events; a consuming side, with its own Redis connections and
// its own goroutines, runs the handler of each (once, in a consumer group)
// and acknowledges it. The clock runs from the first emit until the
// handler has run b.N times. events/s = b.N / elapsed. Both sides share the
// benchmark's process but nothing else: each has its own go-redis client,
// bus (or watermill publisher and subscriber) and goroutines, as two
// processes would. A private redis-server (internal/redistest) serves both.

type crossEvent struct{ N int }

// crossCount counts the handled events and says when the last arrived.
type crossCount struct {
	n    atomic.Int64
	want int64
	done chan struct{}
}

func (c *crossCount) add() {
	if c.n.Add(1) == c.want {
		close(c.done)
	}
}

type crossHandler struct {
	proto.Singleton
	Count *crossCount `inject:""`
}

func (h *crossHandler) Handle(ctx context.Context, e crossEvent) error {
	h.Count.add()
	return nil
}

// crossBus is one side of the teggo run: a bus whose transport has its own
// client; handle registers the handler.
func crossBus(b *testing.B, addr string, count *crossCount, handle bool) *eventbus.Bus {
	rc := redis.NewClient(&redis.Options{Addr: addr})
	b.Cleanup(func() { _ = rc.Close() })
	tr := redisstream.New(rc, redisstream.Group("bench"))
	c := container.New()
	c.Install(eventbus.Module())
	if handle {
		c.Register(new(crossHandler), eventbus.On((*crossHandler).Handle))
		_ = c.Provide(func() *crossCount { return count })
	}
	_ = c.Provide(func() *eventbus.Config { return &eventbus.Config{Transport: tr} })
	ctx := context.Background()
	if err := c.Build(ctx); err != nil {
		b.Fatal(err)
	}
	bus, err := container.Lookup[*eventbus.Bus](c)
	if err != nil {
		b.Fatal(err)
	}
	if err := bus.Start(ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_ = bus.Stop(sctx)
		_ = c.Stop(sctx)
	})
	return bus
}

// flush empties the server between runs, so that each starts on empty
// streams.
func flush(b *testing.B, addr string) {
	rc := redis.NewClient(&redis.Options{Addr: addr})
	defer rc.Close()
	if err := rc.FlushAll(context.Background()).Err(); err != nil {
		b.Fatal(err)
	}
}

func waitCount(b *testing.B, c *crossCount) {
	select {
	case <-c.done:
	case <-time.After(2 * time.Minute):
		b.Fatalf("only %d of %d events handled", c.n.Load(), c.want)
	}
}

func benchTeggoCross(b *testing.B, addr string) {
	flush(b, addr)
	count := &crossCount{want: int64(b.N), done: make(chan struct{})}
	crossBus(b, addr, count, true) // the consumer: subscribes, creating the group
	pub := crossBus(b, addr, nil, false)
	ctx := eventbus.WithBus(context.Background(), pub)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if !eventbus.Emit(ctx, crossEvent{N: i}) {
			b.Fatal("Emit refused")
		}
	}
	waitCount(b, count)
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

// benchWatermillCross is the same on watermill-redisstream: a publisher
// and a subscriber (consumer group "bench") with their own clients, the
// handler acknowledging each message. publishers goroutines share the
// b.N publishes: watermill's Publish sends one XADD and waits for it.
func benchWatermillCross(b *testing.B, addr string, publishers int) {
	flush(b, addr)
	const topic = "bench:watermill"
	pc := redis.NewClient(&redis.Options{Addr: addr})
	sc := redis.NewClient(&redis.Options{Addr: addr})
	b.Cleanup(func() { _ = pc.Close(); _ = sc.Close() })
	pub, err := wmredis.NewPublisher(wmredis.PublisherConfig{Client: pc, DefaultMaxlen: redisstream.DefaultMaxLen}, watermill.NopLogger{})
	if err != nil {
		b.Fatal(err)
	}
	sub, err := wmredis.NewSubscriber(wmredis.SubscriberConfig{Client: sc, ConsumerGroup: "bench", Consumer: "c1"}, watermill.NopLogger{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	msgs, err := sub.Subscribe(ctx, topic)
	if err != nil {
		b.Fatal(err)
	}
	count := &crossCount{want: int64(b.N), done: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for m := range msgs {
			var e crossEvent
			if json.Unmarshal(m.Payload, &e) == nil {
				count.add()
			}
			m.Ack()
		}
	}()
	b.Cleanup(func() {
		cancel()
		_ = sub.Close()
		_ = pub.Close()
		wg.Wait()
	})
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var next atomic.Int64
	var pwg sync.WaitGroup
	for range publishers {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				payload, _ := json.Marshal(crossEvent{N: int(i)})
				if err := pub.Publish(topic, message.NewMessage(strconv.FormatInt(i, 10), payload)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	pwg.Wait()
	waitCount(b, count)
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

func BenchmarkEventbusRedisStreams(b *testing.B) {
	srv := redistest.Start(b)
	b.Run("teggo", func(b *testing.B) { benchTeggoCross(b, srv.Addr()) })
	b.Run("watermill-redisstream", func(b *testing.B) { benchWatermillCross(b, srv.Addr(), 1) })
	b.Run("watermill-redisstream-8-publishers", func(b *testing.B) { benchWatermillCross(b, srv.Addr(), 8) })
}
