package config

import (
	"errors"
	"fmt"
	"github.com/teggo/teggo/container"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/rawbytes"
	"github.com/knadh/koanf/v2"
	yamlv3 "go.yaml.in/yaml/v3"

	"github.com/teggo/teggo/internal/suggest"
)

// EnvVar names the environment variable that selects the env.
const EnvVar = "TEGGO_ENV"

// DefaultEnv is the env when EnvVar is unset.
const DefaultEnv = "local"

// Config is a loaded, merged configuration. It is safe for concurrent reads;
// Set is meant for ConfigWillLoad hooks, before anything reads.
type Config struct {
	env     string
	k       *koanf.Koanf
	files   []string          // the files loaded, in order
	meta    map[string]string // flattened key → file that set it last
	secrets []string          // extra keys to redact, from fields tagged secret
}

// Option configures Load.
type Option func(*loader)

type loader struct {
	fsys     fs.FS
	dir      string // the directory inside fsys
	shown    string // how files are named in messages and in the meta
	env      string
	given    bool // Dir or FS named the directory: it must exist
	optional bool
}

// Dir reads the config files from dir on disk. Without Dir or FS, Load
// reads ./config if it exists.
func Dir(dir string) Option {
	return func(l *loader) { l.fsys, l.dir, l.shown, l.given = os.DirFS(dir), ".", dir, true }
}

// FS reads the config files from fsys, e.g. an embed.FS; dir is the
// directory inside it.
func FS(fsys fs.FS, dir string) Option {
	return func(l *loader) { l.fsys, l.dir, l.shown, l.given = fsys, dir, dir, true }
}

// Optional lets the directory given to Dir or FS, and the env's file, be
// absent: Load then merges what exists, possibly nothing.
func Optional() Option { return func(l *loader) { l.optional = true } }

// Env selects the env instead of TEGGO_ENV.
func Env(env string) Option { return func(l *loader) { l.env = env } }

// Load reads config.default.yaml and config.<env>.yaml and merges them.
// An unparsable file fails with its name and the line. A directory given
// to Dir or FS must exist, and an env without a file of its own, in a
// directory where other envs have theirs, is refused — a mistyped
// TEGGO_ENV would otherwise run on the defaults — unless it is local or
// unittest, or Optional says otherwise. Without Dir or FS, ./config is
// read when it exists.
func Load(opts ...Option) (*Config, error) {
	l := &loader{}
	Dir("config")(l)
	l.given = false
	for _, o := range opts {
		o(l)
	}
	if l.env == "" {
		l.env = os.Getenv(EnvVar)
	}
	if l.env == "" {
		l.env = DefaultEnv
	}
	c := &Config{env: l.env, k: koanf.New("."), meta: map[string]string{}}
	if _, err := fs.Stat(l.fsys, l.dir); errors.Is(err, fs.ErrNotExist) {
		if l.given && !l.optional {
			return nil, &container.Error{Code: Code, File: l.shown, Msg: "the config directory does not exist (run from the module root, or pass config.Optional())"}
		}
		return c, nil
	}
	for _, name := range []string{"config.default.yaml", "config." + l.env + ".yaml"} {
		data, err := fs.ReadFile(l.fsys, path.Join(l.dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			if envs := l.envFiles(); name != "config.default.yaml" && !l.optional && len(envs) > 0 && !slices.Contains(devEnvs, l.env) {
				hint := "envs with a file: " + strings.Join(envs, ", ")
				if near := l.nearEnv(envs); near != "" {
					hint = fmt.Sprintf("did you mean %q?", near)
				}
				return nil, &container.Error{Code: Code, File: path.Join(l.shown, name),
					Msg:  fmt.Sprintf("env %q has no config file", l.env),
					Hint: hint + " (pass config.Optional() to run " + strconv.Quote(l.env) + " on config.default.yaml alone)"}
			}
			continue
		}
		file := path.Join(l.shown, name)
		if err != nil {
			return nil, &container.Error{Code: Code, File: file, Msg: "cannot read", Err: err}
		}
		if err := c.merge(file, data); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// merge parses one file and merges it over what is loaded, recording which
// file set each key.
func (c *Config) merge(file string, data []byte) error {
	var probe yamlv3.Node
	if err := yamlv3.Unmarshal(data, &probe); err != nil {
		return &container.Error{Code: Code, File: file, Msg: "cannot parse YAML", Err: err}
	}
	layer := koanf.New(".")
	if err := layer.Load(rawbytes.Provider(data), yaml.Parser()); err != nil {
		return &container.Error{Code: Code, File: file, Msg: "cannot parse YAML", Err: err}
	}
	for _, k := range layer.Keys() {
		// A key replaced by a scalar or array drops what was below it.
		for old := range c.meta {
			if strings.HasPrefix(old, k+".") {
				delete(c.meta, old)
			}
		}
		c.meta[k] = file
	}
	if err := c.k.Merge(layer); err != nil {
		return &container.Error{Code: Code, File: file, Msg: "cannot merge", Err: err}
	}
	c.files = append(c.files, file)
	return nil
}

// Env returns the env the config was loaded for.
func (c *Config) Env() string { return c.env }

// Files returns the files loaded, in merge order.
func (c *Config) Files() []string { return slices.Clone(c.files) }

// Get returns the value at a dotted key ("mysql.host"), or nil.
func (c *Config) Get(key string) any { return c.k.Get(key) }

// Exists reports whether key is set.
func (c *Config) Exists(key string) bool { return c.k.Exists(key) }

// String returns the value at key as a string ("" when absent).
func (c *Config) String(key string) string { return c.k.String(key) }

// Int returns the value at key as an int (0 when absent or not a number).
func (c *Config) Int(key string) int { return c.k.Int(key) }

// Bool returns the value at key as a bool.
func (c *Config) Bool(key string) bool { return c.k.Bool(key) }

// Set sets key to value, as a last change before the app reads the config
// (egg's ConfigWillLoad). The meta records the change as made in code.
func (c *Config) Set(key string, value any) error {
	if err := c.k.Set(key, value); err != nil {
		return &container.Error{Code: Code, Key: key, Msg: "cannot set", Err: err}
	}
	c.meta[key] = "(set in code)"
	return nil
}

// SourceOf returns the file that set key, or "".
func (c *Config) SourceOf(key string) string {
	for k := key; k != ""; {
		if f, ok := c.meta[k]; ok {
			return f
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return ""
}

// All returns the merged config as nested maps (a copy).
func (c *Config) All() map[string]any { return c.k.Raw() }

// devEnvs may run on config.default.yaml alone, beside other envs' files.
var devEnvs = []string{DefaultEnv, "unittest"}

// envFiles lists the envs that have a file of their own.
func (l *loader) envFiles() []string {
	entries, _ := fs.ReadDir(l.fsys, l.dir)
	var envs []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		if env, ok2 := strings.CutPrefix(name, "config."); ok && ok2 && env != "default" {
			envs = append(envs, env)
		}
	}
	return envs
}

// nearEnv returns the env of envs that l.env looks like a typo of, or "".
func (l *loader) nearEnv(envs []string) string {
	near, _ := suggest.Nearest(l.env, envs)
	return near
}
