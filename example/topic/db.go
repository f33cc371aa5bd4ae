package topic

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver: nothing to install

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/example/advice"
)

// schema creates the tables on first start. users holds the accounts:
// local ones (provider "local", provider_id the username, an argon2id
// password hash) and those of a login provider (provider "github",
// provider_id the provider's user id, no password). A topic's author_id is
// the users.id of its author; a row whose author_id matches no user (a
// database made before the users table existed) has no author, and
// nobody may update it.
const schema = `
CREATE TABLE IF NOT EXISTS users (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	provider      TEXT NOT NULL,
	provider_id   TEXT NOT NULL,
	username      TEXT NOT NULL,
	name          TEXT NOT NULL DEFAULT '',
	password_hash TEXT,
	create_at     TEXT NOT NULL,
	UNIQUE (provider, provider_id)
);
CREATE TABLE IF NOT EXISTS topics (
	id          TEXT PRIMARY KEY,
	author_id   INTEGER NOT NULL REFERENCES users(id),
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
	topic_id TEXT NOT NULL REFERENCES topics(id),
	at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS topics_by_time ON topics (create_at DESC, id);
CREATE INDEX IF NOT EXISTS audit_by_topic ON audit (topic_id);`

// dsn is the connection string of both pools: WAL (readers never wait for
// the writer), a 5 s busy timeout (a connection waits for the lock instead
// of failing with SQLITE_BUSY), foreign keys on, synchronous=NORMAL (in
// WAL mode a commit writes the WAL without an fsync: it survives a crash of
// the process, not a power loss; the fsyncs happen at checkpoints), and
// BEGIN IMMEDIATE for every transaction (a write transaction takes the
// write lock when it begins, so it never fails half-way on a lock another
// writer holds).
const dsn = "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"

// ReadDB is the pool of read connections: GET requests run their queries
// on it, outside any transaction, so a read never takes the write lock.
type ReadDB struct{ *sql.DB }

// OpenDB opens (creating it on first start) the SQLite database under the
// app's run directory, file name from the config key db.file, and applies
// the schema. The *sql.DB it returns is the writer pool: one connection,
// since SQLite has one writer at a time; writers queue for it (in arrival
// order with NewWriteGate) instead of spinning on the busy timeout. Provide it to the app with
// teggo.Provide(topic.OpenDB), and the read pool with
// teggo.Provide(topic.OpenReadDB).
func OpenDB(info *teggo.AppInfo, cfg *config.Config) (*sql.DB, error) {
	path := dbPath(info, cfg)
	db, err := sql.Open("sqlite", "file:"+path+dsn)
	if err != nil {
		return nil, fmt.Errorf("topic: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	if _, err := db.ExecContext(context.Background(), schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("topic: schema of %s: %w", path, err)
	}
	return db, nil
}

// OpenReadDB opens the read pool on the database OpenDB created (it takes
// the writer so that the schema exists first): four connections, read
// only (query_only), enough for two cores.
func OpenReadDB(info *teggo.AppInfo, cfg *config.Config, _ *sql.DB) (*ReadDB, error) {
	path := dbPath(info, cfg)
	db, err := sql.Open("sqlite", "file:"+path+dsn+"&_pragma=query_only(1)")
	if err != nil {
		return nil, fmt.Errorf("topic: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	if err := db.PingContext(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("topic: open %s: %w", path, err)
	}
	return &ReadDB{db}, nil
}

// NewWriteGate returns the queue in front of the writer pool, one slot
// per writer connection: TxAdvice begins each transaction once its turn
// came, in arrival order. Without it database/sql hands the freed writer
// connection to a waiter taken at random, and under load a few creates
// wait many times longer than the rest (a p99 of several hundred ms at 64
// connections where the median is a few ms). Provide it with
// teggo.Provide(topic.NewWriteGate).
func NewWriteGate(db *sql.DB) *advice.TxGate {
	return advice.NewTxGate(db.Stats().MaxOpenConnections)
}

func dbPath(info *teggo.AppInfo, cfg *config.Config) string {
	file := cfg.String("db.file")
	if file == "" {
		file = "topics.db"
	}
	return filepath.Join(info.RunDir, file)
}
