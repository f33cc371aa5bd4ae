package teggo

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/eventbus/redisstream"
)

// EventbusKey is the `eventbus` config section. Besides the pool's
// workers and queue (read by the bus), it chooses the transport:
//
//	eventbus:
//	  transport: redis    # "" (in process, the default) or redis: Redis Streams on the redis section's client
//	  group: shop         # the consumer group: one per app; default the config's name, else the executable's name
//	  prefix: "teggo:events:" # before every stream key (redisstream.DefaultPrefix)
//	  maxLen: 100000      # approximate cap of each stream (redisstream.DefaultMaxLen)
//	  claimIdle: 30s      # an unacknowledged entry is delivered again after this (ms or a duration)
//	  maxDeliveries: 5    # deliveries before an entry goes to the dead-letter stream
const EventbusKey = "eventbus"

// TransportRedis is eventbus.transport's value for Redis Streams.
const TransportRedis = "redis"

// eventbusConfig is the transport's part of the eventbus section.
type eventbusConfig struct {
	Transport     string        `yaml:"transport"`
	Group         string        `yaml:"group"`
	Prefix        string        `yaml:"prefix"`
	MaxLen        int64         `yaml:"maxLen"`
	ClaimIdle     time.Duration `yaml:"claimIdle"`
	MaxDeliveries int64         `yaml:"maxDeliveries"`
}

// setupEventbus gives the bus its transport from eventbus.transport, on
// the app's one Redis client. It runs before Build, which creates the bus.
func (a *App) setupEventbus(cfg *config.Config, c *container.Container) error {
	key := EventbusKey + ".transport"
	if !cfg.Exists(key) {
		return nil
	}
	ec, err := config.Section[eventbusConfig](cfg, EventbusKey)
	if err != nil {
		return err
	}
	switch ec.Transport {
	case "":
		return nil
	case TransportRedis:
	default:
		return &container.Error{Code: config.Code, File: cfg.SourceOf(key), Key: key,
			Msg: fmt.Sprintf("unknown transport %q: want %q or none", ec.Transport, TransportRedis)}
	}
	if a.redis == nil {
		return noRedisSection(cfg, key)
	}
	for _, name := range []string{"maxLen", "maxDeliveries"} {
		k := EventbusKey + "." + name
		if n, ok := wholeNumber(cfg.Get(k)); cfg.Exists(k) && (!ok || n <= 0) {
			return &container.Error{Code: config.Code, File: cfg.SourceOf(k), Key: k, Msg: fmt.Sprintf("must be a whole number above 0, not %v", cfg.Get(k))}
		}
	}
	if k := EventbusKey + ".claimIdle"; cfg.Exists(k) && ec.ClaimIdle <= 0 {
		return &container.Error{Code: config.Code, File: cfg.SourceOf(k), Key: k, Msg: fmt.Sprintf("must be a duration above 0, not %v", cfg.Get(k))}
	}
	if a.providesEventbusConfig() {
		return &container.Error{Code: config.Code, File: cfg.SourceOf(key), Key: key,
			Msg:  "is redis, but the app provides its own *eventbus.Config",
			Hint: "set its Transport to redisstream.New(redisClient, ...) (inject *redis.Client into its constructor), or remove eventbus.transport"}
	}
	group := ec.Group
	if group == "" {
		group = cfg.String("name") // egg's app name
	}
	if group == "" {
		if exe, err := os.Executable(); err == nil {
			group = strings.TrimSuffix(filepath.Base(exe), ".exe")
		}
	}
	tr := redisstream.New(a.redis, redisstream.Group(group), redisstream.Prefix(ec.Prefix), redisstream.MaxLen(ec.MaxLen),
		redisstream.ClaimIdle(ec.ClaimIdle), redisstream.MaxDeliveries(ec.MaxDeliveries), redisstream.Logger(a.log))
	return c.Provide(func() *eventbus.Config { return &eventbus.Config{Transport: tr} })
}

// providesEventbusConfig reports whether the app's Provide options make an
// *eventbus.Config.
func (a *App) providesEventbusConfig() bool {
	want := reflect.TypeFor[*eventbus.Config]()
	for _, p := range a.o.provides {
		t := reflect.TypeOf(p.ctor)
		if t == nil || t.Kind() != reflect.Func {
			continue
		}
		for i := range t.NumOut() {
			if t.Out(i) == want {
				return true
			}
		}
	}
	return false
}
