package teggo_test

import (
	"go/scanner"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// notErrorCodes are the "TEGGO_..." string literals of the sources that
// are not error codes, with what they are. Every other such literal is an
// error code and must have its section in docs/errors.md.
var notErrorCodes = map[string]string{
	"TEGGO_ADDR": "teggo.AddrEnv: the environment variable that sets the listen address",
	"TEGGO_ENV":  "config.EnvVar: the environment variable that selects the config env",
	"TEGGO_SESS": "session.DefaultKey: the session cookie's default name",
}

// errorCodePattern is the shape of a code, and of a literal that may be one.
var errorCodePattern = regexp.MustCompile(`^TEGGO_[A-Z0-9_]+$`)

// TestErrorReferenceCoversEveryCode keeps docs/errors.md complete and
// true: every "TEGGO_..." string literal of the module's non-test Go
// sources (but notErrorCodes) has a `### CODE` section there, and every
// `### ` section names a code the sources define. A section ends with its
// fix.
func TestErrorReferenceCoversEveryCode(t *testing.T) {
	codes, literals := errorCodeLiterals(t)
	if len(codes) < 50 {
		t.Fatalf("only %d error codes found in the sources: the scan is broken?", len(codes))
	}
	for name, what := range notErrorCodes {
		if _, ok := literals[name]; !ok {
			t.Errorf("notErrorCodes lists %s (%s), which no source defines any more: drop it", name, what)
		}
	}
	sections := errorSections(t, "docs/errors.md")
	for _, code := range sortedKeys(codes) {
		if _, ok := sections[code]; !ok {
			t.Errorf("%s (%s) has no `### %s` section in docs/errors.md: say what it means, what triggers it, its message and its fix", code, codes[code], code)
		}
	}
	for _, name := range sortedKeys(sections) {
		s := sections[name]
		switch {
		case notErrorCodes[name] != "":
			t.Errorf("docs/errors.md:%d: %s is no error code (%s)", s.line, name, notErrorCodes[name])
		case codes[name] == "":
			t.Errorf("docs/errors.md:%d: `### %s` names no error code of the sources: a typo, or a code that was removed", s.line, name)
		}
		if s.count > 1 {
			t.Errorf("docs/errors.md:%d: %s has %d sections", s.line, name, s.count)
		}
		if !strings.Contains(s.body, "**Fix:**") {
			t.Errorf("docs/errors.md:%d: the section of %s says no **Fix:**", s.line, name)
		}
	}
}

// errorCodeLiterals scans the module's non-test Go sources for string
// literals shaped like a code. codes maps each error code to where it is
// first written; literals holds every such literal, codes or not.
func errorCodeLiterals(t *testing.T) (codes map[string]string, literals map[string]bool) {
	t.Helper()
	out, err := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard", "*.go").Output()
	if err != nil {
		t.Skipf("git ls-files: %v", err)
	}
	codes, literals = map[string]string{}, map[string]bool{}
	for _, f := range strings.Fields(string(out)) {
		slashed := filepath.ToSlash(f)
		if strings.HasSuffix(f, "_test.go") || strings.HasPrefix(slashed, "bench/") || strings.Contains("/"+slashed, "/testdata/") {
			continue // tests, the benchmark module and fixtures define no code
		}
		src, err := os.ReadFile(f)
		if err != nil {
			continue // deleted in the work tree
		}
		fset := token.NewFileSet()
		var s scanner.Scanner
		s.Init(fset.AddFile(f, -1, len(src)), src, nil, 0) // comments skipped
		for {
			pos, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok != token.STRING {
				continue
			}
			v, err := strconv.Unquote(lit)
			if err != nil || !errorCodePattern.MatchString(v) {
				continue
			}
			literals[v] = true
			if _, skip := notErrorCodes[v]; !skip && codes[v] == "" {
				codes[v] = fset.Position(pos).String()
			}
		}
	}
	return codes, literals
}

// section is one `### NAME` section of a Markdown file.
type section struct {
	line  int    // the heading's line, 1-based
	count int    // how many sections have this name
	body  string // the text up to the next heading
}

// errorSections reads the `### ` sections of path, by name.
func errorSections(t *testing.T, path string) map[string]*section {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*section{}
	var cur *section
	fence := false
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "```") {
			fence = !fence
		}
		switch {
		case !fence && strings.HasPrefix(l, "### "):
			name := strings.TrimSpace(strings.TrimPrefix(l, "### "))
			if prev := out[name]; prev != nil {
				prev.count++
				cur = &section{} // the duplicate's text is checked with nothing
				continue
			}
			cur = &section{line: i + 1, count: 1}
			out[name] = cur
		case !fence && strings.HasPrefix(l, "## "):
			cur = nil
		case cur != nil:
			cur.body += l + "\n"
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no ### sections", path)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
