package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
)

// `teggo graph` and `teggo routes` need the declarations of the user's
// packages, which only their code holds: they write a small throw-away
// program inside the module that installs every package's generated
// Module(), run it with `go run`, and delete it. Nothing of the app runs:
// the container is validated, never built, so no constructor is called.

func init() {
	register(&command{name: "graph", summary: "write the container's DOT picture (and an SVG beside it when Graphviz's dot is on PATH)", run: runGraph})
	register(&command{name: "routes", summary: "list the HTTP routes: method, path, priority, controller.method", run: runRoutes})
}

func runGraph(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("teggo graph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the DOT picture to this file instead of stdout; with Graphviz's dot on PATH, an SVG is written beside it (file.svg)")
	svg := fs.String("svg", "", "render the SVG to this file (needs Graphviz's dot)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: teggo graph [-o file.dot] [-svg file.svg] [packages]\n\n"+
			"Draws the protos of the packages' generated modules (default ./...) and their injections.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	dot, code := inspect("graph", fs.Args(), stderr)
	if code != 0 {
		return code
	}
	if *out == "" {
		stdout.Write(dot)
	} else if err := os.WriteFile(*out, dot, 0o644); err != nil {
		fmt.Fprintf(stderr, "teggo graph: %v\n", err)
		return 1
	}
	bin, dotErr := exec.LookPath("dot")
	if *svg == "" && *out != "" && dotErr == nil {
		*svg = strings.TrimSuffix(*out, filepath.Ext(*out)) + ".svg"
	}
	if *svg != "" {
		if dotErr != nil {
			fmt.Fprintf(stderr, "teggo graph: no SVG: Graphviz's dot is not on PATH (apt-get install graphviz)\n")
			return 1
		}
		cmd := exec.Command(bin, "-Tsvg", "-o", *svg)
		cmd.Stdin, cmd.Stderr = bytes.NewReader(dot), stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(stderr, "teggo graph: dot: %v\n", err)
			return 1
		}
	}
	return 0
}

func runRoutes(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("teggo routes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: teggo routes [packages]\n\nLists the HTTP routes of the packages' generated modules (default ./...) in registration order.\n")
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	table, code := inspect("routes", fs.Args(), stderr)
	if code == 0 {
		stdout.Write(table)
	}
	return code
}

func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// inspect runs the throw-away program in mode ("graph" or "routes") over
// the packages matching patterns and returns what it printed.
func inspect(mode string, patterns []string, stderr io.Writer) ([]byte, int) {
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedModule}, patterns...)
	if err != nil {
		fmt.Fprintf(stderr, "teggo %s: %v\n", mode, err)
		return nil, 1
	}
	type found struct{ path, dir string }
	var all []found
	var root string // the deepest directory holding every package
	for _, p := range pkgs {
		if p.Name == "main" || p.Module == nil {
			continue
		}
		for _, f := range p.GoFiles {
			if filepath.Base(f) == "zz_teggo.go" && hasModuleFunc(f) {
				all = append(all, found{p.PkgPath, filepath.Dir(f)})
				root = commonDir(root, filepath.Dir(f))
			}
		}
	}
	// The program lives in root; Go lets it import an internal package only
	// from below that package's parent of "internal".
	var imports []string
	for _, f := range all {
		if i := strings.LastIndex(f.dir+string(filepath.Separator), string(filepath.Separator)+"internal"+string(filepath.Separator)); i >= 0 {
			if parent := f.dir[:i]; root != parent && !strings.HasPrefix(root, parent+string(filepath.Separator)) {
				fmt.Fprintf(stderr, "teggo %s: skipping %s: an internal package, not importable from %s (name it alone to include it)\n", mode, f.path, root)
				continue
			}
		}
		imports = append(imports, f.path)
	}
	if len(imports) == 0 {
		fmt.Fprintf(stderr, "teggo %s: no package with a generated Module() (run teggo gen first)\n", mode)
		return nil, 1
	}
	dir, err := os.MkdirTemp(root, ".teggo-inspect-")
	if err != nil {
		fmt.Fprintf(stderr, "teggo %s: %v\n", mode, err)
		return nil, 1
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(inspectProgram(imports)), 0o644); err != nil {
		fmt.Fprintf(stderr, "teggo %s: %v\n", mode, err)
		return nil, 1
	}
	var out bytes.Buffer
	cmd := exec.Command("go", "run", ".", mode)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &out, stderr
	if err := cmd.Run(); err != nil {
		return nil, 1
	}
	return out.Bytes(), 0
}

func commonDir(a, b string) string {
	if a == "" {
		return b
	}
	for a != b && !strings.HasPrefix(b, a+string(filepath.Separator)) {
		a = filepath.Dir(a)
	}
	return a
}

func hasModuleFunc(file string) bool {
	data, err := os.ReadFile(file)
	return err == nil && bytes.Contains(data, []byte("\nfunc Module() proto.Module {"))
}

// inspectProgram is the throw-away program's source. It builds the
// container an App would, without running anything: the packages' modules,
// the App's own modules, and the *config.Config and *slog.Logger it
// supplies. What an app
// supplies itself (teggo.Provide, teggo.Section) is not in the packages:
// an inject site nothing here satisfies is listed as the app's to provide,
// not as an error; every other problem is an error and exits 1.
func inspectProgram(imports []string) string {
	var b strings.Builder
	b.WriteString("// Code written by teggo graph/routes; deleted after the run.\npackage main\n\nimport (\n\t\"fmt\"\n\t\"log/slog\"\n\t\"os\"\n\t\"strings\"\n\n")
	b.WriteString("\t\"github.com/teggo/teggo/background\"\n\t\"github.com/teggo/teggo/config\"\n\t\"github.com/teggo/teggo/container\"\n\t\"github.com/teggo/teggo/eventbus\"\n\tteggohttp \"github.com/teggo/teggo/http\"\n")
	for i, p := range imports {
		fmt.Fprintf(&b, "\tp%d %q\n", i, p)
	}
	b.WriteString(")\n\nfunc main() {\n\tc := container.New()\n\tc.Install(background.Module(), eventbus.Module()) // as an App does\n\tc.Supply(new(config.Config))\n\tc.Supply(slog.Default())\n")
	for i, p := range imports {
		if p == "github.com/teggo/teggo/background" || p == "github.com/teggo/teggo/eventbus" {
			continue // installed above, as an App does
		}
		fmt.Fprintf(&b, "\tc.Install(p%d.Module())\n", i)
	}
	b.WriteString(`	mode, failed := os.Args[1], false
	if err := c.Validate(); err != nil {
		var appOwn, real []error
		for _, e := range flatten(err) {
			if container.CodeOf(e) == container.CodeProtoNotFound && strings.Contains(e.Error(), ": nothing provides ") {
				appOwn = append(appOwn, e) // a constructor or config section of the app, most likely
			} else {
				real = append(real, e)
			}
		}
		for _, e := range appOwn {
			fmt.Fprintln(os.Stderr, "teggo "+mode+": not in these packages (the app must Provide it):", e)
		}
		for _, e := range real {
			fmt.Fprintln(os.Stderr, "teggo "+mode+":", e)
		}
		failed = len(real) > 0
	}
	switch mode {
	case "graph":
		fmt.Print(container.Graph(c))
	case "routes":
		routes, err := teggohttp.Routes(c)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%-7s %-36s %6s %8s %8s  %-28s %s\n", "METHOD", "PATH", "STATUS", "TIMEOUT", "PRIORITY", "HANDLER", "MIDDLEWARE")
		for _, r := range routes {
			path := r.Path
			if r.Host != "" {
				path = r.Host + path
			}
			timeout := "-"
			if r.Timeout > 0 {
				timeout = r.Timeout.String()
			}
			mw := strings.Join(r.Middleware, ",")
			if mw == "" {
				mw = "-"
			}
			fmt.Printf("%-7s %-36s %6d %8s %8d  %-28s %s  %s\n", r.Method, path, r.Status, timeout, r.Priority, r.Handler, mw, r.Pos)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// flatten lists the errors joined in err.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
`)
	return b.String()
}
