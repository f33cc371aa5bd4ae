package topic

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver: nothing to install

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
)

const schema = `
CREATE TABLE IF NOT EXISTS topics (
	id          TEXT PRIMARY KEY,
	author_id   TEXT NOT NULL,
	tab         TEXT NOT NULL DEFAULT 'share',
	title       TEXT NOT NULL,
	content     TEXT NOT NULL,
	good        INTEGER NOT NULL DEFAULT 0,
	top         INTEGER NOT NULL DEFAULT 0,
	reply_count INTEGER NOT NULL DEFAULT 0,
	visit_count INTEGER NOT NULL DEFAULT 0,
	create_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	action   TEXT NOT NULL,
	topic_id TEXT NOT NULL,
	at       TEXT NOT NULL
);`

// OpenDB opens (creating it on first start) the SQLite database under the
// app's run directory, file name from the config key db.file, and applies
// the schema. Provide it to the app: teggo.Provide(topic.OpenDB).
func OpenDB(info *teggo.AppInfo, cfg *config.Config) (*sql.DB, error) {
	file := cfg.String("db.file")
	if file == "" {
		file = "topics.db"
	}
	path := filepath.Join(info.RunDir, file)
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, fmt.Errorf("topic: open %s: %w", path, err)
	}
	if _, err := db.ExecContext(context.Background(), schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("topic: schema of %s: %w", path, err)
	}
	return db, nil
}
