package schedule

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
)

func TestParseInterval(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"60000": time.Minute, "1": time.Millisecond, "3h": 3 * time.Hour, "1m30s": 90 * time.Second,
		"500ms": 500 * time.Millisecond, "1d": 24 * time.Hour, "2 days": 48 * time.Hour,
		"1.5 hours": 90 * time.Minute, "10s": 10 * time.Second, "1w": 7 * 24 * time.Hour, " 5m ": 5 * time.Minute,
	} {
		got, err := parseInterval(in)
		if err != nil || got != want {
			t.Errorf("parseInterval(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "h", "3 fortnights", "-5s", "0", "1.5"} {
		if _, err := parseInterval(in); err == nil {
			t.Errorf("parseInterval(%q) succeeded", in)
		}
	}
}

func TestSundaySeven(t *testing.T) {
	for in, want := range map[string]string{
		"7": "0", "0": "0", "*": "*", "5-7": "5-6,0", "1,7": "1,0", "7-7": "0", "MON-FRI": "MON-FRI", "*/2": "*/2",
	} {
		if got := sundaySeven(in); got != want {
			t.Errorf("sundaySeven(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLastTick(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ cron, now, want string }{
		{"* * * * * *", "2024-01-01T00:00:05.300Z", "2024-01-01T00:00:05Z"},
		{"* * * * * *", "2024-01-01T00:00:05Z", "2024-01-01T00:00:05Z"},
		{"*/10 * * * * *", "2024-01-01T00:00:19.9Z", "2024-01-01T00:00:10Z"},
		{"0 0 3 * * *", "2024-01-02T03:00:00.250Z", "2024-01-02T03:00:00Z"},
		{"@yearly", "2024-03-01T00:00:00Z", "2024-01-01T00:00:00Z"},
	} {
		_, sched, err := parseCron(tc.cron, "", time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if got := lastTick(sched, at(tc.now)); !got.Equal(at(tc.want)) {
			t.Errorf("lastTick(%q, %s) = %s, want %s", tc.cron, tc.now, got, tc.want)
		}
	}
}

func TestAlignedInterval(t *testing.T) {
	a := alignedInterval{90 * time.Second}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	next := a.Next(base.Add(10 * time.Second))
	if !next.Equal(base.Add(90*time.Second)) || !a.Next(next).Equal(base.Add(180*time.Second)) {
		t.Errorf("Next = %s, %s", next, a.Next(next))
	}
}

func TestMemoryLocker(t *testing.T) {
	clock := clockwork.NewFakeClock()
	l := &MemoryLocker{Clock: clock, TTL: time.Minute}
	ctx := context.Background()
	lk, err := l.Lock(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Lock(ctx, "a"); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Lock = %v, want ErrLocked", err)
	}
	if _, err := l.Lock(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if err := lk.Unlock(ctx); err != nil || l.Held("a") {
		t.Fatalf("Unlock: %v, held %v", err, l.Held("a"))
	}
	if _, err := l.Lock(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if l.Held("a") || l.Held("b") {
		t.Fatal("keys outlived their TTL")
	}
	if _, err := l.Lock(ctx, "a"); err != nil {
		t.Fatalf("Lock after expiry: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Lock(cancelled, "c"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock with a cancelled ctx = %v", err)
	}
}
