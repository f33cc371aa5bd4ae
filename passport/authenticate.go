package passport

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/session"
)

// Options are egg-passport's authenticate options.
type Options struct {
	// SuccessRedirect is where a successful login goes.
	SuccessRedirect string
	// SuccessReturnToOrRedirect sends a successful login to the session's
	// returnTo (kept by RequireUser), else here. When neither success
	// option is set, it is "/" (egg's default).
	SuccessReturnToOrRedirect string
	// FailureRedirect is where a failed login sends a browser; without it
	// (and always for API clients) a failure is a problem document.
	FailureRedirect string
	// LoginURL is Mount's login route; default "/passport/<name>".
	LoginURL string
	// CallbackURL is the provider's redirect target, a path resolved
	// against the request or an absolute URL; default
	// "/passport/<name>/callback". A strategy's own Config.CallbackURL
	// wins over it.
	CallbackURL string
}

// Authenticate returns the handler of a login (and callback) route (egg's
// app.passport.authenticate): the named strategies try the request in
// turn; the first success runs Verify, Login and the success redirect, a
// redirect goes to the provider, a failure lets the next strategy try.
// When all fail, the first failure answers: FailureRedirect for a browser,
// else a problem document with its code.
func (p *Passport[U]) Authenticate(opts Options, names ...string) http.Handler {
	if opts.SuccessRedirect == "" && opts.SuccessReturnToOrRedirect == "" {
		opts.SuccessReturnToOrRedirect = "/"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, _ = p.withState(r)
		var first error
		for _, name := range names {
			p.mu.RLock()
			st := p.strategies[name]
			p.mu.RUnlock()
			if st == nil {
				p.answerError(w, r, opts, name, cerr(CodeUnknownStrategy, "no strategy "+name+" was Used", nil))
				return
			}
			cb := opts.CallbackURL
			if cb == "" {
				cb = "/passport/" + name + "/callback"
			}
			res := st.Authenticate(r, &Call{Name: name, CallbackURL: absolute(r, cb)})
			switch {
			case res.Redirect != "":
				http.Redirect(w, r, res.Redirect, http.StatusFound)
				return
			case res.Profile != nil:
				err := p.success(w, r, opts, name, res.Profile)
				if err == nil {
					return
				}
				res.Err = err
			}
			if res.Err == nil {
				continue // pass
			}
			if StatusOf(res.Err) >= 500 {
				p.answerError(w, r, opts, name, res.Err)
				return
			}
			p.set.log.InfoContext(r.Context(), "passport: login failed", "strategy", name, "code", container.CodeOf(res.Err), "err", res.Err)
			if first == nil {
				first = res.Err
			}
		}
		if first == nil {
			first = cerr(CodeUnauthenticated, "no strategy authenticated the request", nil)
		}
		if opts.FailureRedirect != "" && !wantsJSON(r) {
			http.Redirect(w, r, opts.FailureRedirect, seeOther(r))
			return
		}
		writeProblem(w, r, first)
	})
}

func (p *Passport[U]) answerError(w http.ResponseWriter, r *http.Request, _ Options, name string, err error) {
	p.set.log.ErrorContext(r.Context(), "passport: login error", "strategy", name, "code", container.CodeOf(err), "err", err)
	writeProblem(w, r, err)
}

// success runs Verify and Login, then redirects.
func (p *Passport[U]) success(w http.ResponseWriter, r *http.Request, opts Options, name string, prof *Profile) error {
	if prof.Provider == "" {
		prof.Provider = name
	}
	ctx := r.Context()
	u, err := p.DoVerify(ctx, prof)
	if err != nil {
		return err
	}
	target := opts.SuccessRedirect
	if opts.SuccessReturnToOrRedirect != "" {
		target = opts.SuccessReturnToOrRedirect
		s := session.From(ctx)
		var rt string
		found, err := s.Get(ReturnToKey, &rt)
		if err != nil {
			return err
		}
		if found {
			if err := s.Delete(ReturnToKey); err != nil {
				return err
			}
			if localPath(rt) {
				target = rt
			}
		}
	}
	if err := p.Login(ctx, u); err != nil {
		return err
	}
	p.set.log.DebugContext(ctx, "passport: login", "strategy", name, "profile", prof)
	http.Redirect(w, r, target, seeOther(r))
	return nil
}

// seeOther is the redirect status after a request: 303 turns a POST into
// a GET, 302 for a GET.
func seeOther(r *http.Request) int {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return http.StatusFound
	}
	return http.StatusSeeOther
}

// absolute resolves a callback path against the request's scheme and host.
func absolute(r *http.Request, cb string) string {
	if strings.HasPrefix(cb, "http://") || strings.HasPrefix(cb, "https://") {
		return cb
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host}).String() + cb
}

// Router is what Mount registers routes on; *http.ServeMux is one.
type Router interface {
	Handle(pattern string, h http.Handler)
}

// callbacker is a strategy that knows its own callback URL.
type callbacker interface{ callbackURL() string }

// Mount registers GET opts.LoginURL and GET opts.CallbackURL on mux, both
// served by Authenticate(opts, name) (egg's app.passport.mount). The
// defaults are "/passport/<name>" and "/passport/<name>/callback"; a
// strategy configured with an absolute callbackURL mounts its path.
func (p *Passport[U]) Mount(mux Router, name string, opts Options) {
	if opts.LoginURL == "" {
		opts.LoginURL = "/passport/" + name
	}
	if opts.CallbackURL == "" {
		p.mu.RLock()
		st := p.strategies[name]
		p.mu.RUnlock()
		if c, ok := st.(callbacker); ok && c.callbackURL() != "" {
			opts.CallbackURL = c.callbackURL()
		} else {
			opts.CallbackURL = "/passport/" + name + "/callback"
		}
	}
	h := p.Authenticate(opts, name)
	mux.Handle("GET "+pathOf(opts.LoginURL), h)
	mux.Handle("GET "+pathOf(opts.CallbackURL), h)
}

func pathOf(u string) string {
	if pu, err := url.Parse(u); err == nil && pu.Path != "" {
		return pu.Path
	}
	return u
}
