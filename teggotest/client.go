package teggotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/session"
)

// inProcessHost is the host of in-process requests (httptest.NewRequest's),
// under which their cookies are kept.
const inProcessHost = "example.com"

// Client is one client of the app with its own cookie jar: its requests
// share their cookies, and so their session; another Client's do not.
// Make one with App.NewClient.
type Client struct {
	app *App
	// HTTP makes the requests over loopback; HTTP.Jar holds the cookies.
	HTTP *http.Client
	jar  *cookiejar.Jar
}

// NewClient returns a new client of the app with an empty cookie jar: a
// second browser, with a session of its own.
func (a *App) NewClient() *Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		a.t.Fatalf("teggotest: cookie jar: %v", err)
	}
	return &Client{app: a, jar: jar, HTTP: &http.Client{Timeout: 30 * time.Second, Jar: jar,
		// a test sees the redirect itself: its status and Location
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Cookies returns the cookies the client would send to path.
func (c *Client) Cookies(path string) []*http.Cookie { return c.jar.Cookies(c.url(path)) }

// url is the absolute URL of path, under which the jar keeps cookies.
func (c *Client) url(path string) *url.URL {
	base := c.app.base
	if c.app.inProcess {
		base = "http://" + inProcessHost
	}
	u, err := url.Parse(base + path)
	if err != nil {
		c.app.t.Fatalf("teggotest: %v", err)
	}
	return u
}

// Session returns the app's session of this client, read from its cookies
// (and the store), as the app's next request of the client would see it.
// It is a snapshot for reading (Get, GetString, GetInt, Keys, ID): changes
// to it are refused with session.CodeCommitted. A store outage fails the
// test.
func (c *Client) Session() *session.Session {
	a := c.app
	a.t.Helper()
	m := a.SessionManager()
	if m == nil {
		a.t.Fatalf("teggotest: Session before the app started")
	}
	req := httptest.NewRequest(http.MethodGet, c.url("/").String(), nil)
	for _, ck := range c.jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	var (
		s    *session.Session
		lerr error
	)
	read := m.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		s = session.From(r.Context())
		lerr = s.Load()
	}))
	cookies.Middleware(cookies.Config{Keys: a.Keys()})(read).ServeHTTP(httptest.NewRecorder(), req)
	if lerr != nil {
		a.t.Fatalf("teggotest: reading the session: %v", lerr)
	}
	return s
}

// Do sends req (a path-only URL is resolved against the app) with the
// client's cookies, keeps the cookies of the response and reads it.
func (c *Client) Do(req *http.Request) *Response {
	a := c.app
	a.t.Helper()
	if a.inProcess {
		u := c.url(req.URL.RequestURI())
		for _, ck := range c.jar.Cookies(u) {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, req)
		res := rec.Result()
		res.Request = req
		c.jar.SetCookies(u, res.Cookies())
		body, _ := io.ReadAll(res.Body)
		return &Response{Response: res, Body: body}
	}
	if req.URL.Host == "" {
		u := *req.URL
		full, err := http.NewRequestWithContext(req.Context(), req.Method, a.base+u.RequestURI(), req.Body)
		if err != nil {
			a.t.Fatalf("teggotest: %v", err)
		}
		full.Header, full.Host = req.Header, req.Host
		req = full
	}
	res, err := c.HTTP.Do(req)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		// the server cut the response before its headers: a response
		// without a status, for the test to see
		return &Response{Response: &http.Response{Request: req, Header: http.Header{}}, BodyErr: err}
	}
	if err != nil {
		a.t.Fatalf("teggotest: %s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return &Response{Response: res, Body: body, BodyErr: err}
}

// Request sends method path with body (nil, an io.Reader, a []byte or a
// string sent as is, or any other value encoded as JSON) and headers given
// as "Name", "value" pairs; "Host" sets the request's host. Redirects are
// not followed: the Response is the redirect.
func (c *Client) Request(method, path string, body any, headers ...string) *Response {
	a := c.app
	a.t.Helper()
	var r io.Reader
	isJSON := false
	switch b := body.(type) {
	case nil:
	case io.Reader:
		r = b
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatalf("teggotest: encoding the body: %v", err)
		}
		r, isJSON = bytes.NewReader(data), true
	}
	req := httptest.NewRequest(method, path, r)
	req.RequestURI, req.Host = "", "" // the app's host, unless a "Host" header pair says otherwise
	if isJSON {
		req.Header.Set("Content-Type", "application/json")
	}
	if len(headers)%2 != 0 {
		a.t.Fatalf("teggotest: headers come in name, value pairs")
	}
	for i := 0; i < len(headers); i += 2 {
		if strings.EqualFold(headers[i], "Host") {
			req.Host = headers[i+1] // the request's Host, not a header line
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.Do(req)
}

// GET requests path.
func (c *Client) GET(path string, headers ...string) *Response {
	c.app.t.Helper()
	return c.Request(http.MethodGet, path, nil, headers...)
}

// POST sends body to path.
func (c *Client) POST(path string, body any, headers ...string) *Response {
	c.app.t.Helper()
	return c.Request(http.MethodPost, path, body, headers...)
}

// PUT sends body to path.
func (c *Client) PUT(path string, body any, headers ...string) *Response {
	c.app.t.Helper()
	return c.Request(http.MethodPut, path, body, headers...)
}

// DELETE requests path.
func (c *Client) DELETE(path string, headers ...string) *Response {
	c.app.t.Helper()
	return c.Request(http.MethodDelete, path, nil, headers...)
}

// Do sends req with the default client (see Client.Do).
func (a *App) Do(req *http.Request) *Response {
	a.t.Helper()
	return a.def.Do(req)
}

// Request sends method path with the default client (see Client.Request).
func (a *App) Request(method, path string, body any, headers ...string) *Response {
	a.t.Helper()
	return a.def.Request(method, path, body, headers...)
}

// GET requests path with the default client.
func (a *App) GET(path string, headers ...string) *Response {
	a.t.Helper()
	return a.def.GET(path, headers...)
}

// POST sends body to path with the default client.
func (a *App) POST(path string, body any, headers ...string) *Response {
	a.t.Helper()
	return a.def.POST(path, body, headers...)
}

// PUT sends body to path with the default client.
func (a *App) PUT(path string, body any, headers ...string) *Response {
	a.t.Helper()
	return a.def.PUT(path, body, headers...)
}

// DELETE requests path with the default client.
func (a *App) DELETE(path string, headers ...string) *Response {
	a.t.Helper()
	return a.def.DELETE(path, headers...)
}

// Session returns the app's session of the default client (see
// Client.Session).
func (a *App) Session() *session.Session {
	a.t.Helper()
	return a.def.Session()
}

// DefaultClient returns the client the App's own request methods use.
func (a *App) DefaultClient() *Client { return a.def }
