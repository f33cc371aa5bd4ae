package teggo_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGuideSnippetsParse keeps the guides' Go snippets valid Go: every
// ```go block of README.md and docs/*.md must parse as a file, as
// declarations or as statements. (The README's quick start is compiled
// and run as example/quickstart; the guides' larger examples are Example
// functions and tests in their packages.)
func TestGuideSnippetsParse(t *testing.T) {
	files, _ := filepath.Glob("docs/*.md")
	files = append(files, "README.md")
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		for i := 0; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) != "```go" {
				continue
			}
			start := i + 1
			var b strings.Builder
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
				b.WriteString(lines[i] + "\n")
			}
			n++
			if err := parseSnippet(b.String()); err != nil {
				t.Errorf("%s:%d: the Go snippet does not parse: %v", f, start, err)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d Go snippets found: the docs moved?", n)
	}
}

// parseSnippet parses a guide snippet: a file, or top-level declarations
// and statements mixed, as guides write them (statements are moved into a
// function body). Placeholders for elided code — `{ ... }`, a line of
// `...`, a trailing `, ...` — are read as comments.
func parseSnippet(src string) error {
	src = placeholders.Replace(src)
	if strings.HasPrefix(strings.TrimSpace(src), "package ") {
		_, err := parser.ParseFile(token.NewFileSet(), "snippet.go", src, parser.ParseComments)
		return err
	}
	var decls, stmts strings.Builder
	inDecl := false
	for _, line := range strings.Split(src, "\n") {
		if t := strings.TrimSpace(line); t == "..." {
			line = "// ..."
		}
		if line != "" && line[0] != ' ' && line[0] != '\t' && line[0] != ')' && line[0] != '}' {
			inDecl = false
			for _, kw := range []string{"type ", "func ", "var ", "const ", "import ", "//"} {
				if strings.HasPrefix(line, kw) {
					inDecl = true
				}
			}
		}
		if inDecl {
			decls.WriteString(line + "\n")
		} else {
			stmts.WriteString(line + "\n")
		}
	}
	_, err := parser.ParseFile(token.NewFileSet(), "snippet.go",
		"package p\n"+decls.String()+"\nfunc _() {\n"+stmts.String()+"\n}\n", parser.ParseComments)
	return err
}

var placeholders = strings.NewReplacer("{ ... }", "{ /* ... */ }", "{...}", "{ /* ... */ }", ", ...\n", ", /* ... */\n", "}, ...", "}, /* ... */")
