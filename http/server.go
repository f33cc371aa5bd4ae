package http

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/ajv"
	teggoconfig "github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/http/apidocs"
	"github.com/teggo/teggo/session"
)

// defaultBodyLimit is the largest JSON body read by default: 1 MiB.
const defaultBodyLimit = 1 << 20

// defaultOpenAPIPath is where the OpenAPI document is served by default.
const defaultOpenAPIPath = "/openapi.json"

// defaultDocsPath is where the interactive API reference is served by
// default outside production (see Docs).
const defaultDocsPath = "/docs"

// ServerOption configures Mount and NewServer.
type ServerOption func(*config)

type config struct {
	prod        bool
	bodyLimit   int64
	openapiPath string
	docsPath    string
	docsSet     bool // Docs was given: it holds in production too
	title       string
	version     string
	log         *slog.Logger
	ajv         *ajv.Ajv
	proxy       ProxyConfig
	limits      Limits
	jar         bool             // Sessions was given
	keys        *cookies.Keys    // the jar's keys
	sessions    *session.Manager // nil: the jar without sessions

	configureEcho []func(*echo.Echo) // NewServer's, before mounting
}

// docs is where the API reference is served, "" for nowhere.
func (c *config) docs() string {
	if c.openapiPath == "" {
		return ""
	}
	if c.docsSet {
		return c.docsPath
	}
	if c.prod {
		return ""
	}
	return defaultDocsPath
}

func newConfig(opts []ServerOption) config {
	env := os.Getenv(teggoconfig.EnvVar)
	if env == "" {
		env = teggoconfig.DefaultEnv
	}
	cfg := config{
		prod:        !teggoconfig.ShowsErrorDetails(env),
		bodyLimit:   defaultBodyLimit,
		openapiPath: defaultOpenAPIPath,
		title:       "teggo",
		version:     "0.0.0",
	}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// Env sets production mode from an env name with config.ShowsErrorDetails:
// 5xx details reach clients only in "local" and "unittest"; every other
// env, unknown ones included, is production, where 5xx problem documents
// carry no detail of unexpected errors and /docs is off. The default is
// the env in the environment variable TEGGO_ENV ("local" when unset).
func Env(env string) ServerOption {
	return func(c *config) { c.prod = !teggoconfig.ShowsErrorDetails(env) }
}

// Defaults of Limits: what a connection of NewServer's server may take.
const (
	defaultReadHeaderTimeout = 5 * time.Second
	defaultReadTimeout       = 30 * time.Second
	defaultWriteTimeout      = 30 * time.Second
	defaultIdleTimeout       = 120 * time.Second
	defaultMaxHeaderBytes    = 1 << 20
)

// Limits bounds what one connection may hold of NewServer's server, so
// that slow or idle clients cannot pile up connections: the fields of
// http.Server of the same names. A zero field takes its default; a
// negative duration turns that timeout off.
type Limits struct {
	// ReadHeaderTimeout bounds reading a request's headers
	// (defaultReadHeaderTimeout, 5s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included: a body
	// trickled slower is cut off (defaultReadTimeout, 30s).
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of a request's headers to
	// the end of its response (defaultWriteTimeout, 30s). Streamed
	// responses (an io.Reader result) clear it before they start.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that waits this long for
	// its next request (defaultIdleTimeout, 120s).
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's header bytes, request line
	// included (defaultMaxHeaderBytes, 1 MiB); a bigger one answers 431.
	// Zero or negative takes the default.
	MaxHeaderBytes int
}

// ServerLimits sets the server's timeouts and header limit (see Limits);
// fields left zero keep their defaults. Mount ignores it: the embedding
// application owns its http.Server.
func ServerLimits(l Limits) ServerOption { return func(c *config) { c.limits = l } }

// timeout is d, def when zero, none (0) when negative.
func timeout(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// httpServer makes the http.Server of h with l's limits.
func (l Limits) httpServer(h http.Handler) *http.Server {
	mhb := l.MaxHeaderBytes
	if mhb <= 0 {
		mhb = defaultMaxHeaderBytes
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: timeout(l.ReadHeaderTimeout, defaultReadHeaderTimeout),
		ReadTimeout:       timeout(l.ReadTimeout, defaultReadTimeout),
		WriteTimeout:      timeout(l.WriteTimeout, defaultWriteTimeout),
		IdleTimeout:       timeout(l.IdleTimeout, defaultIdleTimeout),
		MaxHeaderBytes:    mhb,
	}
}

// BodyLimit sets the largest JSON body read (defaultBodyLimit, 1 MiB, by
// default); a larger one answers 413.
func BodyLimit(n int64) ServerOption {
	return func(c *config) {
		if n > 0 {
			c.bodyLimit = n
		}
	}
}

// OpenAPI sets the path of the OpenAPI document (defaultOpenAPIPath by
// default); "" serves none.
func OpenAPI(path string) ServerOption { return func(c *config) { c.openapiPath = path } }

// Docs serves an interactive API reference (Swagger UI, embedded, see
// package apidocs) at path for the OpenAPI document, where a person can
// read the operations and try them. Without Docs it is at /docs outside
// production and off in production; Docs("") turns it off, Docs(path)
// serves it in every env.
func Docs(path string) ServerOption {
	return func(c *config) { c.docsPath, c.docsSet = strings.TrimSuffix(path, "/"), true }
}

// OpenAPIInfo sets the title and version of the OpenAPI document.
func OpenAPIInfo(title, version string) ServerOption {
	return func(c *config) { c.title, c.version = title, version }
}

// Logger sets the logger for failed requests (the container's by default).
func Logger(l *slog.Logger) ServerOption { return func(c *config) { c.log = l } }

// Ajv sets the validator. By default it is the container's *ajv.Ajv
// when one is registered, else ajv.New().
func Ajv(a *ajv.Ajv) ServerOption { return func(c *config) { c.ajv = a } }

// mount is the HTTP layer of one container on one echo instance.
type mount struct {
	c       *container.Container
	cfg     config
	log     *slog.Logger
	ajv     *ajv.Ajv
	routes  []*route
	ctrls   []*ControllerDecl
	openapi []byte
}

// Mount puts the controllers of the built container c on e: each route at
// its full path, highest priority first, with its echo middleware composed
// once, inside teggo's scope middleware, and the OpenAPI document at
// /openapi.json (see OpenAPI). e keeps its own routes, middleware and error
// handler: teggo's routes write their errors as problem documents
// themselves. Unless e already has an IPExtractor of its own, Mount sets
// teggo's, so that c.RealIP() agrees with ClientOf and proxy mode (echo's
// default trusts X-Forwarded-For from any client). A teggo route that collides with a route e already has is a
// TEGGO_ROUTER_CONFLICT.
//
// Every build error is reported at once, joined.
func Mount(e *echo.Echo, c *container.Container, opts ...ServerOption) error {
	_, err := mountOn(e, c, newConfig(opts))
	return err
}

func mountOn(e *echo.Echo, c *container.Container, cfg config) (*mount, error) {
	if !c.Built() {
		return nil, &container.Error{Code: CodeNotBuilt, Msg: "Mount before the container was built", Hint: "call c.Build(ctx) first"}
	}
	routes, ctrls, err := plan(c.Decls())
	if err != nil {
		return nil, err
	}
	m := &mount{c: c, cfg: cfg, log: cfg.log, ajv: cfg.ajv, routes: routes, ctrls: ctrls}
	if m.log == nil {
		m.log = c.Logger()
	}
	if m.ajv == nil {
		if a, err := container.Lookup[*ajv.Ajv](c); err == nil {
			m.ajv = a
		} else {
			m.ajv = ajv.New()
		}
	}
	existing := map[string]string{}
	embedding := e.Routes()
	for _, r := range embedding {
		existing[r.Method+" "+shapeOf(r.Path)] = r.Path + " (" + r.Name + ")"
	}
	// conflictsWith finds the embedding app's route that a new route
	// collides with: one of the same shape (GET /apps/:name beside GET
	// /apps/:id), or one whose pattern matches the new path as written
	// (GET /apps/123 beside GET /apps/:id), as tegg checks its router
	conflictsWith := func(method, path string) (string, bool) {
		if prev, ok := existing[method+" "+shapeOf(path)]; ok {
			return prev, true
		}
		for _, r := range embedding {
			if r.Method == method && patternMatches(r.Path, path) {
				return r.Path + " (" + r.Name + ")", true
			}
		}
		return "", false
	}
	var errs []error
	type key struct{ method, path string }
	groups := map[key][]*route{}
	var order []key
	handlers := map[*route]echo.HandlerFunc{}
	for _, r := range routes {
		if r.plan != nil {
			if err := r.plan.compile(m.ajv); err != nil {
				errs = append(errs, routeError(CodeBadInput, r, "cannot make the input's schema", err))
				continue
			}
		}
		h, err := r.decl.build(m, r)
		if err != nil {
			if _, ok := err.(*container.Error); ok {
				errs = append(errs, err)
			} else {
				errs = append(errs, routeError(CodeBadRoute, r, "cannot resolve the controller", err))
			}
			continue
		}
		handlers[r] = m.scoped(h, r.echoMW)
		k := key{r.method, r.path}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
			if prev, ok := conflictsWith(r.method, r.path); ok {
				errs = append(errs, conflict(r, prev))
			}
		}
		groups[k] = append(groups[k], r)
	}
	if cfg.openapiPath != "" {
		if docs := cfg.docs(); docs != "" {
			if prev, ok := conflictsWith(http.MethodGet, docs); ok {
				errs = append(errs, &container.Error{Code: CodeRouterConflict, Msg: "the API reference's path " + docs + " is conflict with exists rule " + prev,
					Hint: "move it with teggohttp.Docs(path), or turn it off with Docs(\"\")"})
			}
		}
		if prev, ok := conflictsWith(http.MethodGet, cfg.openapiPath); ok {
			errs = append(errs, &container.Error{Code: CodeRouterConflict, Msg: "the OpenAPI document's path " + cfg.openapiPath + " is conflict with exists rule " + prev,
				Hint: "move it with teggohttp.OpenAPI(path), or turn it off with OpenAPI(\"\")"})
		}
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	if e.IPExtractor == nil {
		e.IPExtractor = cfg.proxy.ipExtractor() // c.RealIP() agrees with ClientOf
	}
	m.useSessions(e)
	for _, k := range order {
		h := byHost(groups[k], handlers, cfg.proxy)
		e.Add(k.method, k.path, h)
		// RFC 9110: a server answers HEAD wherever it answers GET; net/http
		// drops the body and keeps the headers
		if _, own := groups[key{http.MethodHead, k.path}]; k.method == http.MethodGet && !own {
			if _, taken := existing[http.MethodHead+" "+shapeOf(k.path)]; !taken {
				e.Add(http.MethodHead, k.path, h)
			}
		}
	}
	if cfg.openapiPath != "" {
		doc, err := m.openAPI()
		if err != nil {
			return nil, err
		}
		m.openapi = doc
		serveDoc := func(c echo.Context) error {
			return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, m.openapi)
		}
		e.GET(cfg.openapiPath, serveDoc)
		e.HEAD(cfg.openapiPath, serveDoc)
		if docs := cfg.docs(); docs != "" {
			h := echo.WrapHandler(apidocs.Handler(docs, cfg.openapiPath, cfg.title))
			e.GET(docs, h)
			e.GET(docs+"/*", h)
		}
	}
	return m, nil
}

// byHost returns the echo handler of one method and path: the route's own
// when it is alone and bound to no host; else a dispatch on the request's
// host, where a host-bound route answers only its host and the route bound
// to none (if any) answers the others; no match is 404.
func byHost(rs []*route, hs map[*route]echo.HandlerFunc, proxy ProxyConfig) echo.HandlerFunc {
	if len(rs) == 1 && rs[0].host == "" {
		return hs[rs[0]]
	}
	table := map[string]echo.HandlerFunc{}
	var fallback echo.HandlerFunc
	for _, r := range rs {
		if r.host == "" {
			fallback = hs[r]
		} else {
			table[r.host] = hs[r]
		}
	}
	return func(c echo.Context) error {
		if h, ok := table[proxy.requestHost(c.Request())]; ok {
			return h(c)
		}
		if fallback != nil {
			return fallback(c)
		}
		return echo.ErrNotFound
	}
}

// hostOf strips the port and lower-cases a Host header.
func hostOf(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.ToLower(h)
}

// Server is a standalone HTTP server of a container's controllers on its
// own echo instance, which answers unknown paths (404), wrong methods
// (405) and errors of global middleware with problem documents too.
type Server struct {
	e   *echo.Echo
	m   *mount
	srv *http.Server
}

// NewServer makes a standalone server of the built container c; see Mount
// for what is mounted, and Limits for the timeouts of its connections.
func NewServer(c *container.Container, opts ...ServerOption) (*Server, error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	cfg := newConfig(opts)
	for _, fn := range cfg.configureEcho {
		fn(e)
	}
	m, err := mountOn(e, c, cfg)
	if err != nil {
		return nil, err
	}
	e.HTTPErrorHandler = func(err error, c echo.Context) { m.writeProblem(c, err) }
	s := &Server{e: e, m: m}
	s.srv = cfg.limits.httpServer(e)
	return s, nil
}

// Handler returns the server as an http.Handler, e.g. for httptest.
func (s *Server) Handler() http.Handler { return s.e }

// Echo returns the server's echo instance, to add echo routes or
// middleware before serving.
func (s *Server) Echo() *echo.Echo { return s.e }

// Start listens on addr (e.g. ":8080") and serves until Shutdown; it
// returns nil after a graceful shutdown.
func (s *Server) Start(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve serves on l until Shutdown; it returns nil after a graceful
// shutdown.
func (s *Server) Serve(l net.Listener) error {
	err := s.srv.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections and waits for the requests in
// flight (and so for their scopes to close) until ctx is done.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// patternMatches reports whether the echo route pattern matches path taken
// literally: ":name" matches any one segment, a trailing "*" the rest.
func patternMatches(pattern, path string) bool {
	ps, xs := strings.Split(strings.Trim(pattern, "/"), "/"), strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range ps {
		if p == "*" || strings.HasSuffix(p, "*") && i == len(ps)-1 {
			return i < len(xs) && strings.HasPrefix(xs[i], strings.TrimSuffix(p, "*"))
		}
		if i >= len(xs) {
			return false
		}
		if strings.HasPrefix(p, ":") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if p != xs[i] {
			return false
		}
	}
	return len(ps) == len(xs)
}
