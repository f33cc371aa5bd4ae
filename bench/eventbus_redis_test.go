package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmredis "github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/bench/cmd/streamconsumer/streamevent"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/eventbus/redisstream"
	"github.com/teggo/teggo/internal/redistest"
	"github.com/teggo/teggo/proto"
)

// Events across processes on Redis Streams, end to end: a publishing side
// emits b.N events (streamevent.Event); a consuming side runs the handler of
// each (once, in a consumer group) and acknowledges it. events/s = b.N /
// elapsed. A private redis-server (internal/redistest) serves both sides.
//
// BenchmarkEventbusRedisStreams keeps both sides in the benchmark's process
// but shares nothing else between them: each has its own go-redis client,
// bus (or watermill publisher and subscriber) and goroutines, as two
// processes would. The clock runs from the first emit until the handler
// has run b.N times.
//
// BenchmarkEventbusRedisStreamsCrossProcess runs the consuming side in
// other OS processes (cmd/streamconsumer, built once per run). The clock
// runs from the first emit until Redis reports (XINFO GROUPS) that the
// group has read b.N entries and none is pending, i.e. every entry was read
// and acknowledged.

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

func (h *crossHandler) Handle(ctx context.Context, e streamevent.Event) error {
	h.Count.add()
	return nil
}

// crossBus is one side of a teggo run: a bus whose transport, with opts,
// has its own client; setup, when set, registers the handlers.
func crossBus(b *testing.B, addr string, opts []redisstream.Option, setup func(c *container.Container)) *eventbus.Bus {
	rc := redis.NewClient(&redis.Options{Addr: addr})
	b.Cleanup(func() { _ = rc.Close() })
	tr := redisstream.New(rc, opts...)
	c := container.New()
	c.Install(eventbus.Module())
	if setup != nil {
		setup(c)
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

// emitTeggo emits events 0 … n-1 on pub, a bus without handlers of them:
// its transport publishes them.
func emitTeggo(b *testing.B, pub *eventbus.Bus, n int) {
	ctx := eventbus.WithBus(context.Background(), pub)
	for i := 0; i < n; i++ {
		if !eventbus.Emit(ctx, streamevent.Event{N: i}) {
			b.Fatal("Emit refused")
		}
	}
}

// watermillPublisher is a watermill-redisstream publisher with its own
// client, capping the streams as teggo's transport does.
func watermillPublisher(b *testing.B, addr string) *wmredis.Publisher {
	pc := redis.NewClient(&redis.Options{Addr: addr})
	pub, err := wmredis.NewPublisher(wmredis.PublisherConfig{Client: pc, DefaultMaxlen: redisstream.DefaultMaxLen}, watermill.NopLogger{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = pub.Close(); _ = pc.Close() })
	return pub
}

// publishWatermill publishes events 0 … n-1 as JSON on topic from
// publishers goroutines sharing them: watermill's Publish sends one XADD
// and waits for it.
func publishWatermill(b *testing.B, pub *wmredis.Publisher, topic string, n, publishers int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range publishers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				payload, _ := json.Marshal(streamevent.Event{N: int(i)})
				if err := pub.Publish(topic, message.NewMessage(strconv.FormatInt(i, 10), payload)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
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

// timed runs publish with the benchmark's timer and clock running, then
// waits with done (the clock still running) and reports events/s.
func timed(b *testing.B, publish, done func()) {
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	publish()
	done()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

func benchTeggoCross(b *testing.B, addr string) {
	flush(b, addr)
	count := &crossCount{want: int64(b.N), done: make(chan struct{})}
	opts := []redisstream.Option{redisstream.Group("bench")}
	crossBus(b, addr, opts, func(c *container.Container) { // the consumer: subscribes, creating the group
		c.Register(new(crossHandler), eventbus.On((*crossHandler).Handle))
		_ = c.Provide(func() *crossCount { return count })
	})
	pub := crossBus(b, addr, opts, nil)
	timed(b, func() { emitTeggo(b, pub, b.N) }, func() { waitCount(b, count) })
}

// benchWatermillCross is the same on watermill-redisstream: a publisher
// and a subscriber (consumer group "bench") with their own clients, the
// handler acknowledging each message.
func benchWatermillCross(b *testing.B, addr string, publishers int) {
	flush(b, addr)
	const topic = "bench:watermill"
	pub := watermillPublisher(b, addr)
	sc := redis.NewClient(&redis.Options{Addr: addr})
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
			var e streamevent.Event
			if json.Unmarshal(m.Payload, &e) == nil {
				count.add()
			}
			m.Ack()
		}
	}()
	b.Cleanup(func() {
		cancel()
		_ = sub.Close()
		wg.Wait()
		_ = sc.Close()
	})
	timed(b, func() { publishWatermill(b, pub, topic, b.N, publishers) }, func() { waitCount(b, count) })
}

func BenchmarkEventbusRedisStreams(b *testing.B) {
	srv := redistest.Start(b)
	b.Run("teggo", func(b *testing.B) { benchTeggoCross(b, srv.Addr()) })
	b.Run("watermill-redisstream", func(b *testing.B) { benchWatermillCross(b, srv.Addr(), 1) })
	b.Run("watermill-redisstream-8-publishers", func(b *testing.B) { benchWatermillCross(b, srv.Addr(), 8) })
}

// The consumer program, built once per go test run into consumerBuild.dir,
// which TestMain removes.
var consumerBuild struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// streamConsumer builds cmd/streamconsumer on first use and returns the
// binary's path.
func streamConsumer(b *testing.B) string {
	consumerBuild.once.Do(func() {
		dir, err := os.MkdirTemp("", "teggo-bench-streamconsumer-")
		if err != nil {
			consumerBuild.err = err
			return
		}
		consumerBuild.dir, consumerBuild.bin = dir, filepath.Join(dir, "streamconsumer")
		build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", consumerBuild.bin, "./cmd/streamconsumer")
		if out, err := build.CombinedOutput(); err != nil {
			consumerBuild.err = fmt.Errorf("go build ./cmd/streamconsumer: %v\n%s", err, out)
		}
	})
	if consumerBuild.err != nil {
		b.Fatal(consumerBuild.err)
	}
	return consumerBuild.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if consumerBuild.dir != "" {
		_ = os.RemoveAll(consumerBuild.dir)
	}
	os.Exit(code)
}

// consumerProc is a running cmd/streamconsumer.
type consumerProc struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer  // read only after exited is closed
	ready  chan struct{} // closed when it printed "ready"
	exited chan struct{} // closed when it exited; err is then its Wait error
	err    error
}

// startConsumers starts n consumer processes with args and waits until each
// said "ready"; b.Cleanup stops them with SIGTERM (killing one that does
// not exit) and fails the benchmark if one did not exit cleanly.
func startConsumers(b *testing.B, n int, args ...string) []*consumerProc {
	bin := streamConsumer(b)
	procs := make([]*consumerProc, n)
	for i := range procs {
		p := &consumerProc{cmd: exec.Command(bin, args...), ready: make(chan struct{}), exited: make(chan struct{})}
		p.cmd.Stderr = &p.stderr
		out, err := p.cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := p.cmd.Start(); err != nil {
			b.Fatal(err)
		}
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if sc.Text() == "ready" {
					close(p.ready)
				}
			}
			p.err = p.cmd.Wait()
			close(p.exited)
		}()
		procs[i] = p
		b.Cleanup(func() {
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.exited:
			case <-time.After(20 * time.Second):
				_ = p.cmd.Process.Kill()
				<-p.exited
				b.Errorf("streamconsumer %d did not exit on SIGTERM\n%s", p.cmd.Process.Pid, p.stderr.String())
				return
			}
			if p.err != nil {
				b.Errorf("streamconsumer %d: %v\n%s", p.cmd.Process.Pid, p.err, p.stderr.String())
			}
		})
	}
	for _, p := range procs {
		select {
		case <-p.ready:
		case <-p.exited:
			b.Fatalf("streamconsumer %v exited before ready: %v\n%s", args, p.err, p.stderr.String())
		case <-time.After(time.Minute):
			b.Fatalf("streamconsumer %v not ready after a minute", args)
		}
	}
	return procs
}

// waitDrained polls XINFO GROUPS on stream every millisecond until group
// has read at least n entries and has none pending, failing when a
// consumer process exits first or after two minutes.
func waitDrained(b *testing.B, rc *redis.Client, stream, group string, n int, procs []*consumerProc) {
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Minute)
	var last redis.XInfoGroup
	for {
		groups, err := rc.XInfoGroups(ctx, stream).Result()
		if err != nil {
			b.Fatalf("XINFO GROUPS %s: %v", stream, err)
		}
		for _, g := range groups {
			if g.Name == group {
				if g.EntriesRead >= int64(n) && g.Pending == 0 {
					return
				}
				last = g
			}
		}
		for _, p := range procs {
			select {
			case <-p.exited:
				b.Fatalf("streamconsumer %d exited: %v\n%s", p.cmd.Process.Pid, p.err, p.stderr.String())
			default:
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("group %s of %s: %d of %d entries read, %d pending after two minutes", group, stream, last.EntriesRead, n, last.Pending)
		}
		time.Sleep(time.Millisecond)
	}
}

// crossRun numbers the cross-process runs, so that each has its own
// stream and group.
var crossRun atomic.Int64

// benchProcess runs one cross-process run: consumers processes of lib on
// a fresh stream and group, then b.N events published from here by
// publish(stream key or prefix, group) until Redis reports them all read
// and acknowledged.
func benchProcess(b *testing.B, addr, lib string, consumers int, publish func(name, group string) (stream string, run func())) {
	flush(b, addr)
	id := crossRun.Add(1)
	name, group := fmt.Sprintf("bench:%d:", id), fmt.Sprintf("bench-%d", id)
	stream, run := publish(name, group)
	args := []string{"-lib", lib, "-redis", addr, "-group", group}
	if lib == "teggo" {
		args = append(args, "-prefix", name)
	} else {
		args = append(args, "-topic", stream)
	}
	procs := startConsumers(b, consumers, args...)
	rc := redis.NewClient(&redis.Options{Addr: addr})
	b.Cleanup(func() { _ = rc.Close() })
	timed(b, run, func() { waitDrained(b, rc, stream, group, b.N, procs) })
}

// benchTeggoProcess publishes with a teggo bus on the redisstream transport
// (stream prefix name) to consumers teggo processes.
func benchTeggoProcess(b *testing.B, addr string, consumers int) {
	benchProcess(b, addr, "teggo", consumers, func(name, group string) (string, func()) {
		pub := crossBus(b, addr, []redisstream.Option{redisstream.Prefix(name), redisstream.Group(group)}, nil)
		return name + streamevent.Topic(), func() { emitTeggo(b, pub, b.N) }
	})
}

// benchWatermillProcess publishes with watermill-redisstream's publisher
// from publishers goroutines to one watermill process.
func benchWatermillProcess(b *testing.B, addr string, publishers int) {
	benchProcess(b, addr, "watermill", 1, func(name, group string) (string, func()) {
		pub := watermillPublisher(b, addr)
		stream := name + "watermill"
		return stream, func() { publishWatermill(b, pub, stream, b.N, publishers) }
	})
}

func BenchmarkEventbusRedisStreamsCrossProcess(b *testing.B) {
	srv := redistest.Start(b)
	b.Run("teggo", func(b *testing.B) { benchTeggoProcess(b, srv.Addr(), 1) })
	b.Run("teggo-2-consumers", func(b *testing.B) { benchTeggoProcess(b, srv.Addr(), 2) })
	b.Run("watermill-redisstream", func(b *testing.B) { benchWatermillProcess(b, srv.Addr(), 1) })
	b.Run("watermill-redisstream-8-publishers", func(b *testing.B) { benchWatermillProcess(b, srv.Addr(), 8) })
}
