package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/example/topic"
	"github.com/teggo/teggo/teggotest"
)

// gitHub is GitHub's OAuth2 over loopback: mockoidc, a real provider that
// signs its tokens, serves the authorize and token endpoints, and user is
// GitHub's GET /user, which answers GitHub's shape ({id, login, name,
// email}) for a bearer token the provider's userinfo accepts.
type gitHub struct {
	*mockoidc.MockOIDC
	user *httptest.Server
}

func newGitHub(t *testing.T) *gitHub {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	user := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/user" {
			http.NotFound(w, r)
			return
		}
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, m.UserinfoEndpoint(), nil)
		req.Header.Set("Authorization", r.Header.Get("Authorization"))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		var info struct {
			Sub      string `json:"sub"`
			Email    string `json:"email"`
			Username string `json:"preferred_username"`
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || json.Unmarshal(b, &info) != nil {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"id": json.Number(info.Sub), "login": info.Username, "name": "Jane Doe", "email": info.Email})
	}))
	t.Cleanup(user.Close)
	return &gitHub{MockOIDC: m, user: user}
}

// configWithGitHub writes the example's config files to a directory, the
// unittest env's with a passportGithub section on the provider.
func configWithGitHub(t *testing.T, gh *gitHub) teggo.Option {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"config.default.yaml", "config.unittest.yaml", "config.prod.yaml"} {
		b, err := configFS.ReadFile("config/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if name == "config.unittest.yaml" {
			cfg := gh.Config()
			b = append(b, []byte("passportGithub:\n"+
				"  key: "+cfg.ClientID+"\n"+
				"  secret: "+cfg.ClientSecret+"\n"+
				"  scope: [openid, email, profile]\n"+
				"  authorizationURL: "+gh.AuthorizationEndpoint()+"\n"+
				"  tokenURL: "+gh.TokenEndpoint()+"\n"+
				"  userProfileURL: "+gh.user.URL+"/user\n")...)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return teggo.Config(config.Dir(dir))
}

// TestGitHubLoginCreatesATopic: with passportGithub configured, a browser
// (a real cookie jar, redirects followed one by one) goes from GET
// /passport/github to the provider and back to the callback, is logged in
// as a new GitHub account, and creates a topic as its author.
func TestGitHubLoginCreatesATopic(t *testing.T) {
	gh := newGitHub(t)
	app := teggotest.Start(t, append(options(), configWithGitHub(t, gh))...)
	browser := app.NewClient()
	t.Cleanup(browser.HTTP.CloseIdleConnections)

	hop := func(target string, want int) string {
		t.Helper()
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		res := browser.Do(req)
		if res.StatusCode != want {
			t.Fatalf("GET %s: %d %s", target, res.StatusCode, res.Body)
		}
		return res.Header.Get("Location")
	}
	authorize := hop(app.URL("/passport/github"), http.StatusFound)
	if !strings.HasPrefix(authorize, gh.AuthorizationEndpoint()+"?") || !strings.Contains(authorize, "code_challenge=") {
		t.Fatalf("login redirects to %q", authorize)
	}
	callback := hop(authorize, http.StatusFound)
	if !strings.HasPrefix(callback, app.URL("/passport/github/callback?")) {
		t.Fatalf("the provider sends the browser to %q", callback)
	}
	if home := hop(callback, http.StatusFound); home != "/api/v2/me" {
		t.Fatalf("the callback redirects to %q", home)
	}

	var me topic.Me
	browser.GET("/api/v2/me").ExpectStatus(t, http.StatusOK).JSON(&me)
	if me.User == nil || me.User.Provider != "github" || me.User.Username != "jane.doe" || me.User.Name != "Jane Doe" {
		t.Fatalf("me after the GitHub login: %+v", me.User)
	}
	var c topic.Created
	browser.POST("/api/v2/topics", map[string]string{"title": "from GitHub", "content": "c"}).ExpectStatus(t, http.StatusCreated).JSON(&c)
	var got topic.Topic
	app.NewClient().GET("/api/v2/topics/"+c.TopicID).ExpectStatus(t, http.StatusOK).JSON(&got)
	if got.Author == nil || *got.Author != (topic.Author{Username: "jane.doe", Provider: "github"}) || got.AuthorID != strconv.FormatInt(me.User.ID, 10) {
		t.Fatalf("topic %+v by %+v", got, got.Author)
	}
}

// TestGitHubIsOffWithoutItsConfig: the embedded config has no
// passportGithub, so the example starts without GitHub login.
func TestGitHubIsOffWithoutItsConfig(t *testing.T) {
	t.Setenv("GITHUB_CLIENT_ID", "")
	t.Setenv("GITHUB_CLIENT_SECRET", "")
	app := startApp(t)
	app.GET("/passport/github").ExpectStatus(t, http.StatusNotFound)
	app.GET("/passport/github/callback").ExpectStatus(t, http.StatusNotFound)
}
