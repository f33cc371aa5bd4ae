package passport_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"

	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/passport"
	"github.com/teggo/teggo/session"
)

// Account is the app's user.
type Account struct {
	ID   int
	Name string
}

// Example logs in with the local strategy: the guard sends the browser to
// the login page and keeps /me as returnTo; the login sends it back.
func Example() {
	hash, _ := passport.HashPassword("s3cret")
	accounts := map[string]*Account{"ann": {ID: 1, Name: "Ann"}}
	hashes := map[string]string{"ann": hash}

	p := passport.New[*Account](passport.LoginURL("/login"))
	p.Use("local", passport.NewLocal(passport.LocalOptions{}))
	p.Verify(func(ctx context.Context, prof *passport.Profile) (*Account, error) {
		ok, err := passport.CheckPassword(hashes[prof.Username], prof.Password)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, passport.ErrVerifyFailed
		}
		return accounts[prof.Username], nil
	})
	// The session keeps the id only; the account is read back per request.
	p.SerializeUser(func(ctx context.Context, u *Account) (any, error) { return u.ID, nil })
	p.DeserializeUser(func(ctx context.Context, data json.RawMessage) (*Account, error) {
		var id int
		if err := json.Unmarshal(data, &id); err != nil {
			return nil, err
		}
		for _, a := range accounts {
			if a.ID == id {
				return a, nil
			}
		}
		return nil, passport.ErrPass // unknown id: the user is logged out
	})

	mux := http.NewServeMux()
	mux.Handle("POST /login", p.Authenticate(passport.Options{SuccessReturnToOrRedirect: "/", FailureRedirect: "/login"}, "local"))
	mux.Handle("GET /me", p.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := p.User(r.Context())
		fmt.Fprintf(w, "hello %s", u.Name)
	})))
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		if err := p.Logout(r.Context()); err != nil {
			http.Error(w, "logout failed", http.StatusServiceUnavailable)
			return
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	keys, _ := cookies.ParseKeys(cookies.GenerateKey())
	m, _ := session.NewManager(session.Config{})
	h := cookies.Middleware(cookies.Config{Keys: keys})(m.Middleware(mux))

	srv := httptest.NewServer(h)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	res, _ := browser.Get(srv.URL + "/me")
	fmt.Println(res.StatusCode, res.Header.Get("Location"))
	res, _ = browser.PostForm(srv.URL+"/login", url.Values{"username": {"ann"}, "password": {"s3cret"}})
	fmt.Println(res.StatusCode, res.Header.Get("Location"))
	res, _ = browser.Get(srv.URL + "/me")
	body, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, string(body))
	// Output:
	// 302 /login
	// 303 /me
	// 200 hello Ann
}

// ExampleNewGitHub mounts GitHub login: GET /passport/github redirects to
// GitHub, GET /passport/github/callback comes back with the code.
func ExampleNewGitHub() {
	p := passport.New[*Account]()
	github, err := passport.NewGitHub(passport.Config{
		Key:         os.Getenv("GITHUB_CLIENT_ID"),
		Secret:      os.Getenv("GITHUB_CLIENT_SECRET"),
		CallbackURL: "https://example.com/passport/github/callback",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	p.Use("github", github)
	p.Verify(func(ctx context.Context, prof *passport.Profile) (*Account, error) {
		// Find the account linked to (prof.Provider, prof.ID), or register one.
		return &Account{ID: 1, Name: prof.Username}, nil
	})
	mux := http.NewServeMux()
	p.Mount(mux, "github", passport.Options{SuccessReturnToOrRedirect: "/"})
}
