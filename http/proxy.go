package http

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// ProxyConfig is egg's proxy mode: when the app runs behind reverse
// proxies, the client's IP, protocol and host come from headers the proxies
// set. Off (the default), those headers are ignored: a client could forge
// them.
//
// Every line of a header counts: the lines are joined with commas in the
// order received, as Node (and so koa and egg) joins X-Forwarded-* lines,
// so a client cannot hide a forged chain behind a second header line that
// Header.Get would pick.
type ProxyConfig struct {
	// Enabled turns proxy mode on (egg's `proxy`).
	Enabled bool
	// IPHeaders are the headers that carry the client IP chain, the first
	// present one wins (egg's `ipHeaders`; default X-Forwarded-For).
	IPHeaders []string
	// MaxIPsCount keeps only the last N addresses of the chain — those the
	// app's own N proxies appended — so a client cannot spoof its IP by
	// sending a forged chain (egg's `maxIpsCount`; 0 keeps them all). The
	// client IP is the first address kept: the N-th from the right.
	MaxIPsCount int
	// ProtocolHeaders carry the original protocol (egg's
	// `protocolHeaders`; default X-Forwarded-Proto). Only "http" and
	// "https" are taken.
	ProtocolHeaders []string
	// HostHeaders carry the original host (egg's `hostHeaders`; default
	// none: the Host header is used). Only a valid host[:port] is taken.
	HostHeaders []string
}

// maxChain bounds the forwarded chain read: a longer one is refused, and
// the peer's address is the client's.
const maxChain = 64

// Proxy sets proxy mode (see ProxyConfig). Host-bound routes match the host
// it gives; ClientOf and echo's c.RealIP() report what it gives.
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
	// IPs is the forwarded chain, client first, each a parsed address
	// (empty without proxy mode, or when the chain has an entry that is not
	// an IP address).
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
			if v := strings.ToLower(first(r.Header, p.ProtocolHeaders)); v == "http" || v == "https" {
				cl.Protocol = v
			}
		}
		if v := first(r.Header, p.HostHeaders); v != "" && validHost(v) {
			cl.Host = hostOf(v)
		}
	}
	if len(cl.IPs) > 0 {
		cl.IP = cl.IPs[0]
	} else {
		cl.IP = peerIP(r.RemoteAddr)
	}
	return cl
}

// peerIP is the address of the connection's peer, without its port.
func peerIP(remote string) string {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap().String()
	}
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return remote
}

// ips reads the forwarded chain from the first IP header present — all its
// lines, comma-joined in order — keeping the last MaxIPsCount entries. An
// entry kept that is not an IP address (optionally with a port), or a chain
// longer than maxChain, refuses the whole chain: nil, and the peer's
// address is the client's.
func (p ProxyConfig) ips(r *http.Request) []string {
	for _, h := range p.IPHeaders {
		lines := r.Header.Values(h)
		if len(lines) == 0 {
			continue
		}
		var parts []string
		for _, line := range lines {
			for part := range strings.SplitSeq(line, ",") {
				if part = strings.TrimSpace(part); part != "" {
					if len(parts) == maxChain {
						return nil
					}
					parts = append(parts, part)
				}
			}
		}
		if len(parts) == 0 {
			continue
		}
		if p.MaxIPsCount > 0 && len(parts) > p.MaxIPsCount {
			parts = parts[len(parts)-p.MaxIPsCount:]
		}
		for i, s := range parts {
			a, ok := parseIP(s)
			if !ok {
				return nil
			}
			parts[i] = a
		}
		return parts
	}
	return nil
}

// parseIP parses one X-Forwarded-For entry: an IPv4 or IPv6 address, bare,
// in brackets, or with a port; IPv4-mapped IPv6 addresses are unmapped and
// zones refused. It returns the address in canonical form.
func parseIP(s string) (string, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		if ap, perr := netip.ParseAddrPort(s); perr == nil {
			a = ap.Addr()
		} else if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
			if a, err = netip.ParseAddr(s[1 : len(s)-1]); err != nil || !a.Is6() {
				return "", false
			}
		} else {
			return "", false
		}
	}
	if a.Zone() != "" {
		return "", false
	}
	return a.Unmap().String(), true
}

// first returns the first entry of the first header of names present in
// h, its lines comma-joined in order as koa reads X-Forwarded-Proto and
// X-Forwarded-Host.
func first(h http.Header, names []string) string {
	for _, n := range names {
		for _, line := range h.Values(n) {
			for part := range strings.SplitSeq(line, ",") {
				if part = strings.TrimSpace(part); part != "" {
					return part
				}
			}
		}
	}
	return ""
}

// validHost reports whether s is a host[:port] a Host header may carry: a
// DNS name of letters, digits, hyphens and dots (labels of at most 63
// characters, 253 in all), an IPv4 address or a bracketed IPv6 address;
// the port, when given, a number from 1 to 65535.
func validHost(s string) bool {
	host := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return false
		}
		a, err := netip.ParseAddr(s[1:end])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return false
		}
		rest := s[end+1:]
		if rest == "" {
			return true
		}
		return rest[0] == ':' && validPort(rest[1:])
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		if !validPort(s[i+1:]) {
			return false
		}
		host = s[:i]
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return !strings.Contains(host, ":") // IPv6 only in brackets
	}
	return validDNSName(host)
}

func validPort(s string) bool {
	if s == "" || len(s) > 5 || s[0] == '+' || s[0] == '-' {
		return false
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}

func validDNSName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// requestHost is the host a request is routed by: the proxied host in
// proxy mode, else the Host header.
func (p ProxyConfig) requestHost(r *http.Request) string {
	if p.Enabled {
		if v := first(r.Header, p.HostHeaders); v != "" && validHost(v) {
			return hostOf(v)
		}
	}
	return hostOf(r.Host)
}

// ipExtractor makes echo's RealIP agree with ClientOf.
func (p ProxyConfig) ipExtractor() echo.IPExtractor {
	return func(r *http.Request) string { return p.client(r).IP }
}
