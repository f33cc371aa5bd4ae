package main

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/teggotest"
)

func TestQuickstartServes(t *testing.T) {
	app := teggotest.Start(t, teggo.Modules(Module()))
	res := app.GET("/greet?name=ann").ExpectStatus(t, http.StatusOK)
	if got, ct := string(res.Body), res.Header.Get("Content-Type"); got != "hello ann" || !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("got %q as %s, want the string as text/plain", got, ct)
	}
	app.GET("/greet").ExpectStatus(t, http.StatusUnprocessableEntity)
}

// The README shows this file's quick start; it must not drift.
func TestREADMEQuickStartIsThisFile(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(src), "// quickstart:begin\n")
	body, _, _ = strings.Cut(body, "// quickstart:end")
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+strings.TrimSpace(body)+"\n```") {
		t.Fatal("README.md's quick start differs from example/quickstart/main.go (between the quickstart markers): copy it over")
	}
}
