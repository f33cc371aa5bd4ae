package config_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

type MySQL struct {
	Host     string   `yaml:"host"`
	Port     int      `yaml:"port"`
	Password string   `yaml:"password"`
	Tags     []string `yaml:"tags"`
	Pool     struct {
		Size    int           `yaml:"size"`
		Timeout time.Duration `yaml:"timeout"`
	} `yaml:"pool"`
}

func load(t *testing.T, env string) *config.Config {
	t.Helper()
	c, err := config.Load(config.Dir("testdata/app"), config.Env(env))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMergeByEnv(t *testing.T) {
	prod := load(t, "prod")
	m, err := config.Section[MySQL](prod, "mysql")
	if err != nil {
		t.Fatal(err)
	}
	if m.Host != "db.internal" || m.Port != 3306 || m.Pool.Size != 32 || m.Pool.Timeout != 2*time.Second {
		t.Fatalf("objects not merged deeply: %+v", m)
	}
	if len(m.Tags) != 1 || m.Tags[0] != "z" {
		t.Fatalf("arrays must be replaced, got %v", m.Tags)
	}
	if got := prod.Files(); len(got) != 2 || got[1] != "testdata/app/config.prod.yaml" {
		t.Fatalf("files %v", got)
	}
	local := load(t, "local")
	if local.Int("mysql.port") != 3307 || local.String("mysql.host") != "127.0.0.1" {
		t.Fatal("local env not merged")
	}
	if e, err := config.Load(config.Dir("testdata/app"), config.Env("staging"), config.Optional()); err != nil || e.Int("mysql.port") != 3306 || e.Env() != "staging" {
		t.Fatalf("an env without its own file, Optional, gets the defaults: %v", err)
	}
}

func TestEnvFromEnvironment(t *testing.T) {
	t.Setenv(config.EnvVar, "prod")
	c, err := config.Load(config.Dir("testdata/app"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Env() != "prod" || c.String("mysql.host") != "db.internal" {
		t.Fatalf("env %q", c.Env())
	}
	t.Setenv(config.EnvVar, "")
	c, _ = config.Load(config.Dir("testdata/app"))
	if c.Env() != config.DefaultEnv {
		t.Fatalf("default env %q", c.Env())
	}
}

func TestUnparsableFileNamesFileAndLine(t *testing.T) {
	_, err := config.Load(config.Dir("testdata/bad"), config.Env("local"))
	var ce *container.Error
	if !errors.As(err, &ce) || ce.File != "testdata/bad/config.default.yaml" || !strings.Contains(err.Error(), "line") {
		t.Fatalf("got %v", err)
	}
}

func TestWrongTypeNamesFileAndKey(t *testing.T) {
	c := load(t, "typo")
	_, err := config.Section[MySQL](c, "mysql")
	var ce *container.Error
	if !errors.As(err, &ce) || ce.Key != "mysql.port" || ce.File != "testdata/app/config.typo.yaml" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "TEGGO_CONFIG") {
		t.Fatalf("no code in %v", err)
	}
}

type OAuth struct {
	ClientSecret string `yaml:"clientSecret"`
	Token        string `yaml:"token" secret:"true"`
}

func TestDumpRedactsSecretsAndWritesMeta(t *testing.T) {
	c := load(t, "prod")
	cont := container.New()
	if err := config.Bind[OAuth](c, cont, "oauth"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	if err := c.Dump(dir); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "application_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	mysql := got["mysql"].(map[string]any)
	oauth := got["oauth"].(map[string]any)
	for what, v := range map[string]any{
		"password": mysql["password"], "keys": got["keys"], "clientSecret (/secret/i)": oauth["clientSecret"], "token (tagged secret)": oauth["token"],
	} {
		s, _ := v.(string)
		if !strings.HasPrefix(s, "<String len: ") {
			t.Errorf("%s not redacted: %v", what, v)
		}
	}
	if mysql["host"] != "db.internal" {
		t.Error("a plain value was redacted")
	}
	if strings.Contains(string(raw), "hunter22") || strings.Contains(string(raw), "t0k3n") {
		t.Fatal("a secret leaked into the dump")
	}
	meta, _ := os.ReadFile(filepath.Join(dir, "application_config_meta.json"))
	var m map[string]any
	json.Unmarshal(meta, &m)
	mm := m["mysql"].(map[string]any)
	if mm["host"] != "testdata/app/config.prod.yaml" || mm["port"] != "testdata/app/config.default.yaml" {
		t.Fatalf("meta %v", mm)
	}
}

type usesMySQL struct {
	proto.Singleton
	DB *MySQL `inject:"config.mysql"`
}

func TestBindInjectsTypedSection(t *testing.T) {
	c := load(t, "prod")
	cont := container.New()
	if err := config.Bind[MySQL](c, cont, "mysql"); err != nil {
		t.Fatal(err)
	}
	cont.Register(new(usesMySQL))
	if err := cont.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	u, _ := container.Lookup[*usesMySQL](cont)
	if u.DB.Host != "db.internal" {
		t.Fatalf("got %+v", u.DB)
	}
	if err := config.Bind[MySQL](load(t, "typo"), container.New(), "mysql"); err == nil {
		t.Fatal("a bad section bound without error")
	}
}

func TestSetInCode(t *testing.T) {
	c := load(t, "local")
	if err := c.Set("mysql.port", 4000); err != nil {
		t.Fatal(err)
	}
	if c.Int("mysql.port") != 4000 || c.SourceOf("mysql.port") != "(set in code)" {
		t.Fatal("Set did not take")
	}
}

// TestLoadRefusesWhatWouldRunOnDefaults: a config directory that is not
// there, or a TEGGO_ENV one typo from an env with a file, fails Load
// instead of running on an empty config; Optional allows both.
func TestLoadRefusesWhatWouldRunOnDefaults(t *testing.T) {
	_, err := config.Load(config.Dir("testdata/nowhere"))
	if err == nil || !strings.Contains(err.Error(), "testdata/nowhere: the config directory does not exist") {
		t.Errorf("missing dir: %v", err)
	}
	if c, err := config.Load(config.Dir("testdata/nowhere"), config.Optional()); err != nil || len(c.Files()) != 0 {
		t.Errorf("missing dir, optional: %v", err)
	}
	_, err = config.Load(config.Dir("testdata/app"), config.Env("prdo"))
	if err == nil || !strings.Contains(err.Error(), `env "prdo" has no config file; did you mean "prod"?`) {
		t.Errorf("typo env: %v", err)
	}
	if _, err := config.Load(config.Dir("testdata/app"), config.Env("prdo"), config.Optional()); err != nil {
		t.Errorf("typo env, optional: %v", err)
	}
	// any other env without its file, where other envs have theirs, is
	// refused too; local and unittest may run on the defaults alone, and
	// so may any env in a directory of config.default.yaml alone
	_, err = config.Load(config.Dir("testdata/app"), config.Env("staging"))
	if err == nil || !strings.Contains(err.Error(), `env "staging" has no config file; envs with a file: local, prod, typo`) {
		t.Errorf("an env without its file: %v", err)
	}
	if _, err := config.Load(config.Dir("testdata/app"), config.Env("unittest")); err != nil {
		t.Errorf("unittest on the defaults: %v", err)
	}
	only := t.TempDir()
	if err := os.WriteFile(filepath.Join(only, "config.default.yaml"), []byte("a: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := config.Load(config.Dir(only), config.Env("prod")); err != nil || c.Int("a") != 1 {
		t.Errorf("prod in a directory of defaults alone: %v", err)
	}
	if c, err := config.Load(); err != nil || c == nil {
		t.Errorf("no Dir: ./config is optional: %v", err)
	}
}
