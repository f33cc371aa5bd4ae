package http

import (
	"net/http"
	"testing"
	"time"
)

// NewServer's server has every limit set, zero fields take the defaults
// and negative ones turn the timeout off.
func TestLimitsDefaults(t *testing.T) {
	s := Limits{}.httpServer(http.NotFoundHandler())
	if s.ReadHeaderTimeout != 5*time.Second || s.ReadTimeout != 30*time.Second || s.WriteTimeout != 30*time.Second ||
		s.IdleTimeout != 120*time.Second || s.MaxHeaderBytes != 1<<20 {
		t.Fatalf("defaults: %+v", s)
	}
	s = Limits{ReadTimeout: time.Second, WriteTimeout: -1, MaxHeaderBytes: -5}.httpServer(http.NotFoundHandler())
	if s.ReadTimeout != time.Second || s.WriteTimeout != 0 || s.ReadHeaderTimeout != defaultReadHeaderTimeout || s.MaxHeaderBytes != defaultMaxHeaderBytes {
		t.Fatalf("overrides: %+v", s)
	}
}

func TestParseIPAndValidHost(t *testing.T) {
	for in, want := range map[string]string{
		"1.2.3.4": "1.2.3.4", "1.2.3.4:80": "1.2.3.4", "[2001:db8::1]": "2001:db8::1", "[2001:db8::1]:8080": "2001:db8::1",
		"2001:DB8::1": "2001:db8::1", "::ffff:10.0.0.1": "10.0.0.1",
		"<script>": "", "1.2.3": "", "fe80::1%eth0": "", "[1.2.3.4]": "", "unknown": "", "1.2.3.4:99999": "",
	} {
		got, ok := parseIP(in)
		if ok != (want != "") || got != want {
			t.Errorf("parseIP(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for in, want := range map[string]bool{
		"example.com": true, "shop.example.com:8443": true, "127.0.0.1": true, "[::1]:80": true, "localhost": true, "a-b.c.": true,
		"evil.com/<x>": false, "a b": false, "example.com:0": false, "example.com:+80": false, "::1": false, "-a.com": false,
		"[::1": false, "": false, "example..com": false, "x:": false,
	} {
		if got := validHost(in); got != want {
			t.Errorf("validHost(%q) = %v", in, got)
		}
	}
}

func BenchmarkClientOfForwarded(b *testing.B) {
	p := ProxyConfig{Enabled: true, MaxIPsCount: 2, IPHeaders: []string{"X-Forwarded-For"}, ProtocolHeaders: []string{"X-Forwarded-Proto"},
		HostHeaders: []string{"X-Forwarded-Host"}}
	r, _ := http.NewRequest("GET", "http://x/", nil)
	r.RemoteAddr = "10.0.0.2:5555"
	r.Header["X-Forwarded-For"] = []string{"6.6.6.6, 203.0.113.7", "10.0.0.1"}
	r.Header["X-Forwarded-Proto"] = []string{"https"}
	r.Header["X-Forwarded-Host"] = []string{"shop.example.com"}
	b.ReportAllocs()
	for b.Loop() {
		if c := p.client(r); c.IP != "203.0.113.7" {
			b.Fatal(c)
		}
	}
}
