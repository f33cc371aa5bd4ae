package teggo

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/passport"
)

// passportKeys are the config sections of the strategies an App builds
// from config, as egg-passport names them.
var passportKeys = map[string]string{"github": "passportGithub", "oidc": "passportOidc", "local": "passportLocal"}

// Passport puts p's strategies on the App's server, egg-passport's way:
// each name is a strategy built from its config section — "github" from
// passportGithub {key, secret, callbackURL, ...}, "oidc" from
// passportOidc {key, secret, issuer, callbackURL}, "local" from the
// optional passportLocal {usernameField, passwordField} — and mounted with
// opts: GET /passport/<name> and /passport/<name>/callback for the OAuth2
// ones, POST /passport/local for the local one. A github or oidc strategy
// whose section is missing or incomplete fails start with TEGGO_CONFIG
// naming the key. Strategies p already uses (p.Use) are left as they are.
func Passport[U any](p *passport.Passport[U], opts passport.Options, strategies ...string) Option {
	return func(o *options) {
		o.passports = append(o.passports, func(ctx context.Context, cfg *config.Config) ([]teggohttp.ServerOption, error) {
			return mountPassport(ctx, cfg, p, opts, strategies, false)
		})
	}
}

// PassportIfConfigured is Passport for the strategies an env may leave
// out: a github or oidc strategy whose config section is absent is not
// built nor mounted (its routes answer 404), so that one build logs in
// with GitHub where passportGithub is configured and starts without it
// elsewhere. A section that is present but incomplete still fails start.
func PassportIfConfigured[U any](p *passport.Passport[U], opts passport.Options, strategies ...string) Option {
	return func(o *options) {
		o.passports = append(o.passports, func(ctx context.Context, cfg *config.Config) ([]teggohttp.ServerOption, error) {
			return mountPassport(ctx, cfg, p, opts, strategies, true)
		})
	}
}

func mountPassport[U any](ctx context.Context, cfg *config.Config, p *passport.Passport[U], opts passport.Options, strategies []string, ifConfigured bool) ([]teggohttp.ServerOption, error) {
	var routes passportRoutes
	for _, name := range strategies {
		key, ok := passportKeys[name]
		if !ok {
			return nil, &container.Error{Code: config.Code, Msg: fmt.Sprintf("teggo.Passport: no strategy %q is built from config (github, oidc, local); give it to the Passport with Use", name)}
		}
		if name == "local" {
			lo, err := config.Section[passport.LocalOptions](cfg, key)
			if err != nil {
				return nil, err
			}
			p.Use(name, passport.NewLocal(lo))
			o := opts
			if o.LoginURL == "" {
				o.LoginURL = "/passport/local"
			}
			routes.add(http.MethodPost, o.LoginURL, p.Authenticate(o, name))
			continue
		}
		if !cfg.Exists(key) {
			if ifConfigured {
				continue
			}
			return nil, &container.Error{Code: config.Code, Key: key, Msg: fmt.Sprintf("the %s strategy needs its config section (key, secret, callbackURL)", name)}
		}
		c, err := config.Section[passport.Config](cfg, key)
		if err != nil {
			return nil, err
		}
		var s *passport.OAuth2
		if name == "github" {
			s, err = passport.NewGitHub(c)
		} else {
			s, err = passport.NewOIDC(ctx, c)
		}
		if err != nil {
			return nil, &container.Error{Code: config.Code, File: cfg.SourceOf(key), Key: key, Msg: "is not a valid " + name + " strategy", Err: err}
		}
		p.Use(name, s)
		p.Mount(&routes, name, opts)
	}
	return routes.opts, nil
}

// passportRoutes collects the routes passport.Mount registers as the HTTP
// options that serve them on the App's echo.
type passportRoutes struct{ opts []teggohttp.ServerOption }

// Handle takes a "METHOD /path" pattern, as *http.ServeMux does.
func (r *passportRoutes) Handle(pattern string, h http.Handler) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodGet, pattern
	}
	r.add(method, path, h)
}

func (r *passportRoutes) add(method, path string, h http.Handler) {
	r.opts = append(r.opts, teggohttp.Handle(method, path, h))
}
