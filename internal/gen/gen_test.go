package gen

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenCases are the packages under testdata/src. A valid case's
// expected zz_teggo.go is testdata/golden/NAME.golden; an invalid one's
// expected errors are testdata/golden/NAME.err.golden, with file names
// relative to the case's directory.
var goldenCases = []struct {
	name    string
	wantErr bool
	// available forces the availability of runtime packages.
	available map[string]bool
	// noCompile: the runtime packages the output calls are faked as
	// available; the compile check runs only when they really are.
	noCompile bool
}{
	{name: "basic"},
	{name: "methods"},
	{name: "promoted"},
	{name: "advice"},
	{name: "collide"},
	{name: "stale"},
	{name: "routes"},
	{name: "crosspkg"},
	{name: "runtime", available: map[string]bool{eventbusPath: true, schedulePath: true}, noCompile: true},
	{name: "badtags", wantErr: true},
	{name: "baddirectives", wantErr: true},
	{name: "badbind", wantErr: true},
	{name: "badmethods", wantErr: true},
	{name: "badmodule", wantErr: true},
	{name: "unavailable", wantErr: true, available: map[string]bool{eventbusPath: false, schedulePath: false, httpPath: false}},
}

func caseDir(t testing.TB, name string) string {
	dir, err := filepath.Abs(filepath.Join("testdata", "src", name))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := caseDir(t, tc.name)
			cfg := Config{Dir: dir, Patterns: []string{"."}, available: tc.available}
			files, err := Generate(cfg)
			var got []byte
			golden := filepath.Join("testdata", "golden", tc.name+".golden")
			if tc.wantErr {
				golden = filepath.Join("testdata", "golden", tc.name+".err.golden")
				var list ErrorList
				if !errors.As(err, &list) {
					t.Fatalf("want an ErrorList, got files=%d err=%v", len(files), err)
				}
				got = []byte(list.Relative(dir).Error() + "\n")
			} else {
				if err != nil {
					t.Fatalf("Generate: %v", err)
				}
				if len(files) != 1 || files[0].Content == nil {
					t.Fatalf("want one generated file, got %d", len(files))
				}
				if want := filepath.Join(dir, FileName); files[0].Path != want {
					t.Fatalf("path = %s, want %s", files[0].Path, want)
				}
				got = files[0].Content
			}
			compareGolden(t, golden, got)
			if tc.wantErr {
				return
			}
			// Determinism: a second run gives the same bytes.
			again, err := Generate(cfg)
			if err != nil || len(again) != 1 || !bytes.Equal(again[0].Content, got) {
				t.Fatalf("second run differs (err=%v)", err)
			}
			if !tc.noCompile {
				compileCheck(t, dir, files[0])
				return
			}
			// The runtime packages were faked as available: compile the
			// output only if they really are, now.
			real, err := Generate(Config{Dir: dir, Patterns: []string{"."}})
			if err != nil {
				t.Logf("compile check skipped: %v", err)
				return
			}
			compileCheck(t, dir, real[0])
		})
	}
}

func compareGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/gen -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test ./internal/gen -update and review the diff):\n%s", golden, lineDiff(string(want), string(got)))
	}
}

// compileCheck type-checks the package of dir with the generated file in
// place of whatever zz_teggo.go is on disk.
func compileCheck(t *testing.T, dir string, f File) {
	t.Helper()
	cfg := &packages.Config{
		Mode:    packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo,
		Dir:     dir,
		Overlay: map[string][]byte{f.Path: f.Content},
	}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		t.Fatal(err)
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			t.Errorf("generated code does not compile: %v", e)
		}
	})
}

// lineDiff shows the first differing lines.
func lineDiff(want, got string) string {
	w, g := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	var b bytes.Buffer
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 20; i++ {
		var wl, gl []byte
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if !bytes.Equal(wl, gl) {
			shown++
			b.WriteString("line ")
			b.WriteString(itoa(i + 1))
			b.WriteString(":\n  want: ")
			b.Write(wl)
			b.WriteString("\n  got:  ")
			b.Write(gl)
			b.WriteString("\n")
		}
	}
	return b.String()
}

func itoa(i int) string { return string(appendInt(nil, i)) }

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

// TestTestOnlyPackage: a package of tests only has nothing to generate
// and is no error, so `teggo gen ./...` passes over it.
func TestTestOnlyPackage(t *testing.T) {
	files, err := Generate(Config{Dir: "testdata/src", Patterns: []string{"./onlytests"}})
	if err != nil || len(files) != 0 {
		t.Fatalf("Generate = %d files, %v; want nothing and no error", len(files), err)
	}
}

// TestUnavailablePackageSaysWhy: a runtime package that cannot be loaded
// (a go.sum entry missing, a module not required) is reported with go's
// own reason, not as a bare "not available".
func TestUnavailablePackageSaysWhy(t *testing.T) {
	a := newAvailability(Config{Dir: "."}, nil)
	if err := a.load([]string{"github.com/teggo/teggo/nowhere"}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := a.lookup("github.com/teggo/teggo/nowhere", ""); ok {
		t.Fatal("a package that does not exist is available")
	}
	if r := a.reason("github.com/teggo/teggo/nowhere"); !strings.Contains(r, "github.com/teggo/teggo/nowhere") {
		t.Fatalf("reason %q, want go's load error", r)
	}
}
