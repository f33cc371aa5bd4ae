package teggo_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

type LeakController struct{ proto.Singleton }

func (*LeakController) Fail(ctx context.Context) error {
	return errors.New("query failed: dsn=postgres://admin:hunter2@db/app")
}

func leakApp(t *testing.T, opts ...teggo.Option) *teggo.App {
	t.Helper()
	return teggo.New(append([]teggo.Option{teggo.RunDir(filepath.Join(t.TempDir(), "run")),
		teggo.Register(new(LeakController), teggohttp.Controller[*LeakController]("/leak"),
			teggohttp.GET("", teggohttp.NoInOut((*LeakController).Fail)))}, opts...)...)
}

// The App shows 5xx details only in the local and unittest envs.
func TestAppErrorDetailsByEnv(t *testing.T) {
	for env, shows := range map[string]bool{"local": true, "unittest": true, "prod": false, "production": false, "PROD": false, "staging": false} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte("keys: k1\n"), 0o644) // prod-like envs need keys
		app := leakApp(t, teggo.Config(config.Dir(dir), config.Env(env)), teggo.NoListen())
		if err := app.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		app.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/leak", nil))
		_ = app.Shutdown(context.Background())
		if rec.Code != 500 || strings.Contains(rec.Body.String(), "hunter2") != shows {
			t.Errorf("env %q: %d %s", env, rec.Code, rec.Body)
		}
	}
}

// The http.* keys set the server's timeouts: an idle keep-alive connection
// is closed after http.idleTimeout, given in egg-style milliseconds.
func TestAppHTTPLimitsFromConfig(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte("http:\n  idleTimeout: 150\n  readTimeout: 2s\n  maxHeaderBytes: 4096\n"), 0o644)
	app := leakApp(t, teggo.Config(config.Dir(dir)), teggo.Addr("127.0.0.1:0"))
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer app.Shutdown(context.Background())
	conn, err := net.Dial("tcp", app.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	fmt.Fprint(conn, "GET /leak HTTP/1.1\r\nHost: x\r\n\r\n")
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("the idle connection was not closed: %v", err)
	}
}

// A value that does not fit fails Start with its file and key.
func TestAppHTTPLimitsRejectBadValues(t *testing.T) {
	for _, yaml := range []string{"http:\n  readTimeout: soon\n", "http:\n  writeTimeout: 1.5\n", "http:\n  maxHeaderBytes: -1\n", "http:\n  idleTimeout: [1]\n"} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "config.default.yaml"), []byte(yaml), 0o644)
		err := leakApp(t, teggo.Config(config.Dir(dir)), teggo.NoListen()).Start(context.Background())
		key := "http." + strings.TrimSpace(strings.SplitN(strings.SplitN(yaml, "\n", 3)[1], ":", 2)[0])
		if err == nil || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "config.default.yaml") {
			t.Errorf("%q: got %v", yaml, err)
		}
	}
}
