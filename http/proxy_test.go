package http_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/teggo/teggo/container"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

type WhoController struct{ proto.Singleton }

func (*WhoController) Who(ctx context.Context) (*teggohttp.Client, error) {
	c := teggohttp.ClientOf(ctx)
	return &c, nil
}

type HostOnly struct{ proto.Singleton }

func (*HostOnly) Hi(ctx context.Context) (*teggohttp.Client, error) {
	c := teggohttp.ClientOf(ctx)
	return &c, nil
}

func proxyServer(t *testing.T, opts ...teggohttp.ServerOption) *httptest.Server {
	t.Helper()
	c := container.New()
	c.Register(new(WhoController), new(HostOnly),
		teggohttp.Controller[*WhoController]("/who"),
		teggohttp.GET("", teggohttp.NoIn((*WhoController).Who)),
		teggohttp.Controller[*HostOnly]("/hi", teggohttp.Host("api.example.com")),
		teggohttp.GET("", teggohttp.NoIn((*HostOnly).Hi)),
	)
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv, err := teggohttp.NewServer(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func who(t *testing.T, url string, headers map[string]string) (int, teggohttp.Client) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var c teggohttp.Client
	json.Unmarshal(body, &c)
	return res.StatusCode, c
}

var spoofed = map[string]string{
	"X-Forwarded-For":   "6.6.6.6, 203.0.113.7, 10.0.0.2",
	"X-Forwarded-Proto": "https",
	"X-Forwarded-Host":  "api.example.com",
}

func TestProxyModeOffIgnoresForwardedHeaders(t *testing.T) {
	ts := proxyServer(t)
	_, c := who(t, ts.URL+"/who", spoofed)
	if c.IP != "127.0.0.1" || c.Protocol != "http" || len(c.IPs) != 0 || c.Host != "127.0.0.1" {
		t.Fatalf("forwarded headers trusted without proxy mode: %+v", c)
	}
	if code, _ := who(t, ts.URL+"/hi", spoofed); code != http.StatusNotFound {
		t.Fatalf("a forged X-Forwarded-Host reached a host-bound route: %d", code)
	}
}

func TestProxyModeReadsHeadersAndBoundsTheChain(t *testing.T) {
	ts := proxyServer(t, teggohttp.Proxy(teggohttp.ProxyConfig{Enabled: true, MaxIPsCount: 2, HostHeaders: []string{"X-Forwarded-Host"}}))
	_, c := who(t, ts.URL+"/who", spoofed)
	// The app sits behind two proxies: only the last two entries are theirs;
	// "6.6.6.6" was sent by the client to spoof its address.
	if c.IP != "203.0.113.7" || len(c.IPs) != 2 || c.Protocol != "https" || c.Host != "api.example.com" {
		t.Fatalf("got %+v", c)
	}
	if code, c := who(t, ts.URL+"/hi", spoofed); code != http.StatusOK || c.Host != "api.example.com" {
		t.Fatalf("the proxied host did not route: %d %+v", code, c)
	}
	_, c = who(t, ts.URL+"/who", map[string]string{"X-Real-Ip": "1.2.3.4"})
	if c.IP != "127.0.0.1" {
		t.Fatalf("an unconfigured header was trusted: %+v", c)
	}
	ts2 := proxyServer(t, teggohttp.Proxy(teggohttp.ProxyConfig{Enabled: true, IPHeaders: []string{"X-Real-Ip", "X-Forwarded-For"}}))
	if _, c := who(t, ts2.URL+"/who", map[string]string{"X-Real-Ip": "1.2.3.4", "X-Forwarded-For": "5.6.7.8"}); c.IP != "1.2.3.4" {
		t.Fatalf("ipHeaders order: %+v", c)
	}
}
