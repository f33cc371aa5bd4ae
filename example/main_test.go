package main

import (
	"context"
	"database/sql"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/example/topic"
	"github.com/teggo/teggo/teggotest"
)

func startApp(t *testing.T) *teggotest.App {
	t.Helper()
	return teggotest.Start(t, options()...)
}

// password is every test account's password.
const password = "correct horse battery"

// poster is a client of the app: the App's default one or another.
type poster interface {
	POST(path string, body any, headers ...string) *teggotest.Response
}

// signUp creates the local account username through the API.
func signUp(t *testing.T, c poster, username string) topic.User {
	t.Helper()
	var u topic.User
	c.POST("/api/v2/users", map[string]string{"username": username, "password": password}).ExpectStatus(t, http.StatusCreated).JSON(&u)
	if u.ID == 0 || u.Username != username || u.Provider != "local" {
		t.Fatalf("signed up %+v", u)
	}
	return u
}

// logIn logs c in as username with a JSON body: the client's cookie jar
// then holds the logged-in session.
func logIn(t *testing.T, c poster, username string) {
	t.Helper()
	res := c.POST("/passport/local", map[string]string{"username": username, "password": password}).ExpectStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/api/v2/me" {
		t.Fatalf("login redirects to %q", loc)
	}
}

// loggedIn signs username up and logs in the app's default client.
func loggedIn(t *testing.T, app *teggotest.App, username string) topic.User {
	t.Helper()
	u := signUp(t, app, username)
	logIn(t, app, username)
	return u
}

// problem decodes a problem document, checking its content type.
func problem(t *testing.T, res *teggotest.Response) (code, detail string) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want a problem: %s", ct, res.Body)
	}
	var p struct{ Code, Detail string }
	if err := res.JSON(&p); err != nil {
		t.Fatal(err)
	}
	return p.Code, p.Detail
}

func TestTopicsAPI(t *testing.T) {
	app := startApp(t)
	alice := loggedIn(t, app, "alice")

	created := teggotest.ExpectEvent[topic.TopicCreated](app)
	var c topic.Created
	app.POST("/api/v2/topics", map[string]string{"title": "  Hello teggo  ", "tab": "ask", "content": "first"}).
		ExpectStatus(t, http.StatusCreated).JSON(&c)
	if len(c.TopicID) != 24 {
		t.Fatalf("topic_id %q", c.TopicID)
	}
	if e := created.Wait(0); e.ID != c.TopicID || e.Title != "Hello teggo" {
		t.Fatalf("event %+v", e)
	}

	// Reads are public: another client, logged in or not, sees the author.
	var got topic.Topic
	app.NewClient().GET("/api/v2/topics/"+c.TopicID).ExpectStatus(t, http.StatusOK).JSON(&got)
	if got.Title != "Hello teggo" || got.Tab != "ask" || got.VisitCount != 0 {
		t.Fatalf("topic %+v", got)
	}
	if got.AuthorID != "1" || alice.ID != 1 || got.Author == nil || *got.Author != (topic.Author{Username: "alice", Provider: "local"}) {
		t.Fatalf("author %q %+v, alice %+v", got.AuthorID, got.Author, alice)
	}

	app.PUT("/api/v2/topics/"+c.TopicID, map[string]string{"title": "Changed", "content": "second"}).ExpectStatus(t, http.StatusNoContent)
	app.GET("/api/v2/topics/"+c.TopicID).ExpectStatus(t, http.StatusOK).JSON(&got)
	if got.Title != "Changed" || got.Content != "second" || got.Tab != "ask" {
		t.Fatalf("after PUT %+v", got)
	}
	var list []topic.Topic
	app.GET("/api/v2/topics").ExpectStatus(t, http.StatusOK).JSON(&list)
	if len(list) != 1 || list[0].Author == nil || list[0].Author.Username != "alice" {
		t.Fatalf("list %+v", list)
	}

	app.GET("/api/v2/topics/nope").ExpectStatus(t, http.StatusNotFound)
	app.PUT("/api/v2/topics/nope", map[string]string{"title": "x", "content": "y"}).ExpectStatus(t, http.StatusNotFound)

	// Every write left an audit row, written by a background task after
	// the response: the request's scope awaited it.
	repo, _ := container.Lookup[*topic.Repo](app.Container())
	eventually(t, func() bool {
		trail, _ := repo.AuditTrail(context.Background(), c.TopicID)
		return slices.Equal(trail, []string{"create", "update"})
	})
	feed, _ := container.Lookup[*topic.Feed](app.Container())
	if l := feed.Latest(); len(l) != 1 || l[0].ID != c.TopicID {
		t.Fatalf("feed %+v", l)
	}
}

// TestWritesNeedTheAuthor: without a login POST and PUT are 401 problems
// (passport's code and WWW-Authenticate), another user's PUT is a 403
// problem, and the topic is unchanged; GET needs no login.
func TestWritesNeedTheAuthor(t *testing.T) {
	app := startApp(t)
	loggedIn(t, app, "alice")
	var a topic.Created
	app.POST("/api/v2/topics", map[string]string{"title": "a", "content": "c"}).ExpectStatus(t, http.StatusCreated).JSON(&a)

	anon := app.NewClient()
	body := map[string]string{"title": "hijacked", "content": "x"}
	for _, res := range []*teggotest.Response{
		anon.POST("/api/v2/topics", body).ExpectStatus(t, http.StatusUnauthorized),
		anon.PUT("/api/v2/topics/"+a.TopicID, body).ExpectStatus(t, http.StatusUnauthorized),
		anon.PUT("/api/v2/topics/"+a.TopicID, body, "Accept", "application/json").ExpectStatus(t, http.StatusUnauthorized),
	} {
		if code, _ := problem(t, res); code != "TEGGO_PASSPORT_UNAUTHENTICATED" {
			t.Fatalf("anonymous write: code %q", code)
		}
		if h := res.Header.Get("WWW-Authenticate"); h != `Session realm="teggo"` {
			t.Fatalf("WWW-Authenticate %q", h)
		}
	}

	bob := app.NewClient()
	signUp(t, bob, "bob")
	logIn(t, bob, "bob")
	res := bob.PUT("/api/v2/topics/"+a.TopicID, body).ExpectStatus(t, http.StatusForbidden)
	if _, detail := problem(t, res); !strings.Contains(detail, "author") {
		t.Fatalf("403 detail %q", detail)
	}
	var b topic.Created
	bob.POST("/api/v2/topics", map[string]string{"title": "b", "content": "c"}).ExpectStatus(t, http.StatusCreated).JSON(&b)
	app.PUT("/api/v2/topics/"+b.TopicID, body).ExpectStatus(t, http.StatusForbidden)

	var got topic.Topic
	anon.GET("/api/v2/topics/"+a.TopicID).ExpectStatus(t, http.StatusOK).JSON(&got)
	if got.Title != "a" {
		t.Fatalf("a non-author changed the topic: %+v", got)
	}
	anon.GET("/api/v2/topics/"+b.TopicID).ExpectStatus(t, http.StatusOK).JSON(&got)
	if got.Title != "b" || got.Author == nil || got.Author.Username != "bob" {
		t.Fatalf("bob's topic %+v", got)
	}
}

// TestSignUp: an account is stored with an argon2id hash of its password;
// a taken username is a 409 problem; the bounds are the schema's 422s.
func TestSignUp(t *testing.T) {
	app := startApp(t)
	signUp(t, app, "alice")
	res := app.POST("/api/v2/users", map[string]string{"username": "alice", "password": "another password"}).ExpectStatus(t, http.StatusConflict)
	if code, _ := problem(t, res); code != "EXAMPLE_USERNAME_TAKEN" {
		t.Fatalf("taken: code %q", code)
	}
	for _, bad := range []map[string]string{
		{"username": "al", "password": password},                    // too short
		{"username": strings.Repeat("a", 33), "password": password}, // too long
		{"username": "al ice", "password": password},                // not in the pattern
		{"username": "bob", "password": "short"},                    // password under 8
		{"username": "bob", "password": strings.Repeat("p", 129)},   // password over 128
		{"username": "bob"},                                         // no password
		{"username": "bob", "password": password, "admin": "true"},  // unknown member
	} {
		app.POST("/api/v2/users", bad).ExpectStatus(t, http.StatusUnprocessableEntity)
	}
	db, _ := container.Lookup[*sql.DB](app.Container())
	var hash string
	var n int
	if err := db.QueryRow(`SELECT password_hash FROM users WHERE username = 'alice'`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$") || strings.Contains(hash, password) {
		t.Fatalf("stored hash %q", hash)
	}
	if err := db.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d users, %v", n, err)
	}
}

// TestLogInAndOut: a form or JSON login with the right password logs in
// (GET /api/v2/me shows the user); a wrong password and an unknown user
// get the same 401 problem; logout ends the login; an account removed
// from the database logs its sessions out.
func TestLogInAndOut(t *testing.T) {
	app := startApp(t)
	alice := signUp(t, app, "alice")
	for _, creds := range []map[string]string{
		{"username": "alice", "password": "wrong password"},
		{"username": "nobody", "password": password},
	} {
		res := app.POST("/passport/local", creds).ExpectStatus(t, http.StatusUnauthorized)
		if code, detail := problem(t, res); code != "TEGGO_PASSPORT_VERIFY_FAILED" || detail != "invalid credentials" {
			t.Fatalf("%s: %q %q", creds["username"], code, detail)
		}
	}
	var me topic.Me
	app.GET("/api/v2/me").ExpectStatus(t, http.StatusOK).JSON(&me)
	if me.User != nil {
		t.Fatalf("logged in after failed logins: %+v", me.User)
	}

	form := "username=alice&password=" + strings.ReplaceAll(password, " ", "+")
	res := app.POST("/passport/local", form, "Content-Type", "application/x-www-form-urlencoded").ExpectStatus(t, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/api/v2/me" {
		t.Fatalf("form login redirects to %q", loc)
	}
	app.GET("/api/v2/me").ExpectStatus(t, http.StatusOK).JSON(&me)
	if me.User == nil || *me.User != alice {
		t.Fatalf("me after login: %+v, want %+v", me.User, alice)
	}
	var kept map[string]any
	if found, err := app.Session().Get("passport", &kept); err != nil || !found || len(kept) != 1 || kept["user"] != float64(alice.ID) {
		t.Fatalf("the session keeps %v (%v, %v); want the user id only", kept, found, err)
	}

	app.POST("/passport/logout", nil).ExpectStatus(t, http.StatusNoContent)
	app.GET("/api/v2/me").ExpectStatus(t, http.StatusOK).JSON(&me)
	if me.User != nil {
		t.Fatalf("logged in after logout: %+v", me.User)
	}
	app.POST("/api/v2/topics", map[string]string{"title": "t", "content": "c"}).ExpectStatus(t, http.StatusUnauthorized)

	logIn(t, app, "alice")
	db, _ := container.Lookup[*sql.DB](app.Container())
	if _, err := db.Exec(`DELETE FROM users WHERE id = ?`, alice.ID); err != nil {
		t.Fatal(err)
	}
	app.GET("/api/v2/me").ExpectStatus(t, http.StatusOK).JSON(&me)
	if me.User != nil {
		t.Fatalf("a removed account is still logged in: %+v", me.User)
	}
}

func TestListPagesAndFilters(t *testing.T) {
	app := startApp(t)
	loggedIn(t, app, "alice")
	for i, tab := range []string{"ask", "share", "ask"} {
		app.POST("/api/v2/topics", map[string]string{"title": "t" + string(rune('0'+i)), "tab": tab, "content": "c"}).
			ExpectStatus(t, http.StatusCreated)
		time.Sleep(2 * time.Millisecond) // distinct create_at, for a stable order
	}
	var page []topic.Topic
	app.GET("/api/v2/topics?tab=ask&limit=1&page=2").ExpectStatus(t, http.StatusOK).JSON(&page)
	if len(page) != 1 || page[0].Title != "t0" {
		t.Fatalf("page %+v", page)
	}
	app.GET("/api/v2/topics").ExpectStatus(t, http.StatusOK).JSON(&page)
	if len(page) != 3 || page[0].Title != "t2" {
		t.Fatalf("all %+v", page)
	}
	app.GET("/api/v2/topics?limit=1000").ExpectStatus(t, http.StatusUnprocessableEntity)
}

func TestValidationErrorsListEveryViolation(t *testing.T) {
	app := startApp(t)
	loggedIn(t, app, "alice")
	res := app.POST("/api/v2/topics", map[string]string{"title": "", "tab": "gossip"}).ExpectStatus(t, http.StatusUnprocessableEntity)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q", ct)
	}
	var p struct {
		Errors []struct{ Location, Message string }
	}
	res.JSON(&p)
	var locs []string
	for _, e := range p.Errors {
		locs = append(locs, e.Location)
	}
	if !slices.Equal(locs, []string{"body.content", "body.tab", "body.title"}) {
		t.Fatalf("violations %+v", p.Errors)
	}
	app.POST("/api/v2/topics", `{"title":`, "Content-Type", "application/json").ExpectStatus(t, http.StatusBadRequest)
	app.POST("/api/v2/topics", `title=x`, "Content-Type", "application/x-www-form-urlencoded").ExpectStatus(t, http.StatusUnsupportedMediaType)
}

func TestCleanupJob(t *testing.T) {
	app := startApp(t)
	loggedIn(t, app, "alice")
	var c topic.Created
	app.POST("/api/v2/topics", map[string]string{"title": "t", "content": "c"}).ExpectStatus(t, http.StatusCreated).JSON(&c)
	repo, _ := container.Lookup[*topic.Repo](app.Container())
	eventually(t, func() bool { trail, _ := repo.AuditTrail(context.Background(), c.TopicID); return len(trail) == 1 })
	app.MustRunSchedule("Cleanup")
	if trail, _ := repo.AuditTrail(context.Background(), c.TopicID); len(trail) != 0 {
		t.Fatalf("the cleanup left %v", trail)
	}
}

// eventually polls cond for up to five seconds: for work that finishes
// after the response, by design.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("the condition did not hold within 5s")
}
