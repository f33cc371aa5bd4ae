package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// cronParser is the parser gocron's CronJob uses with withSeconds: an
// optional seconds field first, and descriptors (@daily...).
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// parseCron validates expr and returns the crontab to give gocron (with a
// CRON_TZ prefix when a zone was named, by prefix or by tz) and the parsed
// schedule in zone (or in the prefix's zone), used to compute ticks.
func parseCron(expr, tz string, zone *time.Location) (string, cron.Schedule, error) {
	body := strings.TrimSpace(expr)
	for _, prefix := range []string{"CRON_TZ=", "TZ="} {
		if !strings.HasPrefix(body, prefix) {
			continue
		}
		name, rest, ok := strings.Cut(body[len(prefix):], " ")
		if !ok || strings.TrimSpace(rest) == "" {
			return "", nil, fmt.Errorf("bad cron %q: nothing after the time zone", expr)
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			return "", nil, fmt.Errorf("bad cron %q: unknown time zone %q", expr, name)
		}
		if tz != "" && tz != name {
			return "", nil, fmt.Errorf("bad cron %q: its time zone %q differs from TimeZone %q", expr, name, tz)
		}
		tz, zone, body = name, loc, strings.TrimSpace(rest)
		break
	}
	if strings.HasPrefix(body, "@every") {
		return "", nil, fmt.Errorf("bad cron %q: @every after a time zone: a zone means nothing to an interval", expr)
	}
	if !strings.HasPrefix(body, "@") {
		fields := strings.Fields(body)
		if n := len(fields); n != 5 && n != 6 {
			return "", nil, fmt.Errorf("bad cron %q: want 6 fields (second minute hour day month weekday) or 5 (without second), found %d", expr, n)
		}
		fields[len(fields)-1] = sundaySeven(fields[len(fields)-1])
		body = strings.Join(fields, " ")
	}
	sched, err := cronParser.Parse(body)
	if err != nil {
		return "", nil, fmt.Errorf("bad cron %q: %w", expr, err)
	}
	if s, ok := sched.(*cron.SpecSchedule); ok {
		s.Location = zone
	}
	if sched.Next(time.Now()).IsZero() {
		return "", nil, fmt.Errorf("bad cron %q: it never fires", expr)
	}
	if tz != "" {
		body = "CRON_TZ=" + tz + " " + body
	}
	return body, sched, nil
}

// sundaySeven rewrites 7 (Sunday, as egg's cron-parser allows) to 0 in a
// day-of-week field, which robfig/cron bounds to 0-6: "7" → "0",
// "5-7" → "5-6,0".
func sundaySeven(field string) string {
	parts := strings.Split(field, ",")
	var out []string
	for _, p := range parts {
		switch lo, hi, isRange := strings.Cut(p, "-"); {
		case p == "7":
			out = append(out, "0")
		case isRange && hi == "7" && lo == "7":
			out = append(out, "0")
		case isRange && hi == "7":
			out = append(out, lo+"-6", "0")
		default:
			out = append(out, p)
		}
	}
	return strings.Join(out, ",")
}

// lastTick returns the latest time at or before now at which sched fires:
// the tick a run that starts at now belongs to. Every process computes the
// same tick for the same firing, whatever its delay (below one period).
func lastTick(sched cron.Schedule, now time.Time) time.Time {
	for back := time.Second; back <= 800*24*time.Hour; back *= 2 {
		t := sched.Next(now.Add(-back))
		if t.IsZero() {
			break
		}
		if t.After(now) {
			continue
		}
		for {
			n := sched.Next(t)
			if n.IsZero() || n.After(now) {
				return t
			}
			t = n
		}
	}
	return now.Truncate(time.Second)
}
