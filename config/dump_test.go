package config_test

import (
	"encoding/json"
	"errors"
	"github.com/teggo/teggo/container"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teggo/teggo/config"
)

// loadYAML loads one config.default.yaml holding src.
func loadYAML(t *testing.T, src string) *config.Config {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(config.Dir(dir), config.Env("local"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// dump dumps c into a fresh run dir and returns the raw and decoded config file.
func dump(t *testing.T, c *config.Config) (string, map[string]any, string) {
	t.Helper()
	run := filepath.Join(t.TempDir(), "run")
	if err := c.Dump(run); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(run, "application_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("the dump is not JSON: %v\n%s", err, raw)
	}
	return string(raw), got, run
}

func TestDumpRedactsKeyNamesCaseInsensitively(t *testing.T) {
	c := loadYAML(t, `
db:
  Password: pw-upper-1
  passwd: pw-passwd-2
  userPwd: pw-pwd-3
svc:
  token: tok-4
  apiKey: ak-5
  privateKey: pk-6
  api_key: ak-7
  KEYS: ks-8
  awsCredentials: cred-9
  clientSECRET: sec-10
  refreshToken: tok-11
cassandra:
  keyspace: visible-ks
  monkey: visible-monkey
  keyboard: visible-kb
  host: visible-host
`)
	raw, got, _ := dump(t, c)
	for _, leak := range []string{"pw-upper-1", "pw-passwd-2", "pw-pwd-3", "tok-4", "ak-5", "pk-6", "ak-7", "ks-8", "cred-9", "sec-10", "tok-11"} {
		if strings.Contains(raw, leak) {
			t.Fatalf("secret %q leaked into the dump:\n%s", leak, raw)
		}
	}
	svc := got["svc"].(map[string]any)
	if svc["apiKey"] != "<String len: 4>" {
		t.Errorf("apiKey = %v, want <String len: 4>", svc["apiKey"])
	}
	cas := got["cassandra"].(map[string]any)
	for k, want := range map[string]string{"keyspace": "visible-ks", "monkey": "visible-monkey", "keyboard": "visible-kb", "host": "visible-host"} {
		if cas[k] != want {
			t.Errorf("%s = %v, want %q (a word containing key is no secret)", k, cas[k], want)
		}
	}
}

func TestDumpRedactsCredentialsInURLsAndDSNs(t *testing.T) {
	c := loadYAML(t, `
db:
  url: postgres://admin:hunter2@db.internal:5432/app?sslmode=disable
  dsn: host=db.internal user=app password=s3cr3tdsn dbname=app
  mssql: Server=db;User Id=app;Password=mssqlpw;Database=app
  mysql: mysql://root:rootpw@tcp(db:3306)/app
  plain: https://example.com/path?q=1
  userOnly: https://bob@example.com/
`)
	raw, got, _ := dump(t, c)
	for _, leak := range []string{"hunter2", "s3cr3tdsn", "mssqlpw", "rootpw"} {
		if strings.Contains(raw, leak) {
			t.Errorf("password %q leaked into the dump", leak)
		}
	}
	db := got["db"].(map[string]any)
	for k, want := range map[string]string{
		"url":      "postgres://admin:xxxxx@db.internal:5432/app?sslmode=disable",
		"dsn":      "host=db.internal user=app password=xxxxx dbname=app",
		"mssql":    "Server=db;User Id=app;Password=xxxxx;Database=app",
		"mysql":    "mysql://root:xxxxx@tcp(db:3306)/app",
		"plain":    "https://example.com/path?q=1",
		"userOnly": "https://bob@example.com/",
	} {
		if db[k] != want {
			t.Errorf("%s = %v, want %q", k, db[k], want)
		}
	}
}

func TestDumpIgnoreExtendsThePatterns(t *testing.T) {
	c := loadYAML(t, `
dump:
  ignore: ["^pin$", "otp"]
atm:
  pin: "1234"
  otpSeed: seedvalue
  pinned: visible
`)
	raw, got, _ := dump(t, c)
	if strings.Contains(raw, "seedvalue") || strings.Contains(raw, `"1234"`) {
		t.Fatalf("a dump.ignore key leaked:\n%s", raw)
	}
	if got["atm"].(map[string]any)["pinned"] != "visible" {
		t.Error("an anchored dump.ignore pattern hid a key it does not match")
	}

	bad := loadYAML(t, "dump:\n  ignore: [\"(\"]\n")
	err := bad.Dump(filepath.Join(t.TempDir(), "run"))
	var ce *container.Error
	if !errors.As(err, &ce) || ce.Key != config.DumpIgnoreKey {
		t.Fatalf("a bad dump.ignore pattern: err = %v, want a *container.Error on %s", err, config.DumpIgnoreKey)
	}
}

func TestDumpFilesArePrivate(t *testing.T) {
	c := loadYAML(t, "a: 1\n")
	run := filepath.Join(t.TempDir(), "run")
	// A file left by an older dump with a wide mode must be narrowed too.
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "application_config.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.Dump(run); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"application_config.json", "application_config_meta.json"} {
		fi, err := os.Stat(filepath.Join(run, name))
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s mode = %o, want 600", name, m)
		}
	}
	fresh := filepath.Join(t.TempDir(), "a", "run")
	if err := c.Dump(fresh); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o700 {
		t.Errorf("created run dir mode = %o, want 700", m)
	}
}

func TestDumpHandlesNonFiniteFloats(t *testing.T) {
	c := loadYAML(t, "limits:\n  max: .inf\n  min: -.inf\n  ratio: 0.5\n")
	if err := c.Set("limits.undefined", math.NaN()); err != nil {
		t.Fatal(err)
	}
	_, got, _ := dump(t, c)
	l := got["limits"].(map[string]any)
	for k, want := range map[string]any{"max": "+Inf", "min": "-Inf", "undefined": "NaN", "ratio": 0.5} {
		if l[k] != want {
			t.Errorf("%s = %v, want %v", k, l[k], want)
		}
	}
}
