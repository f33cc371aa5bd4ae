package ajv

import (
	"regexp"
	"time"

	"github.com/xeipuuv/gojsonschema"
)

// nativeFormats are gojsonschema's checkers for the most common formats,
// rewritten to take a string: calling gojsonschema's through its
// interface{} parameter allocates. They are the same calls (time.Parse with
// the same layouts, the same regexps), so they accept exactly what
// gojsonschema accepts; the order of the date-time layouts puts the usual
// one first, which changes nothing since any layout matching is enough.
// Every other format goes to gojsonschema.FormatCheckers, so that formats
// added there are honoured too.
var nativeFormats = map[string]func(string) bool{
	"date-time": func(s string) bool {
		for _, layout := range [...]string{time.RFC3339, time.RFC3339Nano, "15:04:05", "15:04:05Z07:00", "2006-01-02"} {
			if _, err := time.Parse(layout, s); err == nil {
				return true
			}
		}
		return false
	},
	"date": func(s string) bool {
		_, err := time.Parse("2006-01-02", s)
		return err == nil
	},
	"time": func(s string) bool {
		if _, err := time.Parse("15:04:05Z07:00", s); err == nil {
			return true
		}
		_, err := time.Parse("15:04:05", s)
		return err == nil
	},
	"uuid": rxNativeUUID.MatchString,
	"hostname": func(s string) bool {
		return rxNativeHostname.MatchString(s) && len(s) < 256
	},
}

var (
	rxNativeUUID     = regexp.MustCompile("^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$")
	rxNativeHostname = regexp.MustCompile(`^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9]))*$`)
)

// formatChecker returns the checker of a format name, or nil when neither
// teggo nor gojsonschema knows it.
func formatChecker(name string) func(string) bool {
	if f, ok := nativeFormats[name]; ok {
		return f
	}
	if !gojsonschema.FormatCheckers.Has(name) {
		return nil
	}
	return func(s string) bool { return gojsonschema.FormatCheckers.IsFormat(name, s) }
}
