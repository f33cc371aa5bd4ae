package session

import (
	"context"
	"sync"
	"time"
)

// Store keeps sessions server-side, as egg's app.sessionStore does (get,
// set with a maxAge, destroy); the cookie then carries only the session id,
// signed. A nil Config.Store keeps the whole session in the cookie instead.
//
// Values are the JSON encodings of what Put was given, one per key. Stores
// merge a Delta field by field, so two requests of one session that change
// different keys both keep their writes. Any error a store returns makes the
// request's session fail with CodeStoreUnavailable.
type Store interface {
	// Get returns the session with this id, or a nil Record and a nil
	// error when there is none or it has expired.
	Get(ctx context.Context, id string) (*Record, error)
	// Set applies d to session id and makes it expire maxAge from now.
	// An empty Delta only extends the expiry of an existing session.
	Set(ctx context.Context, id string, d Delta, maxAge time.Duration) error
	// Destroy deletes session id; a missing session is not an error.
	Destroy(ctx context.Context, id string) error
}

// Record is a stored session.
type Record struct {
	// Values maps each key to its JSON encoding. The session owns the map
	// and its slices: a store returns copies.
	Values map[string][]byte
	// MaxAge is the session's own max age (SetMaxAge; BrowserSession is
	// negative), or 0 for the Manager's.
	MaxAge time.Duration
	// Expires is when the store drops the session; zero when unknown.
	Expires time.Time
}

// Delta is what a request changed in a session. Its maps and slices belong
// to the session: a store copies what it keeps.
type Delta struct {
	// Replace drops every stored key before Changed is applied: a new
	// session, or one Regenerate moved to a new id.
	Replace bool
	// Previous, when set, is the id this session replaces (Regenerate,
	// Destroy followed by new values); the store deletes it in the same step.
	Previous string
	// Changed holds the keys set, with their JSON encodings.
	Changed map[string][]byte
	// Deleted lists the keys removed.
	Deleted []string
	// MaxAge, when not 0, is the session's own max age to keep
	// (SetMaxAge; BrowserSession is negative).
	MaxAge time.Duration
}

// Empty reports whether d changes nothing but the expiry.
func (d Delta) Empty() bool {
	return !d.Replace && d.Previous == "" && len(d.Changed) == 0 && len(d.Deleted) == 0 && d.MaxAge == 0
}

// MemoryStore keeps sessions in the process: for tests and single-process
// apps. Sessions are lost at exit and not shared between processes. It is
// safe for concurrent use; expired sessions are dropped on Get and swept
// once a minute on Set.
type MemoryStore struct {
	now func() time.Time

	mu        sync.Mutex
	m         map[string]*memRecord
	lastSweep time.Time
}

type memRecord struct {
	values  map[string][]byte
	maxAge  time.Duration
	expires time.Time
}

// sweepEvery is how often Set drops the expired sessions of a MemoryStore.
const sweepEvery = time.Minute

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{now: time.Now, m: map[string]*memRecord{}}
}

// Len returns the number of sessions held, expired ones not yet swept included.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, id string) (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.m[id]
	if r == nil {
		return nil, nil
	}
	if !s.now().Before(r.expires) {
		delete(s.m, id)
		return nil, nil
	}
	out := &Record{Values: make(map[string][]byte, len(r.values)), MaxAge: r.maxAge, Expires: r.expires}
	for k, v := range r.values {
		out.Values[k] = append([]byte(nil), v...)
	}
	return out, nil
}

// Set implements Store.
func (s *MemoryStore) Set(_ context.Context, id string, d Delta, maxAge time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if now.Sub(s.lastSweep) >= sweepEvery {
		for k, r := range s.m {
			if !now.Before(r.expires) {
				delete(s.m, k)
			}
		}
		s.lastSweep = now
	}
	if d.Previous != "" {
		delete(s.m, d.Previous)
	}
	r := s.m[id]
	if r != nil && !now.Before(r.expires) {
		delete(s.m, id)
		r = nil
	}
	if r == nil {
		if len(d.Changed) == 0 && d.MaxAge == 0 {
			return nil // nothing to extend
		}
		r = &memRecord{values: map[string][]byte{}}
		s.m[id] = r
	}
	if d.Replace {
		clear(r.values)
	}
	for k, v := range d.Changed {
		r.values[k] = append([]byte(nil), v...)
	}
	for _, k := range d.Deleted {
		delete(r.values, k)
	}
	if d.MaxAge != 0 {
		r.maxAge = d.MaxAge
	}
	r.expires = now.Add(maxAge)
	return nil
}

// Destroy implements Store.
func (s *MemoryStore) Destroy(_ context.Context, id string) error {
	s.mu.Lock()
	delete(s.m, id)
	s.mu.Unlock()
	return nil
}
