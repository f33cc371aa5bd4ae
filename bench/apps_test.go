package bench

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/teggo/teggo/bench/cmd/httpbench/apps"
)

// TestPostContractsAgree proves that the plain echo app's POST /topics does
// the same as teggo's: a plain echo v4 server doing the same by hand, so
// that the two are compared on equal work. Every body gets the same status
// from both. The lax handler answers otherwise to the rows marked lax: it
// accepts bodies teggo refuses, and misses the body limit and trailing
// data.
func TestPostContractsAgree(t *testing.T) {
	tg, err := apps.Teggo(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ec := apps.Echo()
	const ok = `{"title":"Hello teggo","body":"a body of text","tags":["go","di"],"priority":3,"draft":false,"author":"fengmk2"}`
	cases := []struct {
		name, ctype, body string
		status            int
		lax               bool // the lax handler answers otherwise
	}{
		{"valid", "application/json", ok, 201, false},
		{"valid with charset", "application/json; charset=utf-8", ok, 201, false},
		{"missing draft", "application/json", strings.Replace(ok, `,"draft":false`, ``, 1), 422, true},
		{"missing tags", "application/json", strings.Replace(ok, `"tags":["go","di"],`, ``, 1), 422, true},
		{"missing body", "application/json", strings.Replace(ok, `"body":"a body of text",`, ``, 1), 422, true},
		{"null tags", "application/json", strings.Replace(ok, `["go","di"]`, `null`, 1), 422, true},
		{"unknown member", "application/json", strings.Replace(ok, `{`, `{"admin":true,`, 1), 422, true},
		{"title too long", "application/json", strings.Replace(ok, "Hello teggo", strings.Repeat("x", 101), 1), 422, false},
		{"empty title", "application/json", strings.Replace(ok, "Hello teggo", "", 1), 422, false},
		{"six tags", "application/json", strings.Replace(ok, `["go","di"]`, `["a","b","c","d","e","f"]`, 1), 422, false},
		{"priority out of range", "application/json", strings.Replace(ok, `"priority":3`, `"priority":9`, 1), 422, false},
		{"priority a string", "application/json", strings.Replace(ok, `"priority":3`, `"priority":"3"`, 1), 422, true},
		{"author too short", "application/json", strings.Replace(ok, "fengmk2", "f", 1), 422, false},
		{"malformed", "application/json", `{"title":`, 400, false},
		{"two values", "application/json", ok + ok, 400, true},
		{"not JSON", "text/plain", ok, 415, false},
		{"over the limit", "application/json", `{"title":"` + strings.Repeat("x", 1<<20) + `"}`, 413, true},
	}
	status := func(h http.Handler, path, ctype, body string) int {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := status(tg, "/topics", tc.ctype, tc.body); got != tc.status {
				t.Errorf("teggo: %d, want %d", got, tc.status)
			}
			if got := status(ec, "/topics", tc.ctype, tc.body); got != tc.status {
				t.Errorf("echo: %d, want %d", got, tc.status)
			}
			if got := status(ec, "/topics/lax", tc.ctype, tc.body); (got != tc.status) != tc.lax {
				t.Errorf("echo lax: %d, lax=%v", got, tc.lax)
			}
		})
	}
}
