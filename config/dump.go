package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// secretNames are egg's dump.ignore defaults: keys whose values Dump hides.
var secretNames = []string{"pass", "pwd", "passd", "passwd", "password", "keys", "masterKey", "accessKey"}

var secretPattern = regexp.MustCompile(`(?i)secret`)

// isSecret reports whether the value at the dotted key must be hidden.
func (c *Config) isSecret(key string) bool {
	last := key[strings.LastIndexByte(key, '.')+1:]
	return slices.Contains(secretNames, last) || secretPattern.MatchString(last) || slices.Contains(c.secrets, key)
}

// Redacted returns the merged config with secrets replaced: a string by
// "<String len: N>" (egg's form), anything else by "<Redacted>".
func (c *Config) Redacted() map[string]any {
	return c.redact(c.k.Raw(), "").(map[string]any)
}

func (c *Config) redact(v any, key string) any {
	if key != "" && c.isSecret(key) {
		if s, ok := v.(string); ok {
			return fmt.Sprintf("<String len: %d>", len(s))
		}
		return "<Redacted>"
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			out[k] = c.redact(vv, join(key, k))
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = c.redact(vv, key)
		}
		return out
	}
	return v
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

// Dump writes application_config.json (redacted) and
// application_config_meta.json into runDir, creating it.
func (c *Config) Dump(runDir string) error {
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return &Error{File: runDir, Msg: "cannot create the run directory", Err: err}
	}
	for name, v := range map[string]any{"application_config.json": c.Redacted(), "application_config_meta.json": c.Meta()} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // keep "<String len: 8>" readable
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return &Error{File: name, Msg: "cannot encode", Err: err}
		}
		p := filepath.Join(runDir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			return &Error{File: p, Msg: "cannot write", Err: err}
		}
	}
	return nil
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}
