package http

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// ProxyConfig is egg's proxy mode: when the app runs behind reverse
// proxies, the client's IP, protocol and host come from headers the proxies
// set. Off (the default), those headers are ignored: a client could forge
// them.
type ProxyConfig struct {
	// Enabled turns proxy mode on (egg's `proxy`).
	Enabled bool
	// IPHeaders are the headers that carry the client IP chain, the first
	// present one wins (egg's `ipHeaders`; default X-Forwarded-For).
	IPHeaders []string
	// MaxIPsCount keeps only the last N addresses of the chain — those the
	// app's own N proxies appended — so a client cannot spoof its IP by
	// sending a forged chain (egg's `maxIpsCount`; 0 keeps them all).
	MaxIPsCount int
	// ProtocolHeaders carry the original protocol (egg's
	// `protocolHeaders`; default X-Forwarded-Proto).
	ProtocolHeaders []string
	// HostHeaders carry the original host (egg's `hostHeaders`; default
	// none: the Host header is used).
	HostHeaders []string
}

// Proxy sets proxy mode (see ProxyConfig). Host-bound routes match the host
// it gives; ClientOf reports what it gives.
func Proxy(p ProxyConfig) ServerOption {
	return func(c *config) {
		if len(p.IPHeaders) == 0 {
			p.IPHeaders = []string{echo.HeaderXForwardedFor}
		}
		if len(p.ProtocolHeaders) == 0 {
			p.ProtocolHeaders = []string{echo.HeaderXForwardedProto}
		}
		c.proxy = p
	}
}

// Client is what a request says of its client, read as proxy mode says.
type Client struct {
	// IP is the client's address: the first of IPs, else the peer's.
	IP string
	// IPs is the forwarded chain, client first (empty without proxy mode).
	IPs []string
	// Protocol is "https" or "http".
	Protocol string
	// Host is the requested host, without port.
	Host string
}

// ClientOf returns the client of the request ctx belongs to, as proxy mode
// says; the zero Client outside a request.
func ClientOf(ctx context.Context) Client {
	rc := requestState(ctx)
	if rc == nil {
		return Client{}
	}
	return rc.m.cfg.proxy.client(rc.ec.Request())
}

// client reads r's client as p says (koa's request.ip, ips, protocol and
// host).
func (p ProxyConfig) client(r *http.Request) Client {
	cl := Client{Protocol: "http", Host: hostOf(r.Host)}
	if r.TLS != nil {
		cl.Protocol = "https"
	}
	if p.Enabled {
		cl.IPs = p.ips(r)
		if r.TLS == nil {
			if v := first(r.Header, p.ProtocolHeaders); v != "" {
				cl.Protocol = strings.ToLower(v)
			}
		}
		if v := first(r.Header, p.HostHeaders); v != "" {
			cl.Host = hostOf(v)
		}
	}
	if len(cl.IPs) > 0 {
		cl.IP = cl.IPs[0]
	} else if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		cl.IP = host
	} else {
		cl.IP = r.RemoteAddr
	}
	return cl
}

// ips reads the forwarded chain from the first IP header present, keeping
// the last MaxIPsCount entries.
func (p ProxyConfig) ips(r *http.Request) []string {
	for _, h := range p.IPHeaders {
		v := r.Header.Get(h)
		if v == "" {
			continue
		}
		var ips []string
		for part := range strings.SplitSeq(v, ",") {
			if ip := strings.TrimSpace(part); ip != "" {
				ips = append(ips, ip)
			}
		}
		if p.MaxIPsCount > 0 && len(ips) > p.MaxIPsCount {
			ips = ips[len(ips)-p.MaxIPsCount:]
		}
		return ips
	}
	return nil
}

// first returns the first value (before any comma) of the first header of
// names present in h.
func first(h http.Header, names []string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			v, _, _ = strings.Cut(v, ",")
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// requestHost is the host a request is routed by: the proxied host in
// proxy mode, else the Host header.
func (p ProxyConfig) requestHost(r *http.Request) string {
	if p.Enabled {
		if v := first(r.Header, p.HostHeaders); v != "" {
			return hostOf(v)
		}
	}
	return hostOf(r.Host)
}

// ipExtractor makes echo's RealIP agree with ClientOf.
func (p ProxyConfig) ipExtractor() echo.IPExtractor {
	return func(r *http.Request) string { return p.client(r).IP }
}
