package passport

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/teggo/teggo/session"
)

// Config configures an OAuth2 strategy. The yaml names are egg-passport's
// (key, secret, callbackURL) and passport-github's (scope,
// authorizationURL, tokenURL, userProfileURL), so that
// config.passportGithub maps onto it.
type Config struct {
	// Key is the OAuth app's client id.
	Key string `yaml:"key"`
	// Secret is the OAuth app's client secret.
	Secret string `yaml:"secret"`
	// CallbackURL is the registered redirect URI, absolute
	// ("https://example.com/passport/github/callback") or a path resolved
	// against the request; default Options.CallbackURL.
	CallbackURL string `yaml:"callbackURL"`
	// Scope lists the scopes asked for; each preset has its default.
	Scope []string `yaml:"scope"`
	// AuthorizationURL, TokenURL and UserProfileURL override a preset's
	// endpoints (GitHub Enterprise, tests).
	AuthorizationURL string `yaml:"authorizationURL"`
	TokenURL         string `yaml:"tokenURL"`
	UserProfileURL   string `yaml:"userProfileURL"`
	// Issuer is the OIDC issuer URL, for NewOIDC.
	Issuer string `yaml:"issuer"`
	// AttemptTTL is how long a login attempt (state, verifier, nonce)
	// waits for its callback; default 10 minutes.
	AttemptTTL time.Duration `yaml:"attemptTTL"`
	// HTTPClient calls the provider; default a client with a 10 s timeout.
	HTTPClient *http.Client `yaml:"-"`
}

// DefaultAttemptTTL is how long a login attempt waits for its callback.
const DefaultAttemptTTL = 10 * time.Minute

// maxAttempts bounds the pending attempts a session keeps per strategy
// (one per tab that started a login); the oldest is dropped.
const maxAttempts = 4

// maxProviderBody bounds what is read of a provider's profile answer.
const maxProviderBody = 1 << 20

// ProfileFunc fetches the user's profile with the access token; client
// carries the token.
type ProfileFunc func(ctx context.Context, client *http.Client, tok *oauth2.Token) (*Profile, error)

// OAuth2 is the authorization-code strategy (passport-oauth2) with a
// state and a PKCE S256 verifier per attempt, kept in the session,
// checked once and deleted. NewOIDC adds a nonce and the ID token check;
// NewGitHub is a preset.
type OAuth2 struct {
	cfg     Config
	conf    oauth2.Config
	profile ProfileFunc
	oidc    *oidcCheck
}

// NewOAuth2 returns an OAuth2 strategy on endpoint; profile fetches the
// user once the code is exchanged.
func NewOAuth2(cfg Config, endpoint oauth2.Endpoint, profile ProfileFunc) (*OAuth2, error) {
	if profile == nil {
		return nil, cerr(CodeBadConfig, "oauth2: no profile function", nil)
	}
	return newOAuth2("oauth2", cfg, endpoint, profile)
}

func newOAuth2(what string, cfg Config, endpoint oauth2.Endpoint, profile ProfileFunc) (*OAuth2, error) {
	switch {
	case cfg.Key == "":
		return nil, cerr(CodeBadConfig, what+": key is empty", nil)
	case cfg.Secret == "":
		return nil, cerr(CodeBadConfig, what+": secret is empty", nil)
	case cfg.CallbackURL != "" && !validCallback(cfg.CallbackURL):
		return nil, cerr(CodeBadConfig, what+": callbackURL "+cfg.CallbackURL+" is neither an absolute URL nor a path", nil)
	case endpoint.AuthURL == "" || endpoint.TokenURL == "":
		return nil, cerr(CodeBadConfig, what+": no authorization or token URL", nil)
	}
	if cfg.AttemptTTL <= 0 {
		cfg.AttemptTTL = DefaultAttemptTTL
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = defaultClient()
	}
	return &OAuth2{cfg: cfg, profile: profile, conf: oauth2.Config{
		ClientID: cfg.Key, ClientSecret: cfg.Secret, Endpoint: endpoint, Scopes: cfg.Scope,
	}}, nil
}

func defaultClient() *http.Client { return &http.Client{Timeout: 10 * time.Second} }

func validCallback(u string) bool {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return true
	}
	pu, err := url.Parse(u)
	return err == nil && (pu.Scheme == "https" || pu.Scheme == "http") && pu.Host != ""
}

func (o *OAuth2) callbackURL() string { return o.cfg.CallbackURL }

// attempt is one login in flight, kept in the session until its callback.
type attempt struct {
	State    string `json:"s"`
	Verifier string `json:"v"`
	Nonce    string `json:"n,omitempty"`
	Redirect string `json:"r"`
	Exp      int64  `json:"e"` // unix seconds
}

func attemptsKey(name string) string { return "passport." + name }

// Authenticate implements Strategy: without a state or code in the query it
// starts an attempt and redirects to the provider; with them it is the
// callback.
func (o *OAuth2) Authenticate(r *http.Request, c *Call) Result {
	q := r.URL.Query()
	if !q.Has("state") && !q.Has("code") && !q.Has("error") {
		return o.start(r, c)
	}
	return o.callback(r, c, q)
}

func (o *OAuth2) start(r *http.Request, c *Call) Result {
	s := session.From(r.Context())
	redirect := c.CallbackURL
	if o.cfg.CallbackURL != "" {
		redirect = absolute(r, o.cfg.CallbackURL)
	}
	at := attempt{State: random(32), Verifier: oauth2.GenerateVerifier(), Redirect: redirect,
		Exp: time.Now().Add(o.cfg.AttemptTTL).Unix()}
	conf := o.conf
	conf.RedirectURL = redirect
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(at.Verifier)}
	if o.oidc != nil {
		at.Nonce = random(32)
		opts = append(opts, oauth2.SetAuthURLParam("nonce", at.Nonce))
	}
	var list []attempt
	if _, err := s.Get(attemptsKey(c.Name), &list); err != nil {
		return Result{Err: err}
	}
	list = pending(list, time.Now())
	if len(list) >= maxAttempts {
		list = list[len(list)-maxAttempts+1:]
	}
	if err := s.Put(attemptsKey(c.Name), append(list, at)); err != nil {
		return Result{Err: err}
	}
	return Result{Redirect: conf.AuthCodeURL(at.State, opts...)}
}

// pending drops the expired attempts.
func pending(list []attempt, now time.Time) []attempt {
	out := list[:0]
	for _, a := range list {
		if a.Exp > now.Unix() {
			out = append(out, a)
		}
	}
	return out
}

func (o *OAuth2) callback(r *http.Request, c *Call, q url.Values) Result {
	ctx := r.Context()
	s := session.From(ctx)
	var list []attempt
	if _, err := s.Get(attemptsKey(c.Name), &list); err != nil {
		return Result{Err: err}
	}
	state := q.Get("state")
	var at *attempt
	rest := make([]attempt, 0, len(list))
	for i := range list {
		if at == nil && state != "" && subtle.ConstantTimeCompare([]byte(list[i].State), []byte(state)) == 1 {
			at = &list[i]
			continue
		}
		rest = append(rest, list[i])
	}
	if at == nil {
		return Result{Err: cerr(CodeStateMismatch, "the callback's state matches no pending login attempt", nil)}
	}
	// Checked once: the attempt is gone whatever follows.
	rest = pending(rest, time.Now())
	var err error
	if len(rest) == 0 {
		err = s.Delete(attemptsKey(c.Name))
	} else {
		err = s.Put(attemptsKey(c.Name), rest)
	}
	if err != nil {
		return Result{Err: err}
	}
	if at.Exp <= time.Now().Unix() {
		return Result{Err: cerr(CodeStateMismatch, "the login attempt expired", nil)}
	}
	if e := q.Get("error"); e != "" {
		return Result{Err: cerr(CodeProviderError, "the provider answered "+clip(e), nil)}
	}
	code := q.Get("code")
	if code == "" {
		return Result{Err: cerr(CodeProviderError, "the callback carries no code", nil)}
	}
	hctx := context.WithValue(ctx, oauth2.HTTPClient, o.cfg.HTTPClient)
	conf := o.conf
	conf.RedirectURL = at.Redirect
	tok, err := conf.Exchange(hctx, code, oauth2.VerifierOption(at.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			// Only the OAuth2 error code: the response's text may echo the code.
			status := 0
			if re.Response != nil {
				status = re.Response.StatusCode
			}
			return Result{Err: cerr(CodeTokenExchange, fmt.Sprintf("the token endpoint refused the code (%d %s)", status, clip(re.ErrorCode)), nil)}
		}
		return Result{Err: withStatus(http.StatusBadGateway, cerr(CodeTokenExchange, "the token endpoint failed", err))}
	}
	var prof *Profile
	if o.oidc != nil {
		prof, err = o.oidc.check(hctx, tok, at.Nonce)
	} else {
		prof, err = o.profile(hctx, conf.Client(hctx, tok), tok)
		if err != nil && StatusOf(err) == http.StatusInternalServerError {
			err = cerr(CodeProfileFailed, "fetch the profile", err)
		}
	}
	if err != nil {
		return Result{Err: err}
	}
	prof.AccessToken, prof.RefreshToken = tok.AccessToken, tok.RefreshToken
	if prof.Provider == "" {
		prof.Provider = c.Name
	}
	return Result{Profile: prof}
}

// clip keeps a provider's error code short and printable for the log.
func clip(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

// random returns n random bytes, base64url-encoded.
func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// getJSON fetches url with client and decodes a JSON object into dst.
func getJSON(ctx context.Context, client *http.Client, u string, dst any) (json.RawMessage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, cerr(CodeProfileFailed, "bad user API URL", err)
	}
	req.Header.Set("Accept", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return nil, cerr(CodeProfileFailed, "the user API failed", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxProviderBody))
	if err != nil {
		return nil, cerr(CodeProfileFailed, "read the user API", err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, cerr(CodeProfileFailed, fmt.Sprintf("the user API answered %d", res.StatusCode), nil)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return nil, cerr(CodeProfileFailed, "the user API's answer is no user", err)
	}
	return body, nil
}
