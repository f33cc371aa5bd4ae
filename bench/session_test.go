package bench

// Session benchmarks: one request that reads a counter from its session and
// writes it back incremented, through ServeHTTP in process, beside the same
// route without a session, gorilla/sessions and alexedwards/scs:
//
//	cd bench && go test -run=NONE -bench='CookieSession|RedisSession' -benchmem -count=5
//
// Budget: the teggo cookie session costs ≤ 5 µs/op over the route without a
// session. BenchmarkRedisSession runs against a private redis-server
// (internal/redistest) and reports the round trips and commands each
// request sends: teggo reads with one pipelined round trip and writes with
// one MULTI/EXEC, ≤ 2 per request, 1 read-only, 0 when the session is not
// touched.

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alexedwards/scs/goredisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gorilla/sessions"
	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/internal/redistest"
	"github.com/teggo/teggo/session"
)

var okBody = []byte("ok")

// nullWriter is a reusable ResponseWriter that keeps only the headers.
type nullWriter struct {
	h    http.Header
	code int
}

func (w *nullWriter) Header() http.Header         { return w.h }
func (w *nullWriter) WriteHeader(code int)        { w.code = code }
func (w *nullWriter) Write(b []byte) (int, error) { return len(b), nil }

// serve runs h b.N times on a copy of req (gorilla rewrites *r) and checks
// the first response sets a cookie when wantCookie.
func serveSession(b *testing.B, h http.Handler, req *http.Request, wantCookie bool) {
	b.Helper()
	w := &nullWriter{h: http.Header{}}
	r := *req
	h.ServeHTTP(w, &r)
	if w.code != 0 && w.code != 200 {
		b.Fatalf("status %d", w.code)
	}
	if got := len(w.h.Values("Set-Cookie")) > 0; got != wantCookie {
		b.Fatalf("Set-Cookie %q, want a cookie: %v", w.h.Values("Set-Cookie"), wantCookie)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		r := *req
		h.ServeHTTP(w, &r)
	}
}

// primed returns a GET / carrying the cookies that one request through h
// set.
func primed(b *testing.B, h http.Handler) *http.Request {
	b.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	req := httptest.NewRequest("GET", "/", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	if len(req.Cookies()) == 0 {
		b.Fatalf("priming set no cookie (status %d)", rec.Code)
	}
	return req
}

func plainRoute(w http.ResponseWriter, r *http.Request) { w.Write(okBody) }

// teggoCounter reads n and writes n+1.
func teggoCounter(w http.ResponseWriter, r *http.Request) {
	s := session.From(r.Context())
	n, err := s.GetInt("n")
	if err == nil {
		err = s.Put("n", n+1)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Write(okBody)
}

func teggoReader(w http.ResponseWriter, r *http.Request) {
	if _, err := session.From(r.Context()).GetInt("n"); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Write(okBody)
}

func benchKeys(b *testing.B) *cookies.Keys {
	k, err := cookies.ParseKeys("bench-key-0123456789abcdef")
	if err != nil {
		b.Fatal(err)
	}
	return k
}

func teggoHandler(b *testing.B, cfg session.Config, route http.HandlerFunc) http.Handler {
	m, err := session.NewManager(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return cookies.Middleware(cookies.Config{Keys: benchKeys(b)})(m.Middleware(route))
}

func BenchmarkCookieSession(b *testing.B) {
	b.Run("none", func(b *testing.B) {
		// The same stack and route without the session middleware.
		h := cookies.Middleware(cookies.Config{Keys: benchKeys(b)})(http.HandlerFunc(plainRoute))
		serveSession(b, h, httptest.NewRequest("GET", "/", nil), false)
	})
	b.Run("teggo-cookie", func(b *testing.B) {
		h := teggoHandler(b, session.Config{}, teggoCounter)
		serveSession(b, h, primed(b, h), true)
	})
	b.Run("teggo-cookie-signed", func(b *testing.B) {
		h := teggoHandler(b, session.Config{Encrypt: cookies.Bool(false)}, teggoCounter)
		serveSession(b, h, primed(b, h), true)
	})
	b.Run("teggo-cookie-untouched", func(b *testing.B) {
		h := teggoHandler(b, session.Config{}, plainRoute)
		req := primed(b, teggoHandler(b, session.Config{}, teggoCounter))
		serveSession(b, h, req, false)
	})
	b.Run("teggo-memory", func(b *testing.B) {
		h := teggoHandler(b, session.Config{Store: session.NewMemoryStore()}, teggoCounter)
		serveSession(b, h, primed(b, h), true)
	})
	b.Run("gorilla-cookie", func(b *testing.B) {
		// Encrypted and authenticated, as teggo's default.
		hashKey := sha256.Sum256([]byte("bench hash"))
		blockKey := sha256.Sum256([]byte("bench block"))
		store := sessions.NewCookieStore(hashKey[:], blockKey[:])
		store.Options.HttpOnly = true
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, _ := store.Get(r, "sess") // a bad cookie gives a new session
			n, _ := s.Values["n"].(int)
			s.Values["n"] = n + 1
			if err := s.Save(r, w); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			w.Write(okBody)
		})
		serveSession(b, h, primed(b, h), true)
	})
	b.Run("scs-memstore", func(b *testing.B) {
		sm := scs.New()
		h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sm.Put(r.Context(), "n", sm.GetInt(r.Context(), "n")+1)
			w.Write(okBody)
		}))
		serveSession(b, h, primed(b, h), true)
	})
}

// tripCounter counts the round trips (a command or a pipeline) and the
// commands a go-redis client sends.
type tripCounter struct{ trips, cmds atomic.Int64 }

func (c *tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.trips.Add(1)
		c.cmds.Add(1)
		return next(ctx, cmd)
	}
}

func (c *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		n := 0
		for _, cmd := range cmds {
			switch strings.ToLower(cmd.Name()) {
			case "hello", "client": // a new connection's handshake
			case "multi", "exec":
			default:
				n++
			}
		}
		if n > 0 {
			c.trips.Add(1)
			c.cmds.Add(int64(n))
		}
		return next(ctx, cmds)
	}
}

// redisBench runs h on req and reports round trips and commands per op
// (MULTI and EXEC not counted).
func redisBench(b *testing.B, tc *tripCounter, h http.Handler, req *http.Request, wantCookie bool) {
	tc.trips.Store(0)
	tc.cmds.Store(0)
	serveSession(b, h, req, wantCookie)
	b.StopTimer()
	n := float64(b.N + 1) // serve's checked first request is counted too
	b.ReportMetric(float64(tc.trips.Load())/n, "roundtrips/op")
	b.ReportMetric(float64(tc.cmds.Load())/n, "cmds/op")
}

func BenchmarkRedisSession(b *testing.B) {
	srv := redistest.Start(b)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), Protocol: 3})
	b.Cleanup(func() { _ = rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		b.Fatal(err)
	}
	tc := &tripCounter{}
	rdb.AddHook(tc)
	store := session.NewRedisStore(rdb, "")
	teggoRW := teggoHandler(b, session.Config{Store: store}, teggoCounter)
	teggoReq := primed(b, teggoRW)

	b.Run("teggo-redis", func(b *testing.B) { redisBench(b, tc, teggoRW, teggoReq, true) })
	b.Run("teggo-redis-readonly", func(b *testing.B) {
		redisBench(b, tc, teggoHandler(b, session.Config{Store: store}, teggoReader), teggoReq, false)
	})
	b.Run("teggo-redis-untouched", func(b *testing.B) {
		redisBench(b, tc, teggoHandler(b, session.Config{Store: store}, plainRoute), teggoReq, false)
	})

	sm := scs.New()
	sm.Store = goredisstore.New(rdb)
	scsRW := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), "n", sm.GetInt(r.Context(), "n")+1)
		w.Write(okBody)
	}))
	scsReq := primed(b, scsRW)
	b.Run("scs-goredisstore", func(b *testing.B) { redisBench(b, tc, scsRW, scsReq, true) })
	b.Run("scs-goredisstore-readonly", func(b *testing.B) {
		h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = sm.GetInt(r.Context(), "n")
			w.Write(okBody)
		}))
		redisBench(b, tc, h, scsReq, false)
	})
	b.Run("scs-goredisstore-untouched", func(b *testing.B) {
		redisBench(b, tc, sm.LoadAndSave(http.HandlerFunc(plainRoute)), scsReq, false)
	})
}
