package advice_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, "sqlite"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/example/advice"
	"github.com/teggo/teggo/example/advice/internal/ledger"
	"github.com/teggo/teggo/proto"
)

// bank is the caller: a context proto whose interface-typed fields get the
// generated proxies of Ledger and Journal, so their advice applies.
type bank struct {
	proto.Context

	Accounts ledger.Accounts `inject:""`
	Journal  ledger.Recorder `inject:""`
}

// openDB opens a SQLite file in t.TempDir() in WAL mode with the given
// busy_timeout, and creates the ledger's tables.
func openDB(t testing.TB, busyMS int) *sql.DB {
	t.Helper()
	dsn := fmt.Sprintf("file:%s?_pragma=journal_mode(WAL)&_pragma=busy_timeout(%d)",
		filepath.Join(t.TempDir(), "ledger.db"), busyMS)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(ledger.Schema); err != nil {
		t.Fatal(err)
	}
	return db
}

// logBuf is a concurrency-safe buffer for a JSON slog handler.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the JSON lines logged so far, decoded.
func (l *logBuf) lines(t testing.TB) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, s := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if s == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatalf("bad log line %q: %v", s, err)
		}
		out = append(out, m)
	}
	return out
}

type app struct {
	c   *container.Container
	db  *sql.DB
	log *logBuf
}

type appOpt struct {
	busyMS   int
	noLogger bool
	level    slog.Level
	extra    []any     // declarations registered instead of ledger.LogCalls when set
	logTo    io.Writer // where the logger writes instead of the app's logBuf
	gate     *advice.TxGate
}

// newApp builds a container with advice.Module(), ledger.Module(), the
// crosscut of LogAdvice, a *sql.DB and a *slog.Logger provided by
// constructors, and the bank.
func newApp(t testing.TB, o appOpt) *app {
	t.Helper()
	if o.busyMS == 0 {
		o.busyMS = 5000
	}
	a := &app{db: openDB(t, o.busyMS), log: &logBuf{}}
	c, err := build(a, o)
	if err != nil {
		t.Fatal(err)
	}
	a.c = c
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return a
}

func build(a *app, o appOpt) (*container.Container, error) {
	c := container.New()
	if err := c.Provide(func() *sql.DB { return a.db }); err != nil {
		return nil, err
	}
	if !o.noLogger {
		var w io.Writer = a.log
		if o.logTo != nil {
			w = o.logTo
		}
		logger := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: o.level}))
		if err := c.Provide(func() *slog.Logger { return logger }); err != nil {
			return nil, err
		}
	}
	if o.gate != nil {
		if err := c.Provide(func() *advice.TxGate { return o.gate }); err != nil {
			return nil, err
		}
	}
	c.Install(advice.Module(), ledger.Module())
	if o.extra != nil {
		c.Register(o.extra...)
	} else {
		c.Register(ledger.LogCalls)
	}
	c.Register(new(bank))
	return c, c.Build(context.Background())
}

// scope opens a scope (one request) and returns its bank.
func (a *app) scope(t testing.TB) (context.Context, *bank) {
	t.Helper()
	ctx, sc := container.NewScope(context.Background(), a.c)
	t.Cleanup(func() { sc.Close() })
	b, err := container.Get[*bank](ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, b
}

// balance reads an account straight from the database; ok is false when
// the account does not exist.
func (a *app) balance(t testing.TB, account string) (bal int64, ok bool) {
	t.Helper()
	err := a.db.QueryRow(`SELECT balance FROM accounts WHERE id = ?`, account).Scan(&bal)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return bal, true
}

// journal reads the journal's entries straight from the database.
func (a *app) journal(t testing.TB) []string {
	t.Helper()
	rows, err := a.db.Query(`SELECT entry FROM journal ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// idle checks that no connection is still in use: every transaction the
// advice opened has ended.
func (a *app) idle(t testing.TB) {
	t.Helper()
	if n := a.db.Stats().InUse; n != 0 {
		t.Fatalf("%d connections still in use: a transaction was left open", n)
	}
}

// sqliteCode returns the SQLite result code err carries, or -1.
func sqliteCode(err error) int {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		return coded.Code()
	}
	return -1
}
