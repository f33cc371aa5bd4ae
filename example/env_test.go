package main

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/teggotest"
)

// TestProdNeedsKeysFromTheEnvironment: prod refuses to start without
// cookie keys, and starts with EXAMPLE_KEYS, its sessions signed with
// them.
func TestProdNeedsKeysFromTheEnvironment(t *testing.T) {
	t.Setenv("EXAMPLE_KEYS", "")
	app := teggo.New(append(options(), teggo.Config(config.Env("prod")), teggo.NoListen(), teggo.RunDir(filepath.Join(t.TempDir(), "run")))...)
	err := app.Start(context.Background())
	if err == nil {
		_ = app.Shutdown(context.Background())
	}
	if !errors.Is(err, cookies.CodeNoKeys) {
		t.Fatalf("prod without keys: %v, want TEGGO_COOKIE_NO_KEYS", err)
	}

	key := cookies.GenerateKey()
	t.Setenv("EXAMPLE_KEYS", key)
	prod := teggotest.Start(t, append(options(), teggo.Config(config.Env("prod")))...)
	want, err := cookies.ParseKeys(key)
	if err != nil {
		t.Fatal(err)
	}
	if plain, _ := want.Decrypt("TEGGO_SESS", prod.Keys().Encrypt("TEGGO_SESS", []byte("sealed"))); string(plain) != "sealed" {
		t.Fatal("the app's keys are not EXAMPLE_KEYS")
	}
	signUp(t, prod, "alice")
	logIn(t, prod, "alice")
	prod.POST("/api/v2/topics", map[string]string{"title": "t", "content": "c"}).ExpectStatus(t, http.StatusCreated)
}

// TestGitHubFromTheEnvironment: GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET
// fill in passportGithub, which mounts GitHub login on GitHub's
// endpoints.
func TestGitHubFromTheEnvironment(t *testing.T) {
	t.Setenv("GITHUB_CLIENT_ID", "example-client")
	t.Setenv("GITHUB_CLIENT_SECRET", "example-secret")
	app := startApp(t)
	res := app.GET("/passport/github").ExpectStatus(t, http.StatusFound)
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "https://github.com/login/oauth/authorize?") || !strings.Contains(loc, "client_id=example-client") {
		t.Fatalf("GET /passport/github redirects to %q", loc)
	}
	if strings.Contains(string(res.Body), "example-secret") || strings.Contains(loc, "example-secret") {
		t.Fatal("the client secret reached the browser")
	}
}
