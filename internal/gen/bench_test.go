package gen

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// synthesize writes a package with n protos (each with three inject
// fields, four methods of different shapes and a pointcut) under
// testdata, inside the module, and returns its directory.
func synthesize(tb testing.TB, n int) string {
	tb.Helper()
	dir, err := os.MkdirTemp("testdata", "synth")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	const perFile = 20
	head := `package synth

import (
	"context"
	"io"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)
`
	adv := head + `
// Log is an advice.
type Log struct{ proto.Singleton }

// BeforeCall logs.
func (l *Log) BeforeCall(c aop.Call) error { return nil }

var _ io.Writer
var _ context.Context
`
	if err := os.WriteFile(filepath.Join(dir, "log.go"), []byte(adv), 0o644); err != nil {
		tb.Fatal(err)
	}
	for f := 0; f*perFile < n; f++ {
		var b strings.Builder
		b.WriteString(head)
		b.WriteString("\nvar _ aop.Next\n")
		for i := f * perFile; i < min(n, (f+1)*perFile); i++ {
			fmt.Fprintf(&b, `
// Svc%[1]d is proto %[1]d.
type Svc%[1]d struct {
	proto.Singleton `+"`name:\"svc%[1]d\" access:\"public\"`"+`
	Log  *Log      `+"`inject:\"\"`"+`
	Out  io.Writer `+"`inject:\"out\" optional:\"true\"`"+`
	Next []io.Writer `+"`inject:\"\" group:\"writers\"`"+`
}

// Create creates.
//
//teggo:pointcut Log order=10 k=v
func (s *Svc%[1]d) Create(ctx context.Context, title string, tags ...string) (string, error) { return title, nil }

// Get gets.
func (s *Svc%[1]d) Get(ctx context.Context, id int) (*Svc%[1]d, bool, error) { return s, true, nil }

// Touch touches.
func (s *Svc%[1]d) Touch(context.Context, int) {}

// Count counts.
func (s Svc%[1]d) Count() int { return 0 }
`, i)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("svc%02d.go", f)), []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return abs
}

// TestGenerateMany generates a package of 200 protos, and type-checks the
// output for 20 of them. The generation time is logged (go test -v); the
// budgets are measured by BenchmarkGenerate200 and BenchmarkCompile200,
// not asserted here.
func TestGenerateMany(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := synthesize(t, 200)
	start := time.Now()
	files, err := Generate(Config{Dir: dir, Patterns: []string{"."}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("teggo gen, 200 protos: %v, %d bytes", time.Since(start), len(files[0].Content))
	dir = synthesize(t, 20)
	files, err = Generate(Config{Dir: dir, Patterns: []string{"."}})
	if err != nil {
		t.Fatal(err)
	}
	compileCheck(t, dir, files[0])
}

// BenchmarkGenerate200 measures Generate (load, analyse, emit, gofmt) on
// one package of 200 protos.
func BenchmarkGenerate200(b *testing.B) {
	dir := synthesize(b, 200)
	for b.Loop() {
		if _, err := Generate(Config{Dir: dir, Patterns: []string{"."}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompile200 measures the Go compiler on a package of 200 protos
// and its generated code (the budget: 4 s): each run changes a constant so
// that the build cache does not answer.
func BenchmarkCompile200(b *testing.B) {
	dir := synthesize(b, 200)
	files, err := Generate(Config{Dir: dir, Patterns: []string{"."}})
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(files[0].Path, files[0].Content, 0o644); err != nil {
		b.Fatal(err)
	}
	build := func(i int) {
		src := fmt.Sprintf("package synth\n\nconst run = %d\n", i)
		if err := os.WriteFile(filepath.Join(dir, "run.go"), []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command("go", "build", "-o", os.DevNull, ".")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
	}
	build(-1) // the dependencies, into the cache
	b.ResetTimer()
	i := 0
	for b.Loop() {
		build(i)
		i++
	}
	b.ReportMetric(float64(bytes.Count(files[0].Content, []byte("\n"))), "lines")
}
