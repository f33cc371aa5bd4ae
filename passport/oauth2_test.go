package passport_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
	"golang.org/x/oauth2"

	"github.com/teggo/teggo/passport"
)

// provider is a real OIDC provider over loopback, signing its tokens
// (RS256), with switches to deny a login or rewrite the nonce.
type provider struct {
	*mockoidc.MockOIDC
	deny, badNonce atomic.Bool
}

func newProvider(t *testing.T, fastForward time.Duration) *provider {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{MockOIDC: m}
	if err := m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == mockoidc.AuthorizationEndpoint {
				q := r.URL.Query()
				if p.deny.Load() {
					cb, _ := url.Parse(q.Get("redirect_uri"))
					cb.RawQuery = url.Values{"error": {"access_denied"}, "state": {q.Get("state")}}.Encode()
					http.Redirect(w, r, cb.String(), http.StatusFound)
					return
				}
				if p.badNonce.Load() {
					q.Set("nonce", "someone-elses-nonce")
					r.URL.RawQuery = q.Encode()
				}
			}
			next.ServeHTTP(w, r)
		})
	}); err != nil {
		t.Fatal(err)
	}
	m.FastForward(fastForward)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return p
}

// withOIDC mounts an OIDC strategy on the provider at /passport/oidc.
func withOIDC(t *testing.T, a *app, p *provider, ttl time.Duration) {
	t.Helper()
	cfg := p.Config()
	s, err := passport.NewOIDC(context.Background(), passport.Config{Key: cfg.ClientID, Secret: cfg.ClientSecret, Issuer: p.Issuer(), AttemptTTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	a.p.Use("oidc", s)
	a.p.Verify(func(_ context.Context, prof *passport.Profile) (*account, error) {
		if prof.Provider != "oidc" || prof.ID == "" {
			return nil, errors.New("bad profile")
		}
		return &account{ID: 7, Name: prof.Username + " <" + prof.Email + ">"}, nil
	})
	a.p.Mount(a.mux, "oidc", passport.Options{SuccessReturnToOrRedirect: "/home"})
}

// begin hits the login route and returns the provider's authorize URL.
func (a *app) begin(c *http.Client, login string) *url.URL {
	a.t.Helper()
	res, _ := a.do(c, http.MethodGet, login, "", "")
	if res.StatusCode != http.StatusFound {
		a.t.Fatalf("login route: %d", res.StatusCode)
	}
	u, err := url.Parse(location(res))
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// authorize visits the provider and returns the callback URL it sends
// the browser to.
func (a *app) authorize(c *http.Client, u *url.URL) string {
	a.t.Helper()
	res, _ := a.do(c, http.MethodGet, u.String(), "", "")
	if res.StatusCode != http.StatusFound {
		a.t.Fatalf("authorize: %d", res.StatusCode)
	}
	cb := location(res)
	if !strings.HasPrefix(cb, a.srv.URL+"/passport/") {
		a.t.Fatalf("the provider sent the browser to %q", cb)
	}
	return cb
}

func TestOAuth2LoginCallbackReturnToLogout(t *testing.T) {
	p := newProvider(t, 0)
	a := newApp(t, passport.LoginURL("/passport/oidc"))
	withOIDC(t, a, p, 0)

	res, _ := a.get("/me?page=3")
	if res.StatusCode != http.StatusFound || location(res) != "/passport/oidc" {
		t.Fatalf("guard: %d %q", res.StatusCode, location(res))
	}
	auth := a.begin(a.client, "/passport/oidc")
	q := auth.Query()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 40 || len(q.Get("nonce")) < 40 {
		t.Fatalf("authorize URL lacks PKCE S256, state or nonce: %s", auth)
	}
	if q.Get("redirect_uri") != a.srv.URL+"/passport/oidc/callback" {
		t.Fatalf("redirect_uri %q", q.Get("redirect_uri"))
	}
	before := a.sessionCookie(a.client)
	cb := a.authorize(a.client, auth)
	res, body := a.get(cb)
	if res.StatusCode != http.StatusFound || location(res) != "/me?page=3" {
		t.Fatalf("callback: %d %q %s", res.StatusCode, location(res), body)
	}
	if a.sessionCookie(a.client) == before {
		t.Fatal("the session id did not change at login")
	}
	res, body = a.get("/me")
	if res.StatusCode != 200 || !strings.Contains(body, "jane.doe \\u003cjane.doe@example.com\\u003e") {
		t.Fatalf("/me: %d %s", res.StatusCode, body)
	}
	a.do(a.client, http.MethodPost, "/logout", "", "")
	if res, _ := a.get("/me", "Accept", "application/json"); res.StatusCode != 401 {
		t.Fatalf("/me after logout: %d", res.StatusCode)
	}
}

func TestOAuth2ReplayedCallbackFails(t *testing.T) {
	p := newProvider(t, 0)
	a := newApp(t)
	withOIDC(t, a, p, 0)
	cb := a.authorize(a.client, a.begin(a.client, "/passport/oidc"))
	if res, _ := a.get(cb); res.StatusCode != http.StatusFound {
		t.Fatalf("first callback: %d", res.StatusCode)
	}
	res, body := a.get(cb, "Accept", "application/json")
	if res.StatusCode != 403 || problemCode(t, res, body) != "TEGGO_PASSPORT_STATE_MISMATCH" {
		t.Fatalf("replayed callback: %d %s", res.StatusCode, body)
	}
}

// TestOAuth2CallbackWithAForeignStateFails: login CSRF — the attacker's
// callback (a valid code and state of the attacker's session) given to the
// victim's browser does not log the victim in as the attacker.
func TestOAuth2CallbackWithAForeignStateFails(t *testing.T) {
	p := newProvider(t, 0)
	a := newApp(t)
	withOIDC(t, a, p, 0)
	attacker := newClient(t)
	foreign := a.authorize(attacker, a.begin(attacker, "/passport/oidc"))

	a.begin(a.client, "/passport/oidc") // the victim has an attempt of its own
	res, body := a.get(foreign, "Accept", "application/json")
	if res.StatusCode != 403 || problemCode(t, res, body) != "TEGGO_PASSPORT_STATE_MISMATCH" {
		t.Fatalf("foreign callback: %d %s", res.StatusCode, body)
	}
	if res, _ := a.get("/me", "Accept", "application/json"); res.StatusCode != 401 {
		t.Fatalf("the victim is logged in: %d", res.StatusCode)
	}
	// A forged state with no attempt at all fails the same way.
	res, body = a.get("/passport/oidc/callback?code=x&state=forged", "Accept", "application/json")
	if res.StatusCode != 403 || problemCode(t, res, body) != "TEGGO_PASSPORT_STATE_MISMATCH" {
		t.Fatalf("forged state: %d %s", res.StatusCode, body)
	}
}

func TestOAuth2ExpiredAttemptFails(t *testing.T) {
	p := newProvider(t, 0)
	a := newApp(t)
	withOIDC(t, a, p, time.Nanosecond)
	cb := a.authorize(a.client, a.begin(a.client, "/passport/oidc"))
	res, body := a.get(cb, "Accept", "application/json")
	if res.StatusCode != 403 || problemCode(t, res, body) != "TEGGO_PASSPORT_STATE_MISMATCH" {
		t.Fatalf("expired attempt: %d %s", res.StatusCode, body)
	}
}

// TestOAuth2ReplayedCodeIsRefused: a used code, sent with a fresh valid
// state, is refused by the provider's token endpoint.
func TestOAuth2ReplayedCodeIsRefused(t *testing.T) {
	p := newProvider(t, 0)
	a := newApp(t)
	withOIDC(t, a, p, 0)
	cb := a.authorize(a.client, a.begin(a.client, "/passport/oidc"))
	a.get(cb)
	used, _ := url.Parse(cb)
	fresh := a.begin(a.client, "/passport/oidc").Query().Get("state")
	replay := "/passport/oidc/callback?" + url.Values{"code": {used.Query().Get("code")}, "state": {fresh}}.Encode()
	res, body := a.get(replay, "Accept", "application/json")
	if res.StatusCode != 401 || problemCode(t, res, body) != "TEGGO_PASSPORT_TOKEN_EXCHANGE" {
		t.Fatalf("replayed code: %d %s", res.StatusCode, body)
	}
	if logs := a.logs.String(); !strings.Contains(logs, "invalid_grant") || strings.Contains(logs, used.Query().Get("code")) {
		t.Fatalf("the log lacks the provider's error code, or carries the authorization code: %s", logs)
	}
}

func TestOAuth2ProviderErrorAccessDenied(t *testing.T) {
	p := newProvider(t, 0)
	a := newApp(t)
	withOIDC(t, a, p, 0)
	p.deny.Store(true)
	cb := a.authorize(a.client, a.begin(a.client, "/passport/oidc"))
	if !strings.Contains(cb, "error=access_denied") {
		t.Fatalf("the provider did not deny: %s", cb)
	}
	res, body := a.get(cb, "Accept", "application/json")
	if res.StatusCode != 401 || problemCode(t, res, body) != "TEGGO_PASSPORT_PROVIDER_ERROR" {
		t.Fatalf("access_denied: %d %s", res.StatusCode, body)
	}
}

func TestOIDCNonceMismatch(t *testing.T) {
	p := newProvider(t, 0)
	a := newApp(t)
	withOIDC(t, a, p, 0)
	p.badNonce.Store(true)
	cb := a.authorize(a.client, a.begin(a.client, "/passport/oidc"))
	res, body := a.get(cb, "Accept", "application/json")
	if res.StatusCode != 401 || problemCode(t, res, body) != "TEGGO_PASSPORT_ID_TOKEN_INVALID" {
		t.Fatalf("nonce mismatch: %d %s", res.StatusCode, body)
	}
	if !strings.Contains(a.logs.String(), "nonce") {
		t.Fatalf("the log does not say why: %s", a.logs.String())
	}
}

func TestOIDCExpiredIDToken(t *testing.T) {
	p := newProvider(t, -2*time.Hour) // the provider's clock is 2 h behind: its tokens are born expired
	a := newApp(t)
	withOIDC(t, a, p, 0)
	cb := a.authorize(a.client, a.begin(a.client, "/passport/oidc"))
	res, body := a.get(cb, "Accept", "application/json")
	if res.StatusCode != 401 || problemCode(t, res, body) != "TEGGO_PASSPORT_ID_TOKEN_INVALID" {
		t.Fatalf("expired ID token: %d %s", res.StatusCode, body)
	}
}

// githubAPI is GitHub's user API over loopback: it checks the bearer token
// against the provider's userinfo and answers GitHub's shape.
func githubAPI(t *testing.T, p *provider, fail *atomic.Bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, p.UserinfoEndpoint(), nil)
		req.Header.Set("Authorization", r.Header.Get("Authorization"))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer res.Body.Close()
		var info struct {
			Sub      string `json:"sub"`
			Email    string `json:"email"`
			Username string `json:"preferred_username"`
		}
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || json.Unmarshal(b, &info) != nil {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"id": json.Number(info.Sub), "login": info.Username, "email": info.Email, "avatar_url": "https://avatars.example/u/" + info.Sub})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func withGitHub(t *testing.T, a *app, p *provider, api *httptest.Server) {
	t.Helper()
	cfg := p.Config()
	s, err := passport.NewGitHub(passport.Config{Key: cfg.ClientID, Secret: cfg.ClientSecret, Scope: []string{"openid", "email", "profile"},
		AuthorizationURL: p.AuthorizationEndpoint(), TokenURL: p.TokenEndpoint(), UserProfileURL: api.URL + "/user"})
	if err != nil {
		t.Fatal(err)
	}
	a.p.Use("github", s)
	a.p.Verify(func(_ context.Context, prof *passport.Profile) (*account, error) {
		if prof.Provider != "github" || prof.ID != "1234567890" || prof.AccessToken == "" {
			return nil, passport.ErrVerifyFailed
		}
		return &account{ID: 9, Name: prof.Username + " " + prof.Photo}, nil
	})
	a.p.Mount(a.mux, "github", passport.Options{SuccessRedirect: "/welcome"})
}

func TestGitHubLogin(t *testing.T) {
	p := newProvider(t, 0)
	var fail atomic.Bool
	a := newApp(t)
	withGitHub(t, a, p, githubAPI(t, p, &fail))
	cb := a.authorize(a.client, a.begin(a.client, "/passport/github"))
	if !strings.HasPrefix(cb, a.srv.URL+"/passport/github/callback?") {
		t.Fatalf("callback %q", cb)
	}
	res, body := a.get(cb)
	if res.StatusCode != http.StatusFound || location(res) != "/welcome" {
		t.Fatalf("callback: %d %q %s", res.StatusCode, location(res), body)
	}
	if res, body := a.get("/me"); res.StatusCode != 200 || !strings.Contains(body, "jane.doe https://avatars.example/u/1234567890") {
		t.Fatalf("/me: %d %s", res.StatusCode, body)
	}
}

func TestGitHubProfileFailure(t *testing.T) {
	p := newProvider(t, 0)
	var fail atomic.Bool
	fail.Store(true)
	a := newApp(t)
	withGitHub(t, a, p, githubAPI(t, p, &fail))
	cb := a.authorize(a.client, a.begin(a.client, "/passport/github"))
	res, body := a.get(cb, "Accept", "application/json")
	if res.StatusCode != 502 || problemCode(t, res, body) != "TEGGO_PASSPORT_PROFILE_FAILED" {
		t.Fatalf("profile failure: %d %s", res.StatusCode, body)
	}
}

func TestConstructorsRefuseBadConfig(t *testing.T) {
	for _, c := range []passport.Config{
		{},
		{Key: "id"},
		{Key: "id", Secret: "s", CallbackURL: "ftp://x/cb"},
		{Key: "id", Secret: "s", CallbackURL: "//evil/cb"},
	} {
		if _, err := passport.NewGitHub(c); !errors.Is(err, passport.CodeBadConfig) {
			t.Errorf("NewGitHub(%+v) = %v, want TEGGO_PASSPORT_BAD_CONFIG", c, err)
		}
	}
	if _, err := passport.NewGitHub(passport.Config{Key: "id", Secret: "s", CallbackURL: "https://example.com/passport/github/callback"}); err != nil {
		t.Errorf("a good config: %v", err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	if _, err := passport.NewOIDC(context.Background(), passport.Config{Key: "id", Secret: "s", Issuer: closed.URL}); !errors.Is(err, passport.CodeBadConfig) {
		t.Errorf("NewOIDC on a dead issuer = %v", err)
	}
}

// TestNewOAuth2WithAProfileFunc: a provider of one's own, its profile read
// with the token's client from the provider's userinfo endpoint.
func TestNewOAuth2WithAProfileFunc(t *testing.T) {
	p := newProvider(t, 0)
	a := newApp(t)
	cfg := p.Config()
	s, err := passport.NewOAuth2(passport.Config{Key: cfg.ClientID, Secret: cfg.ClientSecret, Scope: []string{"openid", "email"}},
		oauth2.Endpoint{AuthURL: p.AuthorizationEndpoint(), TokenURL: p.TokenEndpoint()},
		func(ctx context.Context, c *http.Client, _ *oauth2.Token) (*passport.Profile, error) {
			res, err := c.Get(p.UserinfoEndpoint())
			if err != nil {
				return nil, err
			}
			defer res.Body.Close()
			var info struct{ Sub, Email string }
			if err := json.NewDecoder(res.Body).Decode(&info); err != nil {
				return nil, err
			}
			return &passport.Profile{ID: info.Sub, Email: info.Email}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	a.p.Use("acme", s)
	a.p.Verify(func(_ context.Context, prof *passport.Profile) (*account, error) {
		return &account{ID: 3, Name: prof.Provider + ":" + prof.ID + ":" + prof.Email}, nil
	})
	a.p.Mount(a.mux, "acme", passport.Options{})
	cb := a.authorize(a.client, a.begin(a.client, "/passport/acme"))
	if res, _ := a.get(cb); res.StatusCode != http.StatusFound || location(res) != "/" {
		t.Fatalf("callback: %d %q", res.StatusCode, location(res))
	}
	if res, body := a.get("/me"); !strings.Contains(body, "acme:1234567890:jane.doe@example.com") {
		t.Fatalf("/me: %d %s", res.StatusCode, body)
	}
	if _, err := passport.NewOAuth2(passport.Config{Key: "k", Secret: "s"}, oauth2.Endpoint{AuthURL: "https://a", TokenURL: "https://t"}, nil); !errors.Is(err, passport.CodeBadConfig) {
		t.Fatalf("no profile function: %v", err)
	}
}
