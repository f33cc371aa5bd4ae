package teggo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/internal/redistest"
	"github.com/teggo/teggo/proto"
)

// eventbus.transport must name a known transport, redis needs the redis
// section, and the numbers must fit: each mistake fails the start, naming
// the key.
func TestEventbusTransportConfigErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, key, want string }{
		{"eventbus:\n  transport: redis\n", "eventbus.transport", "no redis section"},
		{"eventbus:\n  transport: kafka\n", "eventbus.transport", `unknown transport "kafka"`},
		{"redis:\n  addr: 127.0.0.1:1\neventbus:\n  transport: redis\n  maxDeliveries: 0\n", "eventbus.maxDeliveries", "above 0"},
		{"redis:\n  addr: 127.0.0.1:1\neventbus:\n  transport: redis\n  maxLen: -5\n", "eventbus.maxLen", "above 0"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte("keys: k1\n"+tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		app := teggo.New(teggo.Config(config.Dir(dir), config.Env("prod")), teggo.NoListen(),
			teggo.RunDir(filepath.Join(t.TempDir(), "run")), teggo.StartTimeout(5*time.Second))
		err := app.Start(context.Background())
		var ce *container.Error
		if !errors.As(err, &ce) || ce.Code != config.Code || ce.Key != tc.key || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: Start = %v, want a %s error on %s saying %q", tc.yaml, err, config.Code, tc.key, tc.want)
		}
		_ = app.Shutdown(context.Background())
	}
}

// ShopEvent crosses the apps below.
type ShopEvent struct{ N int }

// shopLog records, per app, which events its handlers saw.
type shopLog struct {
	mu   sync.Mutex
	once map[string][]int // app → events its grouped handler ran
	all  map[string][]int // app → events its broadcast handler ran
}

func (l *shopLog) add(m map[string][]int, app string, n int) {
	l.mu.Lock()
	m[app] = append(m[app], n)
	l.mu.Unlock()
}

func (l *shopLog) counts() (once, all map[string]int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	once, all = map[string]int{}, map[string]int{}
	for k, v := range l.once {
		once[k] = len(v)
	}
	for k, v := range l.all {
		all[k] = len(v)
	}
	return once, all
}

// ShopHandler runs in each app; Who names the app.
type ShopHandler struct {
	proto.Singleton
	Log *shopLog `inject:""`
	Who *shopWho `inject:""`
}

type shopWho struct{ name string }

func (h *ShopHandler) Once(ctx context.Context, e ShopEvent) error {
	h.Log.add(h.Log.once, h.Who.name, e.N)
	return nil
}

func (h *ShopHandler) Everywhere(ctx context.Context, e ShopEvent) error {
	h.Log.add(h.Log.all, h.Who.name, e.N)
	return nil
}

// Two Apps with eventbus.transport: redis on one Redis and one group (the
// config's name): an event emitted by one runs the grouped handler once
// across both, and the broadcast handler in each.
func TestRedisEventbusTransportAcrossApps(t *testing.T) {
	srv := redistest.Start(t)
	dir := t.TempDir()
	yaml := fmt.Sprintf("keys: k1\nname: shop\nredis:\n  addr: %q\n  maxRetries: -1\neventbus:\n  transport: redis\n  claimIdle: 5s\n", srv.Addr())
	if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	log := &shopLog{once: map[string][]int{}, all: map[string][]int{}}
	var apps []*teggo.App
	for _, name := range []string{"a", "b"} {
		app := teggo.New(teggo.Config(config.Dir(dir), config.Env("prod")), teggo.NoListen(),
			teggo.RunDir(filepath.Join(t.TempDir(), "run")),
			teggo.Provide(func() *shopLog { return log }), teggo.Provide(func() *shopWho { return &shopWho{name} }),
			teggo.Register(new(ShopHandler), eventbus.On((*ShopHandler).Once), eventbus.On((*ShopHandler).Everywhere).Broadcast()))
		if err := app.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = app.Shutdown(context.Background()) })
		apps = append(apps, app)
	}
	rc := apps[0].Redis()
	groups, err := rc.XInfoGroups(context.Background(), "teggo:events:github.com/teggo/teggo_test.ShopEvent").Result()
	if err != nil || len(groups) != 1 || groups[0].Name != "shop" {
		t.Fatalf("groups %v, %v; want one named after the config's name", groups, err)
	}
	const events = 100
	ctx := eventbus.WithBus(context.Background(), apps[0].Bus())
	for i := range events {
		if !eventbus.Emit(ctx, ShopEvent{N: i}) {
			t.Fatalf("Emit %d refused", i)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		once, all := log.counts()
		if once["a"]+once["b"] >= events && all["a"] >= events && all["b"] >= events {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never: every event handled; grouped %v, broadcast %v", once, all)
		}
		time.Sleep(10 * time.Millisecond)
	}
	seen := map[int]int{}
	log.mu.Lock()
	for _, ns := range log.once {
		for _, n := range ns {
			seen[n]++
		}
	}
	log.mu.Unlock()
	for i := range events {
		if seen[i] != 1 {
			t.Errorf("event %d ran the grouped handler %d times, want once", i, seen[i])
		}
	}
	once, all := log.counts()
	t.Logf("grouped runs per app %v, broadcast runs per app %v", once, all)
}

// An app that provides its own *eventbus.Config sets its transport there:
// eventbus.transport: redis beside it fails the start instead of being
// ignored.
func TestEventbusTransportWithOwnConfigFails(t *testing.T) {
	dir := t.TempDir()
	yaml := "keys: k1\nredis:\n  addr: 127.0.0.1:1\neventbus:\n  transport: redis\n"
	if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	app := teggo.New(teggo.Config(config.Dir(dir), config.Env("prod")), teggo.NoListen(),
		teggo.RunDir(filepath.Join(t.TempDir(), "run")),
		teggo.Provide(func() *eventbus.Config { return &eventbus.Config{StopTimeout: time.Second} }))
	err := app.Start(context.Background())
	if !errors.Is(err, config.Code) || !strings.Contains(err.Error(), "provides its own *eventbus.Config") {
		t.Fatalf("Start = %v, want a %s error saying the app provides its own *eventbus.Config", err, config.Code)
	}
	_ = app.Shutdown(context.Background())
}
