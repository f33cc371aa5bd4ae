package passport_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/teggo/teggo/passport"
)

// users is the local accounts' store: name -> (id, password hash).
type users map[string]struct {
	id   int
	hash string
}

func withLocal(t *testing.T, a *app) {
	t.Helper()
	h, err := passport.HashPassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	db := users{"ann": {1, h}}
	a.p.Use("local", passport.NewLocal(passport.LocalOptions{}))
	a.p.Verify(func(ctx context.Context, prof *passport.Profile) (*account, error) {
		u := db[prof.Username]
		ok, err := passport.CheckPassword(u.hash, prof.Password)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, passport.ErrVerifyFailed
		}
		return &account{ID: u.id, Name: prof.Username}, nil
	})
	a.mux.Handle("POST /login", a.p.Authenticate(passport.Options{SuccessReturnToOrRedirect: "/home", FailureRedirect: "/login?failed=1"}, "local"))
}

func TestLocalLoginWithFormReturnsToTheGuardedPage(t *testing.T) {
	a := newApp(t)
	withLocal(t, a)

	res, _ := a.get("/me?tab=2")
	if res.StatusCode != http.StatusFound || location(res) != "/login" {
		t.Fatalf("guard: %d %q, want a redirect to /login", res.StatusCode, location(res))
	}
	before := a.sessionCookie(a.client)
	res, _ = a.do(a.client, http.MethodPost, "/login", "application/x-www-form-urlencoded", "username=ann&password=s3cret")
	if res.StatusCode != http.StatusSeeOther || location(res) != "/me?tab=2" {
		t.Fatalf("login: %d %q, want 303 to the returnTo /me?tab=2", res.StatusCode, location(res))
	}
	after := a.sessionCookie(a.client)
	if before == "" || after == before {
		t.Fatalf("the session id did not change at login (fixation): %q -> %q", before, after)
	}
	if rec, err := a.store.Get(context.Background(), before); err != nil || rec != nil {
		t.Fatalf("the pre-login session outlives the login: %v %v", rec, err)
	}
	res, body := a.get("/me")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"name":"ann"`) {
		t.Fatalf("/me after login: %d %s", res.StatusCode, body)
	}

	// The id planted before login is worth nothing.
	planted := newClient(t)
	res, _ = a.do(planted, http.MethodGet, "/me", "", "", "Cookie", "TEGGO_SESS="+before)
	if res.StatusCode != http.StatusFound {
		t.Fatalf("the pre-login session id still logs in: %d", res.StatusCode)
	}

	// returnTo was consumed: the next login goes to the default.
	res, _ = a.do(a.client, http.MethodPost, "/login", "application/x-www-form-urlencoded", "username=ann&password=s3cret")
	if location(res) != "/home" {
		t.Fatalf("second login went to %q, want /home", location(res))
	}

	// Logout clears the user and changes the id again.
	beforeOut := a.sessionCookie(a.client)
	res, _ = a.do(a.client, http.MethodPost, "/logout", "", "")
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if rec, err := a.store.Get(context.Background(), beforeOut); err != nil || rec != nil {
		t.Fatalf("the session id of the login outlives the logout: %v %v", rec, err)
	}
	if res, _ = a.get("/me"); res.StatusCode != http.StatusFound {
		t.Fatalf("/me after logout: %d, want a redirect to login", res.StatusCode)
	}
}

func TestLocalLoginWithJSON(t *testing.T) {
	a := newApp(t)
	withLocal(t, a)
	res, _ := a.do(a.client, http.MethodPost, "/login", "application/json", `{"username":"ann","password":"s3cret"}`)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("JSON login: %d", res.StatusCode)
	}
	if res, body := a.get("/me", "Accept", "application/json"); res.StatusCode != 200 || !strings.Contains(body, `"id":1`) {
		t.Fatalf("/me: %d %s", res.StatusCode, body)
	}
}

func TestLocalFailedLogin(t *testing.T) {
	a := newApp(t)
	withLocal(t, a)
	cases := []struct {
		name, ctype, body string
		status            int
		code              string
	}{
		{"wrong password", "application/json", `{"username":"ann","password":"nope"}`, 401, "TEGGO_PASSPORT_VERIFY_FAILED"},
		{"unknown user", "application/json", `{"username":"bob","password":"s3cret"}`, 401, "TEGGO_PASSPORT_VERIFY_FAILED"},
		{"missing password", "application/json", `{"username":"ann"}`, 400, "TEGGO_PASSPORT_MISSING_CREDENTIALS"},
		{"not JSON", "application/json", `{"username":`, 400, "TEGGO_PASSPORT_BAD_BODY"},
		{"number password", "application/json", `{"username":"ann","password":12}`, 400, "TEGGO_PASSPORT_BAD_BODY"},
		{"too large", "application/json", `{"username":"ann","password":"` + strings.Repeat("x", 20<<10) + `"}`, 413, "TEGGO_PASSPORT_BAD_BODY"},
		{"long password", "application/json", `{"username":"ann","password":"` + strings.Repeat("x", 2000) + `"}`, 400, "TEGGO_PASSPORT_BAD_BODY"},
		{"other media type", "text/plain", `ann:s3cret`, 415, "TEGGO_PASSPORT_BAD_BODY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctype := c.ctype
			res, body := a.do(a.client, http.MethodPost, "/login", ctype, c.body, "Accept", "application/json")
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, c.status, body)
			}
			if code := problemCode(t, res, body); code != c.code {
				t.Fatalf("code %s, want %s", code, c.code)
			}
			if strings.Contains(body, "s3cret") || strings.Contains(body, "nope") {
				t.Fatalf("the problem echoes a credential: %s", body)
			}
		})
	}
	// A browser goes to FailureRedirect instead.
	res, _ := a.do(a.client, http.MethodPost, "/login", "application/x-www-form-urlencoded", "username=ann&password=bad")
	if res.StatusCode != http.StatusSeeOther || location(res) != "/login?failed=1" {
		t.Fatalf("browser failure: %d %q", res.StatusCode, location(res))
	}
	if res, _ := a.get("/me", "Accept", "application/json"); res.StatusCode != 401 {
		t.Fatalf("a failed login logged in: %d", res.StatusCode)
	}
	if logs := a.logs.String(); strings.Contains(logs, "s3cret") || strings.Contains(logs, "nope") || !strings.Contains(logs, "code=TEGGO_PASSPORT_VERIFY_FAILED") {
		t.Fatalf("logs carry a password, or not the code: %s", logs)
	}
}

func TestVerifyErrorIs500(t *testing.T) {
	a := newApp(t)
	a.p.Use("local", passport.NewLocal(passport.LocalOptions{}))
	a.p.Verify(func(context.Context, *passport.Profile) (*account, error) {
		return nil, errors.New("db down")
	})
	a.mux.Handle("POST /login", a.p.Authenticate(passport.Options{FailureRedirect: "/login"}, "local"))
	res, body := a.do(a.client, http.MethodPost, "/login", "application/x-www-form-urlencoded", "username=a&password=b")
	if res.StatusCode != 500 || problemCode(t, res, body) != "TEGGO_PASSPORT_VERIFY_ERROR" || strings.Contains(body, "db down") {
		t.Fatalf("verify error: %d %s", res.StatusCode, body)
	}
}

func TestRequireUserAnswersAPIClientsWithAProblem(t *testing.T) {
	a := newApp(t)
	res, body := a.get("/me", "Accept", "application/json")
	if res.StatusCode != 401 || problemCode(t, res, body) != "TEGGO_PASSPORT_UNAUTHENTICATED" {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	if res.Header.Get("Location") != "" {
		t.Fatal("an API client was redirected")
	}
}
