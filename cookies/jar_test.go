package cookies

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestOverwriteDeleteOversizeAndStreaming(t *testing.T) {
	var logs bytes.Buffer
	k, _ := ParseKeys("k")
	srv := httptest.NewServer(Middleware(Config{Keys: k, Logger: slog.New(slog.NewTextHandler(&logs, nil))})(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			j := From(r.Context())
			j.Set("a", "1", &Options{Signed: Bool(false), Priority: "High"})
			j.Set("a", "2", &Options{Signed: Bool(false), Priority: "High"})
			j.Set("gone", "", &Options{Signed: Bool(false)})
			j.Set("big", strings.Repeat("x", 5000), &Options{Signed: Bool(false)})
			w.Write([]byte("stream"))
			w.(http.Flusher).Flush()
			j.Set("late", "x", &Options{Signed: Bool(false)}) // after headers: not sent
		})))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	sc := res.Header.Values("Set-Cookie")
	if len(sc) != 3 || !strings.HasPrefix(sc[0], "a=2;") || !strings.Contains(sc[0], "Priority=High") ||
		!strings.Contains(sc[0], "SameSite=Lax") || !strings.Contains(sc[1], "Max-Age=0") {
		t.Fatalf("Set-Cookie %q", sc)
	}
	if !strings.Contains(logs.String(), "exceeds 4093") {
		t.Fatalf("no oversize warning: %s", logs.String())
	}
}
