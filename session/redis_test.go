package session_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teggo/teggo/session"
)

func TestRedisLazyRoundTripsAndLayout(t *testing.T) {
	_, rdb, rt := newRedis(t)
	ctx := context.Background()
	st := session.NewRedisStore(rdb, "app:sess")
	a := routes(newApp(t, session.Config{Store: st}))
	rt.take()

	a.get("/none")
	if n, cmds := rt.take(); n != 0 {
		t.Fatalf("new visitor, untouched: %d round trips %v, want 0", n, cmds)
	}
	a.get("/get?k=user")
	if n, cmds := rt.take(); n != 0 {
		t.Fatalf("new visitor, read only: %d round trips %v, want 0 (no cookie, nothing to read)", n, cmds)
	}
	resp, _ := a.get("/put?k=user&v=ann")
	if n, cmds := rt.take(); n != 1 || !slices.Contains(cmds, "HSET") || !slices.Contains(cmds, "PEXPIRE") {
		t.Fatalf("new session: %d round trips %v, want 1 with HSET and PEXPIRE", n, cmds)
	}
	id := sessionCookie(resp, session.DefaultKey).Value
	if got, want := st.Key(id), "app:sess:"+id; got != want {
		t.Fatalf("key %q, want %q", got, want)
	}
	h, err := rdb.HGetAll(ctx, st.Key(id)).Result()
	if err != nil || len(h) != 1 || h["user"] != `"ann"` {
		t.Fatalf("hash %v (%v), want user=\"ann\"", h, err)
	}
	if ttl := rdb.PTTL(ctx, st.Key(id)).Val(); ttl < 23*time.Hour || ttl > 24*time.Hour {
		t.Fatalf("TTL %s, want the default max age of 24h", ttl)
	}
	rt.take()

	a.get("/none")
	if n, cmds := rt.take(); n != 0 {
		t.Fatalf("existing session, untouched: %d round trips %v, want 0", n, cmds)
	}
	a.get("/get?k=user")
	if n, cmds := rt.take(); n != 1 || !slices.Equal(cmds, []string{"HGETALL", "PTTL"}) {
		t.Fatalf("read only: %d round trips %v, want 1 (HGETALL, PTTL)", n, cmds)
	}
	a.get("/inc")
	n, cmds := rt.take()
	if n != 2 {
		t.Fatalf("read and change: %d round trips %v, want 2", n, cmds)
	}
	if slices.Contains(cmds, "DEL") || slices.Contains(cmds, "HDEL") {
		t.Errorf("a change of one key sent %v, want only that key written", cmds)
	}
	if h := rdb.HGetAll(ctx, st.Key(id)).Val(); len(h) != 2 || h["n"] != "1" || h["user"] != `"ann"` {
		t.Fatalf("hash after inc %v", h)
	}
	a.mux.HandleFunc("/drop", func(w http.ResponseWriter, r *http.Request) {
		if err := session.From(r.Context()).Delete("n"); err != nil {
			fail(w, err)
		}
	})
	a.get("/drop")
	if _, cmds := rt.take(); !slices.Contains(cmds, "HDEL") || slices.Contains(cmds, "HSET") {
		t.Fatalf("delete sent %v, want HDEL and no HSET", cmds)
	}
	if h := rdb.HGetAll(ctx, st.Key(id)).Val(); len(h) != 1 {
		t.Fatalf("hash after delete %v", h)
	}
}

func TestRedisRenewIsOnePExpire(t *testing.T) {
	_, rdb, rt := newRedis(t)
	ctx := context.Background()
	st := session.NewRedisStore(rdb, "")
	a := routes(newApp(t, session.Config{Store: st, MaxAge: time.Hour, Renew: true}))
	resp, _ := a.get("/put?k=user&v=ann")
	key := st.Key(sessionCookie(resp, session.DefaultKey).Value)
	rt.take()
	a.get("/get?k=user")
	if n, cmds := rt.take(); n != 1 {
		t.Fatalf("fresh session read: %d round trips %v, want 1 (no renew)", n, cmds)
	}
	// Time passes: 20 of 60 minutes left.
	rdb.PExpire(ctx, key, 20*time.Minute)
	rt.take()
	resp, body := a.get("/get?k=user")
	n, cmds := rt.take()
	if body != "ann" || n != 2 || !slices.Equal(cmds, []string{"HGETALL", "PTTL", "PEXPIRE"}) {
		t.Fatalf("renew: %q, %d round trips %v, want HGETALL+PTTL then a lone PEXPIRE", body, n, cmds)
	}
	if sessionCookie(resp, session.DefaultKey) == nil {
		t.Errorf("renew re-issued no cookie")
	}
	if ttl := rdb.PTTL(ctx, key).Val(); ttl < 59*time.Minute {
		t.Errorf("TTL after renew %s, want about 1h", ttl)
	}
}

func TestRedisRememberMeKeepsMaxAge(t *testing.T) {
	_, rdb, _ := newRedis(t)
	ctx := context.Background()
	st := session.NewRedisStore(rdb, "")
	a := routes(newApp(t, session.Config{Store: st}))
	resp, _ := a.get("/put?k=user&v=ann")
	key := st.Key(sessionCookie(resp, session.DefaultKey).Value)
	a.get("/remember?d=720h")
	if got := rdb.HGet(ctx, key, "__maxAge").Val(); got != "2592000000" {
		t.Fatalf("__maxAge %q, want 2592000000 (ms)", got)
	}
	resp, _ = a.get("/put?k=theme&v=dark")
	if h := setCookieHeader(resp, session.DefaultKey); !strings.Contains(h, "Max-Age=2592000") {
		t.Fatalf("later commit: %q, want Max-Age=2592000", h)
	}
	if ttl := rdb.PTTL(ctx, key).Val(); ttl < 719*time.Hour {
		t.Fatalf("TTL %s, want 30 days", ttl)
	}
	if _, body := a.get("/keys"); body != "theme,user" {
		t.Fatalf("keys %q: the reserved field leaked", body)
	}
}

func TestRedisConcurrentWritesToDifferentKeysBothKept(t *testing.T) {
	_, rdb, _ := newRedis(t)
	concurrentWrites(t, session.NewRedisStore(rdb, ""))
}

func TestRedisRegenerateAndDestroy(t *testing.T) {
	_, rdb, rt := newRedis(t)
	ctx := context.Background()
	st := session.NewRedisStore(rdb, "")
	a := routes(newApp(t, session.Config{Store: st}))
	resp, _ := a.get("/put?k=cart&v=3")
	oldCookies := resp.Cookies()
	oldKey := st.Key(sessionCookie(resp, session.DefaultKey).Value)
	rt.take()
	resp, _ = a.get("/login?user=ann")
	if n, cmds := rt.take(); n != 2 {
		t.Fatalf("login: %d round trips %v, want 2 (read, then one MULTI)", n, cmds)
	}
	newKey := st.Key(sessionCookie(resp, session.DefaultKey).Value)
	if rdb.Exists(ctx, oldKey).Val() != 0 {
		t.Fatalf("the old id is still in Redis")
	}
	if h := rdb.HGetAll(ctx, newKey).Val(); h["cart"] != `"3"` || h["user"] != `"ann"` {
		t.Fatalf("new hash %v", h)
	}
	if _, body := a.raw("/get?k=cart", oldCookies...); body != "" {
		t.Fatalf("the old id reads %q", body)
	}
	a.get("/destroy")
	if rdb.Exists(ctx, newKey).Val() != 0 {
		t.Fatalf("destroy left the hash")
	}
	if _, body := a.get("/keys"); body != "" {
		t.Fatalf("after destroy keys %q", body)
	}
}

func TestRedisDownIsErrStoreUnavailable(t *testing.T) {
	srv, rdb, _ := newRedis(t)
	st := session.NewRedisStore(rdb, "")
	a := routes(newApp(t, session.Config{Store: st}))
	a.get("/put?k=user&v=ann")
	srv.Stop()

	// The read fails with CodeStoreUnavailable, which the handler maps to 503.
	var loadErr error
	a.mux.HandleFunc("/check", func(w http.ResponseWriter, r *http.Request) {
		_, loadErr = session.From(r.Context()).GetString("user")
		fail(w, loadErr)
	})
	resp, _ := a.get("/check")
	if !errors.Is(loadErr, session.CodeStoreUnavailable) || resp.StatusCode != 503 {
		t.Fatalf("read with Redis down: %v, status %d; want CodeStoreUnavailable and 503", loadErr, resp.StatusCode)
	}
	// The outage is not an empty session: every accessor keeps failing.
	if resp, body := a.get("/keys"); resp.StatusCode != 503 {
		t.Fatalf("keys with Redis down: %d %q", resp.StatusCode, body)
	}

	// A new visitor's first write reads nothing, so the commit is what
	// fails: the middleware turns the response into a 503 problem.
	fresh := newClient()
	resp, body := a.do(fresh, "/put?k=user&v=bob")
	if resp.StatusCode != 503 || !strings.Contains(body, string(session.CodeStoreUnavailable)) {
		t.Fatalf("commit with Redis down: %d %q, want a 503 problem", resp.StatusCode, body)
	}
	if len(resp.Header.Values("Set-Cookie")) != 0 {
		t.Errorf("a failed commit set %q", resp.Header.Values("Set-Cookie"))
	}
	if !strings.Contains(a.logged(), "session commit failed") {
		t.Errorf("the failed commit was not logged: %q", a.logged())
	}

	srv.Restart()
	if resp, body := a.do(fresh, "/put?k=user&v=bob"); resp.StatusCode != 200 {
		t.Fatalf("after restart: %d %q", resp.StatusCode, body)
	}
	if _, body := a.do(fresh, "/get?k=user"); body != "bob" {
		t.Fatalf("after restart read %q", body)
	}
}

func TestRedisCommitBeforeFlushRedirectAndErrorStatus(t *testing.T) {
	_, rdb, _ := newRedis(t)
	st := session.NewRedisStore(rdb, "")
	a := routes(newApp(t, session.Config{Store: st}))
	a.mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		_ = session.From(r.Context()).Put("streamed", "yes")
		w.(http.Flusher).Flush()
		w.Write([]byte("ab"))
	})
	a.mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		_ = session.From(r.Context()).Put("redirected", "yes")
		http.Redirect(w, r, "/get?k=redirected", 302)
	})
	a.mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) {
		_ = session.From(r.Context()).Put("failed", "yes")
		http.Error(w, "boom", 500)
	})
	if resp, body := a.get("/stream"); body != "ab" || sessionCookie(resp, session.DefaultKey) == nil {
		t.Fatalf("stream: %q, %q", body, resp.Header.Values("Set-Cookie"))
	}
	if _, body := a.get("/redirect"); body != "yes" {
		t.Fatalf("redirect target read %q", body)
	}
	if resp, _ := a.get("/boom"); resp.StatusCode != 500 {
		t.Fatalf("boom %d", resp.StatusCode)
	}
	if _, body := a.get("/keys"); body != "failed,redirected,streamed" {
		t.Fatalf("keys %q", body)
	}
}
