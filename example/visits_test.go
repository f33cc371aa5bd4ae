package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/teggo/teggo/example/topic"
	"github.com/teggo/teggo/session"
)

// GET /api/v2/me counts a client's visits in its session cookie: the
// same client sees 1 then 2, another client starts at 1; it shows the
// logged-in user, and a login keeps the count (passport gives the session
// a new id, not new contents).
func TestMeCountsVisitsInTheSession(t *testing.T) {
	app := startApp(t)
	me := func(r interface{ JSON(any) error }) int {
		t.Helper()
		var out topic.Me
		if err := r.JSON(&out); err != nil {
			t.Fatal(err)
		}
		return out.Visits
	}
	first := app.GET("/api/v2/me").ExpectStatus(t, http.StatusOK)
	if n := me(first); n != 1 {
		t.Fatalf("first visit: %d", n)
	}
	cookie := strings.Join(first.Header.Values("Set-Cookie"), "\n")
	if !strings.Contains(cookie, session.DefaultKey+"=") || !strings.Contains(cookie, "HttpOnly") {
		t.Fatalf("session cookie: %q", cookie)
	}
	if n := me(app.GET("/api/v2/me").ExpectStatus(t, http.StatusOK)); n != 2 {
		t.Fatalf("second visit: %d", n)
	}
	if n := me(app.NewClient().GET("/api/v2/me").ExpectStatus(t, http.StatusOK)); n != 1 {
		t.Fatalf("another client: %d", n)
	}
	if n, err := app.Session().GetInt("visits"); n != 2 || err != nil {
		t.Fatalf("the session holds %d, %v", n, err)
	}
	loggedIn(t, app, "alice")
	var out topic.Me
	app.GET("/api/v2/me").ExpectStatus(t, http.StatusOK).JSON(&out)
	if out.Visits != 3 || out.User == nil || out.User.Username != "alice" {
		t.Fatalf("after login: %+v %+v", out, out.User)
	}
}
