package main

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/example/topic"
	"github.com/teggo/teggo/internal/logbuf"
	"github.com/teggo/teggo/teggotest"
)

// TestConcurrentCreates: 200 concurrent POSTs over loopback all answer
// 201, and every topic has its audit row, with no audit row left without
// its topic.
func TestConcurrentCreates(t *testing.T) {
	app := startApp(t)
	// Connections the client dialled but never used would otherwise keep
	// the server's shutdown waiting: close them before it (cleanups run
	// last registered first).
	t.Cleanup(app.Client.CloseIdleConnections)
	loggedIn(t, app, "alice")
	const n = 200
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			res := app.POST("/api/v2/topics", map[string]string{"title": "t", "content": "c"})
			codes[i] = res.StatusCode
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusCreated {
			t.Fatalf("POST %d: status %d", i, c)
		}
	}
	db, _ := container.Lookup[*sql.DB](app.Container())
	var topics, audited, orphans int
	db.QueryRow(`SELECT count(*) FROM topics`).Scan(&topics)
	db.QueryRow(`SELECT count(*) FROM topics WHERE id IN (SELECT topic_id FROM audit WHERE action = 'create')`).Scan(&audited)
	db.QueryRow(`SELECT count(*) FROM audit WHERE topic_id NOT IN (SELECT id FROM topics)`).Scan(&orphans)
	if topics != n || audited != n || orphans != 0 {
		t.Fatalf("topics %d, with audit row %d, orphan audit rows %d", topics, audited, orphans)
	}
}

// TestReadsTakeNoWriteLock: while another connection holds SQLite's write
// lock, GET of an existing and of a missing id still answer 200 and 404: a
// read that opened a write transaction would wait out the busy timeout and
// fail with SQLITE_BUSY.
func TestReadsTakeNoWriteLock(t *testing.T) {
	app := startApp(t)
	loggedIn(t, app, "alice")
	var c topic.Created
	app.POST("/api/v2/topics", map[string]string{"title": "t", "content": "c"}).ExpectStatus(t, http.StatusCreated).JSON(&c)

	db, _ := container.Lookup[*sql.DB](app.Container())
	var seq int
	var name, file string
	if err := db.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	locker, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(100)")
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	conn, err := locker.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), `ROLLBACK`)

	app.GET("/api/v2/topics/nope").ExpectStatus(t, http.StatusNotFound)
	app.GET("/api/v2/topics/"+c.TopicID).ExpectStatus(t, http.StatusOK)
	app.GET("/api/v2/topics").ExpectStatus(t, http.StatusOK)
}

// TestCreateCommitsOnceBegun: a create whose transaction has begun
// commits even when its client hangs up before the answer (TxAdvice's
// detach=true): another connection holds SQLite's write lock, the POST's
// BEGIN IMMEDIATE waits for it, the client gives up after 300 ms, and
// once the lock is released the topic and its audit row are written
// together. Without detach the hang-up interrupts the BEGIN and nothing
// is written.
func TestCreateCommitsOnceBegun(t *testing.T) {
	app := startApp(t)
	t.Cleanup(app.Client.CloseIdleConnections)
	loggedIn(t, app, "alice")
	db, _ := container.Lookup[*sql.DB](app.Container())
	var seq int
	var name, file string
	if err := db.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	locker, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(100)")
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	conn, err := locker.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, app.URL("/api/v2/topics"),
		strings.NewReader(`{"title":"hung up","content":"c"}`))
	req.Header.Set("Content-Type", "application/json")
	if res, err := app.Client.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("POST answered %d while the write lock was held", res.StatusCode)
	}
	time.Sleep(200 * time.Millisecond) // the server sees the hang-up
	if _, err := conn.ExecContext(context.Background(), `ROLLBACK`); err != nil {
		t.Fatal(err)
	}

	count := func(q string) int {
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	eventually(t, func() bool { return count(`SELECT count(*) FROM topics WHERE title = 'hung up'`) == 1 })
	if n := count(`SELECT count(*) FROM audit WHERE topic_id IN (SELECT id FROM topics WHERE title = 'hung up')`); n != 1 {
		t.Fatalf("%d audit rows for the topic, want 1", n)
	}
}

// TestSecretsNotLogged: the passwords of a sign-up and of a login reach
// no log line, at debug level, while the service's calls are logged.
func TestSecretsNotLogged(t *testing.T) {
	buf := logbuf.New()
	log := slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	app := teggotest.Start(t, append(options(), teggo.Logger(log))...)
	loggedIn(t, app, "alice")
	app.POST("/passport/local", map[string]string{"username": "alice", "password": "wr0ng-s3cr3t"}).ExpectStatus(t, http.StatusUnauthorized)
	var c topic.Created
	app.POST("/api/v2/topics", map[string]string{"title": "t", "content": "c"}).ExpectStatus(t, http.StatusCreated).JSON(&c)
	app.PUT("/api/v2/topics/"+c.TopicID, map[string]string{"title": "u", "content": "c"}).ExpectStatus(t, http.StatusNoContent)
	out := buf.String()
	if !strings.Contains(out, "method=Service.Create") {
		t.Fatalf("no call line in:\n%s", out)
	}
	if strings.Contains(out, password) || strings.Contains(out, "wr0ng-s3cr3t") || strings.Contains(out, "$argon2id$") {
		t.Fatalf("a secret reached the log:\n%s", out)
	}
}
