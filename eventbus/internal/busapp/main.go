// Command busapp is a teggo App whose processes share one Redis through
// the event bus's Redis Streams transport (eventbus.transport: redis), run
// by the cross-process tests of eventbus/redisstream.
//
// With -role consume it handles Ping events (once per app, group
// "busapp"): each handling adds one to the event's field in the Redis hash
// "busapp:handled" on the -record Redis. It appends "ready <pid>" to the
// list "busapp:ready" there once started, and runs until SIGINT or SIGTERM.
//
// With -role emit it emits Ping{0} … Ping{n-1} (it has no handler: the
// transport publishes them for the consumers), emitting again an event the
// transport refused while Redis is down (pausing -pace after every ten,
// and setting "busapp:emitted" on the -record Redis to how many it emitted
// after every thousand), then shuts down (sending what is
// queued) and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/proto"
)

// Ping is the event.
type Ping struct{ ID int }

// Handled is the hash of handling counts, by event id.
const Handled = "busapp:handled"

// Counter handles Ping.
type Counter struct {
	proto.Singleton
	Record *recorder `inject:""`
}

type recorder struct {
	rc    *redis.Client
	delay time.Duration
}

// OnPing counts the handling in the record Redis.
func (c *Counter) OnPing(ctx context.Context, e Ping) error {
	if c.Record.delay > 0 {
		time.Sleep(c.Record.delay)
	}
	return c.Record.rc.HIncrBy(ctx, Handled, strconv.Itoa(e.ID), 1).Err()
}

func main() {
	addr := flag.String("redis", "", "the bus's Redis host:port")
	record := flag.String("record", "", "the Redis host:port where handlings are counted (default -redis)")
	role := flag.String("role", "consume", "consume or emit")
	n := flag.Int("n", 10000, "events to emit")
	delay := flag.Duration("delay", 0, "how long each handling takes")
	workers := flag.Int("workers", 0, "eventbus.workers (0: the default)")
	claimIdle := flag.Duration("claimIdle", 2*time.Second, "eventbus.claimIdle")
	pace := flag.Duration("pace", 0, "the emitter's pause after every 10 events")
	flag.Parse()
	if *record == "" {
		*record = *addr
	}
	if err := run(*addr, *record, *role, *n, *delay, *workers, *claimIdle, *pace); err != nil {
		fmt.Fprintln(os.Stderr, "busapp:", err)
		os.Exit(1)
	}
}

func run(addr, record, role string, n int, delay time.Duration, workers int, claimIdle, pace time.Duration) error {
	dir, err := os.MkdirTemp("", "busapp")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	yaml := fmt.Sprintf("keys: busapp-test-key\nname: busapp\nredis:\n  addr: %q\n  maxRetries: -1\n  dialTimeout: 500ms\n"+
		"eventbus:\n  transport: redis\n  claimIdle: %s\n", addr, claimIdle)
	if workers > 0 {
		yaml += fmt.Sprintf("  workers: %d\n", workers)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(yaml), 0o644); err != nil {
		return err
	}
	rec := &recorder{rc: redis.NewClient(&redis.Options{Addr: record}), delay: delay}
	defer rec.rc.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts := []teggo.Option{teggo.Config(config.Dir(dir), config.Env("prod")), teggo.NoListen(), teggo.Logger(log),
		teggo.RunDir(filepath.Join(dir, "run"))}
	if role == "consume" {
		opts = append(opts, teggo.Provide(func() *recorder { return rec }), teggo.Register(new(Counter), eventbus.On((*Counter).OnPing)))
	}
	app := teggo.New(opts...)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Start(ctx); err != nil {
		return err
	}
	switch role {
	case "consume":
		if err := rec.rc.RPush(ctx, "busapp:ready", fmt.Sprintf("ready %d", os.Getpid())).Err(); err != nil {
			_ = app.Shutdown(context.Background())
			return err
		}
		<-ctx.Done()
	case "emit":
		ectx := eventbus.WithBus(ctx, app.Bus())
		for i := 0; i < n && ctx.Err() == nil; i++ {
			for !eventbus.Emit(ectx, Ping{ID: i}) && ctx.Err() == nil { // refused while Redis is down: again
				time.Sleep(20 * time.Millisecond)
			}
			if i%10 == 9 && pace > 0 {
				time.Sleep(pace)
			}
			if i%1000 == 999 {
				_ = rec.rc.Set(ctx, "busapp:emitted", i+1, 0).Err()
			}
		}
	default:
		_ = app.Shutdown(context.Background())
		return fmt.Errorf("unknown role %q", role)
	}
	return app.Shutdown(context.Background())
}
