package teggo_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/redis/go-redis/v9"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/cookies"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/internal/logbuf"
	"github.com/teggo/teggo/internal/redistest"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/session"
	"github.com/teggo/teggo/teggotest"
)

// VisitController counts a client's visits in its session.
type VisitController struct{ proto.Singleton }

// Visits is the visit count.
type Visits struct {
	Visits int `json:"visits"`
}

// Count adds one visit.
func (*VisitController) Count(ctx context.Context) (*Visits, error) {
	s := session.From(ctx)
	n, err := s.GetInt("visits")
	if err != nil {
		return nil, err
	}
	n++
	if err := s.Put("visits", n); err != nil {
		return nil, err
	}
	return &Visits{Visits: n}, nil
}

// Peek reads the count without changing it.
func (*VisitController) Peek(ctx context.Context) (*Visits, error) {
	n, err := session.From(ctx).GetInt("visits")
	if err != nil {
		return nil, err
	}
	return &Visits{Visits: n}, nil
}

// RedisUser gets the app's Redis client injected.
type RedisUser struct {
	proto.Singleton
	Redis *redis.Client `inject:""`
}

// plainVisits is a plain echo handler using the session.
func plainVisits(c echo.Context) error {
	s := session.From(c.Request().Context())
	n, err := s.GetInt("plain")
	if err != nil {
		return err
	}
	if err := s.Put("plain", n+1); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"plain": n + 1})
}

// sessionSeen is echo middleware that tells, in a header, whether the
// request it sees has a session.
func sessionSeen(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		_, err := session.From(c.Request().Context()).Keys()
		c.Response().Header().Set("X-Session-Seen", strconv.FormatBool(err == nil))
		return next(c)
	}
}

// visitApp starts an app over loopback with the visit routes and the given
// config.default.yaml.
func visitApp(t *testing.T, yaml string, opts ...teggo.Option) *teggotest.App {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return teggotest.Start(t, append([]teggo.Option{
		teggo.Config(config.Dir(dir)),
		teggo.Register(new(VisitController),
			teggohttp.Controller[*VisitController]("/visits"),
			teggohttp.POST("", teggohttp.NoIn((*VisitController).Count)),
			teggohttp.GET("", teggohttp.NoIn((*VisitController).Peek))),
		teggo.HTTP(teggohttp.ConfigureEcho(func(e *echo.Echo) { e.POST("/plain", plainVisits) })),
		teggo.HTTP(teggohttp.ConfigureEcho(func(e *echo.Echo) { e.Use(sessionSeen) })),
	}, opts...)...)
}

func visits(t *testing.T, r *teggotest.Response) int {
	t.Helper()
	r.ExpectStatus(t, http.StatusOK)
	var v Visits
	if err := r.JSON(&v); err != nil {
		t.Fatal(err)
	}
	return v.Visits
}

// sessionCookie returns the session cookie a response set, or nil.
func sessionCookie(r *teggotest.Response) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == session.DefaultKey {
			return c
		}
	}
	return nil
}

// withCookies sends method path to app with exactly the cookies given
// (the session cookie and its signature), through a fresh client.
func withCookies(app *teggotest.App, method, path string, cs []*http.Cookie) *teggotest.Response {
	req, _ := http.NewRequest(method, path, nil)
	for _, c := range cs {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return app.NewClient().Do(req)
}

// A controller reaches the client's session with session.From(ctx): one
// client's requests share it, another client has its own.
func TestSessionCountsVisitsPerClient(t *testing.T) {
	app := visitApp(t, "keys: k1\n")
	if n := visits(t, app.POST("/visits", nil)); n != 1 {
		t.Fatalf("first visit: %d", n)
	}
	if n := visits(t, app.POST("/visits", nil)); n != 2 {
		t.Fatalf("second visit of the same client: %d", n)
	}
	other := app.NewClient()
	if n := visits(t, other.POST("/visits", nil)); n != 1 {
		t.Fatalf("another client: %d", n)
	}
	if n, err := app.Session().GetInt("visits"); err != nil || n != 2 {
		t.Fatalf("the default client's session: %d, %v", n, err)
	}
	if n, _ := other.Session().GetInt("visits"); n != 1 {
		t.Fatalf("the other client's session: %d", n)
	}
	if n, _ := app.NewClient().Session().GetInt("visits"); n != 0 {
		t.Fatalf("a new client's session: %d", n)
	}
}

// A plain echo handler on the App's echo has the session too.
func TestSessionOnPlainEchoHandler(t *testing.T) {
	app := visitApp(t, "keys: k1\n")
	for want := 1; want <= 2; want++ {
		var v map[string]int
		app.POST("/plain", nil).ExpectStatus(t, 200).JSON(&v)
		if v["plain"] != want {
			t.Fatalf("plain visit %d: %v", want, v)
		}
	}
	res := app.POST("/visits", nil)
	if n := visits(t, res); n != 1 {
		t.Fatalf("the controller's count: %d", n)
	}
	if res.Header.Get("X-Session-Seen") != "true" {
		t.Fatal("echo middleware added with e.Use sees no session")
	}
	if n, _ := app.Session().GetInt("plain"); n != 2 {
		t.Fatalf("session plain = %d", n)
	}
}

// Outside the development envs an app without keys does not start.
func TestSessionProdWithoutKeysFailsToStart(t *testing.T) {
	for _, env := range []string{"prod", "staging"} {
		app := teggo.New(teggo.Config(config.Dir(t.TempDir()), config.Env(env)), teggo.NoListen(),
			teggo.RunDir(filepath.Join(t.TempDir(), "run")), teggo.Logger(slog.New(slog.DiscardHandler)))
		err := app.Start(context.Background())
		if !errors.Is(err, cookies.CodeNoKeys) || !strings.Contains(err.Error(), `"keys"`) {
			t.Fatalf("env %s: %v", env, err)
		}
		_ = app.Shutdown(context.Background())
	}
}

// In local an app without keys starts with a key of its own, saying so
// once at WARN; sessions work with it.
func TestSessionLocalWithoutKeysWarns(t *testing.T) {
	logs := logbuf.New()
	app := visitApp(t, "", teggo.Config(config.Env("local")), teggo.Logger(slog.New(slog.NewTextHandler(logs, nil))))
	if app.Keys() == nil || app.Keys().Len() != 1 {
		t.Fatalf("keys: %v", app.Keys())
	}
	if n := strings.Count(logs.String(), "level=WARN msg=\"teggo: no cookie keys"); n != 1 {
		t.Fatalf("%d warnings:\n%s", n, logs.String())
	}
	visits(t, app.POST("/visits", nil))
	if n := visits(t, app.POST("/visits", nil)); n != 2 {
		t.Fatalf("second visit: %d", n)
	}
}

// Keys rotate through the config: a cookie made under k1 is read under
// "k2,k1" and re-issued under k2; under "k2" alone it is refused, and the
// client gets a fresh session.
func TestSessionKeysRotation(t *testing.T) {
	old := visitApp(t, "keys: k1\n")
	first := old.POST("/visits", nil)
	made := first.Cookies()
	if sessionCookie(first) == nil {
		t.Fatal("no session cookie")
	}
	if res := withCookies(old, "GET", "/visits", made); visits(t, res) != 1 || sessionCookie(res) != nil {
		t.Fatalf("the same keys re-issue nothing: %v", res.Header["Set-Cookie"])
	}

	rotated := visitApp(t, "keys: k2,k1\n")
	res := withCookies(rotated, "GET", "/visits", made)
	if n := visits(t, res); n != 1 {
		t.Fatalf("under k2,k1: %d", n)
	}
	reissued := res.Cookies()
	if c := sessionCookie(res); c == nil || c.Value == sessionCookie(first).Value {
		t.Fatalf("not re-issued: %v", res.Header["Set-Cookie"])
	}

	newOnly := visitApp(t, "keys: k2\n")
	if n := visits(t, withCookies(newOnly, "POST", "/visits", made)); n != 1 {
		t.Fatalf("the k1 cookie under k2 alone: %d, want a fresh session", n)
	}
	if n := visits(t, withCookies(newOnly, "POST", "/visits", reissued)); n != 2 {
		t.Fatalf("the re-issued cookie under k2: %d", n)
	}
}

// Behind a proxy, the session cookie is Secure when the proxy says the
// request came over https.
func TestSessionSecureBehindProxy(t *testing.T) {
	app := visitApp(t, "keys: k1\nproxy: true\n")
	c := sessionCookie(app.NewClient().POST("/visits", nil, "X-Forwarded-Proto", "https"))
	if c == nil || !c.Secure {
		t.Fatalf("https behind the proxy: %+v", c)
	}
	c = sessionCookie(app.NewClient().POST("/visits", nil))
	if c == nil || c.Secure {
		t.Fatalf("plain http: %+v", c)
	}
	direct := visitApp(t, "keys: k1\n")
	c = sessionCookie(direct.NewClient().POST("/visits", nil, "X-Forwarded-Proto", "https"))
	if c == nil || c.Secure {
		t.Fatalf("the header without proxy mode: %+v", c)
	}
}

// redisYAML is a config with the Redis session store on addr.
func redisYAML(addr string, redisLines ...string) string {
	return "keys: k1\nredis:\n  addr: " + addr + "\n" + strings.Join(redisLines, "") + "session:\n  store: redis\n  maxAge: 3600000\n"
}

// A session in Redis survives across two apps sharing the Redis.
func TestRedisSessionAcrossApps(t *testing.T) {
	srv := redistest.Start(t)
	a := visitApp(t, redisYAML(srv.Addr()))
	visits(t, a.POST("/visits", nil))
	res := a.POST("/visits", nil)
	if n := visits(t, res); n != 2 {
		t.Fatalf("second visit: %d", n)
	}
	third := a.POST("/visits", nil)
	id := third.Cookies()
	if sessionCookie(third) == nil {
		t.Fatal("no session cookie")
	}
	keys, err := a.Redis().Keys(context.Background(), session.DefaultRedisPrefix+":*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("redis keys %v, %v", keys, err)
	}
	ttl, _ := a.Redis().PTTL(context.Background(), keys[0]).Result()
	if ttl <= 3500*1e6 || ttl > 3600*1e9 {
		t.Fatalf("ttl %v, want session.maxAge 1h", ttl)
	}

	b := visitApp(t, redisYAML(srv.Addr()))
	if n := visits(t, withCookies(b, "POST", "/visits", id)); n != 4 {
		t.Fatalf("in the second app: %d", n)
	}
	if n, _ := a.Session().GetInt("visits"); n != 4 {
		t.Fatalf("back in the first app: %d", n)
	}
}

// With Redis down, a request that reads its session is a 503 problem, for
// a controller and for a plain echo handler.
func TestRedisSessionStoreDownIs503(t *testing.T) {
	srv := redistest.Start(t)
	app := visitApp(t, redisYAML(srv.Addr(), "  maxRetries: -1\n", "  dialTimeout: 500\n"))
	visits(t, app.POST("/visits", nil))
	app.POST("/plain", nil).ExpectStatus(t, 200)
	srv.Stop()
	for _, path := range []string{"/visits", "/plain"} {
		res := app.POST(path, nil).ExpectStatus(t, http.StatusServiceUnavailable)
		var p teggohttp.Problem
		if err := res.JSON(&p); err != nil || p.Code != string(session.CodeStoreUnavailable) ||
			res.Header.Get("Content-Type") != teggohttp.ProblemContentType {
			t.Fatalf("%s: %s %s", path, res.Header.Get("Content-Type"), res.Body)
		}
	}
}

// The Redis client of the config is injectable, PINGed at start (logged)
// and closed at shutdown.
func TestRedisClientInjectableAndClosed(t *testing.T) {
	srv := redistest.Start(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(redisYAML(srv.Addr(), "  poolSize: 3\n", "  readTimeout: 1500\n", "  maxRetries: -1\n")), 0o644)
	logs := logbuf.New()
	app := teggo.New(teggo.Config(config.Dir(dir), config.Env("prod")), teggo.NoListen(),
		teggo.RunDir(filepath.Join(t.TempDir(), "run")), teggo.Logger(slog.New(slog.NewTextHandler(logs, nil))),
		teggo.Register(new(RedisUser)))
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	u, err := lookupRedisUser(app)
	if err != nil || u.Redis == nil || u.Redis != app.Redis() {
		t.Fatalf("injected %v, %v", u, err)
	}
	if o := u.Redis.Options(); o.PoolSize != 3 || o.ReadTimeout != 1500*time.Millisecond || o.MaxRetries != 0 { // go-redis keeps -1 as 0: no retry
		t.Fatalf("options from the config: pool %d, read timeout %v, retries %d", o.PoolSize, o.ReadTimeout, o.MaxRetries)
	}
	if err := u.Redis.Set(context.Background(), "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `msg="teggo: redis ok" addr=`+srv.Addr()) {
		t.Fatalf("no health line:\n%s", logs.String())
	}
	if err := app.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := u.Redis.Ping(context.Background()).Err(); !errors.Is(err, redis.ErrClosed) {
		t.Fatalf("after shutdown: %v", err)
	}
}

// A Redis that does not answer at start is logged, and the app starts.
func TestRedisDownAtStartIsLogged(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	logs := logbuf.New()
	app := visitApp(t, redisYAML(srv.Addr()), teggo.Logger(slog.New(slog.NewTextHandler(logs, nil))))
	if !strings.Contains(logs.String(), `level=ERROR msg="teggo: redis unavailable at start"`) {
		t.Fatalf("no error line:\n%s", logs.String())
	}
	srv.Restart()
	if n := visits(t, app.POST("/visits", nil)); n != 1 {
		t.Fatalf("after Redis came back: %d", n)
	}
}

// The session section is checked at start.
func TestSessionConfigErrors(t *testing.T) {
	for yaml, want := range map[string]string{
		"keys: k1\nsession:\n  store: redis\n":  "key session.store: is redis, but the config has no redis section",
		"keys: k1\nsession:\n  store: mongo\n":  `key session.store: must be cookie, redis or memory, not "mongo"`,
		"keys: k1\nsession:\n  maxAge: soon\n":  "key session.maxAge: must be a duration",
		"keys: k1\nsession:\n  maxAge: -5\n":    "key session.maxAge: must be a duration",
		"keys: k1\nsession:\n  sameSite: odd\n": "key session: is not a valid session config",
		"keys: k1\nredis:\n  addr: nowhere\n":   "key redis.addr: must be host:port",
		"keys: k1\nsession:\n  renew: maybe\n":  "key session.renew",
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(yaml), 0o644)
		app := teggo.New(teggo.Config(config.Dir(dir)), teggo.NoListen(), teggo.RunDir(filepath.Join(t.TempDir(), "run")),
			teggo.Logger(slog.New(slog.DiscardHandler)))
		err := app.Start(context.Background())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", yaml, err, want)
		}
		_ = app.Shutdown(context.Background())
	}
}

// session.maxAge takes egg's forms: milliseconds, "session", a duration.
func TestSessionMaxAgeForms(t *testing.T) {
	for v, want := range map[string]string{"86400000": "Max-Age=86400", "session": "", "2h": "Max-Age=7200"} {
		app := visitApp(t, "keys: k1\nsession:\n  maxAge: "+v+"\n")
		res := app.POST("/visits", nil)
		sc := strings.Join(res.Header.Values("Set-Cookie"), "\n")
		if !strings.Contains(sc, session.DefaultKey+"=") {
			t.Fatalf("%s: %s", v, sc)
		}
		if want == "" && (strings.Contains(sc, "Max-Age") || strings.Contains(sc, "Expires")) || want != "" && !strings.Contains(sc, want) {
			t.Errorf("maxAge %s: %s", v, sc)
		}
	}
}

func lookupRedisUser(app *teggo.App) (*RedisUser, error) {
	return container.Lookup[*RedisUser](app.Container())
}
