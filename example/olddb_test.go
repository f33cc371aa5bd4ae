package main

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/example/topic"
	"github.com/teggo/teggo/teggotest"
)

// TestDatabaseFromBeforeUsers: a database whose topics were written
// before the users table existed (an author label in author_id, an edit
// token's hash in edit_hash) opens; its topics show no author and nobody
// may update them, and new topics are written beside them.
func TestDatabaseFromBeforeUsers(t *testing.T) {
	run := t.TempDir()
	old, err := sql.Open("sqlite", "file:"+filepath.Join(run, "topics.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE topics (id TEXT PRIMARY KEY, author_id TEXT NOT NULL, tab TEXT NOT NULL DEFAULT 'share', title TEXT NOT NULL,
			content TEXT NOT NULL, good INTEGER NOT NULL DEFAULT 0, top INTEGER NOT NULL DEFAULT 0, reply_count INTEGER NOT NULL DEFAULT 0,
			visit_count INTEGER NOT NULL DEFAULT 0, create_at TEXT NOT NULL, edit_hash BLOB)`,
		`CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, action TEXT NOT NULL, topic_id TEXT NOT NULL REFERENCES topics(id), at TEXT NOT NULL)`,
		`INSERT INTO topics (id, author_id, title, content, create_at, edit_hash) VALUES ('old', '1234567890abcdef', 'old', 'c', '2025-01-01T00:00:00Z', x'00')`,
		// a label of digits only, which must not pass for user 1
		`INSERT INTO topics (id, author_id, title, content, create_at) VALUES ('digits', '0001', 'digits', 'c', '2025-01-01T00:00:01Z')`,
	} {
		if _, err := old.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	app := teggotest.Start(t, append(options(), teggo.RunDir(run))...)
	loggedIn(t, app, "alice")
	var got topic.Topic
	app.GET("/api/v2/topics/old").ExpectStatus(t, http.StatusOK).JSON(&got)
	if got.Author != nil || got.AuthorID != "1234567890abcdef" {
		t.Fatalf("old topic %+v", got)
	}
	app.GET("/api/v2/topics/digits").ExpectStatus(t, http.StatusOK).JSON(&got)
	if got.Author != nil {
		t.Fatalf("the label 0001 passes for %+v", got.Author)
	}
	for _, id := range []string{"old", "digits"} {
		app.PUT("/api/v2/topics/"+id, map[string]string{"title": "mine now", "content": "x"}).ExpectStatus(t, http.StatusForbidden)
	}
	var c topic.Created
	app.POST("/api/v2/topics", map[string]string{"title": "new", "content": "c"}).ExpectStatus(t, http.StatusCreated).JSON(&c)
	app.PUT("/api/v2/topics/"+c.TopicID, map[string]string{"title": "newer", "content": "c"}).ExpectStatus(t, http.StatusNoContent)
	var list []topic.Topic
	app.GET("/api/v2/topics").ExpectStatus(t, http.StatusOK).JSON(&list)
	if len(list) != 3 || list[0].Title != "newer" || list[0].Author == nil {
		t.Fatalf("list %+v", list)
	}
}
