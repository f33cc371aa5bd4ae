package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/teggo/teggo/container"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// DumpIgnoreKey is the config key listing extra name patterns whose values
// Dump hides, as egg's dump.ignore: a list of strings (or one string with
// comma-separated patterns), each a case-insensitive regular expression
// matched against the last segment of a dotted key, e.g. ["^pin$", "otp"].
const DumpIgnoreKey = "dump.ignore"

// secretParts are the name fragments, matched case-insensitively
// anywhere in the last segment of a dotted key, that hide its value: egg's
// dump.ignore defaults (pass, pwd, passd, passwd, password, secret) and
// token and credential.
var secretParts = regexp.MustCompile(`(?i)pass|pwd|secret|token|credential`)

// hasKeyWord reports whether name has "key" or "keys" as one of its words,
// words being split at camelCase humps and at '_', '-' and '.': apiKey,
// privateKey, api_key, KEYS and egg's keys match; keyspace, monkey and
// keyboard do not.
func hasKeyWord(name string) bool {
	word := func(w string) bool { return strings.EqualFold(w, "key") || strings.EqualFold(w, "keys") }
	start := 0
	for i := 1; i <= len(name); i++ {
		if i < len(name) && !isSep(name[i]) && !hump(name, i) {
			continue
		}
		if w := strings.Trim(name[start:i], "_-."); word(w) {
			return true
		}
		start = i
	}
	return false
}

// hump reports whether a word starts at name[i]: "apiKey" and "APIKey"
// both split before "Key".
func hump(name string, i int) bool {
	if !isUpper(name[i]) {
		return false
	}
	return !isUpper(name[i-1]) || i+1 < len(name) && 'a' <= name[i+1] && name[i+1] <= 'z'
}

func isSep(b byte) bool   { return b == '_' || b == '-' || b == '.' }
func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }

// dsnPassword finds the password of a key=value DSN
// ("host=db user=app password=hunter2", "Password=x;Server=y").
var dsnPassword = regexp.MustCompile(`(?i)\b(password|passwd|pwd)\s*=\s*('[^']*'|"[^"]*"|[^\s;&]*)`)

// isSecret reports whether the value at the dotted key must be hidden.
func (c *Config) isSecret(key string, extra []*regexp.Regexp) bool {
	last := key[strings.LastIndexByte(key, '.')+1:]
	if secretParts.MatchString(last) || hasKeyWord(last) || slices.Contains(c.secrets, key) {
		return true
	}
	for _, re := range extra {
		if re.MatchString(last) {
			return true
		}
	}
	return false
}

// ignorePatterns compiles the patterns of DumpIgnoreKey.
func (c *Config) ignorePatterns() ([]*regexp.Regexp, error) {
	var pats []string
	switch v := c.k.Get(DumpIgnoreKey).(type) {
	case nil:
		return nil, nil
	case string:
		pats = strings.Split(v, ",")
	case []any:
		for _, p := range v {
			s, ok := p.(string)
			if !ok {
				return nil, &container.Error{Code: Code, Key: DumpIgnoreKey, Msg: fmt.Sprintf("want a list of strings, got an element %T", p)}
			}
			pats = append(pats, s)
		}
	case []string:
		pats = v
	default:
		return nil, &container.Error{Code: Code, Key: DumpIgnoreKey, Msg: fmt.Sprintf("want a list of strings, got %T", v)}
	}
	var out []*regexp.Regexp
	for _, p := range pats {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if len(p) > 1024 {
			return nil, &container.Error{Code: Code, Key: DumpIgnoreKey, Msg: "pattern longer than 1024 bytes"}
		}
		re, err := regexp.Compile("(?i)" + p)
		if err != nil {
			return nil, &container.Error{Code: Code, Key: DumpIgnoreKey, Msg: fmt.Sprintf("bad pattern %q", p), Err: err}
		}
		out = append(out, re)
	}
	return out, nil
}

// Redacted returns the merged config with secrets replaced: the value of a
// secret key by "<String len: N>" for a string (egg's form), else by
// "<Redacted>"; the password of a URL or key=value DSN in any other string
// by "xxxxx". Floats JSON cannot carry (NaN, ±Inf) become strings. A bad
// DumpIgnoreKey is ignored here (Dump reports it).
func (c *Config) Redacted() map[string]any {
	extra, _ := c.ignorePatterns()
	return c.redact(c.k.Raw(), "", extra).(map[string]any)
}

func (c *Config) redact(v any, key string, extra []*regexp.Regexp) any {
	if key != "" && c.isSecret(key, extra) {
		if s, ok := v.(string); ok {
			return fmt.Sprintf("<String len: %d>", len(s))
		}
		return "<Redacted>"
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			out[k] = c.redact(vv, join(key, k), extra)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = c.redact(vv, key, extra)
		}
		return out
	case string:
		return redactString(x)
	case float64:
		return jsonFloat(x)
	case float32:
		return jsonFloat(float64(x))
	}
	return v
}

// jsonFloat keeps a finite float and spells NaN and ±Inf, which JSON has
// no number for.
func jsonFloat(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Sprint(f) // "NaN", "+Inf", "-Inf"
	}
	return f
}

// redactString hides the password of a URL's userinfo
// (postgres://admin:hunter2@db → postgres://admin:xxxxx@db) and of
// password=... pairs.
func redactString(s string) string {
	if i := strings.Index(s, "://"); i > 0 && strings.Contains(s[i:], "@") {
		if u, err := url.Parse(s); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				s = u.Redacted() // the password becomes "xxxxx"
			}
		} else if err != nil {
			s = redactUserinfo(s, i+3)
		}
	}
	if dsnPassword.MatchString(s) {
		s = dsnPassword.ReplaceAllString(s, "${1}=xxxxx")
	}
	return s
}

// redactUserinfo hides user:password@ in a string url.Parse refused
// (a MySQL DSN like "user:pw@tcp(db:3306)/app" behind a scheme, a
// malformed URL), starting at from, just past "://".
func redactUserinfo(s string, from int) string {
	at := strings.LastIndex(s[from:], "@")
	if at < 0 {
		return s
	}
	at += from
	colon := strings.IndexByte(s[from:at], ':')
	if colon < 0 {
		return s
	}
	return s[:from+colon+1] + "xxxxx" + s[at:]
}

// Meta returns, as nested maps mirroring the config, the file that set each
// value (egg's application_config_meta.json).
func (c *Config) Meta() map[string]any {
	out := map[string]any{}
	keys := make([]string, 0, len(c.meta))
	for k := range c.meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		m := out
		parts := strings.Split(k, ".")
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = c.meta[k]
	}
	return out
}

// Dump writes application_config.json (redacted, see Redacted) and
// application_config_meta.json into runDir, creating it with mode 0700;
// both files get mode 0600, since even a redacted config tells much about
// the deployment. A bad DumpIgnoreKey fails the dump, so a pattern meant to
// hide a secret never silently does nothing.
func (c *Config) Dump(runDir string) error {
	if _, err := c.ignorePatterns(); err != nil {
		return err
	}
	if err := os.MkdirAll(runDir, 0o700); err != nil {
		return &container.Error{Code: Code, File: runDir, Msg: "cannot create the run directory", Err: err}
	}
	for name, v := range map[string]any{"application_config.json": c.Redacted(), "application_config_meta.json": c.Meta()} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // keep "<String len: 8>" readable
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return &container.Error{Code: Code, File: name, Msg: "cannot encode", Err: err}
		}
		p := filepath.Join(runDir, name)
		if err := writePrivate(p, buf.Bytes()); err != nil {
			return &container.Error{Code: Code, File: p, Msg: "cannot write", Err: err}
		}
	}
	return nil
}

// writePrivate writes data to p with mode 0600, also when p exists with a
// wider mode (os.WriteFile keeps an existing file's mode).
func writePrivate(p string, data []byte) error {
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return err
	}
	return os.Chmod(p, 0o600)
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}
