// Package teggo ties a teggo application together: config, the container,
// the HTTP server, the event bus and the scheduler, started in egg's order
// with egg's lifecycle hooks and shut down gracefully.
//
//	app := teggo.New(
//		teggo.Modules(topic.Module()),
//		teggo.Provide(openDB),
//	)
//	if err := app.Run(ctx); err != nil { // blocks until SIGINT/SIGTERM or ctx ends
//		log.Fatal(err)
//	}
//
// Start order: load config (config/config.default.yaml + config.<env>.yaml)
// → ConfigWillLoad → dump the config to the run directory → build the
// container (singletons created) → ConfigDidLoad → DidLoad → WillReady →
// start the event bus → create the scheduler → listen → DidReady → start the
// scheduler → ServerDidReady. Shutdown order: BeforeClose → stop accepting
// connections and finish in-flight requests (their scopes close, awaiting
// background tasks) → drain the event bus → stop the scheduler → destroy
// the singletons in reverse dependency order; each step has a deadline and
// logs what did not finish.
package teggo

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/cookies"
	"github.com/teggo/teggo/eventbus"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/schedule"
	"github.com/teggo/teggo/session"
)

// DefaultAddr is where the HTTP server listens when neither the Addr
// option, the environment variable AddrEnv nor the config key http.addr
// says otherwise (in that order).
const DefaultAddr = "127.0.0.1:7001"

// AddrEnv is the environment variable that sets the listen address,
// between the Addr option (a flag, say) and the config.
const AddrEnv = "TEGGO_ADDR"

// Defaults for the timeouts.
const (
	DefaultStartTimeout = 30 * time.Second
	DefaultStopTimeout  = 10 * time.Second // per shutdown step
)

// App is one teggo application. Create it with New, then Run it (or Start
// and Shutdown it, as tests do).
type App struct {
	o options

	mu      sync.Mutex
	started bool
	stopped bool

	cfg    *config.Config
	c      *container.Container
	log    *slog.Logger
	server *teggohttp.Server
	ln     net.Listener
	addr   atomic.Pointer[string] // the listen address, readable while Start runs
	served chan error
	bus    *eventbus.Bus
	sched  *schedule.Scheduler

	keys        *cookies.Keys    // the cookie keys (session_app.go)
	sessions    *session.Manager // the session manager
	redis       *redis.Client    // the redis section's client, nil without one
	redisClosed bool
}

type options struct {
	modules      []proto.Module
	items        []any
	provides     []provide
	sections     []func(*config.Config, *container.Container) error
	configOpts   []config.Option
	log          *slog.Logger
	addr         string
	listen       bool
	runDir       string
	startTimeout time.Duration
	stopTimeout  time.Duration
	httpOpts     []teggohttp.ServerOption
	schedOpts    []schedule.Option
	strict       bool
	// passports build their routes once the config is loaded
	passports []func(ctx context.Context, cfg *config.Config) ([]teggohttp.ServerOption, error)
}

type provide struct {
	ctor any
	opts []container.ProvideOption
}

// Option configures an App.
type Option func(*options)

// Modules installs packages' generated modules (pkg.Module()).
func Modules(mods ...proto.Module) Option {
	return func(o *options) { o.modules = append(o.modules, mods...) }
}

// Register registers protos and declarations as container.Register does.
func Register(items ...any) Option {
	return func(o *options) { o.items = append(o.items, items...) }
}

// Provide registers a constructor (run by dig at Build) as
// container.Provide does.
func Provide(ctor any, opts ...container.ProvideOption) Option {
	return func(o *options) { o.provides = append(o.provides, provide{ctor, opts}) }
}

// Section binds the config under key as a *T injectable with
// `inject:"config.<key>"` (see config.Bind). A section that does not fit T
// fails Start with the file and key.
func Section[T any](key string) Option {
	return func(o *options) {
		o.sections = append(o.sections, func(cfg *config.Config, c *container.Container) error {
			return config.Bind[T](cfg, c, key)
		})
	}
}

// Config sets how the config is loaded (config.Dir, config.FS, config.Env).
// By default it is read from ./config for the env in TEGGO_ENV.
func Config(opts ...config.Option) Option {
	return func(o *options) { o.configOpts = append(o.configOpts, opts...) }
}

// Logger sets the logger of the app and everything in it (slog.Default()
// by default). It is injectable as *slog.Logger.
func Logger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// Addr sets the HTTP listen address; ":0" picks a free port (see App.Addr).
func Addr(addr string) Option { return func(o *options) { o.addr = addr } }

// NoListen serves no port: the app's HTTP handler is used in-process
// through App.Handler, as teggotest does.
func NoListen() Option { return func(o *options) { o.listen = false } }

// RunDir sets where the app writes its run files (the config dump); "run"
// by default.
func RunDir(dir string) Option { return func(o *options) { o.runDir = dir } }

// StartTimeout bounds Start: a hook still running then fails Start, naming
// it (default DefaultStartTimeout; config key app.startTimeout).
func StartTimeout(d time.Duration) Option { return func(o *options) { o.startTimeout = d } }

// StopTimeout bounds each shutdown step (default DefaultStopTimeout).
func StopTimeout(d time.Duration) Option { return func(o *options) { o.stopTimeout = d } }

// HTTP passes options to the HTTP server (body limit, OpenAPI, ...).
func HTTP(opts ...teggohttp.ServerOption) Option {
	return func(o *options) { o.httpOpts = append(o.httpOpts, opts...) }
}

// Schedule passes options to the scheduler (locker, clock, overlap, ...).
func Schedule(opts ...schedule.Option) Option {
	return func(o *options) { o.schedOpts = append(o.schedOpts, opts...) }
}

// Strict makes container warnings (advice bypassed) start errors.
func Strict() Option { return func(o *options) { o.strict = true } }

// AppInfo is what the app knows of itself, egg's appInfo: injectable as
// *teggo.AppInfo into protos and constructors (a database constructor puts
// its file under RunDir).
type AppInfo struct {
	// Env is the config env ("local", "unittest", "prod", ...).
	Env string
	// RunDir is where the app writes its run files, created at start.
	RunDir string
}

// New returns an App; nothing starts until Start or Run.
func New(opts ...Option) *App {
	o := options{listen: true, runDir: "run"}
	for _, f := range opts {
		f(&o)
	}
	return &App{o: o}
}

// Container returns the app's container (nil before Start).
func (a *App) Container() *container.Container { return a.c }

// Config returns the loaded config (nil before Start).
func (a *App) Config() *config.Config { return a.cfg }

// Logger returns the app's logger.
func (a *App) Logger() *slog.Logger { return a.log }

// Bus returns the app's event bus (nil before Start).
func (a *App) Bus() *eventbus.Bus { return a.bus }

// Scheduler returns the app's scheduler (nil before Start).
func (a *App) Scheduler() *schedule.Scheduler { return a.sched }

// Handler returns the app's HTTP handler, for in-process requests.
func (a *App) Handler() http.Handler {
	if a.server == nil {
		return nil
	}
	return a.server.Handler()
}

// Addr returns the address the HTTP server listens on ("" when it does not
// listen), with the real port when ":0" was asked for.
func (a *App) Addr() string {
	if p := a.addr.Load(); p != nil {
		return *p
	}
	return ""
}
