package teggo_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGuideSnippetsAreCompiledCode keeps the guides from rotting: every
// ```go block of README.md and docs/*.md must appear verbatim (trailing
// spaces aside) in a .go file of the repository — an Example function, a
// test, a package of the example app or the code itself — so that the
// compiler and the tests check it. A block may opt out only with a line
// `<!-- snippet: not compiled: REASON -->` right above it; keep those rare.
func TestGuideSnippetsAreCompiledCode(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard", "*.go").Output()
	if err != nil {
		t.Skipf("git ls-files: %v", err)
	}
	var corpus strings.Builder
	for _, f := range strings.Fields(string(out)) {
		if filepath.Base(f) == "docs_test.go" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			continue // deleted in the work tree
		}
		corpus.WriteString(normalize(string(data)) + "\n")
	}
	code := corpus.String()
	docs, _ := filepath.Glob("docs/*.md")
	docs = append(docs, "README.md")
	n, skipped := 0, 0
	for _, doc := range docs {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for i := 0; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) != "```go" {
				continue
			}
			optOut := i > 0 && strings.HasPrefix(strings.TrimSpace(lines[i-1]), "<!-- snippet: not compiled:")
			start := i + 1
			var b strings.Builder
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
				b.WriteString(lines[i] + "\n")
			}
			n++
			if optOut {
				skipped++
				continue
			}
			if !strings.Contains(code, normalize(b.String())) {
				t.Errorf("%s:%d: this Go snippet is not in any .go file: put it in an Example, a test or the example app, and copy it verbatim", doc, start)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d Go snippets found: the docs moved?", n)
	}
	if skipped > n/10 {
		t.Errorf("%d of %d snippets opt out of compilation: keep that rare", skipped, n)
	}
}

// normalize drops trailing spaces and the blank lines around a text.
func normalize(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.Join(lines, "\n")
}
