// Package config loads teggo's multi-environment configuration, egg's way:
// config/config.default.yaml, then config/config.<env>.yaml over it, merged
// deeply (objects merged, arrays and scalars replaced). The env comes from
// TEGGO_ENV ("local" when unset; "unittest", "prod" or any name).
//
// Typed sections are decoded from a key into a struct (Section) and can be
// bound into a container under the name "config.<key>", so protos inject
// them with `inject:"config.mysql"`. Dump writes the merged config with
// secrets redacted, and a meta file telling which file set each key, to the
// run directory (egg's run/application_config.json and
// run/application_config_meta.json).
package config
