// Command streamconsumer is the consuming process of the cross-process
// Redis Streams benchmark (bench's BenchmarkEventbusRedisStreamsCrossProcess):
// it subscribes to one stream in a consumer group and handles every entry
// it is given, then acknowledges it.
//
//	streamconsumer -lib teggo -redis 127.0.0.1:6379 -prefix bench:1: -group bench-1
//	streamconsumer -lib watermill -redis 127.0.0.1:6379 -topic bench:1 -group bench-1
//
// With -lib teggo it builds a container with an event bus on the
// eventbus/redisstream transport (stream prefix -prefix, group -group) and
// a handler of streamevent.Event that does nothing; the stream is -prefix
// followed by streamevent.Topic(). With -lib watermill it runs a
// watermill-redisstream subscriber on the stream -topic in the group
// -group, whose handler decodes the JSON payload and acks the message.
//
// Once the group exists on the stream it prints the line "ready" on
// stdout. It runs until SIGINT or SIGTERM, then stops reading and exits 0.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmredis "github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/bench/cmd/streamconsumer/streamevent"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/eventbus/redisstream"
	"github.com/teggo/teggo/proto"
)

// stopTimeout bounds the shutdown after the signal.
const stopTimeout = 10 * time.Second

// Handler is teggo's handler of streamevent.Event.
type Handler struct{ proto.Singleton }

// Handle does nothing: the benchmark measures the transport.
func (h *Handler) Handle(ctx context.Context, e streamevent.Event) error { return nil }

func main() {
	lib := flag.String("lib", "teggo", "teggo or watermill")
	addr := flag.String("redis", "127.0.0.1:6379", "Redis host:port")
	prefix := flag.String("prefix", redisstream.DefaultPrefix, "teggo: the prefix of the stream keys")
	topic := flag.String("topic", "bench:watermill", "watermill: the stream")
	group := flag.String("group", "bench", "the consumer group")
	consumer := flag.String("consumer", "", "the consumer's name in the group (default host-pid)")
	flag.Parse()
	if *consumer == "" {
		host, _ := os.Hostname()
		*consumer = host + "-" + strconv.Itoa(os.Getpid())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rc := redis.NewClient(&redis.Options{Addr: *addr})
	defer rc.Close()
	var err error
	switch *lib {
	case "teggo":
		err = runTeggo(ctx, rc, *prefix, *group, *consumer)
	case "watermill":
		err = runWatermill(ctx, rc, *topic, *group, *consumer)
	default:
		err = fmt.Errorf("unknown -lib %q (teggo or watermill)", *lib)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "streamconsumer:", err)
		os.Exit(1)
	}
}

// runTeggo consumes with teggo's bus until ctx is done.
func runTeggo(ctx context.Context, rc *redis.Client, prefix, group, consumer string) error {
	tr := redisstream.New(rc, redisstream.Prefix(prefix), redisstream.Group(group), redisstream.Consumer(consumer))
	c := container.New()
	c.Install(eventbus.Module())
	c.Register(new(Handler), eventbus.On((*Handler).Handle))
	if err := c.Provide(func() *eventbus.Config { return &eventbus.Config{Transport: tr} }); err != nil {
		return err
	}
	if err := c.Build(ctx); err != nil {
		return err
	}
	bus, err := container.Lookup[*eventbus.Bus](c)
	if err != nil {
		return err
	}
	if err := bus.Start(ctx); err != nil {
		return err
	}
	err = ready(ctx, rc, prefix+streamevent.Topic(), group)
	if err == nil {
		<-ctx.Done()
	}
	sctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	return errors.Join(err, bus.Stop(sctx), c.Stop(sctx))
}

// runWatermill consumes with watermill-redisstream until ctx is done.
func runWatermill(ctx context.Context, rc *redis.Client, topic, group, consumer string) error {
	sub, err := wmredis.NewSubscriber(wmredis.SubscriberConfig{Client: rc, ConsumerGroup: group, Consumer: consumer,
		DisableIndefiniteInitialBlock: true}, watermill.NopLogger{})
	if err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	msgs, err := sub.Subscribe(rctx, topic)
	if err != nil {
		return errors.Join(err, sub.Close())
	}
	handled := make(chan struct{})
	go func() {
		defer close(handled)
		for m := range msgs {
			var e streamevent.Event
			_ = json.Unmarshal(m.Payload, &e)
			m.Ack()
		}
	}()
	err = ready(ctx, rc, topic, group)
	if err == nil {
		<-ctx.Done()
	}
	cancel()
	closed := make(chan error, 1)
	go func() { closed <- sub.Close() }()
	select {
	case cerr := <-closed:
		<-handled
		return errors.Join(err, cerr)
	case <-time.After(stopTimeout):
		return errors.Join(err, fmt.Errorf("watermill subscriber did not close within %s", stopTimeout))
	}
}

// ready waits until group exists on stream, then prints "ready".
func ready(ctx context.Context, rc *redis.Client, stream, group string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		groups, err := rc.XInfoGroups(ctx, stream).Result()
		for _, g := range groups {
			if g.Name == group {
				_, err := fmt.Println("ready")
				return err
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("group %q on stream %q not there after 30s (last error: %v)", group, stream, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
