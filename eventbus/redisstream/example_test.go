package redisstream_test

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/eventbus/redisstream"
	"github.com/teggo/teggo/proto"
)

// UserSignedUp and TopicChanged are events of the example.
type UserSignedUp struct{ ID string }
type TopicChanged struct{ ID string }

// Mailer sends one mail per sign-up: once per app.
type Mailer struct{ proto.Singleton }

func (m *Mailer) OnSignup(ctx context.Context, e UserSignedUp) error { return nil }

// TopicCache keeps a copy per process: each drops its own.
type TopicCache struct {
	proto.Singleton
	mu     sync.Mutex
	topics map[string]string
}

func (c *TopicCache) OnChanged(ctx context.Context, e TopicChanged) error {
	c.mu.Lock()
	delete(c.topics, e.ID)
	c.mu.Unlock()
	return nil
}

func shopTransport(client redis.UniversalClient) *redisstream.Transport {
	return redisstream.New(client,
		redisstream.Group("shop"),          // one group per app: its processes share the events
		redisstream.Prefix("shop:events:"), // several apps on one Redis
		redisstream.MaxLen(1_000_000),      // each stream's approximate cap
		redisstream.ClaimIdle(time.Minute), // longer than the longest handler run
		redisstream.MaxDeliveries(10),      // then the dead-letter stream
	)
}

// A bus on a bare container whose events cross processes. In an App,
// eventbus.transport: redis does this with the App's Redis client.
func Example() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	c := container.New()
	c.Install(eventbus.Module())
	c.Register(new(Mailer), new(TopicCache),
		eventbus.On((*Mailer).OnSignup),                  // once per app, in one of its processes
		eventbus.On((*TopicCache).OnChanged).Broadcast()) // in every process
	_ = c.Provide(func() *eventbus.Config { return &eventbus.Config{Transport: shopTransport(client)} })
	_ = c.Build(context.Background())
}
