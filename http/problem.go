package http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"syscall"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/ajv"
	"github.com/teggo/teggo/session"
)

// Stable problem codes, in the "code" member of problem documents.
const (
	CodeValidationFailed = ajv.CodeValidationFailed // 422
	CodeInvalidJSON      = ajv.CodeInvalidJSON      // 400
	CodeBodyTooLarge     = "TEGGO_BODY_TOO_LARGE"   // 413
	CodeUnsupportedMedia = "TEGGO_UNSUPPORTED_MEDIA_TYPE"
	CodeTimeout          = "TEGGO_TIMEOUT"   // 503: the route's deadline passed
	CodeNotFound         = "TEGGO_NOT_FOUND" // 404
	CodeMethodNotAllowed = "TEGGO_METHOD_NOT_ALLOWED"
	CodeInternal         = "TEGGO_INTERNAL" // 500
)

// ProblemContentType is the media type of error responses (RFC 9457).
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem document. Every error response of teggo's
// HTTP layer is one; a handler may also return a *Problem to control every
// member.
type Problem struct {
	// Type is a URI reference identifying the problem type; "about:blank"
	// when the status says it all.
	Type string `json:"type"`
	// Title is a short summary of the problem type.
	Title string `json:"title"`
	// Status is the HTTP status.
	Status int `json:"status"`
	// Detail explains this occurrence.
	Detail string `json:"detail,omitempty"`
	// Instance is the request path.
	Instance string `json:"instance,omitempty"`
	// Code is teggo's stable error code (an extension member).
	Code string `json:"code,omitempty"`
	// Errors lists the violations of a 422 (an extension member), at most
	// the validator's cap of them.
	Errors []Violation `json:"errors,omitempty"`
	// Omitted counts the violations of a 422 left out of Errors past the
	// validator's cap (an extension member; absent when none were).
	Omitted int `json:"omitted,omitempty"`
}

// Error renders "status title: detail".
func (p *Problem) Error() string {
	s := fmt.Sprintf("%d %s", p.Status, p.Title)
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// StatusCode returns p.Status.
func (p *Problem) StatusCode() int { return p.Status }

// Violation is one failed check of a request, in a 422 problem's errors.
type Violation struct {
	// Location says where: "body.title", "query.page", "path.id",
	// "header.X-Request-Id", "cookie.sid"; nested values continue with
	// dots ("body.tags.0").
	Location string `json:"location"`
	// Message is ajv's message, e.g. "must NOT have more than 100 characters".
	Message string `json:"message"`
	// Code is the failing JSON Schema keyword ("maxLength", "required", ...).
	Code string `json:"code"`
	// Params are the keyword's params as ajv names them.
	Params map[string]any `json:"params,omitempty"`
}

// ValidationError is a request that failed validation: 422, with its
// violations.
type ValidationError struct {
	Violations []Violation
	// Omitted counts further violations the validator left out past its
	// cap (ajv.InvalidParamError's Omitted).
	Omitted int
}

// Error lists the violations.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Location + " " + v.Message
	}
	return CodeValidationFailed + ": " + strings.Join(parts, "; ")
}

// StatusCode returns 422.
func (e *ValidationError) StatusCode() int { return http.StatusUnprocessableEntity }

// statusError is an error with an HTTP status, as made by Error.
type statusError struct {
	Status int
	Msg    string // shown to the client as the problem's detail, in prod too
	Code   string // an optional stable code for the problem document
	Err    error  // an optional cause, never shown to the client
}

// Error returns Msg (and the cause).
func (e *statusError) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

// StatusCode returns e.Status.
func (e *statusError) StatusCode() int { return e.Status }

// Unwrap returns the cause.
func (e *statusError) Unwrap() error { return e.Err }

// Error returns an error that answers status with msg as the problem's
// detail: return teggohttp.Error(404, "no such topic") from a handler.
// A *Problem sets every member; any other error with a StatusCode() int
// method answers its status too, with its message hidden in prod when the
// status is 5xx.
func Error(status int, msg string) error { return &statusError{Status: status, Msg: msg} }

var (
	errBodyTooLarge     = &statusError{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge}
	errUnsupportedMedia = &statusError{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMedia,
		Msg: "the request body must be application/json"}
)

// timeoutError is the error of a handler that ran past its deadline.
type timeoutError struct{ err error }

func (e *timeoutError) Error() string {
	if e.err != nil {
		return "handler deadline exceeded: " + e.err.Error()
	}
	return "handler deadline exceeded"
}
func (e *timeoutError) Unwrap() error { return context.DeadlineExceeded }

// panicError is a panic recovered from a handler or a middleware.
type panicError struct{ value any }

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// problemFor turns err into the problem to send; prod hides the details of
// unexpected 5xx errors.
func problemFor(err error, prod bool) *Problem {
	var (
		p     *Problem
		ve    *ValidationError
		ipe   *ajv.InvalidParamError
		se    *ajv.SyntaxError
		ste   *statusError
		he    *echo.HTTPError
		te    *timeoutError
		coded interface{ StatusCode() int }
	)
	switch {
	case errors.As(err, &p):
		cp := *p
		if cp.Status == 0 {
			cp.Status = http.StatusInternalServerError
		}
		if cp.Type == "" {
			cp.Type = "about:blank"
		}
		if cp.Title == "" {
			cp.Title = http.StatusText(cp.Status)
		}
		return &cp
	case errors.As(err, &ve):
		return &Problem{Status: 422, Detail: "the request is invalid", Code: CodeValidationFailed, Errors: ve.Violations, Omitted: ve.Omitted}
	case errors.As(err, &ipe):
		return &Problem{Status: 422, Detail: "the request is invalid", Code: CodeValidationFailed, Errors: violations("", ipe), Omitted: ipe.Omitted}
	case errors.As(err, &se):
		return &Problem{Status: 400, Detail: "malformed JSON: " + se.Reason, Code: CodeInvalidJSON}
	case errors.As(err, &te):
		return &Problem{Status: 503, Detail: "the request took longer than its deadline", Code: CodeTimeout}
	case errors.Is(err, session.CodeStoreUnavailable):
		return &Problem{Status: 503, Detail: "the session store is unavailable", Code: string(session.CodeStoreUnavailable)}
	case errors.As(err, &ste):
		pr := &Problem{Status: ste.Status, Detail: ste.Msg, Code: ste.Code}
		if ste.Status == http.StatusRequestEntityTooLarge && pr.Detail == "" {
			pr.Detail = "the request body is too large"
		}
		return pr
	case errors.As(err, &he):
		pr := &Problem{Status: he.Code, Detail: fmt.Sprint(he.Message)}
		switch he.Code {
		case http.StatusNotFound:
			pr.Code = CodeNotFound
		case http.StatusMethodNotAllowed:
			pr.Code = CodeMethodNotAllowed
		case http.StatusRequestEntityTooLarge:
			pr.Code = CodeBodyTooLarge
		case http.StatusUnsupportedMediaType:
			pr.Code = CodeUnsupportedMedia
		}
		if pr.Detail == http.StatusText(he.Code) {
			pr.Detail = ""
		}
		if he.Code >= 500 && prod {
			pr.Detail = ""
		}
		return pr
	case errors.As(err, &coded):
		pr := &Problem{Status: coded.StatusCode(), Detail: err.Error()}
		if pr.Status < 400 || pr.Status > 599 {
			pr.Status = http.StatusInternalServerError
		}
		if pr.Status >= 500 && prod {
			pr.Detail = ""
		}
		return pr
	}
	pr := &Problem{Status: 500, Code: CodeInternal}
	if !prod {
		pr.Detail = err.Error()
	}
	return pr
}

// violations converts ajv's violations, prefixing their location.
func violations(prefix string, e *ajv.InvalidParamError) []Violation {
	out := make([]Violation, 0, len(e.Errors))
	for _, v := range e.Errors {
		out = append(out, Violation{Location: location(prefix, v.InstancePath), Message: v.Message, Code: v.Keyword, Params: v.Params})
	}
	return out
}

// location turns a JSON pointer into a dotted location under prefix:
// ("body", "/tags/0") → "body.tags.0".
func location(prefix, pointer string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for tok := range strings.SplitSeq(strings.TrimPrefix(pointer, "/"), "/") {
		if tok == "" && pointer == "" {
			break
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// statusClientClosedRequest is the status recorded (for access logs; the
// client never sees it) of a request whose client went away before its
// answer: nginx's 499.
const statusClientClosedRequest = 499

// clientGone reports whether err comes from the client going away: the
// request's context canceled (the connection closed) and err says so, or a
// write that found the connection broken.
func clientGone(req *http.Request, err error) bool {
	if errors.Is(err, context.Canceled) && errors.Is(req.Context().Err(), context.Canceled) {
		return true
	}
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

// writeProblem sends err as a problem document, unless the response was
// already committed (then it can only be logged). An error of a client
// that went away is logged at INFO, and answered 499 if nothing was sent.
func (m *mount) writeProblem(c echo.Context, err error) {
	req := c.Request()
	if clientGone(req, err) {
		m.log.InfoContext(req.Context(), "teggo: client went away", "method", req.Method, "path", req.URL.Path, "error", err)
		if res := c.Response(); !res.Committed {
			res.WriteHeader(statusClientClosedRequest)
		}
		return
	}
	p := problemFor(err, m.cfg.prod)
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	if p.Instance == "" {
		p.Instance = req.URL.Path
	}
	if p.Status >= 500 {
		m.log.ErrorContext(req.Context(), "teggo: request failed", "method", req.Method, "path", req.URL.Path, "status", p.Status, "error", err)
	}
	res := c.Response()
	if res.Committed {
		if p.Status < 500 {
			m.log.WarnContext(req.Context(), "teggo: error after the response was committed", "method", req.Method, "path", req.URL.Path, "error", err)
		}
		return
	}
	body, merr := json.Marshal(p)
	if merr != nil { // a Params value that does not marshal
		p.Errors = nil
		body, _ = json.Marshal(p)
	}
	h := res.Header()
	h.Set(echo.HeaderContentType, ProblemContentType)
	h.Del(echo.HeaderContentLength)
	res.WriteHeader(p.Status)
	if req.Method != http.MethodHead {
		_, _ = res.Write(body)
	}
}
