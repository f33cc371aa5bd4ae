package teggo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/passport"
	"github.com/teggo/teggo/teggotest"
)

// passportUsers is a local user table: ann's password hashed.
func passportUsers(t *testing.T) *passport.Passport[string] {
	t.Helper()
	hash, err := passport.HashPassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	p := passport.New[string]()
	p.Verify(func(ctx context.Context, prof *passport.Profile) (string, error) {
		if ok, err := passport.CheckPassword(hash, prof.Password); err == nil && ok && prof.Username == "ann" {
			return "ann", nil
		}
		return "", passport.ErrVerifyFailed
	})
	return p
}

// TestPassportLocalThroughTheApp: teggo.Passport mounts the local strategy
// on the App's server (POST /passport/local), on the App's sessions.
func TestPassportLocalThroughTheApp(t *testing.T) {
	p := passportUsers(t)
	app := teggotest.Start(t, teggo.Passport(p, passport.Options{SuccessRedirect: "/"}, "local"))
	form := url.Values{"username": {"ann"}, "password": {"s3cret"}}.Encode()
	res := app.Request(http.MethodPost, "/passport/local", form, "Content-Type", "application/x-www-form-urlencoded")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("login: %d %s %s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	if keys, err := app.Session().Keys(); err != nil || len(keys) == 0 {
		t.Fatalf("the session holds no user after the login: %v %v", keys, err)
	}
	bad := url.Values{"username": {"ann"}, "password": {"wrong"}}.Encode()
	if res := app.NewClient().Request(http.MethodPost, "/passport/local", bad, "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d %s", res.StatusCode, res.Body)
	}
}

// TestPassportStrategyWithoutConfigFailsStart: a github strategy without
// its passportGithub section is a start error naming the key, as egg's
// strategies are configured.
func TestPassportStrategyWithoutConfigFailsStart(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte("passportGithub:\n  secret: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, cfg := range map[string]teggo.Option{
		"missing":    teggo.Config(config.Dir(t.TempDir()), config.Env("unittest")),
		"incomplete": teggo.Config(config.Dir(dir), config.Env("unittest")),
	} {
		app := teggo.New(cfg, teggo.NoListen(), teggo.RunDir(filepath.Join(t.TempDir(), "run")),
			teggo.Passport(passportUsers(t), passport.Options{}, "github"))
		err := app.Start(context.Background())
		if err == nil {
			_ = app.Shutdown(context.Background())
		}
		var ce *container.Error
		if !errors.As(err, &ce) || ce.Code != config.Code || !strings.Contains(err.Error(), "passportGithub") {
			t.Errorf("%s: %v, want TEGGO_CONFIG naming passportGithub", name, err)
		}
	}
}

// TestPassportIfConfiguredSkipsAMissingSection: PassportIfConfigured
// starts without passportGithub (its routes are not mounted), mounts the
// strategy where the section exists, and still refuses an incomplete one.
func TestPassportIfConfiguredSkipsAMissingSection(t *testing.T) {
	app := teggotest.Start(t, teggo.Config(config.Dir(t.TempDir()), config.Env("unittest")),
		teggo.PassportIfConfigured(passportUsers(t), passport.Options{}, "github"))
	if res := app.GET("/passport/github"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /passport/github without its section: %d", res.StatusCode)
	}

	dir := t.TempDir()
	section := "passportGithub:\n  key: id\n  secret: s\n  authorizationURL: https://github.example/login/oauth/authorize\n"
	if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(section), 0o600); err != nil {
		t.Fatal(err)
	}
	app = teggotest.Start(t, teggo.Config(config.Dir(dir), config.Env("unittest")),
		teggo.PassportIfConfigured(passportUsers(t), passport.Options{}, "github"))
	res := app.GET("/passport/github")
	if res.StatusCode != http.StatusFound || !strings.HasPrefix(res.Header.Get("Location"), "https://github.example/login/oauth/authorize?") {
		t.Fatalf("GET /passport/github with its section: %d %q", res.StatusCode, res.Header.Get("Location"))
	}

	incomplete := t.TempDir()
	if err := os.WriteFile(filepath.Join(incomplete, "config.default.yaml"), []byte("passportGithub:\n  secret: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := teggo.New(teggo.Config(config.Dir(incomplete), config.Env("unittest")), teggo.NoListen(), teggo.RunDir(filepath.Join(t.TempDir(), "run")),
		teggo.PassportIfConfigured(passportUsers(t), passport.Options{}, "github"))
	err := bad.Start(context.Background())
	if err == nil {
		_ = bad.Shutdown(context.Background())
	}
	if !strings.Contains(fmt.Sprint(err), "passportGithub") {
		t.Fatalf("an incomplete section: %v, want TEGGO_CONFIG naming passportGithub", err)
	}
}
