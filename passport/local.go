package passport

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// Defaults of LocalOptions.
const (
	DefaultMaxBody      = 16 << 10 // 16 KiB: a login form is far smaller
	MaxCredentialLength = 1024     // bytes of a username or a password
)

// LocalOptions configure the local strategy (passport-local's options).
type LocalOptions struct {
	// UsernameField and PasswordField name the fields; default "username"
	// and "password".
	UsernameField string `yaml:"usernameField"`
	PasswordField string `yaml:"passwordField"`
	// MaxBody bounds the login body; default 16 KiB.
	MaxBody int64 `yaml:"maxBody"`
}

// Local is the username and password strategy (passport-local): it reads
// them from a form (application/x-www-form-urlencoded) or a JSON object
// body, never from the query, and hands Verify a Profile with Provider
// "local", Username and Password.
type Local struct{ o LocalOptions }

// NewLocal returns the local strategy.
func NewLocal(o LocalOptions) *Local {
	if o.UsernameField == "" {
		o.UsernameField = "username"
	}
	if o.PasswordField == "" {
		o.PasswordField = "password"
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	return &Local{o}
}

// Authenticate implements Strategy.
func (l *Local) Authenticate(r *http.Request, _ *Call) Result {
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return Result{Err: cerr(CodeMissingCredentials, "no body", nil)}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, l.o.MaxBody+1))
	if err != nil {
		return Result{Err: withStatus(http.StatusBadRequest, cerr(CodeBadBody, "read the body", err))}
	}
	if int64(len(body)) > l.o.MaxBody {
		return Result{Err: withStatus(http.StatusRequestEntityTooLarge, cerr(CodeBadBody, "the body is over the limit", nil))}
	}
	var user, pass string
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return Result{Err: cerr(CodeBadBody, "parse the form", err)}
		}
		user, pass = vals.Get(l.o.UsernameField), vals.Get(l.o.PasswordField)
	case "application/json":
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return Result{Err: cerr(CodeBadBody, "parse the JSON body", err)}
		}
		if user, err = jsonString(m[l.o.UsernameField]); err == nil {
			pass, err = jsonString(m[l.o.PasswordField])
		}
		if err != nil {
			return Result{Err: cerr(CodeBadBody, "a credential is not a string", err)}
		}
	default:
		return Result{Err: withStatus(http.StatusUnsupportedMediaType, cerr(CodeBadBody, "content type "+mt+" is neither a form nor JSON", nil))}
	}
	if user == "" || pass == "" {
		return Result{Err: cerr(CodeMissingCredentials, "missing credentials", nil)}
	}
	if len(user) > MaxCredentialLength || len(pass) > MaxCredentialLength {
		return Result{Err: cerr(CodeBadBody, "a credential is over 1024 bytes", nil)}
	}
	return Result{Profile: &Profile{Username: user, Password: pass}}
}

func jsonString(raw json.RawMessage) (string, error) {
	if raw == nil {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", errors.New("not a JSON string")
	}
	return s, nil
}
