package session_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/session"
)

// fail answers err: 503 for a store outage, as the HTTP layer maps it.
func fail(w http.ResponseWriter, err error) {
	if errors.Is(err, session.CodeStoreUnavailable) {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

// routes installs the routes the tests share.
func routes(a *app) *app {
	a.mux.HandleFunc("/none", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	a.mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		v, err := session.From(r.Context()).GetString(r.URL.Query().Get("k"))
		if err != nil {
			fail(w, err)
			return
		}
		fmt.Fprint(w, v)
	})
	a.mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if err := session.From(r.Context()).Put(q.Get("k"), q.Get("v")); err != nil {
			fail(w, err)
			return
		}
		fmt.Fprint(w, "ok")
	})
	a.mux.HandleFunc("/inc", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r.Context())
		n, err := s.GetInt("n")
		if err == nil {
			err = s.Put("n", n+1)
		}
		if err != nil {
			fail(w, err)
			return
		}
		fmt.Fprint(w, n+1)
	})
	a.mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		keys, err := session.From(r.Context()).Keys()
		if err != nil {
			fail(w, err)
			return
		}
		fmt.Fprint(w, strings.Join(keys, ","))
	})
	a.mux.HandleFunc("/destroy", func(w http.ResponseWriter, r *http.Request) {
		if err := session.From(r.Context()).Destroy(); err != nil {
			fail(w, err)
		}
	})
	a.mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r.Context())
		err := s.Regenerate()
		if err == nil {
			err = s.Put("user", r.URL.Query().Get("user"))
		}
		if err != nil {
			fail(w, err)
		}
	})
	a.mux.HandleFunc("/remember", func(w http.ResponseWriter, r *http.Request) {
		d, _ := time.ParseDuration(r.URL.Query().Get("d"))
		if err := session.From(r.Context()).SetMaxAge(d); err != nil {
			fail(w, err)
		}
	})
	a.mux.HandleFunc("/load", func(w http.ResponseWriter, r *http.Request) {
		if err := session.From(r.Context()).Load(); err != nil {
			fail(w, err)
		}
	})
	return a
}

// storeKinds runs a test on the cookie store and on the memory store.
func storeKinds(t *testing.T, f func(t *testing.T, cfg func() session.Config)) {
	t.Run("cookie", func(t *testing.T) { f(t, func() session.Config { return session.Config{} }) })
	t.Run("memory", func(t *testing.T) {
		f(t, func() session.Config { return session.Config{Store: session.NewMemoryStore()} })
	})
}

func TestUntouchedSessionReadsNothingAndWritesNoCookie(t *testing.T) {
	st := &countingStore{Store: session.NewMemoryStore()}
	a := routes(newApp(t, session.Config{Store: st}))
	a.get("/put?k=a&v=1") // a session exists: its cookie goes with every request
	before := st.calls()
	resp, body := a.get("/none")
	if body != "ok" {
		t.Fatalf("body %q", body)
	}
	if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("untouched session wrote cookies %q", got)
	}
	if n := st.calls() - before; n != 0 {
		t.Errorf("untouched session made %d store calls, want 0", n)
	}
}

func TestNewVisitorReadOnlyMakesNoStoreCallAndNoCookie(t *testing.T) {
	st := &countingStore{Store: session.NewMemoryStore()}
	a := routes(newApp(t, session.Config{Store: st}))
	resp, body := a.get("/get?k=user")
	if body != "" || len(resp.Header.Values("Set-Cookie")) != 0 || st.calls() != 0 {
		t.Fatalf("body %q, Set-Cookie %q, %d store calls; want nothing", body, resp.Header.Values("Set-Cookie"), st.calls())
	}
}

func TestCommitOnChangeNotOnRead(t *testing.T) {
	storeKinds(t, func(t *testing.T, cfg func() session.Config) {
		a := routes(newApp(t, cfg()))
		resp, _ := a.get("/put?k=user&v=ann")
		if sessionCookie(resp, session.DefaultKey) == nil {
			t.Fatalf("a change set no session cookie: %q", resp.Header.Values("Set-Cookie"))
		}
		resp, body := a.get("/get?k=user")
		if body != "ann" {
			t.Fatalf("read back %q, want ann", body)
		}
		if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
			t.Errorf("a read-only request wrote %q", got)
		}
		for i := 1; i <= 3; i++ {
			if _, body := a.get("/inc"); body != strconv.Itoa(i) {
				t.Fatalf("inc #%d = %q", i, body)
			}
		}
		// The same value again changes nothing, so commits nothing.
		if resp, _ := a.get("/put?k=user&v=ann"); len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("putting an unchanged value wrote %q", resp.Header.Values("Set-Cookie"))
		}
		if _, body := a.get("/keys"); body != "n,user" {
			t.Errorf("keys %q", body)
		}
	})
}

func TestCookieFlagsAndDefaults(t *testing.T) {
	a := routes(newApp(t, session.Config{}))
	resp, _ := a.get("/put?k=user&v=ann")
	h := setCookieHeader(resp, session.DefaultKey)
	for _, want := range []string{"HttpOnly", "Path=/", "SameSite=Lax", "Max-Age=86400"} {
		if !strings.Contains(h, want) {
			t.Errorf("Set-Cookie %q lacks %s", h, want)
		}
	}
	if strings.Contains(h, "ann") {
		t.Errorf("the encrypted cookie shows its value: %q", h)
	}
	if setCookieHeader(resp, session.DefaultKey+".sig") != "" {
		t.Errorf("an encrypted cookie needs no .sig companion")
	}
	c := a.m.Config()
	if c.Key != "TEGGO_SESS" || c.MaxAge != 24*time.Hour || !*c.HTTPOnly || !*c.Encrypt || c.Renew || c.Rolling {
		t.Errorf("defaults %+v", c)
	}
}

func TestSignedCookieStoreRefusesTampering(t *testing.T) {
	a := routes(newApp(t, session.Config{Encrypt: cookies.Bool(false)}))
	resp, _ := a.get("/put?k=role&v=user")
	c, sig := sessionCookie(resp, session.DefaultKey), sessionCookie(resp, session.DefaultKey+".sig")
	if c == nil || sig == nil {
		t.Fatalf("signed session cookie with .sig expected, got %q", resp.Header.Values("Set-Cookie"))
	}
	if _, body := a.raw("/get?k=role", c, sig); body != "user" {
		t.Fatalf("genuine cookie read %q", body)
	}
	// The payload is readable, not writable: swap the role (same length,
	// so that only the signature stands in the way) and replay.
	plain := strings.Replace(decodeB64(t, c.Value), `"user"`, `"root"`, 1)
	if !strings.Contains(plain, `"root"`) {
		t.Fatalf("the signed payload does not show the value: %q", plain)
	}
	forged := &http.Cookie{Name: c.Name, Value: encodeB64(plain)}
	if _, body := a.raw("/get?k=role", forged, sig); body != "" {
		t.Fatalf("forged payload read %q, want a fresh empty session", body)
	}
}

func TestTamperedOrForeignCookieGivesFreshSession(t *testing.T) {
	storeKinds(t, func(t *testing.T, cfg func() session.Config) {
		c := cfg()
		a := routes(newApp(t, c))
		resp, _ := a.get("/put?k=user&v=ann")
		var sent []*http.Cookie
		for _, ck := range resp.Cookies() {
			sent = append(sent, ck)
		}
		tampered := make([]*http.Cookie, len(sent))
		for i, ck := range sent {
			v := []byte(ck.Value)
			if ck.Name == session.DefaultKey {
				v[len(v)/2] ^= 1
			}
			tampered[i] = &http.Cookie{Name: ck.Name, Value: string(v)}
		}
		if _, body := a.raw("/get?k=user", tampered...); body != "" {
			t.Errorf("tampered cookie read %q", body)
		}
		// The same cookies, on the same store, under other keys are foreign.
		otherKeys, _ := cookies.ParseKeys("another-key")
		b := routes(newAppKeys(t, c, otherKeys))
		if _, body := b.raw("/get?k=user", sent...); body != "" {
			t.Errorf("foreign cookie read %q", body)
		}
		if _, body := a.raw("/get?k=user", sent...); body != "ann" {
			t.Errorf("genuine cookie read %q", body)
		}
	})
}

func TestExpiredCookiePayloadIsRefused(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	a := routes(newApp(t, session.Config{MaxAge: time.Hour}))
	session.SetClock(a.m, clock)
	resp, _ := a.get("/put?k=user&v=ann")
	old := sessionCookie(resp, session.DefaultKey)
	mu.Lock()
	now = now.Add(59 * time.Minute)
	mu.Unlock()
	if _, body := a.raw("/get?k=user", old); body != "ann" {
		t.Fatalf("cookie within its max age read %q", body)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	// A client that kept the cookie past its Max-Age replays it.
	if _, body := a.raw("/get?k=user", old); body != "" {
		t.Fatalf("expired cookie read %q, want a fresh session", body)
	}
}

func TestRenewAtLessThanHalfMaxAge(t *testing.T) {
	storeKinds(t, func(t *testing.T, cfg func() session.Config) {
		var mu sync.Mutex
		now := time.Now()
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		c := cfg()
		c.MaxAge, c.Renew = time.Hour, true
		st := &countingStore{Store: session.NewMemoryStore()}
		if c.Store != nil {
			session.SetMemoryClock(st.Store.(*session.MemoryStore), clock)
			c.Store = st
		}
		a := routes(newApp(t, c))
		session.SetClock(a.m, clock)
		a.get("/put?k=user&v=ann")
		advance(20 * time.Minute) // 40 of 60 minutes left: no renew
		sets := st.sets.Load()
		if resp, body := a.get("/get?k=user"); body != "ann" || len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("at 40m left: %q, Set-Cookie %q; want no renew", body, resp.Header.Values("Set-Cookie"))
		}
		advance(15 * time.Minute) // 25 of 60 left
		resp, body := a.get("/get?k=user")
		if body != "ann" || sessionCookie(resp, session.DefaultKey) == nil {
			t.Fatalf("at 25m left: %q, Set-Cookie %q; want a renewed cookie", body, resp.Header.Values("Set-Cookie"))
		}
		if c.Store != nil && st.sets.Load() != sets+1 {
			t.Errorf("renew made %d store writes, want 1", st.sets.Load()-sets)
		}
		advance(50 * time.Minute) // past the first expiry, within the renewed one
		if _, body := a.get("/get?k=user"); body != "ann" {
			t.Fatalf("renewed session read %q after the first expiry", body)
		}
	})
}

func TestRollingReissuesEveryUse(t *testing.T) {
	storeKinds(t, func(t *testing.T, cfg func() session.Config) {
		c := cfg()
		c.Rolling = true
		a := routes(newApp(t, c))
		a.get("/put?k=user&v=ann")
		for range 2 {
			resp, body := a.get("/get?k=user")
			if body != "ann" || sessionCookie(resp, session.DefaultKey) == nil {
				t.Fatalf("rolling read %q with Set-Cookie %q", body, resp.Header.Values("Set-Cookie"))
			}
		}
		if resp, _ := a.get("/none"); len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("rolling touched an unused session: %q", resp.Header.Values("Set-Cookie"))
		}
	})
}

func TestSetMaxAgeRememberMeAndBrowserSession(t *testing.T) {
	storeKinds(t, func(t *testing.T, cfg func() session.Config) {
		a := routes(newApp(t, cfg()))
		a.get("/put?k=user&v=ann")
		resp, _ := a.get("/remember?d=720h")
		if h := setCookieHeader(resp, session.DefaultKey); !strings.Contains(h, "Max-Age=2592000") {
			t.Fatalf("remember me: Set-Cookie %q, want Max-Age=2592000", h)
		}
		// The session keeps its own max age on later commits.
		resp, _ = a.get("/put?k=theme&v=dark")
		if h := setCookieHeader(resp, session.DefaultKey); !strings.Contains(h, "Max-Age=2592000") {
			t.Fatalf("later commit: Set-Cookie %q, want Max-Age=2592000", h)
		}
		resp, _ = a.get("/remember?d=-1ns")
		h := setCookieHeader(resp, session.DefaultKey)
		if h == "" || strings.Contains(h, "Max-Age") || strings.Contains(h, "Expires") {
			t.Fatalf("browser session: Set-Cookie %q, want neither Max-Age nor Expires", h)
		}
		resp, _ = a.get("/put?k=theme&v=light")
		if h := setCookieHeader(resp, session.DefaultKey); h == "" || strings.Contains(h, "Max-Age") {
			t.Fatalf("later commit of a browser session: Set-Cookie %q", h)
		}
		if _, body := a.get("/get?k=user"); body != "ann" {
			t.Fatalf("read %q", body)
		}
	})
}

func TestBrowserSessionConfig(t *testing.T) {
	a := routes(newApp(t, session.Config{MaxAge: session.BrowserSession}))
	resp, _ := a.get("/put?k=user&v=ann")
	if h := setCookieHeader(resp, session.DefaultKey); h == "" || strings.Contains(h, "Max-Age") || strings.Contains(h, "Expires") {
		t.Fatalf("Set-Cookie %q, want a browser-session cookie", h)
	}
	if _, body := a.get("/get?k=user"); body != "ann" {
		t.Fatalf("read %q", body)
	}
}

func TestDestroy(t *testing.T) {
	storeKinds(t, func(t *testing.T, cfg func() session.Config) {
		c := cfg()
		a := routes(newApp(t, c))
		resp, _ := a.get("/put?k=user&v=ann")
		old := resp.Cookies()
		resp, _ = a.get("/destroy")
		h := setCookieHeader(resp, session.DefaultKey)
		if !strings.Contains(h, "Max-Age=0") {
			t.Fatalf("destroy: Set-Cookie %q, want the cookie deleted", h)
		}
		if _, body := a.get("/get?k=user"); body != "" {
			t.Fatalf("after destroy read %q", body)
		}
		if ms, ok := c.Store.(*session.MemoryStore); ok {
			if ms.Len() != 0 {
				t.Errorf("store holds %d sessions after destroy", ms.Len())
			}
			if _, body := a.raw("/get?k=user", old...); body != "" {
				t.Errorf("the destroyed id still reads %q", body)
			}
		}
		// Destroying a session that does not exist writes nothing.
		if resp, _ := a.get("/destroy"); len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("destroying no session wrote %q", resp.Header.Values("Set-Cookie"))
		}
	})
}

func TestDestroyThenPutStartsANewSession(t *testing.T) {
	st := session.NewMemoryStore()
	a := routes(newApp(t, session.Config{Store: st}))
	a.mux.HandleFunc("/relog", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r.Context())
		if err := s.Destroy(); err != nil {
			fail(w, err)
			return
		}
		if err := s.Put("user", "bob"); err != nil {
			fail(w, err)
		}
	})
	resp, _ := a.get("/put?k=cart&v=3")
	old := sessionCookie(resp, session.DefaultKey)
	resp, _ = a.get("/relog")
	if nc := sessionCookie(resp, session.DefaultKey); nc == nil || nc.Value == old.Value {
		t.Fatalf("destroy then put: cookie %v, want a new id", nc)
	}
	if _, body := a.get("/keys"); body != "user" {
		t.Fatalf("keys %q, want only user", body)
	}
	if st.Len() != 1 {
		t.Errorf("store holds %d sessions, want 1", st.Len())
	}
}

func TestRegenerateKeepsDataAndRetiresOldID(t *testing.T) {
	st := session.NewMemoryStore()
	a := routes(newApp(t, session.Config{Store: st}))
	resp, _ := a.get("/put?k=cart&v=3")
	old := resp.Cookies()
	resp, _ = a.get("/login?user=ann")
	nc := sessionCookie(resp, session.DefaultKey)
	if nc == nil || nc.Value == old[0].Value {
		t.Fatalf("login: cookie %v, want a new id", nc)
	}
	if _, body := a.get("/keys"); body != "cart,user" {
		t.Fatalf("keys after login %q, want cart,user", body)
	}
	if _, body := a.raw("/get?k=cart", old...); body != "" {
		t.Fatalf("the old id still reads %q", body)
	}
	if st.Len() != 1 {
		t.Errorf("store holds %d sessions, want 1", st.Len())
	}
}

func TestRegenerateCookieStoreChangesID(t *testing.T) {
	a := routes(newApp(t, session.Config{}))
	a.mux.HandleFunc("/id", func(w http.ResponseWriter, r *http.Request) {
		id, err := session.From(r.Context()).ID()
		if err != nil {
			fail(w, err)
			return
		}
		fmt.Fprint(w, id)
	})
	a.get("/put?k=cart&v=3")
	_, id1 := a.get("/id")
	a.get("/login?user=ann")
	_, id2 := a.get("/id")
	if id1 == "" || id1 == id2 {
		t.Fatalf("ids %q then %q, want a new one after Regenerate", id1, id2)
	}
	if _, body := a.get("/keys"); body != "cart,user" {
		t.Fatalf("keys %q", body)
	}
}

func TestConcurrentWritesToDifferentKeysBothKeptMemory(t *testing.T) {
	concurrentWrites(t, session.NewMemoryStore())
}

// concurrentWrites runs two requests of one session that both load it
// before either commits, each changing its own key; both keys must survive.
func concurrentWrites(t *testing.T, st session.Store) {
	a := routes(newApp(t, session.Config{Store: st}))
	loaded := make(chan struct{}, 2)
	release := make(chan struct{})
	a.mux.HandleFunc("/slowput", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r.Context())
		if err := s.Load(); err != nil {
			fail(w, err)
			return
		}
		loaded <- struct{}{}
		<-release
		if err := s.Put(r.URL.Query().Get("k"), "v"); err != nil {
			fail(w, err)
		}
	})
	a.get("/put?k=base&v=1")
	var wg sync.WaitGroup
	for _, k := range []string{"a", "b"} {
		wg.Go(func() {
			resp, err := a.client.Get(a.srv.URL + "/slowput?k=" + k)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		})
	}
	for range 2 {
		select {
		case <-loaded:
		case <-time.After(10 * time.Second):
			t.Fatal("the requests did not both load the session")
		}
	}
	close(release)
	wg.Wait()
	if _, body := a.get("/keys"); body != "a,b,base" {
		t.Fatalf("keys %q, want a,b,base: a concurrent write was lost", body)
	}
}

func TestCommitBeforeFlushRedirectAndErrorStatus(t *testing.T) {
	storeKinds(t, func(t *testing.T, cfg func() session.Config) {
		a := routes(newApp(t, cfg()))
		release := make(chan struct{})
		a.mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
			_ = session.From(r.Context()).Put("streamed", "yes")
			w.(http.Flusher).Flush() // the headers go out here, before any byte
			<-release
			fmt.Fprint(w, "body")
		})
		a.mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
			_ = session.From(r.Context()).Put("redirected", "yes")
			http.Redirect(w, r, "/get?k=redirected", http.StatusFound)
		})
		a.mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) {
			_ = session.From(r.Context()).Put("failed", "yes")
			http.Error(w, "boom", http.StatusInternalServerError)
		})
		// The headers, with the cookie, arrive while the handler still
		// holds the rest of the body.
		resp, err := a.client.Get(a.srv.URL + "/stream")
		if err != nil {
			t.Fatal(err)
		}
		if sessionCookie(resp, session.DefaultKey) == nil {
			t.Errorf("streamed response without the session cookie: %q", resp.Header.Values("Set-Cookie"))
		}
		close(release)
		resp.Body.Close()
		if _, body := a.get("/get?k=streamed"); body != "yes" {
			t.Errorf("streamed change read %q", body)
		}
		// The client follows the redirect with the cookie it just got.
		if _, body := a.get("/redirect"); body != "yes" {
			t.Errorf("redirect target read %q", body)
		}
		if resp, _ := a.get("/boom"); resp.StatusCode != 500 || sessionCookie(resp, session.DefaultKey) == nil {
			t.Errorf("500: status %d, Set-Cookie %q", resp.StatusCode, resp.Header.Values("Set-Cookie"))
		}
		if _, body := a.get("/get?k=failed"); body != "yes" {
			t.Errorf("change on a 500 read %q", body)
		}
	})
}

func TestChangeAfterCommitFails(t *testing.T) {
	a := routes(newApp(t, session.Config{}))
	got := make(chan error, 1)
	a.mux.HandleFunc("/late", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r.Context())
		_ = s.Load()
		fmt.Fprint(w, "body first")
		got <- s.Put("late", 1)
	})
	a.get("/late")
	if err := <-got; !errors.Is(err, session.CodeCommitted) {
		t.Fatalf("Put after the body: %v, want CodeCommitted", err)
	}
}

func TestNoMiddleware(t *testing.T) {
	var s *session.Session = session.From(context.Background())
	if _, err := s.GetString("x"); !errors.Is(err, session.CodeNoMiddleware) {
		t.Errorf("no session middleware: %v", err)
	}
	m, _ := session.NewManager(session.Config{})
	var err error
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err = session.From(r.Context()).Put("x", 1)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if !errors.Is(err, session.CodeNoMiddleware) {
		t.Errorf("no cookies middleware: %v", err)
	}
}

func TestNewManagerRefusesBadConfig(t *testing.T) {
	for _, c := range []session.Config{
		{Key: "a b"},
		{Key: "a;b"},
		{MaxAge: 500 * time.Millisecond},
		{SameSite: "sometimes"},
	} {
		if _, err := session.NewManager(c); !errors.Is(err, session.CodeBadConfig) {
			t.Errorf("%+v: %v, want CodeBadConfig", c, err)
		}
	}
}

func TestPutRefusesReservedKeys(t *testing.T) {
	a := routes(newApp(t, session.Config{}))
	for _, k := range []string{"", "__maxAge"} {
		if resp, body := a.get("/put?v=1&k=" + k); resp.StatusCode != 500 || !strings.Contains(body, string(session.CodeBadKey)) {
			t.Errorf("Put(%q): %d %q", k, resp.StatusCode, body)
		}
	}
}

func TestKeyRotationReissuesUnderNewestKey(t *testing.T) {
	storeKinds(t, func(t *testing.T, cfg func() session.Config) {
		c := cfg()
		oldKeys, _ := cookies.ParseKeys("old-key")
		a := routes(newAppKeys(t, c, oldKeys))
		a.get("/put?k=user&v=ann")
		resp, _ := a.get("/remember?d=720h")
		sent := resp.Cookies()
		rotated, _ := cookies.ParseKeys("new-key,old-key")
		b := routes(newAppKeys(t, c, rotated))
		resp, body := b.raw("/get?k=user", sent...)
		if body != "ann" {
			t.Fatalf("old-key cookie read %q under rotated keys", body)
		}
		h := setCookieHeader(resp, session.DefaultKey)
		if h == "" || !strings.Contains(h, "Max-Age=2592000") {
			t.Fatalf("rotation re-issue %q, want the session's own Max-Age", h)
		}
		newOnly, _ := cookies.ParseKeys("new-key")
		n := routes(newAppKeys(t, c, newOnly))
		if _, body := n.raw("/get?k=user", resp.Cookies()...); body != "ann" {
			t.Fatalf("re-issued cookie read %q under the new key alone", body)
		}
	})
}

func TestLoggedCommitFailureHidesIDAndValues(t *testing.T) {
	// A memory store that fails its writes: every commit fails.
	st := &failingStore{Store: session.NewMemoryStore()}
	a := routes(newApp(t, session.Config{Store: st}))
	resp, body := a.get("/put?k=card&v=4111111111111111")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, string(session.CodeStoreUnavailable)) {
		t.Fatalf("failed commit: %d %q, want a 503 problem", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q", ct)
	}
	if sessionCookie(resp, session.DefaultKey) != nil {
		t.Errorf("a failed commit set the session cookie")
	}
	logs := a.logged()
	if !strings.Contains(logs, "session commit failed") {
		t.Fatalf("no log of the failure: %q", logs)
	}
	if strings.Contains(logs, "4111111111111111") || strings.Contains(logs, st.lastID) {
		t.Errorf("the log shows a value or the full id: %q", logs)
	}
}

type failingStore struct {
	session.Store
	mu     sync.Mutex
	lastID string
}

func (f *failingStore) Set(ctx context.Context, id string, d session.Delta, maxAge time.Duration) error {
	f.mu.Lock()
	f.lastID = id
	f.mu.Unlock()
	return errors.New("disk on fire")
}

func TestMemoryStoreExpiresAndMerges(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	st := session.NewMemoryStore()
	session.SetMemoryClock(st, func() time.Time { return now })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.Set(ctx, "s", session.Delta{Replace: true, Changed: map[string][]byte{"a": []byte("1"), "b": []byte("2")}}, time.Minute))
	must(st.Set(ctx, "s", session.Delta{Changed: map[string][]byte{"c": []byte("3")}, Deleted: []string{"a"}}, time.Minute))
	r, _ := st.Get(ctx, "s")
	if got, _ := json.Marshal(r.Values); string(got) != `{"b":"Mg==","c":"Mw=="}` {
		t.Fatalf("merged %s", got)
	}
	now = now.Add(time.Minute)
	if r, _ := st.Get(ctx, "s"); r != nil {
		t.Fatalf("expired session read %v", r)
	}
	// An empty delta extends nothing that does not exist.
	must(st.Set(ctx, "gone", session.Delta{}, time.Minute))
	if st.Len() != 0 {
		t.Fatalf("an expiry-only Set created a session")
	}
}

func TestHijackSavesToTheStore(t *testing.T) {
	st := session.NewMemoryStore()
	a := routes(newApp(t, session.Config{Store: st}))
	a.mux.HandleFunc("/hijack", func(w http.ResponseWriter, r *http.Request) {
		if err := session.From(r.Context()).Put("ws", "yes"); err != nil {
			fail(w, err)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
		buf.Flush()
	})
	if _, body := a.get("/hijack"); body != "ok" {
		t.Fatalf("hijacked response %q", body)
	}
	if st.Len() != 1 {
		t.Fatalf("store holds %d sessions after a hijacked request, want 1", st.Len())
	}
}

func TestCommitWithoutKeysIs500(t *testing.T) {
	a := routes(newAppKeys(t, session.Config{}, nil))
	resp, body := a.get("/put?k=user&v=ann")
	if resp.StatusCode != 500 || !strings.Contains(body, string(session.CodeCommitFailed)) {
		t.Fatalf("commit without keys: %d %q, want a 500 problem", resp.StatusCode, body)
	}
	if !strings.Contains(a.logged(), "session commit failed") {
		t.Errorf("not logged: %q", a.logged())
	}
}

func TestCookieOptionsFromConfig(t *testing.T) {
	a := routes(newApp(t, session.Config{Key: "sid", SameSite: "strict", Path: "/", Secure: cookies.Bool(true), HTTPOnly: cookies.Bool(false)}))
	resp, _ := a.raw("/put?k=user&v=ann")
	h := setCookieHeader(resp, "sid")
	for _, want := range []string{"SameSite=Strict", "Secure", "Path=/"} {
		if !strings.Contains(h, want) {
			t.Errorf("Set-Cookie %q lacks %s", h, want)
		}
	}
	if strings.Contains(h, "HttpOnly") {
		t.Errorf("Set-Cookie %q is HttpOnly against the config", h)
	}
}

func TestMemoryStoreSweepsExpiredSessions(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	st := session.NewMemoryStore()
	session.SetMemoryClock(st, func() time.Time { return now })
	one := session.Delta{Replace: true, Changed: map[string][]byte{"a": []byte("1")}}
	for _, id := range []string{"x", "y"} {
		if err := st.Set(ctx, id, one, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Minute)
	if err := st.Set(ctx, "z", one, time.Minute); err != nil {
		t.Fatal(err)
	}
	if st.Len() != 1 {
		t.Fatalf("store holds %d sessions, want only the live one", st.Len())
	}
}

func TestSessionIsSafeForConcurrentUse(t *testing.T) {
	a := routes(newApp(t, session.Config{}))
	a.mux.HandleFunc("/fan", func(w http.ResponseWriter, r *http.Request) {
		s := session.From(r.Context())
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() { _ = s.Put("k"+strconv.Itoa(i), i) })
		}
		wg.Wait()
	})
	a.get("/fan")
	if _, body := a.get("/keys"); body != "k0,k1,k2,k3,k4,k5,k6,k7" {
		t.Fatalf("keys %q", body)
	}
}
