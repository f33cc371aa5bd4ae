package advice

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

type secret string

func (secret) LogValue() slog.Value { return slog.StringValue("***") }

type point struct{ X, Y int }

func TestAppendValue(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{nil, "nil"},
		{"hi", `"hi"`},
		{[]byte("raw"), `"raw"`},
		{true, "true"},
		{int8(-3), "-3"},
		{uint64(7), "7"},
		{1.5, "1.5"},
		{float32(0.25), "0.25"},
		{3 * time.Second, "3s"},
		{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "2024-01-02T03:04:05Z"},
		{errors.New("boom"), `"boom"`},
		{secret("hunter2"), `"***"`},
		{point{1, 2}, "{X:1 Y:2}"},
		{&point{1, 2}, "&{X:1 Y:2}"},
		{[]int{1, 2, 3}, "[1 2 3]"},
		{make([]int, 100), "[]int(len=100)"},
		{map[string]int{"a": 1}, "map[a:1]"},
		{strings.Repeat("x", 70), `"` + strings.Repeat("x", 64) + `…"`},
		{[]string{strings.Repeat("y", 80)}, "[" + strings.Repeat("y", 63) + "…"},
	} {
		if got := string(appendValue(nil, tc.in)); got != tc.want {
			t.Errorf("appendValue(%T) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCutUTF8(t *testing.T) {
	s := "aé" // a, then 2 bytes
	if got := cutUTF8(s, 2); got != "a" {
		t.Fatalf("cutUTF8 split a rune: %q", got)
	}
	if got := cutUTF8(s, 3); got != s {
		t.Fatalf("cutUTF8 = %q", got)
	}
}

func TestMethodNameCached(t *testing.T) {
	a := new(LogAdvice)
	s1 := a.methodName("Ledger", "Deposit")
	s2 := a.methodName("Ledger", "Deposit")
	if s1 != "Ledger.Deposit" || a.methodName("Journal", "Note") != "Journal.Note" {
		t.Fatal(s1)
	}
	if n := testing.AllocsPerRun(100, func() { _ = a.methodName("Ledger", "Deposit") }); n != 0 {
		t.Fatalf("methodName allocates %v per call once cached", n)
	}
	_ = s2
}
