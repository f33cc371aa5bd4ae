// Command lockapp is a teggo App with one worker job, run several times by
// the schedule package's cross-process test: every process shares one
// Redis (schedule.locker: redis), and the job appends "<pid> <tick>" to the
// Redis list given by -list on each tick it runs. The process also appends
// "ready <pid>" once started, and runs until SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/schedule"
)

// Every runs every second, once per tick across the processes.
type Every struct {
	proto.Singleton
	Redis *redis.Client `inject:""`
}

// runs is the list of -list.
var runs string

// Subscribe appends this process's id and the tick (the run's start, in
// whole seconds: runs start milliseconds after their tick).
func (j *Every) Subscribe(ctx context.Context) error {
	tick := time.Now().Truncate(time.Second).Unix()
	return j.Redis.RPush(ctx, runs, fmt.Sprintf("%d %d", os.Getpid(), tick)).Err()
}

func main() {
	addr := flag.String("redis", "", "Redis host:port; empty writes no redis section")
	list := flag.String("list", "lockapp:runs", "the Redis list the runs are appended to")
	flag.Parse()
	if err := run(*addr, *list); err != nil {
		fmt.Fprintln(os.Stderr, "lockapp:", err)
		os.Exit(1)
	}
}

func run(addr, list string) error {
	runs = list
	dir, err := os.MkdirTemp("", "lockapp")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	yaml := "keys: lockapp-test-key\nschedule:\n  locker: redis\n  lockTTL: 10s\n  lockPrefix: \"lockapp:\"\n"
	if addr != "" {
		yaml += fmt.Sprintf("redis:\n  addr: %q\n  maxRetries: -1\n", addr)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(yaml), 0o644); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	app := teggo.New(teggo.Config(config.Dir(dir), config.Env("prod")), teggo.NoListen(), teggo.Logger(log),
		teggo.RunDir(filepath.Join(dir, "run")),
		teggo.Register(new(Every), schedule.Job[*Every](schedule.Spec{Type: schedule.TypeWorker, Cron: "* * * * * *"})))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.Start(ctx); err != nil {
		return err
	}
	if err := app.Redis().RPush(ctx, list, fmt.Sprintf("ready %d", os.Getpid())).Err(); err != nil {
		_ = app.Shutdown(context.Background())
		return err
	}
	<-ctx.Done()
	return app.Shutdown(context.Background())
}
