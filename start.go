package teggo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"reflect"
	"strings"
	"syscall"
	"time"

	"github.com/teggo/teggo/ajv"
	"github.com/teggo/teggo/background"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/schedule"
)

// Start starts the application in egg's order (see the package doc) and
// returns once it serves, or with the first error — after undoing what had
// started. It fails if a hook is still running when the start timeout ends,
// naming that hook and how long each finished one took.
func (a *App) Start(ctx context.Context) (err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.started {
		return errors.New("teggo: Start called twice")
	}
	a.started = true
	began := time.Now()
	a.log = a.o.log
	if a.log == nil {
		a.log = slog.Default()
	}

	cfg, err := config.Load(a.o.configOpts...)
	if err != nil {
		return err
	}
	a.cfg = cfg
	timeout := a.o.startTimeout
	if timeout == 0 {
		if d, derr := time.ParseDuration(cfg.String("app.startTimeout")); derr == nil && d > 0 {
			timeout = d
		} else {
			timeout = DefaultStartTimeout
		}
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	h := &hookRunner{}

	opts := []container.Option{container.Logger(a.log)}
	if a.o.strict {
		opts = append(opts, container.Strict())
	}
	c := container.New(opts...)
	a.c = c
	c.Install(eventbus.Module(), background.Module())
	c.Register(new(ajv.Ajv))
	c.Install(a.o.modules...)
	c.Register(a.o.items...)
	for _, p := range a.o.provides {
		if err := c.Provide(p.ctor, p.opts...); err != nil {
			return err
		}
	}

	// ConfigWillLoad: the last word on the config, before anything reads it.
	for _, t := range c.Registered() {
		if hook, ok := reflect.New(t).Interface().(ConfigWillLoader); ok {
			name := fmt.Sprintf("ConfigWillLoad of *%s", t)
			if err := h.run(sctx, timeout, name, func(ctx context.Context) error { return hook.ConfigWillLoad(ctx, cfg) }); err != nil {
				return err
			}
		}
	}
	if err := a.provideConfig(cfg, c); err != nil {
		return err
	}
	if err := a.setupKeys(cfg); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = a.closeRedis()
		}
	}()
	if err := a.setupRedis(sctx, cfg, c); err != nil {
		return err
	}
	if err := a.setupSession(cfg); err != nil {
		return err
	}
	if err := a.setupEventbus(cfg, c); err != nil { // eventbus_app.go: the transport, before Build creates the bus
		return err
	}
	if err := cfg.Dump(a.o.runDir); err != nil {
		return err
	}
	if err := c.Build(sctx); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			a.shutdown(context.WithoutCancel(ctx), false)
		}
	}()

	objs := c.Singletons()
	if err := each(sctx, h, timeout, "ConfigDidLoad", objs, ConfigDidLoader.ConfigDidLoad); err != nil {
		return err
	}
	if err := each(sctx, h, timeout, "DidLoad", objs, DidLoader.DidLoad); err != nil {
		return err
	}
	if err := each(sctx, h, timeout, "WillReady", objs, WillReadier.WillReady); err != nil {
		return err
	}

	if a.bus, err = container.Lookup[*eventbus.Bus](c); err != nil {
		return err
	}
	if err := a.bus.Start(sctx); err != nil {
		return err
	}
	schedOpts, err := a.scheduleOptions(cfg)
	if err != nil {
		return err
	}
	if a.sched, err = schedule.New(c, append(schedOpts, a.o.schedOpts...)...); err != nil {
		return err
	}
	if err := a.startHTTP(ctx, cfg); err != nil {
		return err
	}
	if err := each(sctx, h, timeout, "DidReady", objs, DidReadier.DidReady); err != nil {
		return err
	}
	if err := a.sched.Start(sctx); err != nil {
		return err
	}
	if err := each(sctx, h, timeout, "ServerDidReady", objs, ServerDidReadier.ServerDidReady); err != nil {
		return err
	}
	a.log.Info("teggo: started", "env", cfg.Env(), "addr", a.Addr(), "took", time.Since(began).Round(time.Millisecond).String())
	return nil
}

// scheduleOptions reads the schedule section: with locker: redis, worker
// jobs lock their ticks in the app's Redis, so that they run once per tick
// across the app's processes. Options given with Schedule come after, and
// win.
func (a *App) scheduleOptions(cfg *config.Config) ([]schedule.Option, error) {
	opts := []schedule.Option{schedule.Logger(a.log)}
	if !cfg.Exists(schedule.ConfigKey) {
		return opts, nil
	}
	sc, err := config.Section[schedule.Config](cfg, schedule.ConfigKey)
	if err != nil {
		return nil, err
	}
	key := schedule.ConfigKey + ".locker"
	switch sc.Locker {
	case "":
		return opts, nil
	case schedule.LockerRedis:
		if a.redis == nil {
			return nil, noRedisSection(cfg, key)
		}
		l := schedule.RedisLocker(a.redis, schedule.RedisLockTTL(sc.LockTTL), schedule.RedisPrefix(sc.LockPrefix),
			schedule.RedisFailOpen(sc.LockFailOpen), schedule.RedisLogger(a.log))
		return append(opts, schedule.Locker(l)), nil
	default:
		return nil, &container.Error{Code: config.Code, File: cfg.SourceOf(key), Key: key,
			Msg: fmt.Sprintf("unknown locker %q: want %q or none", sc.Locker, schedule.LockerRedis)}
	}
}

// provideConfig makes the config, its built-in sections and the app's typed
// sections injectable.
func (a *App) provideConfig(cfg *config.Config, c *container.Container) error {
	if err := os.MkdirAll(a.o.runDir, 0o755); err != nil {
		return fmt.Errorf("teggo: run directory: %w", err)
	}
	if err := c.Supply(cfg, a.log, &AppInfo{Env: cfg.Env(), RunDir: a.o.runDir}); err != nil {
		return err
	}
	if cfg.Exists("backgroundTask.timeout") { // egg's backgroundTask.timeout; absent means the helper's default
		bc, err := config.Section[background.Config](cfg, "backgroundTask")
		if err != nil {
			return err
		}
		if err := c.Provide(func() *background.Config { return &bc }); err != nil {
			return err
		}
	}
	for _, bind := range a.o.sections {
		if err := bind(cfg, c); err != nil {
			return err
		}
	}
	return nil
}

// startHTTP creates the server and, unless NoListen, listens and serves.
func (a *App) startHTTP(ctx context.Context, cfg *config.Config) error {
	limits, err := httpLimits(cfg)
	if err != nil {
		return err
	}
	opts := []teggohttp.ServerOption{teggohttp.Env(cfg.Env()), teggohttp.Logger(a.log), teggohttp.ServerLimits(limits), a.sessionOption()}
	if cfg.Bool("proxy") { // egg's proxy mode, from egg's config keys
		opts = append(opts, teggohttp.Proxy(teggohttp.ProxyConfig{
			Enabled:         true,
			IPHeaders:       headerList(cfg.String("ipHeaders")),
			MaxIPsCount:     cfg.Int("maxIpsCount"),
			ProtocolHeaders: headerList(cfg.String("protocolHeaders")),
			HostHeaders:     headerList(cfg.String("hostHeaders")),
		}))
	}
	if title, version := cfg.String("openapi.title"), cfg.String("openapi.version"); title != "" || version != "" {
		opts = append(opts, teggohttp.OpenAPIInfo(cmp.Or(title, "teggo"), cmp.Or(version, "0.0.0"))) // the document's info, from config
	}
	if cfg.Exists("openapi.docs") { // the API reference's path, "" for none; default /docs outside prod
		opts = append(opts, teggohttp.Docs(cfg.String("openapi.docs")))
	}
	for _, mount := range a.o.passports {
		popts, err := mount(ctx, cfg)
		if err != nil {
			return err
		}
		opts = append(opts, popts...)
	}
	opts = append(opts, a.o.httpOpts...)
	srv, err := teggohttp.NewServer(a.c, opts...)
	if err != nil {
		return err
	}
	a.server = srv
	if !a.o.listen {
		return nil
	}
	addr := a.o.addr
	if addr == "" {
		addr = os.Getenv(AddrEnv)
	}
	if addr == "" {
		addr = cfg.String("http.addr")
	}
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("teggo: listen on %s: %w", addr, err)
	}
	a.ln = ln
	bound := ln.Addr().String()
	a.addr.Store(&bound)
	a.served = make(chan error, 1)
	go func() { a.served <- srv.Serve(ln) }()
	return nil
}

// Run starts the app, blocks until SIGINT or SIGTERM arrives or ctx ends,
// then shuts down gracefully. It returns Start's error, or Shutdown's.
func (a *App) Run(ctx context.Context) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := a.Start(ctx); err != nil {
		return err
	}
	var served error
	select {
	case <-ctx.Done():
	case err := <-a.served:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("teggo: the HTTP server failed", "err", err)
			served = fmt.Errorf("teggo: the HTTP server failed: %w", err)
		}
	}
	stop()
	a.log.Info("teggo: shutting down")
	return errors.Join(served, a.Shutdown(context.WithoutCancel(ctx)))
}

// httpLimits reads the server's limits from the http section: timeouts as
// Go durations ("30s") or egg-style milliseconds (30000), maxHeaderBytes
// as a number of bytes. An absent key keeps teggo's default; a value that
// does not fit fails with its file and key.
func httpLimits(cfg *config.Config) (teggohttp.Limits, error) {
	var l teggohttp.Limits
	for _, d := range []struct {
		key string
		to  *time.Duration
	}{
		{"http.readTimeout", &l.ReadTimeout},
		{"http.readHeaderTimeout", &l.ReadHeaderTimeout},
		{"http.writeTimeout", &l.WriteTimeout},
		{"http.idleTimeout", &l.IdleTimeout},
	} {
		v, err := configDuration(cfg, d.key)
		if err != nil {
			return l, err
		}
		*d.to = v
	}
	if cfg.Exists("http.maxHeaderBytes") {
		n, ok := wholeNumber(cfg.Get("http.maxHeaderBytes"))
		if !ok || n <= 0 || n > 64<<20 {
			return l, &container.Error{Code: config.Code, File: cfg.SourceOf("http.maxHeaderBytes"), Key: "http.maxHeaderBytes",
				Msg: fmt.Sprintf("must be a number of bytes from 1 to %d, not %v", 64<<20, cfg.Get("http.maxHeaderBytes"))}
		}
		l.MaxHeaderBytes = int(n)
	}
	return l, nil
}

// maxConfigDuration bounds a configured timeout: a day is far past any
// sensible one and keeps millisecond arithmetic far from overflow.
const maxConfigDuration = 24 * time.Hour

// configDuration reads the duration at key: a Go duration string ("1.5s")
// or a whole number of milliseconds, as egg writes timeouts; 0 when
// absent. As in teggohttp.Limits, zero means the default and a negative
// value turns the timeout off.
func configDuration(cfg *config.Config, key string) (time.Duration, error) {
	if !cfg.Exists(key) {
		return 0, nil
	}
	v := cfg.Get(key)
	var d time.Duration
	if s, ok := v.(string); ok {
		var err error
		if d, err = time.ParseDuration(strings.TrimSpace(s)); err != nil {
			return 0, &container.Error{Code: config.Code, File: cfg.SourceOf(key), Key: key, Msg: `must be a duration ("30s") or milliseconds (30000)`, Err: err}
		}
	} else if ms, ok := wholeNumber(v); ok && ms >= -maxConfigDuration.Milliseconds() && ms <= maxConfigDuration.Milliseconds() {
		d = time.Duration(ms) * time.Millisecond
	} else {
		return 0, &container.Error{Code: config.Code, File: cfg.SourceOf(key), Key: key, Msg: fmt.Sprintf(`must be a duration ("30s") or milliseconds (30000), not %v`, v)}
	}
	if d > maxConfigDuration || d < -maxConfigDuration {
		return 0, &container.Error{Code: config.Code, File: cfg.SourceOf(key), Key: key, Msg: fmt.Sprintf("must be at most %s, not %s", maxConfigDuration, d)}
	}
	return d, nil
}

// noRedisSection is the start error of a key set to redis in a config
// without the redis section the App's one client is made from.
func noRedisSection(cfg *config.Config, key string) error {
	return &container.Error{Code: config.Code, File: cfg.SourceOf(key), Key: key,
		Msg: "is redis, but the config has no redis section", Hint: "add redis: {addr: host:port} to the config, or remove " + key}
}

// wholeNumber returns v as an int64 when it is a whole number as YAML
// decodes one.
func wholeNumber(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case uint64:
		if n <= 1<<62 {
			return int64(n), true
		}
	case float64:
		if n == float64(int64(n)) && n > -1<<53 && n < 1<<53 {
			return int64(n), true
		}
	}
	return 0, false
}

// headerList splits egg's comma-separated header lists ("X-Real-Ip,
// X-Forwarded-For").
func headerList(s string) []string {
	var out []string
	for h := range strings.SplitSeq(s, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}
