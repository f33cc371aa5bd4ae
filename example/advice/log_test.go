package advice_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/example/advice"
)

// line checks one decoded log line.
func line(t *testing.T, l map[string]any, level, method, args string, ok bool) {
	t.Helper()
	if l["msg"] != "call" || l["level"] != level || l["method"] != method || l["ok"] != ok {
		t.Fatalf("line = %v, want msg=call level=%s method=%s ok=%v", l, level, method, ok)
	}
	if args != "-" && l["args"] != args {
		t.Fatalf("args = %q, want %q", l["args"], args)
	}
	d, isNum := l["dur"].(float64) // JSON handler: nanoseconds
	if !isNum || d <= 0 {
		t.Fatalf("dur = %v, want a positive duration", l["dur"])
	}
}

func TestLogSuccess(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	if err := b.Accounts.Deposit(ctx, "alice", 500); err != nil {
		t.Fatal(err)
	}
	lines := a.log.lines(t)
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1: %v", len(lines), lines)
	}
	line(t, lines[0], "INFO", "Ledger.Deposit", `("alice", 500)`, true)
	if _, has := lines[0]["err"]; has {
		t.Fatalf("a success logs no err: %v", lines[0])
	}
}

func TestLogFailure(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	_ = b.Accounts.Withdraw(ctx, "nobody", 3)
	lines := a.log.lines(t)
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1: %v", len(lines), lines)
	}
	line(t, lines[0], "WARN", "Ledger.Withdraw", `("nobody", 3)`, false)
	if e, _ := lines[0]["err"].(string); !strings.Contains(e, "insufficient funds") {
		t.Fatalf("err = %q, want the call's error", e)
	}
}

func TestLogPanic(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	func() {
		defer func() {
			if r := recover(); r != "ledger: explode" {
				t.Fatalf("recovered %v, want the panic to go on", r)
			}
		}()
		_ = b.Accounts.Explode(ctx, "zed")
	}()
	lines := a.log.lines(t)
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1: %v", len(lines), lines)
	}
	line(t, lines[0], "ERROR", "Ledger.Explode", `("zed")`, false)
	if e, _ := lines[0]["err"].(string); e != "aop: panic: ledger: explode" {
		t.Fatalf("err = %q", e)
	}
}

func TestLogNestedCalls(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	if err := b.Accounts.Deposit(ctx, "x", 5); err != nil {
		t.Fatal(err)
	}
	if err := b.Accounts.Transfer(ctx, "x", "y", 2); err != nil {
		t.Fatal(err)
	}
	lines := a.log.lines(t)[1:]
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3: %v", len(lines), lines)
	}
	line(t, lines[0], "INFO", "Journal.Record", `("attempt x->y 2")`, true)
	line(t, lines[1], "INFO", "Journal.Note", `("transfer x->y 2")`, true)
	line(t, lines[2], "INFO", "Ledger.Transfer", `("x", "y", 2)`, true)
}

func TestLogCapsLongValues(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	long := strings.Repeat("é", 100) // 200 bytes
	if err := b.Accounts.Deposit(ctx, long, 1); err != nil {
		t.Fatal(err)
	}
	args, _ := a.log.lines(t)[0]["args"].(string)
	want := `("` + strings.Repeat("é", 32) + `…", 1)`
	if args != want {
		t.Fatalf("args = %q, want %q", args, want)
	}
}

func TestLogParams(t *testing.T) {
	a := newApp(t, appOpt{level: slog.LevelDebug, extra: []any{
		aop.Crosscut(new(advice.LogAdvice), aop.ForRegexp("^Ledger$", "^Deposit$"),
			aop.WithParams(aop.Params{"level": "debug", "args": "false"})),
	}})
	ctx, b := a.scope(t)
	if err := b.Accounts.Deposit(ctx, "secret", 1); err != nil {
		t.Fatal(err)
	}
	if err := b.Accounts.Withdraw(ctx, "secret", 1); err != nil { // not matched: no line
		t.Fatal(err)
	}
	lines := a.log.lines(t)
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1: %v", len(lines), lines)
	}
	line(t, lines[0], "DEBUG", "Ledger.Deposit", "-", true)
	if _, has := lines[0]["args"]; has {
		t.Fatalf("args=false still logs args: %v", lines[0])
	}
}

func TestLogBadParamsFailBuild(t *testing.T) {
	for _, p := range []aop.Params{{"level": "loud"}, {"args": "maybe"}, {"color": "red"}} {
		a := &app{db: openDB(t, 5000), log: &logBuf{}}
		_, err := build(a, appOpt{extra: []any{
			aop.Crosscut(new(advice.LogAdvice), aop.ForRegexp("^Ledger$", ""), aop.WithParams(p)),
		}})
		if err == nil || !strings.Contains(err.Error(), "LogAdvice") {
			t.Fatalf("Build with %v = %v, want LogAdvice's refusal", p, err)
		}
	}
}

func TestLogDisabledLevelLogsNothing(t *testing.T) {
	a := newApp(t, appOpt{level: slog.LevelError + 1})
	ctx, b := a.scope(t)
	if err := b.Accounts.Deposit(ctx, "q", 1); err != nil {
		t.Fatal(err)
	}
	_ = b.Accounts.Withdraw(ctx, "q", 5)
	if lines := a.log.lines(t); len(lines) != 0 {
		t.Fatalf("lines = %v, want none", lines)
	}
	if bal, _ := a.balance(t, "q"); bal != 1 {
		t.Fatalf("q = %d: the calls did not run as without logging", bal)
	}
}

func TestLogDefaultLogger(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	a := newApp(t, appOpt{noLogger: true})
	ctx, b := a.scope(t)
	if err := b.Accounts.Deposit(ctx, "d", 2); err != nil {
		t.Fatal(err)
	}
	if s := buf.String(); !strings.Contains(s, "method=Ledger.Deposit") || !strings.Contains(s, `args="(\"d\", 2)"`) {
		t.Fatalf("default logger got %q", s)
	}
}
