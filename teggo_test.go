package teggo_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

// record is the test's journal of hooks: ConfigWillLoad runs on a fresh
// value before the container exists, so it cannot be injected.
var record struct {
	mu    sync.Mutex
	lines []string
}

func note(s string) {
	record.mu.Lock()
	record.lines = append(record.lines, s)
	record.mu.Unlock()
}

func notes() []string {
	record.mu.Lock()
	defer record.mu.Unlock()
	out := record.lines
	record.lines = nil
	return out
}

type Greeting struct {
	Text string `yaml:"text"`
}

type Hooks struct {
	proto.Singleton
	Cfg *config.Config `inject:""`
	G   *Greeting      `inject:"config.greet"`
}

func (*Hooks) ConfigWillLoad(ctx context.Context, cfg *config.Config) error {
	note("ConfigWillLoad")
	return cfg.Set("greet.text", "changed by ConfigWillLoad")
}
func (h *Hooks) ConfigDidLoad(context.Context) error { note("ConfigDidLoad " + h.G.Text); return nil }
func (*Hooks) DidLoad(context.Context) error         { note("DidLoad"); return nil }
func (*Hooks) WillReady(context.Context) error       { note("WillReady"); return nil }
func (*Hooks) DidReady(context.Context) error        { note("DidReady"); return nil }
func (*Hooks) ServerDidReady(context.Context) error  { note("ServerDidReady"); return nil }
func (*Hooks) BeforeClose(context.Context) error     { note("BeforeClose"); return nil }
func (*Hooks) Destroy(context.Context) error         { note("Destroy"); return nil }

func newApp(t *testing.T, opts ...teggo.Option) *teggo.App {
	t.Helper()
	base := []teggo.Option{
		teggo.Config(config.Dir("testdata/app/config"), config.Env("unittest")),
		teggo.RunDir(filepath.Join(t.TempDir(), "run")),
	}
	return teggo.New(append(base, opts...)...)
}

func TestLifecycleHooksInEggOrder(t *testing.T) {
	notes()
	app := newApp(t, teggo.Register(new(Hooks)), teggo.Section[Greeting]("greet"))
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := app.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"ConfigWillLoad", "ConfigDidLoad changed by ConfigWillLoad", "DidLoad", "WillReady", "DidReady", "ServerDidReady", "BeforeClose", "Destroy"}
	if got := notes(); !slices.Equal(got, want) {
		t.Fatalf("hooks ran %v, want %v", got, want)
	}
}

type SlowReady struct{ proto.Singleton }

func (*SlowReady) DidLoad(context.Context) error { return nil }
func (*SlowReady) WillReady(ctx context.Context) error {
	select {
	case <-time.After(5 * time.Second):
	case <-ctx.Done():
	}
	return nil
}

func TestStartTimeoutNamesTheHook(t *testing.T) {
	app := newApp(t, teggo.Register(new(SlowReady)), teggo.StartTimeout(200*time.Millisecond))
	err := app.Start(context.Background())
	var te *teggo.StartTimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("got %v", err)
	}
	if te.Hook != "WillReady of *teggo_test.SlowReady" || !strings.Contains(err.Error(), "DidLoad of *teggo_test.SlowReady (") {
		t.Fatalf("message %q", err)
	}
}

// Ping is a controller with a slow route, to prove shutdown finishes
// in-flight requests.
type Ping struct{ proto.Singleton }

type PingIn struct {
	Wait string `query:"wait"`
}

type PingOut struct {
	Pong bool `json:"pong"`
}

func (*Ping) Get(ctx context.Context, in PingIn) (*PingOut, error) {
	if d, err := time.ParseDuration(in.Wait); err == nil {
		time.Sleep(d)
	}
	return &PingOut{Pong: true}, nil
}

func TestServesAndShutsDownGracefully(t *testing.T) {
	app := newApp(t, teggo.Register(new(Ping), teggohttp.Controller[*Ping]("/ping"), teggohttp.GET("/", (*Ping).Get)))
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- app.Run(ctx) }()
	addr := waitAddr(t, app)

	slow := make(chan *http.Response, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/ping?wait=300ms")
		if err != nil {
			t.Error(err)
		}
		slow <- resp
	}()
	time.Sleep(100 * time.Millisecond) // the slow request is in flight
	cancel()
	resp := <-slow
	if resp == nil || resp.StatusCode != 200 {
		t.Fatalf("the in-flight request did not finish: %v", resp)
	}
	body, _ := io.ReadAll(resp.Body)
	var out PingOut
	if json.Unmarshal(body, &out); !out.Pong {
		t.Fatalf("body %s", body)
	}
	if err := <-ran; err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + addr + "/ping"); err == nil {
		t.Fatal("still accepting connections after shutdown")
	}
}

func waitAddr(t *testing.T, app *teggo.App) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if a := app.Addr(); a != "" {
			return a
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the app did not listen")
	return ""
}

func TestConfigDumpedWithSecretsRedacted(t *testing.T) {
	run := filepath.Join(t.TempDir(), "run")
	app := teggo.New(teggo.Config(config.Dir("testdata/app/config"), config.Env("unittest")), teggo.RunDir(run), teggo.NoListen())
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer app.Shutdown(context.Background())
	data, err := os.ReadFile(filepath.Join(run, "application_config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "s3cret") || !strings.Contains(string(data), "<String len: 6>") {
		t.Fatalf("dump %s", data)
	}
	if _, err := os.Stat(filepath.Join(run, "application_config_meta.json")); err != nil {
		t.Fatal(err)
	}
}

func TestBadConfigFailsStart(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte("greet:\n  text: [1, 2\n"), 0o644)
	app := teggo.New(teggo.Config(config.Dir(dir)), teggo.RunDir(filepath.Join(dir, "run")))
	err := app.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "config.default.yaml") {
		t.Fatalf("got %v", err)
	}
	os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte("greet:\n  text: [1, 2]\n"), 0o644)
	app = teggo.New(teggo.Config(config.Dir(dir)), teggo.RunDir(filepath.Join(dir, "run")), teggo.Section[Greeting]("greet"))
	err = app.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "greet.text") {
		t.Fatalf("got %v", err)
	}
}

type ClientController struct{ proto.Singleton }

func (*ClientController) Get(ctx context.Context) (*teggohttp.Client, error) {
	c := teggohttp.ClientOf(ctx)
	return &c, nil
}

func TestProxyModeFromConfig(t *testing.T) {
	app := teggo.New(teggo.Config(config.Dir("testdata/proxy")), teggo.RunDir(filepath.Join(t.TempDir(), "run")), teggo.Addr("127.0.0.1:0"),
		teggo.Register(new(ClientController), teggohttp.Controller[*ClientController]("/client"), teggohttp.GET("", teggohttp.NoIn((*ClientController).Get))))
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer app.Shutdown(context.Background())
	req, _ := http.NewRequest("GET", "http://"+app.Addr()+"/client", nil)
	req.Header.Set("X-Forwarded-For", "6.6.6.6, 198.51.100.9") // the client forged the first entry
	req.Header.Set("X-Forwarded-Host", "shop.example.com")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var c teggohttp.Client
	json.NewDecoder(res.Body).Decode(&c)
	if c.IP != "198.51.100.9" || c.Host != "shop.example.com" {
		t.Fatalf("got %+v", c)
	}
}

// TestRunReturnsWhyItStopped: Run returns the listen error (a port in
// use), so that main exits non-zero; TEGGO_ADDR sets the address when no
// Addr option does, over the config's http.addr.
func TestRunReturnsWhyItStopped(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	t.Setenv(teggo.AddrEnv, ln.Addr().String())
	err = newApp(t).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "listen on "+ln.Addr().String()) {
		t.Fatalf("Run on a port in use: %v, want the listen error", err)
	}
	// the Addr option comes before the variable
	app := newApp(t, teggo.Addr("127.0.0.1:0"))
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer app.Shutdown(context.Background())
	if app.Addr() == ln.Addr().String() {
		t.Fatal("the variable won over the Addr option")
	}
}

// TestOpenAPIInfoFromConfig: the OpenAPI document's title and version come
// from the config keys openapi.title and openapi.version.
func TestOpenAPIInfoFromConfig(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte("openapi:\n  title: topics\n  version: 2.1.0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	app := teggo.New(teggo.Config(config.Dir(dir), config.Env("unittest")), teggo.RunDir(filepath.Join(t.TempDir(), "run")), teggo.NoListen())
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer app.Shutdown(context.Background())
	rec := httptest.NewRecorder()
	app.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	var doc struct {
		Info struct{ Title, Version string } `json:"info"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.Info.Title != "topics" || doc.Info.Version != "2.1.0" {
		t.Fatalf("info %+v, %v (%d %s)", doc.Info, err, rec.Code, rec.Body.String())
	}
}
