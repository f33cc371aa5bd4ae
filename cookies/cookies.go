// Package cookies gives each request egg's ctx.cookies on net/http: Get and
// Set with egg's options, HMAC-SHA256 signatures, AES-GCM encryption and key
// rotation. The cookie name is bound into every MAC and AAD, so a value
// cannot be moved from one cookie to another.
package cookies

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/teggo/teggo/container"
)

// CodeNoKeys: the keys config is empty or has an empty key.
const CodeNoKeys container.Code = "TEGGO_COOKIE_NO_KEYS"

// MaxValueSize is the length of a Set-Cookie value above which a warning is logged.
const MaxValueSize = 4093

// Keys holds the configured keys: the first signs and encrypts, all verify
// and decrypt.
type Keys struct {
	raw  [][]byte
	sign [][]byte
	aead []cipher.AEAD
}

// ParseKeys parses egg's `keys` config: comma-separated keys, newest first.
func ParseKeys(s string) (*Keys, error) {
	var parts []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return nil, &container.Error{Code: CodeNoKeys, Msg: "config keys is empty", Hint: "set keys to a comma-separated list of secrets, newest first"}
	}
	k := &Keys{}
	for _, p := range parts {
		if err := k.add([]byte(p)); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func (k *Keys) add(secret []byte) error {
	sk, err := hkdf.Key(sha256.New, secret, nil, "teggo cookie sign", 32)
	if err != nil {
		return err
	}
	ek, err := hkdf.Key(sha256.New, secret, nil, "teggo cookie encrypt", 32)
	if err != nil {
		return err
	}
	block, err := aes.NewCipher(ek)
	if err != nil {
		return err
	}
	g, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	k.raw = append(k.raw, secret)
	k.sign = append(k.sign, sk)
	k.aead = append(k.aead, g)
	return nil
}

// Missing reports whether no keys are configured (nil or empty), so the app
// can refuse to start in prod and generate a per-process key in local.
func Missing(k *Keys) bool { return k == nil || len(k.raw) == 0 }

// Len is the number of keys.
func (k *Keys) Len() int { return len(k.raw) }

// GenerateKey returns a random 32-byte key, base64url-encoded, fit for
// ParseKeys. Cookies signed with it do not survive a restart.
func GenerateKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (k *Keys) mac(i int, name, value string) string {
	h := hmac.New(sha256.New, k.sign[i])
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// Sign returns the signature of value for cookie name under the newest key.
func (k *Keys) Sign(name, value string) string { return k.mac(0, name, value) }

// Verify returns the index of the key that signed value, or -1.
func (k *Keys) Verify(name, value, sig string) int {
	for i := range k.sign {
		if hmac.Equal([]byte(k.mac(i, name, value)), []byte(sig)) {
			return i
		}
	}
	return -1
}

// Encrypt seals plain for cookie name under the newest key (AES-256-GCM,
// the name as AAD), base64url-encoded.
func (k *Keys) Encrypt(name string, plain []byte) string {
	g := k.aead[0]
	nonce := make([]byte, g.NonceSize(), g.NonceSize()+len(plain)+g.Overhead())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(g.Seal(nonce, nonce, plain, []byte(name)))
}

// Decrypt opens a value made by Encrypt with any key; it returns the plain
// text and the index of the key, or -1 when no key opens it.
func (k *Keys) Decrypt(name, value string) ([]byte, int) {
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return nil, -1
	}
	for i, g := range k.aead {
		if len(b) < g.NonceSize()+g.Overhead() {
			return nil, -1
		}
		if p, err := g.Open(nil, b[:g.NonceSize()], b[g.NonceSize():], []byte(name)); err == nil {
			return p, i
		}
	}
	return nil, -1
}

// Options are egg's cookie options. The booleans that default to true
// (HTTPOnly, Signed, Overwrite) and Secure (default: from the request) are
// pointers; use Bool to set them.
type Options struct {
	MaxAge      time.Duration // > 0: Max-Age; < 0: delete now; 0: none
	Expires     time.Time
	Path        string // default "/"
	Domain      string
	HTTPOnly    *bool         // default true
	Secure      *bool         // default: the request's protocol is https
	SameSite    http.SameSite // default Lax
	Partitioned bool
	Priority    string // "Low", "Medium" or "High"
	Overwrite   *bool  // default true: a later Set of the same cookie replaces the earlier
	Signed      *bool  // default true
	Encrypt     bool
}

// Bool returns a pointer to b, for the tri-state options.
func Bool(b bool) *bool { return &b }

func def(p *bool, d bool) bool {
	if p == nil {
		return d
	}
	return *p
}

// Jar is one request's cookies. It is safe for concurrent use.
type Jar struct {
	r      *http.Request
	keys   *Keys
	secure bool
	log    *slog.Logger

	mu      sync.Mutex
	out     []item
	flushed bool
	hooks   []func()
}

// Config builds jars.
type Config struct {
	Keys *Keys
	// Secure tells whether the request came over https; default r.TLS != nil.
	// Proxy mode supplies one that reads X-Forwarded-Proto.
	Secure func(*http.Request) bool
	Logger *slog.Logger
}

// New returns the jar of request r.
func New(r *http.Request, c Config) *Jar {
	sec := r.TLS != nil
	if c.Secure != nil {
		sec = c.Secure(r)
	}
	l := c.Logger
	if l == nil {
		l = slog.Default()
	}
	return &Jar{r: r, keys: c.Keys, secure: sec, log: l}
}

type ctxKey struct{}

// With returns ctx carrying j.
func With(ctx context.Context, j *Jar) context.Context { return context.WithValue(ctx, ctxKey{}, j) }

// From returns the jar in ctx, or nil.
func From(ctx context.Context) *Jar { j, _ := ctx.Value(ctxKey{}).(*Jar); return j }

// errKeys: signing or encryption asked for with no keys.
var errKeys = errors.New("cookies: signed or encrypted cookie needs keys")

// Get returns the value of cookie name, "" when absent or when its signature
// or encryption does not verify (logged at debug level, never the value).
// A cookie verified with an older key is re-issued under the newest.
func (j *Jar) Get(name string, o *Options) string {
	if o == nil {
		o = &Options{}
	}
	c, err := j.r.Cookie(name)
	if err != nil {
		return ""
	}
	if o.Encrypt {
		if j.keys == nil {
			return ""
		}
		p, i := j.keys.Decrypt(name, c.Value)
		if i < 0 {
			j.log.Debug("cookie does not decrypt", "cookie", name)
			return ""
		}
		if i > 0 {
			_ = j.Set(name, string(p), o)
		}
		return string(p)
	}
	if !def(o.Signed, true) {
		return c.Value
	}
	if j.keys == nil {
		return ""
	}
	sc, err := j.r.Cookie(name + ".sig")
	if err != nil {
		j.log.Debug("signed cookie without signature", "cookie", name)
		return ""
	}
	i := j.keys.Verify(name, c.Value, sc.Value)
	if i < 0 {
		j.log.Debug("cookie signature does not verify", "cookie", name)
		return ""
	}
	if i > 0 {
		_ = j.Set(name, c.Value, o)
	}
	return c.Value
}

// Set queues cookie name; value "" deletes it (with the same options).
// Signed cookies get a name.sig companion; Encrypt seals the value.
func (j *Jar) Set(name, value string, o *Options) error {
	if o == nil {
		o = &Options{}
	}
	signed, enc := def(o.Signed, true), o.Encrypt
	if (signed || enc) && Missing(j.keys) {
		return errKeys
	}
	del := value == ""
	v := value
	if enc && !del {
		v = j.keys.Encrypt(name, []byte(value))
	}
	c := j.cookie(name, v, o, del)
	if len(c.Value) > MaxValueSize {
		j.log.Warn("cookie value exceeds 4093 bytes, browsers may drop it", "cookie", name, "size", len(c.Value))
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.put(item{c, o.Priority}, def(o.Overwrite, true))
	if signed && !enc {
		sv := ""
		if !del {
			sv = j.keys.Sign(name, v)
		}
		j.put(item{j.cookie(name+".sig", sv, o, del), o.Priority}, def(o.Overwrite, true))
	}
	return nil
}

func (j *Jar) cookie(name, v string, o *Options, del bool) *http.Cookie {
	c := &http.Cookie{Name: name, Value: v, Path: o.Path, Domain: o.Domain,
		HttpOnly: def(o.HTTPOnly, true), Secure: def(o.Secure, j.secure),
		SameSite: o.SameSite, Partitioned: o.Partitioned, Expires: o.Expires}
	if c.Path == "" {
		c.Path = "/"
	}
	if c.SameSite == 0 {
		c.SameSite = http.SameSiteLaxMode
	}
	if c.Partitioned {
		c.Secure = true
	}
	switch {
	case del || o.MaxAge < 0:
		c.MaxAge = -1
		c.Expires = time.Unix(0, 0)
	case o.MaxAge > 0:
		c.MaxAge = int(o.MaxAge / time.Second)
		if c.MaxAge == 0 {
			c.MaxAge = 1
		}
		if c.Expires.IsZero() {
			c.Expires = time.Now().Add(o.MaxAge)
		}
	}
	return c
}

type item struct {
	c    *http.Cookie
	prio string
}

func (j *Jar) put(c item, overwrite bool) {
	if overwrite {
		for i, p := range j.out {
			if p.c.Name == c.c.Name && p.c.Path == c.c.Path && p.c.Domain == c.c.Domain {
				j.out[i] = c
				return
			}
		}
	}
	j.out = append(j.out, c)
}

// Pending returns the cookies queued so far.
func (j *Jar) Pending() []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []*http.Cookie
	for _, it := range j.out {
		out = append(out, it.c)
	}
	return out
}

// BeforeHeaders registers fn to run once, before the jar writes its
// Set-Cookie headers (a session commit uses it).
func (j *Jar) BeforeHeaders(fn func()) {
	j.mu.Lock()
	j.hooks = append(j.hooks, fn)
	j.mu.Unlock()
}

// WriteTo runs the BeforeHeaders hooks, then adds the queued cookies as
// Set-Cookie headers to h, once. Call it before the headers are sent; the
// Middleware's response writer does.
func (j *Jar) WriteTo(h http.Header) {
	j.mu.Lock()
	if j.flushed {
		j.mu.Unlock()
		return
	}
	j.flushed = true
	hooks := j.hooks
	j.mu.Unlock()
	for _, fn := range hooks {
		fn()
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, it := range j.out {
		s := it.c.String()
		if s == "" {
			continue
		}
		if it.prio != "" {
			s += "; Priority=" + it.prio
		}
		h.Add("Set-Cookie", s)
	}
}
