// Package session gives each request egg's ctx.session on net/http, built on
// the cookies package: typed Get and Put of JSON values, Destroy, SetMaxAge
// ("remember me"), Regenerate (a new id at login), egg's renew and rolling.
//
// Sessions are lazy: a request that does not use its session reads no store
// and writes no cookie. A session is committed only when it changed (or is
// renewed or rolling), once, just before the response headers go out — also
// for a streamed, redirected or error response.
//
// The session lives in the cookie by default, encrypted with the app's keys
// and carrying its own expiry, so that a replayed cookie past it is refused.
// A Store keeps it server-side instead: MemoryStore for tests and single
// processes, RedisStore for the rest. Stores write only the keys that
// changed, so two concurrent requests of one session that change different
// keys keep both writes. A store outage fails the request with
// CodeStoreUnavailable, never with a silently empty session.
//
//	m, err := session.NewManager(session.Config{Store: session.NewRedisStore(rdb, "")})
//	h := cookies.Middleware(cookies.Config{Keys: keys})(m.Middleware(mux))
//
//	func login(w http.ResponseWriter, r *http.Request) {
//		s := session.From(r.Context())
//		if err := s.Regenerate(); err != nil { ... }
//		_ = s.Put("userId", 42)
//	}
package session

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/cookies"
)

// Session is one request's session. Its methods load it on first use (from
// the cookie, or with one store read) and are safe for concurrent use.
// Methods on a nil Session (From without Middleware) fail with
// CodeNoMiddleware.
type Session struct {
	m   *Manager
	r   *http.Request
	ctx context.Context
	jar *cookies.Jar
	w   writer

	mu        sync.Mutex
	loaded    bool
	err       error  // the load error, returned by every method
	id        string // "" for a new session until it needs one
	stored    bool   // the id is in the store (cookie store: the cookie was valid)
	values    map[string][]byte
	changed   map[string]struct{}
	deleted   map[string]struct{}
	dirty     bool
	maxAge    time.Duration // the session's own; 0: the Manager's
	maxAgeSet bool
	expires   time.Time // when the store or the payload expires it; zero: unknown
	previous  string    // a stored id to drop at commit (Regenerate, Destroy)
	destroyed bool
	reissue   bool // key rotation re-issued the cookie: write it again with the session's options
	committed bool
	commitErr error
}

// Load reads the session now. Every other method loads it too; Load serves
// a route that only needs the session's expiry renewed (Renew, Rolling) or
// that wants a store outage reported before it does anything else.
func (s *Session) Load() error {
	return s.read(func() error { return nil })
}

// read runs f under the session's lock once the session is loaded.
func (s *Session) read(f func() error) error {
	if s == nil {
		return errNoSession()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	return f()
}

// edit runs f under the session's lock once the session is loaded and may
// still change (it is not committed yet).
func (s *Session) edit(f func() error) error {
	if s == nil {
		return errNoSession()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.change(); err != nil {
		return err
	}
	return f()
}

// Get decodes the value of key into dst (as json.Unmarshal does) and reports
// whether the key was there.
func (s *Session) Get(key string, dst any) (found bool, err error) {
	err = s.read(func() error {
		raw, ok := s.values[key]
		if !ok {
			return nil
		}
		found = true
		if err := unmarshal(raw, dst); err != nil {
			return fmt.Errorf("session: value of %q: %w", key, err)
		}
		return nil
	})
	return found, err
}

// GetString returns the string under key, "" when absent.
func (s *Session) GetString(key string) (string, error) {
	var v string
	_, err := s.Get(key, &v)
	return v, err
}

// GetInt returns the integer under key, 0 when absent.
func (s *Session) GetInt(key string) (int, error) {
	var v int
	_, err := s.Get(key, &v)
	return v, err
}

// GetBool returns the boolean under key, false when absent.
func (s *Session) GetBool(key string) (bool, error) {
	var v bool
	_, err := s.Get(key, &v)
	return v, err
}

// Put sets key to the JSON encoding of v. Setting the value a key already
// has changes nothing, so it commits nothing. Keys starting with "__" are
// reserved for the stores.
func (s *Session) Put(key string, v any) error {
	if key == "" || strings.HasPrefix(key, ReservedPrefix) {
		return &container.Error{Code: CodeBadKey, Msg: fmt.Sprintf("session: key %q is empty or starts with the reserved %q", key, ReservedPrefix)}
	}
	b, err := marshal(v)
	if err != nil {
		return fmt.Errorf("session: value of %q: %w", key, err)
	}
	return s.edit(func() error {
		if old, ok := s.values[key]; ok && bytes.Equal(old, b) {
			return nil
		}
		s.values[key] = b
		if s.m.store != nil { // the cookie store writes the whole session
			if s.changed == nil {
				s.changed = map[string]struct{}{}
			}
			s.changed[key] = struct{}{}
			delete(s.deleted, key)
		}
		s.dirty = true
		return nil
	})
}

// Delete removes key; removing an absent key changes nothing.
func (s *Session) Delete(key string) error {
	return s.edit(func() error {
		if _, ok := s.values[key]; !ok {
			return nil
		}
		delete(s.values, key)
		if s.m.store != nil {
			delete(s.changed, key)
			if s.deleted == nil {
				s.deleted = map[string]struct{}{}
			}
			s.deleted[key] = struct{}{}
		}
		s.dirty = true
		return nil
	})
}

// Keys returns the session's keys, sorted.
func (s *Session) Keys() (keys []string, err error) {
	err = s.read(func() error {
		keys = make([]string, 0, len(s.values))
		for k := range s.values {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return nil
	})
	return keys, err
}

// ID returns the session id, drawing one for a new session. It is secret:
// whoever has it has the session. Log a prefix at most.
func (s *Session) ID() (id string, err error) {
	err = s.read(func() error {
		if s.id == "" {
			s.id = newID()
		}
		id = s.id
		return nil
	})
	return id, err
}

// Destroy is egg's ctx.session = null: it clears the values, deletes the
// session from the store and the cookie from the browser at commit. Values
// put afterwards start a new session, with a new id.
func (s *Session) Destroy() error {
	return s.edit(func() error {
		if s.stored && s.m.store != nil {
			s.previous = s.id
		}
		s.id, s.stored, s.destroyed = "", false, true
		s.values = map[string][]byte{}
		s.changed, s.deleted = nil, nil
		s.maxAge, s.maxAgeSet = 0, false
		s.expires = time.Time{}
		s.dirty = true
		return nil
	})
}

// SetMaxAge gives this session its own max age, kept with it: egg's
// ctx.session.maxAge, for "remember me". BrowserSession (any negative d)
// makes its cookie a browser-session cookie; d must not be between 0 and a
// second.
func (s *Session) SetMaxAge(d time.Duration) error {
	if d < 0 {
		d = BrowserSession
	} else if d < time.Second {
		return &container.Error{Code: CodeBadConfig, Msg: fmt.Sprintf("session: max age %s is under a second", d), Hint: "use BrowserSession for a browser-session cookie"}
	}
	return s.edit(func() error {
		if s.maxAge != d {
			s.maxAge, s.maxAgeSet, s.dirty = d, true, true
		}
		return nil
	})
}

// Regenerate moves the session to a new id, keeping its values, and deletes
// the old id from the store at commit: call it at login, so that an id an
// attacker planted before (session fixation) is worth nothing after.
func (s *Session) Regenerate() error {
	return s.edit(func() error {
		if s.stored && s.m.store != nil {
			s.previous = s.id
		}
		s.id, s.stored, s.dirty = newID(), false, true
		return nil
	})
}

func errNoSession() error {
	return &container.Error{Code: CodeNoMiddleware, Msg: "session: no session in the context", Hint: "install Manager.Middleware (after cookies.Middleware)"}
}

func storeError(op string, err error) error {
	return &container.Error{Code: CodeStoreUnavailable, Msg: "session: store " + op + " failed", Err: err}
}

// change loads the session and refuses a change after the commit.
func (s *Session) change() error {
	if err := s.load(); err != nil {
		return err
	}
	if s.committed {
		return &container.Error{Code: CodeCommitted, Msg: "session: changed after the response headers were written", Hint: "change the session before writing the response"}
	}
	return nil
}

// load reads the session once; s.mu is held.
func (s *Session) load() error {
	if s.loaded {
		return s.err
	}
	s.loaded = true
	s.err = s.fill()
	if s.values == nil {
		s.values = map[string][]byte{}
	}
	return s.err
}

// fill reads the session from the cookie and the store.
func (s *Session) fill() error {
	if s.jar == nil {
		return &container.Error{Code: CodeNoMiddleware, Msg: "session: no cookie jar in the request's context", Hint: "install cookies.Middleware before Manager.Middleware"}
	}
	s.jar.BeforeHeaders(s.commitHook)
	m := s.m
	raw := s.jar.Get(m.cfg.Key, m.read)
	if raw == "" {
		return nil
	}
	for _, c := range s.jar.Pending() {
		if c.Name == m.cfg.Key {
			s.reissue = true // signed or sealed with an older key
		}
	}
	if m.store == nil {
		p, ok := decodePayload(raw, m.encrypt)
		if !ok || !m.now().Before(time.UnixMilli(p.Exp)) {
			return nil // foreign, corrupt or expired: a new, empty session
		}
		s.id, s.stored, s.maxAge, s.expires = p.ID, true, millisMaxAge(p.MaxAge), time.UnixMilli(p.Exp)
		s.values = p.Values
		return nil
	}
	if !validID(raw) {
		return nil
	}
	rec, err := m.store.Get(context.WithoutCancel(s.ctx), raw)
	if err != nil {
		return storeError("get", err)
	}
	if rec == nil {
		return nil // expired or destroyed: a new session, with a new id
	}
	s.id, s.stored, s.maxAge, s.expires, s.values = raw, true, rec.MaxAge, rec.Expires, rec.Values
	return nil
}

func (s *Session) commitHook() { _ = s.commit() }

// commit saves the session once, before the response headers go out; a
// failure is logged here and returned to every later caller.
func (s *Session) commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.committed {
		return s.commitErr
	}
	s.committed = true
	if !s.loaded || s.err != nil {
		return nil
	}
	if err := s.save(); err != nil {
		s.commitErr = err
		s.m.logCommit(s.ctx, s.id, err)
	}
	return s.commitErr
}

// save writes what changed; s.mu is held.
func (s *Session) save() error {
	m := s.m
	now := m.now()
	own := s.maxAge
	if own == 0 {
		own = m.cfg.MaxAge
	}
	ttl := own
	if ttl < 0 {
		ttl = m.ttl
	}
	if !s.stored && len(s.values) == 0 {
		// Nothing to keep: a new session left empty, or a destroyed one.
		if s.previous != "" {
			if err := m.store.Destroy(context.WithoutCancel(s.ctx), s.previous); err != nil {
				return storeError("destroy", err)
			}
		}
		if s.destroyed {
			if _, err := s.r.Cookie(m.cfg.Key); err == nil {
				return s.setCookie("", own)
			}
		}
		return nil
	}
	if !s.dirty && !m.cfg.Rolling && !s.reissue &&
		!(m.cfg.Renew && !s.expires.IsZero() && s.expires.Sub(now) < ttl/2) {
		return nil
	}
	if s.id == "" {
		s.id = newID()
	}
	var value string
	if m.store == nil {
		value = encodePayload(payload{ID: s.id, Exp: now.Add(ttl).UnixMilli(), MaxAge: maxAgeMillis(s.maxAge), Values: s.values}, m.encrypt)
	} else {
		var d Delta
		if s.dirty {
			d.Previous = s.previous
			if !s.stored {
				d.Replace = true
				d.Changed = s.values
			} else {
				d.Changed = make(map[string][]byte, len(s.changed))
				for k := range s.changed {
					d.Changed[k] = s.values[k]
				}
				for k := range s.deleted {
					d.Deleted = append(d.Deleted, k)
				}
			}
			if s.maxAgeSet || (d.Replace && s.maxAge != 0) {
				d.MaxAge = s.maxAge
			}
		}
		if err := m.store.Set(context.WithoutCancel(s.ctx), s.id, d, ttl); err != nil {
			return storeError("set", err)
		}
		value = s.id
	}
	return s.setCookie(value, own)
}

// setCookie queues the session cookie; value "" deletes it.
func (s *Session) setCookie(value string, own time.Duration) error {
	o := s.m.cookieOptions(own)
	if err := s.jar.Set(s.m.cfg.Key, value, &o); err != nil {
		return &container.Error{Code: CodeCommitFailed, Msg: "session: cookie " + s.m.cfg.Key, Hint: "configure keys", Err: err}
	}
	return nil
}

// newID draws a session id: 128 random bits, base32 (26 characters).
func newID() string { return rand.Text() }

func validID(s string) bool {
	if len(s) != 26 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'A' || c > 'Z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}
