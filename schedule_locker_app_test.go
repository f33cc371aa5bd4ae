package teggo_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
)

// schedule.locker must name a known locker, and redis needs the redis
// section: either mistake fails the start, naming the key.
func TestScheduleLockerConfigErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"schedule:\n  locker: redis\n", "no redis section"},
		{"schedule:\n  locker: zookeeper\n", `unknown locker "zookeeper"`},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte("keys: k1\n"+tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		app := teggo.New(teggo.Config(config.Dir(dir), config.Env("prod")), teggo.NoListen(),
			teggo.RunDir(filepath.Join(t.TempDir(), "run")))
		err := app.Start(context.Background())
		var ce *container.Error
		if !errors.As(err, &ce) || ce.Code != config.Code || ce.Key != "schedule.locker" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: Start = %v, want a %s error on schedule.locker saying %q", tc.yaml, err, config.Code, tc.want)
		}
		_ = app.Shutdown(context.Background())
	}
}
