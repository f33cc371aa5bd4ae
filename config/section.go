package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/v2"

	"github.com/teggo/teggo/container"
)

// TagSecret marks a field of a typed section whose value Dump redacts:
// `yaml:"token" secret:"true"`.
const TagSecret = "secret"

// Section decodes the config under key into a T, a struct whose fields are
// named by `yaml` tags. Durations may be written as Go durations ("2s",
// "1m30s") or, as egg writes them, as a number of milliseconds (5000 is 5s);
// 0 means no limit where a key documents a limit. Other numbers and booleans
// must be of the field's type: a wrong type fails with the file and the key
// that set it. An absent key gives T's zero value.
func Section[T any](c *Config, key string) (T, error) {
	var v T
	dc := &mapstructure.DecoderConfig{
		TagName:    "yaml",
		DecodeHook: mapstructure.ComposeDecodeHookFunc(millisToDuration, mapstructure.StringToTimeDurationHookFunc(), mapstructure.TextUnmarshallerHookFunc()),
	}
	if err := c.k.UnmarshalWithConf(key, &v, koanf.UnmarshalConf{Tag: "yaml", DecoderConfig: dc}); err != nil {
		full := key
		var de *mapstructure.DecodeError
		if errors.As(err, &de) && de.Name() != "" {
			full = key + "." + de.Name()
		}
		return v, &container.Error{Code: Code, File: c.SourceOf(full), Key: full, Msg: fmt.Sprintf("does not fit %s", reflect.TypeFor[T]()), Err: err}
	}
	return v, nil
}

// Bind decodes the section under key now (failing with file and key when it
// does not fit T), provides it to the container as a *T named
// "config.<key>" — inject it with `inject:"config.<key>"` — and registers
// T's fields tagged secret for redaction in Dump.
func Bind[T any](c *Config, cont *container.Container, key string) error {
	v, err := Section[T](c, key)
	if err != nil {
		return err
	}
	c.secrets = append(c.secrets, secretKeys(reflect.TypeFor[T](), key)...)
	return cont.Provide(func() *T { return &v }, container.Name("config."+key))
}

// secretKeys lists the dotted keys of t's fields tagged secret, recursively.
func secretKeys(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		k := prefix + "." + name
		if f.Tag.Get(TagSecret) == "true" {
			out = append(out, k)
			continue
		}
		out = append(out, secretKeys(f.Type, k)...)
	}
	return out
}

// millisToDuration decodes a number into a time.Duration as milliseconds,
// the unit egg's config uses (backgroundTask.timeout: 5000), instead of the
// nanoseconds a plain conversion would give.
func millisToDuration(from, to reflect.Type, data any) (any, error) {
	if to != reflect.TypeFor[time.Duration]() {
		return data, nil
	}
	switch n := data.(type) {
	case int:
		return time.Duration(n) * time.Millisecond, nil
	case int64:
		return time.Duration(n) * time.Millisecond, nil
	case uint64:
		return time.Duration(n) * time.Millisecond, nil
	case float64:
		return time.Duration(n * float64(time.Millisecond)), nil
	}
	return data, nil
}
