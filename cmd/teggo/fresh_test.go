package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestFreshModuleFollowsTheDocs does what README.md and docs/generator.md
// tell a new user, literally, in a new module beside the checkout: get the
// generator as a tool, put the README's quick start in main.go with the
// documented go:generate line, go generate, build, and serve a request.
func TestFreshModuleFollowsTheDocs(t *testing.T) {
	if testing.Short() {
		t.Skip("short: builds a module")
	}
	_, here, _, _ := runtime.Caller(0)
	checkout, err := filepath.Abs(filepath.Join(filepath.Dir(here), "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(checkout, "example", "quickstart", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	_, quick, ok := strings.Cut(string(src), "// quickstart:begin\n")
	quick, _, _ = strings.Cut(quick, "// quickstart:end")
	if !ok {
		t.Fatal("no quick start in example/quickstart/main.go")
	}
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/fresh\n\ngo 1.26\n\nrequire github.com/teggo/teggo v0.0.0\n\nreplace github.com/teggo/teggo => "+checkout+"\n")
	write("main.go", "package main\n\n//go:generate go tool teggo gen .\n\nimport (\n\t\"context\"\n\t\"log\"\n\t\"log/slog\"\n\t\"time\"\n\n"+
		"\t\"github.com/teggo/teggo\"\n\t\"github.com/teggo/teggo/aop\"\n\t\"github.com/teggo/teggo/proto\"\n)\n\n"+quick)
	goCmd := func(args ...string) {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		// the module proxy does not know github.com/teggo/teggo: with it
		// off, go resolves the module through the replace, and the
		// dependencies come from the module cache the checkout filled
		// (their hashes unchecked: the sum database is out of reach too).
		// Otherwise as a user runs them: go.sum starts empty, read-only
		// builds.
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOPROXY=off", "GOSUMDB=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	goCmd("get", "-tool", "github.com/teggo/teggo/cmd/teggo") // the README's first command
	goCmd("generate", "./...")
	goCmd("mod", "tidy") // the README's last command: the library's own dependencies
	if _, err := os.Stat(filepath.Join(dir, "zz_teggo.go")); err != nil {
		t.Fatalf("go generate wrote no zz_teggo.go: %v", err)
	}
	goCmd("build", "-o", "app", ".")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	app := exec.Command(filepath.Join(dir, "app"))
	app.Dir = dir
	app.Env = append(os.Environ(), "TEGGO_ADDR="+addr, "TEGGO_ENV=local")
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = app.Process.Kill(); _ = app.Wait() }()
	var body []byte
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		res, err := http.Get("http://" + addr + "/greet?name=ann")
		if err != nil {
			continue
		}
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		break
	}
	if string(body) != "hello ann" {
		t.Fatalf("GET /greet?name=ann = %q, want the quick start's greeting", body)
	}
}
