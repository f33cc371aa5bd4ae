package redisstream_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/eventbus/redisstream"
	"github.com/teggo/teggo/internal/logbuf"
	"github.com/teggo/teggo/internal/redistest"
	"github.com/teggo/teggo/proto"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if busappDir != "" {
		_ = os.RemoveAll(busappDir)
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// wait bounds every poll: reaching it fails the test, it never synchronises.
const wait = 20 * time.Second

// Ping is the test event; Note is a second type, handled Broadcast.
type Ping struct{ ID int }
type Note struct{ ID int }

// pingTopic is Ping's topic, the suffix of its stream key.
const pingTopic = "github.com/teggo/teggo/eventbus/redisstream_test.Ping"
const noteTopic = "github.com/teggo/teggo/eventbus/redisstream_test.Note"

// Recorder is what the handlers do, set by each test.
type Recorder struct {
	mu     sync.Mutex
	pings  map[int]int // ID → calls
	notes  map[int]int
	onPing func(ctx context.Context, e Ping) error
}

func (r *Recorder) count(m map[int]int, id int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return m[id]
}

// distinct is how many IDs the map has, and the calls in all.
func (r *Recorder) distinct(notes bool) (ids, calls int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.pings
	if notes {
		m = r.notes
	}
	for _, n := range m {
		calls += n
	}
	return len(m), calls
}

// Pinger handles Ping once per app and Note in every process.
type Pinger struct {
	proto.Singleton
	R *Recorder `inject:""`
}

func (p *Pinger) OnPing(ctx context.Context, e Ping) error {
	p.R.mu.Lock()
	p.R.pings[e.ID]++
	fn := p.R.onPing
	p.R.mu.Unlock()
	if fn != nil {
		return fn(ctx, e)
	}
	return nil
}

func (p *Pinger) OnNote(ctx context.Context, e Note) error {
	p.R.mu.Lock()
	p.R.notes[e.ID]++
	p.R.mu.Unlock()
	return nil
}

// node is one process of the app: a bus with its transport.
type node struct {
	bus *eventbus.Bus
	tr  *redisstream.Transport
	rec *Recorder
	log *logbuf.Buffer
}

// newNode starts a bus whose Pinger handles Ping (grouped) and Note
// (broadcast), through a transport on addr with opts.
func newNode(t *testing.T, addr string, onPing func(context.Context, Ping) error, opts ...redisstream.Option) *node {
	t.Helper()
	n := &node{rec: &Recorder{pings: map[int]int{}, notes: map[int]int{}, onPing: onPing}, log: logbuf.New()}
	log := slog.New(slog.NewTextHandler(n.log, nil))
	n.tr = redisstream.New(client(t, addr), append([]redisstream.Option{redisstream.Logger(log), redisstream.Block(200 * time.Millisecond)}, opts...)...)
	c := container.New(container.Logger(log))
	c.Install(eventbus.Module())
	c.Register(new(Pinger), eventbus.On((*Pinger).OnPing), eventbus.On((*Pinger).OnNote).Broadcast())
	_ = c.Provide(func() *Recorder { return n.rec })
	_ = c.Provide(func() *eventbus.Config { return &eventbus.Config{Transport: n.tr} })
	ctx := context.Background()
	if err := c.Build(ctx); err != nil {
		t.Fatal(err)
	}
	bus, err := container.Lookup[*eventbus.Bus](c)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(ctx); err != nil {
		t.Fatal(err)
	}
	n.bus = bus
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, wait)
		defer cancel()
		_ = bus.Stop(sctx)
		_ = c.Stop(sctx)
	})
	return n
}

// emit publishes e through n's bus, failing the test when it is refused.
func (n *node) emit(t *testing.T, e any) {
	t.Helper()
	if !n.bus.Emit(context.Background(), e) {
		t.Fatalf("Emit(%+v) refused:\n%s", e, n.log.String())
	}
}

// client is a go-redis client for addr, closed at the test's end.
func client(t testing.TB, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// waitFor polls cond until it holds, or fails the test after wait.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pending is how many entries of the Ping stream the group has not
// acknowledged.
func pending(t *testing.T, rc *redis.Client, group string) int64 {
	t.Helper()
	p, err := rc.XPending(context.Background(), redisstream.DefaultPrefix+pingTopic, group).Result()
	if err != nil {
		t.Fatal(err)
	}
	return p.Count
}

func start(t *testing.T) (*redistest.Server, *redis.Client) {
	srv := redistest.Start(t)
	return srv, client(t, srv.Addr())
}
