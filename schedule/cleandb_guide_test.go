package schedule

// The job of docs/schedule.md's "A job": copied from here so that it
// compiles and runs (on SQLite). It is in the internal test package because
// the external one has a CleanDB of its own (example_test.go).

import (
	"context"
	"database/sql"
	"log/slog"
	"testing"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

//teggo:schedule type=worker cron="0 0 3 * * *"
type CleanDB struct {
	proto.Singleton
	DB *sql.DB `inject:""`
}

func (j *CleanDB) Subscribe(ctx context.Context) error {
	_, err := j.DB.ExecContext(ctx, "DELETE FROM sessions WHERE expires < CURRENT_TIMESTAMP")
	return err
}

func TestGuideCleanDB(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory database
	if _, err := db.ExecContext(ctx, `CREATE TABLE sessions (id TEXT, expires TEXT);
		INSERT INTO sessions VALUES ('old', '2000-01-01 00:00:00'), ('live', '2999-01-01 00:00:00')`); err != nil {
		t.Fatal(err)
	}

	c := container.New(container.Logger(slog.New(slog.DiscardHandler)))
	if err := c.Supply(db); err != nil {
		t.Fatal(err)
	}
	// What `teggo gen` writes for the directive.
	c.Register(new(CleanDB), Job[*CleanDB](Spec{Type: "worker", Cron: "0 0 3 * * *"}))
	if err := c.Build(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Stop(ctx) }()
	s, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Stop(ctx) }()
	if err := s.RunSchedule(ctx, "CleanDB"); err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, err := db.QueryContext(ctx, "SELECT id FROM sessions")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		left = append(left, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0] != "live" {
		t.Fatalf("sessions left: %q, want [live]", left)
	}
}
