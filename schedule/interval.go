package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// egg's ms units beyond Go's: days, weeks, years, and long names.
var intervalUnits = map[string]time.Duration{
	"ms": time.Millisecond, "msec": time.Millisecond, "msecs": time.Millisecond,
	"millisecond": time.Millisecond, "milliseconds": time.Millisecond,
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour,
	"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour,
	"y": 365*24*time.Hour + 6*time.Hour, "yr": 365*24*time.Hour + 6*time.Hour, "yrs": 365*24*time.Hour + 6*time.Hour,
	"year": 365*24*time.Hour + 6*time.Hour, "years": 365*24*time.Hour + 6*time.Hour,
}

// parseInterval reads an interval as egg writes it: a number of
// milliseconds ("60000"), a Go duration ("1m30s", "500ms") or a number and
// a unit ("1d", "2 days", "1.5 hours"). It must be positive.
func parseInterval(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	d, err := readInterval(in)
	if err != nil {
		return 0, fmt.Errorf("bad interval %q: want milliseconds (\"60000\") or a duration (\"3h\", \"1m30s\", \"500ms\", \"1d\")", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("bad interval %q: it must be positive", s)
	}
	return d, nil
}

func readInterval(s string) (time.Duration, error) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Duration(ms) * time.Millisecond, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' && r != '-' })
	if i <= 0 {
		return 0, fmt.Errorf("no unit")
	}
	n, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, err
	}
	unit, ok := intervalUnits[strings.ToLower(strings.TrimSpace(s[i:]))]
	if !ok {
		return 0, fmt.Errorf("unknown unit")
	}
	return time.Duration(n * float64(unit)), nil
}
