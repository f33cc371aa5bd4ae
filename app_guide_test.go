package teggo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing/fstest"
	"time"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

// MySQL is a typed config section.
type MySQL struct {
	Host     string        `yaml:"host"`
	Port     int           `yaml:"port"`
	Timeout  time.Duration `yaml:"timeout"`
	Password string        `yaml:"password" secret:"true"`
}

// Store is a proto that gets the section.
type Store struct {
	proto.Singleton
	DB *MySQL `inject:"config.mysql"`
}

// A typed section is decoded from the merged config (here env "prod" over
// the default) and injected by its name.
func ExampleSection() {
	configFS := fstest.MapFS{
		"config/config.default.yaml": {Data: []byte("mysql:\n  host: localhost\n  port: 3306\n  timeout: 2s\n")},
		"config/config.prod.yaml":    {Data: []byte("keys: k1-long-random-secret\nmysql:\n  host: db.internal\n  password: s3cret\n")},
	}
	dir, _ := os.MkdirTemp("", "app")
	defer os.RemoveAll(dir)

	app := teggo.New(
		teggo.Config(config.FS(configFS, "config"), config.Env("prod")),
		teggo.Section[MySQL]("mysql"), // provides *MySQL, named config.mysql
		teggo.Register(new(Store)),
		teggo.NoListen(),
		teggo.RunDir(dir),
		teggo.Logger(slog.New(slog.DiscardHandler)),
	)
	if err := app.Start(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	defer app.Shutdown(context.Background())

	s, _ := container.Lookup[*Store](app.Container())
	fmt.Println(s.DB.Host, s.DB.Port, s.DB.Timeout)

	// The dump of the config hides the secret.
	dump, _ := os.ReadFile(filepath.Join(dir, "application_config.json"))
	var cfg struct{ MySQL map[string]any }
	json.Unmarshal(dump, &cfg)
	fmt.Println(cfg.MySQL["password"])
	// Output:
	// db.internal 3306 2s
	// <String len: 6>
}
