package main

import (
	"bytes"
	"os"
	"os/exec"
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

// With Graphviz's dot on PATH (.ci/run installs it), -o also writes an SVG.
func TestGraphWritesSVGWhenDotIsThere(t *testing.T) {
	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("Graphviz's dot is not on PATH (.ci/run installs it)")
	}
	var out, errb bytes.Buffer
	dir := t.TempDir()
	if code := run([]string{"graph", "-o", filepath.Join(dir, "g.dot"), "../../container/internal/woven"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	svg, err := os.ReadFile(filepath.Join(dir, "g.svg"))
	if err != nil || !strings.Contains(string(svg), "<svg") || !strings.Contains(string(svg), "woven.Topics") {
		t.Fatalf("no SVG drawn: %v\n%.300s", err, svg)
	}
}

func TestRoutesListsTheExampleService(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"routes", "../../example/topic", "../../example/advice"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		"METHOD", "STATUS", "TIMEOUT", "MIDDLEWARE", "GET     /api/v2/topics/:id", "POST    /api/v2/topics", "PUT     /api/v2/topics/:id", "Controller.Create",
		"201", "204", "example/topic/controller.go:42",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("routes lack %q:\n%s", want, got)
		}
	}
	// static paths rank before parameterised ones (tegg's priority)
	if strings.Index(got, "GET     /api/v2/topics ") > strings.Index(got, "GET     /api/v2/topics/:id") {
		t.Errorf("priority order:\n%s", got)
	}
}

// TestInspectSeesWhatTheAppProvides: what an App supplies (its own
// modules, the config, the logger) is no error, what the app's
// constructors provide is listed as the app's, and a real problem exits 1.
func TestInspectSeesWhatTheAppProvides(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"graph", "../../example/topic", "../../example/advice"}, &out, &errb); code != 0 {
		t.Fatalf("the example's topics: exit %d: %s", code, errb.String())
	}
	if got := errb.String(); !strings.Contains(got, "the app must Provide it") || !strings.Contains(got, "*sql.DB") || strings.Contains(got, "*config.Config") || strings.Contains(got, "background") {
		t.Errorf("stderr:\n%s", got)
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"graph", "./testdata/broken"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "TEGGO_CYCLE") {
		t.Fatalf("a cycle: exit %d: %s", code, errb.String())
	}
}
