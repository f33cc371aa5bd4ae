package ajv

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/xeipuuv/gojsonschema"
)

// formats are the format checkers every backend uses, through
// formatChecker: the native backend calls them directly, gojsonschema and
// santhosh through their format registries (see init in
// backend_gojsonschema.go and sharedFormats). They follow ajv-formats in its
// "full" mode:
//
//   - date: RFC 3339 full-date, a real calendar day (leap years counted);
//   - time: RFC 3339 time, 23:59:60 allowed, the zone optional;
//   - date-time: a date, "T", "t" or one white space, and a time with a zone;
//   - duration: ISO 8601 duration as RFC 3339 appendix A writes it;
//   - uri: an absolute URI (a scheme, and a "/" or ":" after it) of RFC 3986
//     characters only, so no spaces; uri-reference: the same, the scheme
//     optional;
//   - email: dot-separated atext before "@", a host name after: no display
//     name, no angle brackets, no spaces;
//   - uuid: RFC 4122's 8-4-4-4-12 hex digits in either case, optionally
//     after "urn:uuid:";
//   - hostname: labels of letters, digits and inner hyphens, 63 bytes each,
//     253 in all, one trailing dot allowed;
//   - int32: a string holding an integer in the int32 range.
//
// The other formats (ipv4, ipv6, regex, json-pointer,
// relative-json-pointer, uri-template, ...) are gojsonschema's checkers.
// Formats apply to strings only; every backend passes other values.
var formats = map[string]func(string) bool{
	"date":          isDate,
	"time":          func(s string) bool { return isTime(s, false) },
	"date-time":     isDateTime,
	"duration":      isDuration,
	"uri":           func(s string) bool { return strings.ContainsAny(s, "/:") && isURIRef(s, true) },
	"uri-reference": func(s string) bool { return isURIRef(s, false) },
	"email":         rxEmail.MatchString,
	"uuid":          rxUUID.MatchString,
	"hostname":      rxHostname.MatchString,
	"int32":         isInt32,
}

var (
	rxDuration = regexp.MustCompile(`^P(?:(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?|\d+W)$`)
	rxUUID     = regexp.MustCompile(`^(?i)(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$`)
	rxEmail    = regexp.MustCompile("^(?i)[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
	rxHostname = regexp.MustCompile(`^(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$`)
	rxScheme   = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.\-]*:`)
)

var daysIn = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// digits parses s[i:i+n] as a decimal number, or returns -1.
func digits(s string, i, n int) int {
	if i+n > len(s) {
		return -1
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return -1
		}
		v = v*10 + int(c-'0')
	}
	return v
}

func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	y, mo, d := digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 {
		return false
	}
	limit := daysIn[mo]
	if mo == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		limit = 29
	}
	return d <= limit
}

// isTime checks hh:mm:ss, an optional fraction and an optional zone ("Z",
// "z", "+hh", "+hhmm" or "+hh:mm"), which needZone requires.
func isTime(s string, needZone bool) bool {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return false
	}
	h, mi, sec := digits(s, 0, 2), digits(s, 3, 2), digits(s, 6, 2)
	if h < 0 || mi < 0 || sec < 0 {
		return false
	}
	if !(h <= 23 && mi <= 59 && sec <= 59) && !(h == 23 && mi == 59 && sec == 60) {
		return false
	}
	rest := s[8:]
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "":
		return !needZone
	case rest == "z" || rest == "Z":
		return true
	case rest[0] == '+' || rest[0] == '-':
		z := rest[1:]
		switch len(z) {
		case 2:
			return digits(z, 0, 2) >= 0
		case 4:
			return digits(z, 0, 4) >= 0
		case 5:
			return z[2] == ':' && digits(z, 0, 2) >= 0 && digits(z, 3, 2) >= 0
		}
	}
	return false
}

func isDateTime(s string) bool {
	i := strings.IndexAny(s, "tT \t\n\r\f\v")
	if i < 0 || strings.ContainsAny(s[i+1:], "tT \t\n\r\f\v") {
		return false
	}
	return isDate(s[:i]) && isTime(s[i+1:], true)
}

// isURIRef reports whether s is a URI reference of RFC 3986 characters
// (unreserved, reserved, "%" with two hex digits) that net/url parses;
// absolute requires a scheme.
func isURIRef(s string, absolute bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("-._~:/?#[]@!$&'()*+,;=", c) >= 0:
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		default:
			return false
		}
	}
	if absolute && !rxScheme.MatchString(s) {
		return false
	}
	_, err := url.Parse(s)
	return err == nil
}

// isDuration also refuses "P" alone and a "T" with nothing after it.
func isDuration(s string) bool {
	return s != "P" && !strings.HasSuffix(s, "T") && rxDuration.MatchString(s)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isInt32(s string) bool {
	_, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	return err == nil
}

// formatChecker returns the checker of a format name, or nil when no
// backend knows it.
func formatChecker(name string) func(string) bool {
	if f, ok := formats[name]; ok {
		return f
	}
	if !gojsonschema.FormatCheckers.Has(name) {
		return nil
	}
	return func(s string) bool { return gojsonschema.FormatCheckers.IsFormat(name, s) }
}
