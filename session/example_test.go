package session_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/session"
)

// A login route: Regenerate against fixation, the user id in the session,
// 30 days when "remember me" is ticked. Other routes read it back.
func Example() {
	keys, _ := cookies.ParseKeys("a-long-random-secret")
	m, err := session.NewManager(session.Config{Store: session.NewMemoryStore()})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r.Context())
		if err := s.Regenerate(); err != nil {
			http.Error(w, "session unavailable", http.StatusServiceUnavailable)
			return
		}
		_ = s.Put("userId", 42)
		if r.FormValue("remember") == "on" {
			_ = s.SetMaxAge(30 * 24 * time.Hour)
		}
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		id, err := session.From(r.Context()).GetInt("userId")
		if err != nil {
			http.Error(w, "session unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, "user %d", id)
	})
	h := cookies.Middleware(cookies.Config{Keys: keys})(m.Middleware(mux))

	login := httptest.NewRecorder()
	h.ServeHTTP(login, httptest.NewRequest("POST", "/login?remember=on", nil))
	me := httptest.NewRequest("GET", "/me", nil)
	for _, c := range login.Result().Cookies() {
		me.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, me)
	fmt.Println(rec.Body.String())
	fmt.Println(login.Result().Cookies()[0].MaxAge)
	// Output:
	// user 42
	// 2592000
}

// Sessions in Redis, renewed while the user is active: the cookie carries
// only the signed session id.
func ExampleNewRedisStore() {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	m, err := session.NewManager(session.Config{
		Store:  session.NewRedisStore(rdb, "myapp:sess"),
		MaxAge: 2 * time.Hour,
		Renew:  true,
	})
	if err != nil {
		panic(err)
	}
	_ = m // cookies.Middleware(...)(m.Middleware(mux))
}
