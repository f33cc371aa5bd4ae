package passport

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/session"
)

// Error codes of the passport package. Each is an outcome of a request,
// answered as an RFC 9457 problem with the code in its "code" member (or a
// redirect to Options.FailureRedirect for a browser), except
// CodeDeserializeFailed, which logs the user out, and CodeBadConfig, which a
// constructor returns.
const (
	CodeUnauthenticated    container.Code = "TEGGO_PASSPORT_UNAUTHENTICATED"     // 401: no user on a guarded route, or no strategy authenticated the request
	CodeMissingCredentials container.Code = "TEGGO_PASSPORT_MISSING_CREDENTIALS" // 400: the local strategy found no username or password
	CodeBadBody            container.Code = "TEGGO_PASSPORT_BAD_BODY"            // 400, 413 or 415: the login body is malformed, too large or of another type
	CodeStateMismatch      container.Code = "TEGGO_PASSPORT_STATE_MISMATCH"      // 403: the callback's state is unknown, replayed or expired (CSRF)
	CodeProviderError      container.Code = "TEGGO_PASSPORT_PROVIDER_ERROR"      // 401: the provider answered the callback with an error (access_denied) or no code
	CodeTokenExchange      container.Code = "TEGGO_PASSPORT_TOKEN_EXCHANGE"      // 401: the token endpoint refused the code (replayed, expired, PKCE mismatch); 502 when unreachable
	CodeIDTokenInvalid     container.Code = "TEGGO_PASSPORT_ID_TOKEN_INVALID"    // 401: the OIDC ID token is missing, badly signed, expired, or its nonce differs
	CodeProfileFailed      container.Code = "TEGGO_PASSPORT_PROFILE_FAILED"      // 502: the provider's user API failed
	CodeVerifyFailed       container.Code = "TEGGO_PASSPORT_VERIFY_FAILED"       // 401: Verify refused the profile (wrong password, unknown or locked account)
	CodeVerifyError        container.Code = "TEGGO_PASSPORT_VERIFY_ERROR"        // 500: Verify failed for another reason (its database is down)
	CodeSerializeFailed    container.Code = "TEGGO_PASSPORT_SERIALIZE_FAILED"    // 500: no SerializeUser accepted the user at Login
	CodeDeserializeFailed  container.Code = "TEGGO_PASSPORT_DESERIALIZE_FAILED"  // logged: the session's user could not be restored; the user is logged out
	CodeUnknownStrategy    container.Code = "TEGGO_PASSPORT_UNKNOWN_STRATEGY"    // 500: Authenticate names a strategy that was not Used
	CodeBadConfig          container.Code = "TEGGO_PASSPORT_BAD_CONFIG"          // a strategy's config lacks key, secret or a valid URL
)

// ErrVerifyFailed is what a Verify function returns (or wraps) to refuse a
// profile: the request fails with a 401 TEGGO_PASSPORT_VERIFY_FAILED, never
// a 500. errors.Is(err, CodeVerifyFailed) matches it.
var ErrVerifyFailed error = &container.Error{Code: CodeVerifyFailed, Msg: "the profile was refused"}

// ErrPass is returned by a SerializeUser or DeserializeUser function that
// does not handle this user: the next one in the chain is tried, as
// passport.js's "pass".
var ErrPass = errors.New("passport: pass")

// statusError lets an error choose its HTTP status (413, 415, 502).
type statusError struct {
	status int
	err    *container.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

func withStatus(status int, e *container.Error) error { return &statusError{status, e} }

// StatusOf returns the HTTP status a passport error is answered with:
// 401 for the authentication failures, 403 for a state mismatch, 400 for a
// bad login body, 5xx for the server's own failures.
func StatusOf(err error) int {
	var se *statusError
	if errors.As(err, &se) {
		return se.status
	}
	switch container.CodeOf(err) {
	case CodeUnauthenticated, CodeProviderError, CodeTokenExchange, CodeIDTokenInvalid, CodeVerifyFailed:
		return http.StatusUnauthorized
	case CodeMissingCredentials, CodeBadBody:
		return http.StatusBadRequest
	case CodeStateMismatch:
		return http.StatusForbidden
	case CodeProfileFailed:
		return http.StatusBadGateway
	case session.CodeStoreUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// problem is the RFC 9457 document passport answers with.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Code     string `json:"code,omitempty"`
}

// details are the client-facing explanations, fixed per code so that no
// cause (a database error, a provider's message) reaches the client and a
// failed login does not tell an unknown user from a wrong password.
var details = map[container.Code]string{
	CodeUnauthenticated:    "authentication required",
	CodeMissingCredentials: "missing credentials",
	CodeBadBody:            "malformed login request",
	CodeStateMismatch:      "the login attempt is unknown, expired or was already used",
	CodeProviderError:      "the identity provider refused the login",
	CodeTokenExchange:      "the identity provider refused the authorization code",
	CodeIDTokenInvalid:     "the identity provider's ID token is invalid",
	CodeProfileFailed:      "the identity provider's user API failed",
	CodeVerifyFailed:       "invalid credentials",
}

// writeProblem answers err as an application/problem+json document.
func writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	code := string(container.CodeOf(err))
	if code == "" {
		code = "TEGGO_INTERNAL"
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Session realm="teggo"`)
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(problem{
		Type: "about:blank", Title: http.StatusText(status), Status: status,
		Detail: details[container.Code(code)], Instance: r.URL.Path, Code: code,
	})
}

// wantsJSON reports whether the client is an API client: its Accept names
// a JSON type and not HTML, or it sent a JSON body.
func wantsJSON(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	if strings.Contains(accept, "text/html") {
		return false
	}
	if strings.Contains(accept, "application/json") || strings.Contains(accept, "+json") {
		return true
	}
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/json")
}

// cerr builds a coded error with a message and a cause.
func cerr(code container.Code, msg string, cause error) *container.Error {
	return &container.Error{Code: code, Msg: msg, Err: cause}
}
