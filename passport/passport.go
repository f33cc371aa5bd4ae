// Package passport is egg-passport on net/http and teggo's sessions:
// strategies (local, OAuth2, OIDC, GitHub) registered with Use, one Verify
// shared by all of them, SerializeUser and DeserializeUser chains, and per
// request User, IsAuthenticated, Login and Logout.
//
//	p := passport.New[*Account](passport.LoginURL("/login"))
//	p.Use("local", passport.NewLocal(passport.LocalOptions{}))
//	p.Verify(func(ctx context.Context, prof *passport.Profile) (*Account, error) { ... })
//	mux.Handle("POST /login", p.Authenticate(passport.Options{SuccessReturnToOrRedirect: "/"}, "local"))
//	mux.Handle("GET /me", p.RequireUser(me))
//
// A Passport needs the session middleware (session.Manager.Middleware after
// cookies.Middleware) around its handlers: the user, the OAuth2 state, PKCE
// verifier and nonce and the returnTo address live in the session.
package passport

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/teggo/teggo/session"
)

// Session keys passport uses.
const (
	// UserKey holds the serialized user, as passport.js's
	// req.session.passport.user: {"user": ...}.
	UserKey = "passport"
	// ReturnToKey holds the address to go back to after login, egg's
	// ctx.session.returnTo.
	ReturnToKey = "returnTo"
)

// DefaultLoginURL is where RequireUser sends a browser without a user.
const DefaultLoginURL = "/login"

// Strategy authenticates a request, as a passport.js strategy.
type Strategy interface {
	// Authenticate handles one request of a login or callback route. It
	// returns a Profile (success), a Redirect (to the provider), an Err
	// (a failure: a 4xx error lets the next strategy try, a 5xx one
	// answers at once), or nothing (pass: the next strategy tries).
	Authenticate(r *http.Request, c *Call) Result
}

// Call describes one Authenticate call to a strategy.
type Call struct {
	// Name is the name the strategy was Used under.
	Name string
	// CallbackURL is the absolute callback address of this route
	// (Options.CallbackURL resolved against the request).
	CallbackURL string
}

// Result is a strategy's outcome; the zero Result passes.
type Result struct {
	Profile  *Profile
	Redirect string
	Err      error
}

// Profile is what a strategy learnt about the user, given to Verify: egg's
// user object ({provider, id, name, displayName, photo, emails, ...}).
type Profile struct {
	// Provider is the strategy's name ("local", "github"...).
	Provider string `json:"provider"`
	// ID is the provider's stable id of the user (the OIDC subject, the
	// GitHub numeric id); empty for the local strategy.
	ID string `json:"id,omitempty"`
	// Username is the login (GitHub's login, OIDC preferred_username,
	// the local strategy's username).
	Username    string `json:"username,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Email       string `json:"email,omitempty"`
	// EmailVerified is the provider's word that Email belongs to the user.
	EmailVerified bool   `json:"emailVerified,omitempty"`
	Photo         string `json:"photo,omitempty"`
	// Password is the local strategy's password, for Verify to check with
	// CheckPassword. It is never serialized nor logged.
	Password string `json:"-"`
	// AccessToken and RefreshToken are the OAuth2 tokens (never logged).
	AccessToken  string `json:"-"`
	RefreshToken string `json:"-"`
	// Raw is the provider's JSON (GitHub's user, the OIDC claims).
	Raw json.RawMessage `json:"-"`
}

// LogValue keeps secrets out of logs.
func (p *Profile) LogValue() slog.Value {
	return slog.GroupValue(slog.String("provider", p.Provider), slog.String("id", p.ID), slog.String("username", p.Username))
}

// Option configures a Passport.
type Option func(*settings)

type settings struct {
	log      *slog.Logger
	loginURL string
}

// Logger sets the logger of failed logins and logged-out users (codes and
// strategy names, never tokens, passwords or states); default slog.Default().
func Logger(l *slog.Logger) Option { return func(s *settings) { s.log = l } }

// LoginURL sets where RequireUser redirects a browser without a user;
// default "/login".
func LoginURL(u string) Option { return func(s *settings) { s.loginURL = u } }

// Passport holds the strategies and the user functions of an app. U is the
// app's user type. It is safe for concurrent use; register everything
// before serving.
type Passport[U any] struct {
	set settings

	mu           sync.RWMutex
	strategies   map[string]Strategy
	verify       func(context.Context, *Profile) (U, error)
	serializers  []func(context.Context, U) (any, error)
	deserializer []func(context.Context, json.RawMessage) (U, error)
}

// New returns a Passport with no strategy.
func New[U any](opts ...Option) *Passport[U] {
	p := &Passport[U]{strategies: map[string]Strategy{}, set: settings{log: slog.Default(), loginURL: DefaultLoginURL}}
	for _, o := range opts {
		o(&p.set)
	}
	return p
}

// Use registers strategy s under name (egg's app.passport.use); a second
// Use of a name replaces the first.
func (p *Passport[U]) Use(name string, s Strategy) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.strategies[name] = s
}

// Verify sets the function every strategy's profile goes through (egg's
// app.passport.verify): it finds or registers the app's user. It returns
// ErrVerifyFailed (or a zero user) to refuse the profile — a 401 —, any
// other error for a failure of its own — a 500. Without Verify, a profile
// is the user when U is *Profile.
func (p *Passport[U]) Verify(fn func(ctx context.Context, prof *Profile) (U, error)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.verify = fn
}

// SerializeUser appends fn to the chain that turns a user into what the
// session keeps (egg's app.passport.serializeUser). The first function
// that does not return ErrPass wins. Without any, the user itself is kept,
// as JSON.
func (p *Passport[U]) SerializeUser(fn func(ctx context.Context, user U) (any, error)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.serializers = append(p.serializers, fn)
}

// DeserializeUser appends fn to the chain that restores the user from what
// the session keeps (egg's app.passport.deserializeUser). The first
// function that does not return ErrPass wins. Without any, the JSON is
// decoded into U. When every function passes or one fails, the user is
// logged out (TEGGO_PASSPORT_DESERIALIZE_FAILED is logged).
func (p *Passport[U]) DeserializeUser(fn func(ctx context.Context, data json.RawMessage) (U, error)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.deserializer = append(p.deserializer, fn)
}

// DoVerify runs the Verify function on prof (egg's app.passport.doVerify).
func (p *Passport[U]) DoVerify(ctx context.Context, prof *Profile) (U, error) {
	p.mu.RLock()
	fn := p.verify
	p.mu.RUnlock()
	var zero U
	if fn == nil {
		if u, ok := any(prof).(U); ok {
			return u, nil
		}
		return zero, cerr(CodeVerifyError, "no Verify function is set and the user type is not *passport.Profile", nil)
	}
	u, err := fn(ctx, prof)
	switch {
	case errors.Is(err, ErrVerifyFailed):
		return zero, err
	case err != nil:
		return zero, cerr(CodeVerifyError, "verify", err)
	case isZero(u):
		return zero, cerr(CodeVerifyFailed, "verify returned no user", nil)
	}
	return u, nil
}

func isZero(v any) bool {
	if v == nil {
		return true
	}
	return reflect.ValueOf(v).IsZero()
}

// state is one request's user, loaded once.
type state struct {
	mu     sync.Mutex
	loaded bool
	user   any
	ok     bool
}

type stateKey struct{ p any }

func (p *Passport[U]) withState(r *http.Request) (*http.Request, *state) {
	if st, ok := r.Context().Value(stateKey{p}).(*state); ok {
		return r, st
	}
	st := &state{}
	return r.WithContext(context.WithValue(r.Context(), stateKey{p}, st)), st
}

// Middleware keeps each request's user once it is loaded, so that User,
// IsAuthenticated and RequireUser deserialize it once per request. It is
// optional: without it each User call deserializes again.
func (p *Passport[U]) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, _ = p.withState(r)
		next.ServeHTTP(w, r)
	})
}

// User returns the request's user (egg's ctx.user), false when nobody is
// logged in or the session cannot be read.
func (p *Passport[U]) User(ctx context.Context) (U, bool) {
	u, ok, _ := p.LoadUser(ctx)
	return u, ok
}

// IsAuthenticated reports whether a user is logged in (egg's
// ctx.isAuthenticated()).
func (p *Passport[U]) IsAuthenticated(ctx context.Context) bool {
	_, ok := p.User(ctx)
	return ok
}

// LoadUser is User with the session's error: a store outage
// (session.CodeStoreUnavailable) is not "nobody is logged in".
func (p *Passport[U]) LoadUser(ctx context.Context) (U, bool, error) {
	st, _ := ctx.Value(stateKey{p}).(*state)
	if st != nil {
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.loaded {
			u, _ := st.user.(U)
			return u, st.ok, nil
		}
	}
	u, ok, err := p.load(ctx)
	if err == nil && st != nil {
		st.loaded, st.user, st.ok = true, u, ok
	}
	return u, ok, err
}

type stored struct {
	User json.RawMessage `json:"user"`
}

func (p *Passport[U]) load(ctx context.Context) (U, bool, error) {
	var zero U
	s := session.From(ctx)
	var rec stored
	found, err := s.Get(UserKey, &rec)
	if err != nil || !found || len(rec.User) == 0 {
		return zero, false, err
	}
	u, err := p.deserialize(ctx, rec.User)
	if err != nil {
		p.set.log.WarnContext(ctx, "passport: the session's user is logged out", "code", CodeDeserializeFailed, "err", err)
		if derr := s.Delete(UserKey); derr != nil {
			p.set.log.WarnContext(ctx, "passport: could not clear the session's user", "err", derr)
		}
		return zero, false, nil
	}
	return u, true, nil
}

func (p *Passport[U]) deserialize(ctx context.Context, data json.RawMessage) (U, error) {
	p.mu.RLock()
	chain := p.deserializer
	p.mu.RUnlock()
	var zero U
	if len(chain) == 0 {
		var u U
		if err := json.Unmarshal(data, &u); err != nil {
			return zero, cerr(CodeDeserializeFailed, "decode the session's user", err)
		}
		return u, nil
	}
	for _, fn := range chain {
		u, err := fn(ctx, data)
		if errors.Is(err, ErrPass) {
			continue
		}
		if err != nil {
			return zero, cerr(CodeDeserializeFailed, "deserialize user", err)
		}
		if isZero(u) {
			return zero, cerr(CodeDeserializeFailed, "deserialize returned no user", nil)
		}
		return u, nil
	}
	return zero, cerr(CodeDeserializeFailed, "every DeserializeUser passed", nil)
}

func (p *Passport[U]) serialize(ctx context.Context, u U) (json.RawMessage, error) {
	p.mu.RLock()
	chain := p.serializers
	p.mu.RUnlock()
	var v any = u
	if len(chain) > 0 {
		v = nil
		for _, fn := range chain {
			out, err := fn(ctx, u)
			if errors.Is(err, ErrPass) {
				continue
			}
			if err != nil {
				return nil, cerr(CodeSerializeFailed, "serialize user", err)
			}
			v = out
			break
		}
		if v == nil {
			return nil, cerr(CodeSerializeFailed, "every SerializeUser passed", nil)
		}
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, cerr(CodeSerializeFailed, "encode user", err)
	}
	return data, nil
}

// Login starts a login session for user (egg's ctx.login): it gives the
// session a new id (against fixation), then stores the serialized user.
func (p *Passport[U]) Login(ctx context.Context, user U) error {
	data, err := p.serialize(ctx, user)
	if err != nil {
		return err
	}
	s := session.From(ctx)
	if err := s.Regenerate(); err != nil {
		return err
	}
	if err := s.Put(UserKey, stored{User: data}); err != nil {
		return err
	}
	if st, ok := ctx.Value(stateKey{p}).(*state); ok {
		st.mu.Lock()
		st.loaded, st.user, st.ok = true, user, true
		st.mu.Unlock()
	}
	return nil
}

// Logout ends the login session (egg's ctx.logout): it removes the user
// and gives the session a new id.
func (p *Passport[U]) Logout(ctx context.Context) error {
	s := session.From(ctx)
	if err := s.Delete(UserKey); err != nil {
		return err
	}
	if err := s.Regenerate(); err != nil {
		return err
	}
	if st, ok := ctx.Value(stateKey{p}).(*state); ok {
		st.mu.Lock()
		st.loaded, st.user, st.ok = true, nil, false
		st.mu.Unlock()
	}
	return nil
}

// RequireUser guards next: a request without a user gets a 401 problem
// (TEGGO_PASSPORT_UNAUTHENTICATED) when it is an API client (Accept:
// application/json), else a redirect to the login URL, its address kept
// as the session's returnTo (GET and HEAD only) for
// Options.SuccessReturnToOrRedirect.
func (p *Passport[U]) RequireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, _ = p.withState(r)
		_, ok, err := p.LoadUser(r.Context())
		if err != nil {
			writeProblem(w, r, err)
			return
		}
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		if wantsJSON(r) {
			writeProblem(w, r, cerr(CodeUnauthenticated, "no user is logged in", nil))
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if err := session.From(r.Context()).Put(ReturnToKey, r.URL.RequestURI()); err != nil {
				writeProblem(w, r, err)
				return
			}
		}
		http.Redirect(w, r, p.set.loginURL, http.StatusFound)
	})
}

// localPath reports whether u is a path of this site ("/x"), not an
// address elsewhere ("//evil", "/\evil", "https://evil").
func localPath(u string) bool {
	return strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && !strings.HasPrefix(u, "/\\") &&
		!strings.ContainsAny(u, "\r\n\t")
}

// StrategyFunc is a function used as a Strategy.
type StrategyFunc func(r *http.Request, c *Call) Result

// Authenticate implements Strategy.
func (f StrategyFunc) Authenticate(r *http.Request, c *Call) Result { return f(r, c) }
