package passport_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/teggo/teggo/passport"
)

// TestSerializeChain: the first function that does not pass wins, in
// registration order, both ways; when all pass, Login fails.
func TestSerializeChain(t *testing.T) {
	a := newApp(t)
	withLocal(t, a)
	var order []string
	a.p.SerializeUser(func(_ context.Context, u *account) (any, error) {
		order = append(order, "s1")
		return nil, passport.ErrPass
	})
	a.p.SerializeUser(func(_ context.Context, u *account) (any, error) {
		order = append(order, "s2")
		if u.Name == "ann" {
			return "id:" + strconv.Itoa(u.ID), nil
		}
		return nil, passport.ErrPass
	})
	a.p.SerializeUser(func(_ context.Context, u *account) (any, error) {
		order = append(order, "s3")
		return nil, errors.New("not reached")
	})
	a.p.DeserializeUser(func(_ context.Context, data json.RawMessage) (*account, error) {
		order = append(order, "d1")
		return nil, passport.ErrPass
	})
	a.p.DeserializeUser(func(_ context.Context, data json.RawMessage) (*account, error) {
		order = append(order, "d2")
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, err
		}
		id, err := strconv.Atoi(strings.TrimPrefix(s, "id:"))
		return &account{ID: id, Name: "ann (from db)"}, err
	})
	res, _ := a.do(a.client, http.MethodPost, "/login", "application/x-www-form-urlencoded", "username=ann&password=s3cret")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	res, body := a.get("/me")
	if res.StatusCode != 200 || !strings.Contains(body, `"name":"ann (from db)"`) {
		t.Fatalf("/me: %d %s", res.StatusCode, body)
	}
	if got := strings.Join(order, ","); got != "s1,s2,d1,d2" {
		t.Fatalf("chain order %s, want s1,s2,d1,d2", got)
	}

	// Every serializer passing is a 500, and nobody is logged in.
	b := newApp(t)
	withLocal(t, b)
	b.p.SerializeUser(func(context.Context, *account) (any, error) { return nil, passport.ErrPass })
	res, body = b.do(b.client, http.MethodPost, "/login", "application/json", `{"username":"ann","password":"s3cret"}`)
	if res.StatusCode != 500 || problemCode(t, res, body) != "TEGGO_PASSPORT_SERIALIZE_FAILED" {
		t.Fatalf("all pass: %d %s", res.StatusCode, body)
	}
}

// TestDeserializeFailureLogsOut: a user the deserializer cannot restore
// (a deleted account) is logged out, not a 500.
func TestDeserializeFailureLogsOut(t *testing.T) {
	a := newApp(t)
	withLocal(t, a)
	deleted := false
	a.p.DeserializeUser(func(_ context.Context, data json.RawMessage) (*account, error) {
		if deleted {
			return nil, errors.New("account 1 not found")
		}
		var u account
		return &u, json.Unmarshal(data, &u)
	})
	a.do(a.client, http.MethodPost, "/login", "application/x-www-form-urlencoded", "username=ann&password=s3cret")
	if res, _ := a.get("/me"); res.StatusCode != 200 {
		t.Fatalf("/me: %d", res.StatusCode)
	}
	deleted = true
	res, body := a.get("/me", "Accept", "application/json")
	if res.StatusCode != 401 || problemCode(t, res, body) != "TEGGO_PASSPORT_UNAUTHENTICATED" {
		t.Fatalf("after the account is gone: %d %s", res.StatusCode, body)
	}
	if !strings.Contains(a.logs.String(), "code=TEGGO_PASSPORT_DESERIALIZE_FAILED") {
		t.Fatalf("not logged: %s", a.logs.String())
	}
	// The user was removed from the session: even restored, the account
	// does not come back.
	deleted = false
	if res, _ := a.get("/me", "Accept", "application/json"); res.StatusCode != 401 {
		t.Fatalf("the session still holds the user: %d", res.StatusCode)
	}
}

func TestUnknownStrategy(t *testing.T) {
	a := newApp(t)
	a.mux.Handle("POST /login", a.p.Authenticate(passport.Options{}, "gitlab"))
	res, body := a.do(a.client, http.MethodPost, "/login", "application/json", `{}`)
	if res.StatusCode != 500 || problemCode(t, res, body) != "TEGGO_PASSPORT_UNKNOWN_STRATEGY" {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
}

// TestStrategiesTriedInTurn: a failing strategy lets the next one try.
func TestStrategiesTriedInTurn(t *testing.T) {
	a := newApp(t)
	withLocal(t, a)
	a.p.Use("apikey", passport.StrategyFunc(func(r *http.Request, _ *passport.Call) passport.Result {
		if r.Header.Get("X-Api-Key") == "" {
			return passport.Result{} // pass
		}
		return passport.Result{Err: passport.ErrVerifyFailed}
	}))
	a.mux.Handle("POST /both", a.p.Authenticate(passport.Options{SuccessRedirect: "/done"}, "apikey", "local"))
	res, _ := a.do(a.client, http.MethodPost, "/both", "application/x-www-form-urlencoded", "username=ann&password=s3cret", "X-Api-Key", "bad")
	if res.StatusCode != http.StatusSeeOther || location(res) != "/done" {
		t.Fatalf("the second strategy did not log in: %d %q", res.StatusCode, location(res))
	}
}

// TestReturnToIsLocalOnly: a returnTo that leaves the site is ignored.
func TestReturnToIsLocalOnly(t *testing.T) {
	a := newApp(t)
	withLocal(t, a)
	a.mux.HandleFunc("GET /plant", func(w http.ResponseWriter, r *http.Request) {
		_ = sessionFrom(r).Put(passport.ReturnToKey, "//evil.example/x")
	})
	a.get("/plant")
	res, _ := a.do(a.client, http.MethodPost, "/login", "application/x-www-form-urlencoded", "username=ann&password=s3cret")
	if location(res) != "/home" {
		t.Fatalf("redirected to %q, want /home", location(res))
	}
}

// TestMiddlewareDeserializesOncePerRequest: with Middleware, a request's
// User, IsAuthenticated and LoadUser calls deserialize once; without it,
// each call does.
func TestMiddlewareDeserializesOncePerRequest(t *testing.T) {
	a := newApp(t)
	withLocal(t, a)
	var calls atomic.Int32
	a.p.DeserializeUser(func(_ context.Context, data json.RawMessage) (*account, error) {
		calls.Add(1)
		var u account
		return &u, json.Unmarshal(data, &u)
	})
	three := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u, ok := a.p.User(ctx)
		_, _, err := a.p.LoadUser(ctx)
		if !ok || !a.p.IsAuthenticated(ctx) || err != nil {
			http.Error(w, "no user", 401)
			return
		}
		w.Write([]byte(u.Name))
	})
	a.mux.Handle("GET /cached", a.p.Middleware(three))
	a.mux.Handle("GET /uncached", three)
	a.do(a.client, http.MethodPost, "/login", "application/x-www-form-urlencoded", "username=ann&password=s3cret")
	if res, body := a.get("/cached"); res.StatusCode != 200 || body != "ann" || calls.Load() != 1 {
		t.Fatalf("with Middleware: %d %q, %d deserializations, want 1", res.StatusCode, body, calls.Load())
	}
	calls.Store(0)
	if res, _ := a.get("/uncached"); res.StatusCode != 200 || calls.Load() != 3 {
		t.Fatalf("without Middleware: %d, %d deserializations, want 3", res.StatusCode, calls.Load())
	}
}
