package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGraphDrawsAGeneratedModule(t *testing.T) {
	var out, errb bytes.Buffer
	dotFile := filepath.Join(t.TempDir(), "g.dot")
	if code := run([]string{"graph", "-o", dotFile, "../../container/internal/woven"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	dot, err := os.ReadFile(dotFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"digraph teggo {", `label="woven.Topics\ntopics\nsingleton, public"`, `[label="Repo"]`, `[label="User" style=dashed]`} {
		if !strings.Contains(string(dot), want) {
			t.Errorf("graph lacks %s:\n%s", want, dot)
		}
	}
	if entries, _ := filepath.Glob("../../container/internal/woven/.teggo-inspect-*"); len(entries) != 0 {
		t.Fatalf("left its program behind: %v", entries)
	}
}

func TestGraphWithoutModules(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"graph", "../../internal/suggest"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "run teggo gen first") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}
