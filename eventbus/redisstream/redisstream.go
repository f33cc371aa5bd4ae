// Package redisstream is an eventbus.Transport on Redis Streams: events
// cross the processes of an app, and of several apps, at least once.
//
// Each event type is one stream, whose key is Prefix + the event's topic
// (its type's package path and name), e.g.
// "teggo:events:example.com/app/topic.TopicCreated"; an entry holds the
// event as JSON in its "data" field. Publish appends with XADD MAXLEN ~
// MaxLen, pipelined: a goroutine sends what the emitters queued in one
// round trip, in emit order.
//
// Each app is one consumer group per stream (Group) and each process one
// consumer of it (Consumer, by default host-pid-random): XREADGROUP hands
// an entry to one process of the app, which runs its plain handlers and
// acknowledges the entry (XACK, batched) only when they all succeeded. An
// entry that is not acknowledged — its handlers failed, or its process
// died — is claimed again with XAUTOCLAIM once it has been idle ClaimIdle,
// by any process of the app; one delivered more than MaxDeliveries times is
// moved to the dead-letter stream Prefix + "dead:" + topic with one log
// line. Broadcast handlers (eventbus.On(...).Broadcast()) read the same
// streams with plain XREAD from the entries added after the process
// started, so every process runs them, without acknowledgement.
//
// When Redis does not answer, Publish fails at once with an error matching
// CodeUnavailable (TEGGO_EVENTBUS_UNAVAILABLE) while the events already
// accepted wait and are sent when it is back; reading retries with backoff;
// the outage is logged once, and its end once.
//
// See docs/eventbus.md and docs/scale-out.md.
package redisstream

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/teggo/teggo/container"
)

// Defaults of the options.
const (
	DefaultPrefix        = "teggo:events:"
	DefaultGroup         = "teggo"
	DefaultMaxLen        = 100_000
	DefaultClaimIdle     = 30 * time.Second
	DefaultMaxDeliveries = 5
	DefaultBlock         = time.Second
	DefaultCount         = 256
	DefaultBuffer        = 8192
)

// CodeUnavailable is the code of the error Publish returns while Redis does
// not answer: the event was not accepted. errors.Is(err,
// redisstream.CodeUnavailable) matches it.
const CodeUnavailable container.Code = "TEGGO_EVENTBUS_UNAVAILABLE"

// DataField is the stream entry's field holding the event's JSON.
const DataField = "data"

// Config is what the Options set; New fills in the defaults.
type Config struct {
	// Prefix goes before each stream's key; DefaultPrefix by default.
	Prefix string
	// Group is the consumer group: the processes of one app share it, so
	// that each event runs its plain handlers once per app. DefaultGroup by
	// default; the App uses eventbus.group, else its name.
	Group string
	// Consumer names this process in the group; host-pid-random by default.
	// Two live processes must not share one.
	Consumer string
	// MaxLen caps each stream, approximately (XADD MAXLEN ~); older entries
	// are dropped, read or not. DefaultMaxLen by default.
	MaxLen int64
	// ClaimIdle is how long an entry stays delivered and unacknowledged
	// before another delivery (its handlers failed, or its process died).
	// It must exceed the longest handler run, or a slow event runs twice.
	// DefaultClaimIdle by default.
	ClaimIdle time.Duration
	// MaxDeliveries is how many times an entry is delivered before it is
	// moved to the dead-letter stream. DefaultMaxDeliveries by default.
	MaxDeliveries int64
	// Block is how long one read waits for entries; Close waits for the
	// read in progress, so it bounds how long Close takes to stop reading.
	// DefaultBlock by default.
	Block time.Duration
	// Count is how many entries one read takes at most; a process has at
	// most 4×Count entries in flight. DefaultCount by default.
	Count int64
	// Buffer is how many published events may wait to be sent before
	// Publish blocks. DefaultBuffer by default.
	Buffer int
	// Logger receives the outage, recovery and dead-letter lines;
	// slog.Default() by default.
	Logger *slog.Logger
}

// Option configures a Transport.
type Option func(*Config)

// Prefix sets the prefix of the stream keys (Config.Prefix).
func Prefix(p string) Option { return func(c *Config) { c.Prefix = p } }

// Group sets the consumer group (Config.Group).
func Group(name string) Option { return func(c *Config) { c.Group = name } }

// Consumer sets this process's consumer name (Config.Consumer).
func Consumer(name string) Option { return func(c *Config) { c.Consumer = name } }

// MaxLen sets the approximate cap of each stream (Config.MaxLen).
func MaxLen(n int64) Option { return func(c *Config) { c.MaxLen = n } }

// ClaimIdle sets how long an unacknowledged entry waits before it is
// delivered again (Config.ClaimIdle).
func ClaimIdle(d time.Duration) Option { return func(c *Config) { c.ClaimIdle = d } }

// MaxDeliveries sets how many deliveries an entry gets before it is
// dead-lettered (Config.MaxDeliveries).
func MaxDeliveries(n int64) Option { return func(c *Config) { c.MaxDeliveries = n } }

// Block sets how long one read waits for entries (Config.Block).
func Block(d time.Duration) Option { return func(c *Config) { c.Block = d } }

// Count sets how many entries one read takes at most (Config.Count).
func Count(n int64) Option { return func(c *Config) { c.Count = n } }

// Buffer sets how many published events may wait to be sent (Config.Buffer).
func Buffer(n int) Option { return func(c *Config) { c.Buffer = n } }

// Logger sets the logger (Config.Logger).
func Logger(l *slog.Logger) Option { return func(c *Config) { c.Logger = l } }

// fill sets the defaults.
func (c *Config) fill() {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.Group == "" {
		c.Group = DefaultGroup
	}
	if c.Consumer == "" {
		c.Consumer = consumerName()
	}
	if c.MaxLen <= 0 {
		c.MaxLen = DefaultMaxLen
	}
	if c.ClaimIdle <= 0 {
		c.ClaimIdle = DefaultClaimIdle
	}
	if c.MaxDeliveries <= 0 {
		c.MaxDeliveries = DefaultMaxDeliveries
	}
	if c.Block <= 0 {
		c.Block = DefaultBlock
	}
	if c.Count <= 0 {
		c.Count = DefaultCount
	}
	if c.Buffer <= 0 {
		c.Buffer = DefaultBuffer
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// consumerName is host-pid-random: unique per process, and telling where
// a pending entry was.
func consumerName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "host"
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// DeadKey is the dead-letter stream of topic under prefix.
func DeadKey(prefix, topic string) string { return prefix + "dead:" + topic }
