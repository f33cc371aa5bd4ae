package bench

// HTTP benchmarks: the teggo app and a plain echo v4 app doing
// the same by hand, side by side, in process (ServeHTTP into an
// httptest.ResponseRecorder):
//
//	cd bench && go test -run=NONE -bench=HTTP -benchmem -count=5
//
// BenchmarkHTTP reuses one request (the framework alone, the sharper
// ratio); BenchmarkHTTPRequest parses a new one per operation.
//
// Budgets: teggo ns/op ≤ echo ns/op / 0.85 for the context
// service (scope + injection); ≤ echo / 0.70 for the validated POST. hello
// and the AOP middleware are reported beside them, without a budget of
// their own. bench/ab.sh runs each benchmark in its own process (the
// steadiest measure); bench/wrk.sh measures the same apps over loopback.

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/teggo/teggo/ajv"
	"github.com/teggo/teggo/bench/cmd/httpbench/apps"
	teggohttp "github.com/teggo/teggo/http"
)

type httpCase struct {
	name, method, path, body string
	status                   int
	native                   bool // teggo only, validating with ajv.NativeBackend
	echoOnly                 bool // the plain echo app only
}

var httpCases = []httpCase{
	{"hello", "GET", "/hello", "", 200, false, false},
	{"scope", "GET", "/users/42", "", 200, false, false},
	{"aop", "GET", "/aop/hello", "", 200, false, false},
	{"post", "POST", "/topics", apps.TopicBody, 201, false, false},
	// the validated POST with teggo's native validator instead of the
	// default gojsonschema; compare with post/echo
	{"post-native", "POST", "/topics", apps.TopicBody, 201, true, false},
	// echo's common hand check (createTopicLax), skipping three of the contract's
	// rules (TestPostContractsAgree); for comparison, not a budget
	{"post-lax", "POST", "/topics/lax", apps.TopicBody, 201, false, true},
}

type httpServer struct {
	name string
	h    http.Handler
}

// httpServers builds the apps: echo and teggo for every case, and the teggo
// app with the native backend for the native cases.
func httpServers(b *testing.B) (all, native []httpServer) {
	log := slog.New(slog.DiscardHandler)
	tg, err := apps.Teggo(log)
	if err != nil {
		b.Fatal(err)
	}
	tn, err := apps.Teggo(log, teggohttp.Ajv(ajv.New(ajv.WithBackend(ajv.NativeBackend()))))
	if err != nil {
		b.Fatal(err)
	}
	return []httpServer{{"echo", apps.Echo()}, {"teggo", tg}}, []httpServer{{"teggo", tn}}
}

func serversFor(tc httpCase, all, native []httpServer) []httpServer {
	switch {
	case tc.native:
		return native
	case tc.echoOnly:
		return all[:1]
	}
	return all
}

// eachHTTPCase runs bench for every case on every app that serves it,
// after checking the app's answer.
func eachHTTPCase(b *testing.B, bench func(b *testing.B, h http.Handler, tc httpCase)) {
	all, native := httpServers(b)
	for _, tc := range httpCases {
		for _, s := range serversFor(tc, all, native) {
			b.Run(tc.name+"/"+s.name, func(b *testing.B) {
				check(b, s.h, tc)
				b.ReportAllocs()
				bench(b, s.h, tc)
			})
		}
	}
}

func BenchmarkHTTP(b *testing.B) {
	eachHTTPCase(b, func(b *testing.B, h http.Handler, tc httpCase) {
		// one request, its body rewound each time, and a fresh recorder:
		// what is measured is the framework
		req := httptest.NewRequest(tc.method, tc.path, nil)
		rd := strings.NewReader(tc.body)
		if tc.body != "" {
			req.Header.Set("Content-Type", "application/json")
			req.ContentLength = int64(len(tc.body))
		}
		for b.Loop() {
			if tc.body != "" {
				rd.Reset(tc.body)
				req.Body = io.NopCloser(rd)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
}

// BenchmarkHTTPRequest is BenchmarkHTTP with a new request parsed for every
// operation (httptest.NewRequest), as a server parses each request: the
// cost of a request end to end in process, without the network.
func BenchmarkHTTPRequest(b *testing.B) {
	eachHTTPCase(b, func(b *testing.B, h http.Handler, tc httpCase) {
		for b.Loop() {
			serve(h, tc)
		}
	})
}

func serve(h http.Handler, tc httpCase) *httptest.ResponseRecorder {
	var body io.Reader
	if tc.body != "" {
		body = strings.NewReader(tc.body)
	}
	req := httptest.NewRequest(tc.method, tc.path, body)
	if tc.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func check(b *testing.B, h http.Handler, tc httpCase) {
	b.Helper()
	rec := serve(h, tc)
	if rec.Code != tc.status {
		b.Fatalf("%s %s: %d %s", tc.method, tc.path, rec.Code, rec.Body)
	}
}
