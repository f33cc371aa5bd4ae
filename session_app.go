package teggo

import (
	"context"
	"crypto/tls"
	"fmt"
	"math"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/cookies"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/session"
)

// Config keys of cookies, sessions and Redis, named as egg names them.
const (
	// KeysKey is egg's `keys`: the comma-separated cookie keys, newest first.
	KeysKey = "keys"
	// SessionKey is egg's `session` section (key, maxAge, httpOnly,
	// encrypt, renew, rolling) plus teggo's store: "cookie" (default),
	// "redis" or "memory".
	SessionKey = "session"
	// RedisKey is the `redis` section (addr, password, db, tls, and
	// go-redis's timeouts, poolSize and maxRetries): one *redis.Client for
	// the app, injectable.
	RedisKey = "redis"
)

// Session stores named by session.store.
const (
	StoreCookie = "cookie"
	StoreRedis  = "redis"
	StoreMemory = "memory"
)

// sessionSection is the session section as written: maxAge is decoded by
// hand, for egg's "session" and milliseconds.
type sessionSection struct {
	Key      string `yaml:"key"`
	MaxAge   any    `yaml:"maxAge"`
	HTTPOnly *bool  `yaml:"httpOnly"`
	Encrypt  *bool  `yaml:"encrypt"`
	Renew    bool   `yaml:"renew"`
	Rolling  bool   `yaml:"rolling"`
	Path     string `yaml:"path"`
	Domain   string `yaml:"domain"`
	SameSite string `yaml:"sameSite"`
	Secure   *bool  `yaml:"secure"`
	Store    string `yaml:"store"`
	// Prefix is the Redis store's key prefix (session.DefaultRedisPrefix
	// when empty).
	Prefix string `yaml:"prefix"`
}

// RedisConfig is the redis section.
type RedisConfig struct {
	// Addr is host:port; default 127.0.0.1:6379.
	Addr string `yaml:"addr"`
	// Password is the AUTH password; the config dump hides it.
	Password string `yaml:"password" secret:"true"`
	// DB is the database number.
	DB int `yaml:"db"`
	// TLS connects over TLS (1.2 or later), verifying the server's name.
	TLS bool `yaml:"tls"`
	// DialTimeout, ReadTimeout and WriteTimeout bound connecting and each
	// socket read and write (go-redis's defaults when 0: 5s, 3s, 3s); a
	// number is milliseconds, as egg writes durations.
	DialTimeout  time.Duration `yaml:"dialTimeout"`
	ReadTimeout  time.Duration `yaml:"readTimeout"`
	WriteTimeout time.Duration `yaml:"writeTimeout"`
	// PoolSize is the number of connections (go-redis's default when 0:
	// 10 per CPU).
	PoolSize int `yaml:"poolSize"`
	// MaxRetries is how many times a failed command is retried
	// (go-redis's default when 0: 3; -1 retries none, so that an outage
	// fails requests at once).
	MaxRetries int `yaml:"maxRetries"`
}

// Keys returns the app's cookie keys (nil before Start): those of the
// `keys` config, or the per-process key generated in local and unittest.
func (a *App) Keys() *cookies.Keys { return a.keys }

// SessionManager returns the app's session manager (nil before Start).
func (a *App) SessionManager() *session.Manager { return a.sessions }

// Redis returns the app's Redis client, nil when the config has no redis
// section.
func (a *App) Redis() *redis.Client { return a.redis }

// setupKeys reads `keys`. None configured is a start error outside the
// development envs (config.ShowsErrorDetails); in them a key is drawn for
// this process, with a warning.
func (a *App) setupKeys(cfg *config.Config) error {
	raw := strings.TrimSpace(cfg.String(KeysKey))
	if raw == "" {
		if !config.ShowsErrorDetails(cfg.Env()) {
			return &container.Error{Code: cookies.CodeNoKeys,
				Msg:  fmt.Sprintf("no cookie keys in env %q: the config key %q is empty", cfg.Env(), KeysKey),
				Hint: `set keys: "<random key>" in config.` + cfg.Env() + `.yaml (comma-separated, newest first); cookies and sessions are signed and encrypted with them`}
		}
		k, err := cookies.ParseKeys(cookies.GenerateKey())
		if err != nil {
			return fmt.Errorf("teggo: generated cookie key: %w", err)
		}
		a.keys = k
		a.log.Warn("teggo: no cookie keys configured; generated one for this process: cookies and sessions do not survive a restart",
			"key", KeysKey, "env", cfg.Env())
		return nil
	}
	k, err := cookies.ParseKeys(raw)
	if err != nil {
		return &container.Error{Code: config.Code, File: cfg.SourceOf(KeysKey), Key: KeysKey, Msg: "must be comma-separated non-empty keys", Err: err}
	}
	a.keys = k
	return nil
}

// setupRedis creates the app's Redis client from the redis section, PINGs
// it and logs its health, and supplies it to the container. A failed PING
// is logged, not fatal: the client reconnects, and what needs Redis fails
// per request until it is back.
func (a *App) setupRedis(ctx context.Context, cfg *config.Config, c *container.Container) error {
	if !cfg.Exists(RedisKey) {
		return nil
	}
	rc, err := config.Section[RedisConfig](cfg, RedisKey)
	if err != nil {
		return err
	}
	if rc.Addr == "" {
		rc.Addr = "127.0.0.1:6379"
	}
	host, _, err := net.SplitHostPort(rc.Addr)
	if err != nil {
		return &container.Error{Code: config.Code, File: cfg.SourceOf(RedisKey + ".addr"), Key: RedisKey + ".addr", Msg: "must be host:port", Err: err}
	}
	opts := &redis.Options{Addr: rc.Addr, Password: rc.Password, DB: rc.DB, DialTimeout: rc.DialTimeout,
		ReadTimeout: rc.ReadTimeout, WriteTimeout: rc.WriteTimeout, PoolSize: rc.PoolSize, MaxRetries: rc.MaxRetries}
	if rc.TLS {
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	}
	a.redis = redis.NewClient(opts)
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	began := time.Now()
	if err := a.redis.Ping(pctx).Err(); err != nil {
		a.log.Error("teggo: redis unavailable at start", "addr", rc.Addr, "db", rc.DB, "err", err)
	} else {
		a.log.Info("teggo: redis ok", "addr", rc.Addr, "db", rc.DB, "ping", time.Since(began).Round(time.Microsecond).String())
	}
	return c.Supply(a.redis)
}

// closeRedis closes the app's Redis client, once.
func (a *App) closeRedis() error {
	if a.redis == nil || a.redisClosed {
		return nil
	}
	a.redisClosed = true
	return a.redis.Close()
}

// setupSession makes the session manager from the session section.
func (a *App) setupSession(cfg *config.Config) error {
	s, err := config.Section[sessionSection](cfg, SessionKey)
	if err != nil {
		return err
	}
	maxAge, err := sessionMaxAge(cfg, SessionKey+".maxAge", s.MaxAge)
	if err != nil {
		return err
	}
	sc := session.Config{Key: s.Key, MaxAge: maxAge, HTTPOnly: s.HTTPOnly, Encrypt: s.Encrypt, Renew: s.Renew,
		Rolling: s.Rolling, Path: s.Path, Domain: s.Domain, SameSite: s.SameSite, Secure: s.Secure, Logger: a.log}
	switch strings.ToLower(strings.TrimSpace(s.Store)) {
	case "", StoreCookie:
	case StoreMemory:
		sc.Store = session.NewMemoryStore()
	case StoreRedis:
		if a.redis == nil {
			return &container.Error{Code: config.Code, File: cfg.SourceOf(SessionKey + ".store"), Key: SessionKey + ".store",
				Msg: "is redis, but the config has no redis section (redis.addr)"}
		}
		sc.Store = session.NewRedisStore(a.redis, s.Prefix)
	default:
		return &container.Error{Code: config.Code, File: cfg.SourceOf(SessionKey + ".store"), Key: SessionKey + ".store",
			Msg: fmt.Sprintf("must be cookie, redis or memory, not %q", s.Store)}
	}
	m, err := session.NewManager(sc)
	if err != nil {
		return &container.Error{Code: config.Code, File: cfg.SourceOf(SessionKey), Key: SessionKey, Msg: "is not a valid session config", Err: err}
	}
	a.sessions = m
	return nil
}

// sessionOption is the HTTP server's cookie jar and session middleware.
func (a *App) sessionOption() teggohttp.ServerOption { return teggohttp.Sessions(a.keys, a.sessions) }

// sessionMaxAge reads egg's session.maxAge: a Go duration ("24h"), a whole
// number of milliseconds (86400000) or "session" (a browser-session
// cookie); 0 when absent.
func sessionMaxAge(cfg *config.Config, key string, v any) (time.Duration, error) {
	bad := func(err error) error {
		return &container.Error{Code: config.Code, File: cfg.SourceOf(key), Key: key,
			Msg: fmt.Sprintf(`must be a duration ("24h"), milliseconds (86400000) or "session", not %v`, v), Err: err}
	}
	switch x := v.(type) {
	case nil:
		return 0, nil
	case string:
		x = strings.TrimSpace(x)
		if strings.EqualFold(x, "session") {
			return session.BrowserSession, nil
		}
		d, err := time.ParseDuration(x)
		if err != nil || d <= 0 {
			return 0, bad(err)
		}
		return d, nil
	}
	ms, ok := wholeNumber(v)
	if !ok || ms <= 0 || ms > math.MaxInt64/int64(time.Millisecond) {
		return 0, bad(nil)
	}
	return time.Duration(ms) * time.Millisecond, nil
}
