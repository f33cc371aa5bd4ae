package passport_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/passport"
	"github.com/teggo/teggo/session"
)

// BenchmarkRequireUser measures a logged-in request through cookies, the
// encrypted cookie session and RequireUser (the user decoded from the
// session's JSON), beside the same route without the guard.
func BenchmarkRequireUser(b *testing.B) {
	p := passport.New[*account]()
	p.Use("local", passport.StrategyFunc(func(*http.Request, *passport.Call) passport.Result {
		return passport.Result{Profile: &passport.Profile{Username: "ann"}}
	}))
	p.Verify(func(context.Context, *passport.Profile) (*account, error) { return &account{ID: 1, Name: "ann"}, nil })
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux := http.NewServeMux()
	mux.Handle("POST /login", p.Authenticate(passport.Options{}, "local"))
	mux.Handle("GET /guarded", p.RequireUser(ok))
	mux.Handle("GET /open", ok)
	keys, _ := cookies.ParseKeys(cookies.GenerateKey())
	m, _ := session.NewManager(session.Config{})
	h := cookies.Middleware(cookies.Config{Keys: keys})(m.Middleware(mux))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/login", nil))
	var cookie []string
	for _, c := range rec.Result().Cookies() {
		cookie = append(cookie, c.Name+"="+c.Value)
	}
	for _, path := range []string{"/open", "/guarded"} {
		b.Run(strings.TrimPrefix(path, "/"), func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Cookie", strings.Join(cookie, "; "))
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusNoContent {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
		})
	}
}
