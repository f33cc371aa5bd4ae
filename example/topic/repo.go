package topic

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/teggo/teggo/example/advice"
	"github.com/teggo/teggo/proto"
)

// Repo reads and writes topics in SQLite. Its writes run in the
// transaction the call's ctx carries (advice.DBTX), if any; its reads run
// on the read pool, never in a write transaction.
type Repo struct {
	proto.Singleton `access:"public"`
	DB              *sql.DB `inject:""` // the writer pool
	Read            *ReadDB `inject:""` // the read pool
}

// Destroy closes both pools when the app stops: the repo is their owner.
func (r *Repo) Destroy(context.Context) error {
	return errors.Join(r.Read.Close(), r.DB.Close())
}

// ErrNotFound is what Get and Update return for an unknown id.
var ErrNotFound = errors.New("topic not found")

// ErrNotAuthor is what Update returns when the user is not the topic's
// author.
var ErrNotAuthor = errors.New("only the topic's author may change it")

// columns are a topic's, its author's username and provider joined from
// users (NULL for a topic whose author is no user).
const columns = `t.id, t.author_id, u.username, u.provider, t.tab, t.title, t.content, t.good, t.top, t.reply_count, t.visit_count, t.create_at`

// fromTopics joins the author: by users.id (the primary key's lookup),
// and, for a database whose author_id column is text, only when the text
// is the id itself — a label such as '0001' is no user's, as Update sees
// it.
const fromTopics = ` FROM topics t LEFT JOIN users u ON u.id = t.author_id AND CAST(u.id AS TEXT) = t.author_id`

func scan(row interface{ Scan(...any) error }) (*Topic, error) {
	var t Topic
	var at string
	var username, provider sql.NullString
	if err := row.Scan(&t.ID, &t.AuthorID, &username, &provider, &t.Tab, &t.Title, &t.Content, &t.Good, &t.Top, &t.ReplyCount, &t.VisitCount, &at); err != nil {
		return nil, err
	}
	if username.Valid {
		t.Author = &Author{Username: username.String, Provider: provider.String}
	}
	t.CreateAt, _ = time.Parse(time.RFC3339Nano, at)
	return &t, nil
}

// Insert stores a new topic; t.AuthorID must be a user's id.
func (r *Repo) Insert(ctx context.Context, t *Topic) error {
	_, err := advice.DBTX(ctx, r.DB).ExecContext(ctx,
		`INSERT INTO topics (id, author_id, tab, title, content, create_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.ID, t.AuthorID, t.Tab, t.Title, t.Content, t.CreateAt.UTC().Format(time.RFC3339Nano))
	return err
}

// Update changes a topic's title, tab and content when in.AuthorID is its
// author's: ErrNotFound for an unknown id, ErrNotAuthor for another user.
// Run it in a transaction, so that the check and the change see the same
// row.
func (r *Repo) Update(ctx context.Context, in UpdateTopic) error {
	q := advice.DBTX(ctx, r.DB)
	var author string
	err := q.QueryRowContext(ctx, `SELECT author_id FROM topics WHERE id = ?`, in.ID).Scan(&author)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if author != strconv.FormatInt(in.AuthorID, 10) {
		return ErrNotAuthor
	}
	_, err = q.ExecContext(ctx,
		`UPDATE topics SET title = ?, tab = COALESCE(NULLIF(?, ''), tab), content = ? WHERE id = ?`,
		in.Title, in.Tab, in.Content, in.ID)
	return err
}

// Get returns one topic, read on the read pool: no write, no transaction.
func (r *Repo) Get(ctx context.Context, id string) (*Topic, error) {
	t, err := scan(r.Read.QueryRowContext(ctx, `SELECT `+columns+fromTopics+` WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return t, err
}

// List returns a page of topics, newest first, of one tab or all, read on
// the read pool.
func (r *Repo) List(ctx context.Context, tab string, page, limit int) ([]Topic, error) {
	rows, err := r.Read.QueryContext(ctx,
		`SELECT `+columns+fromTopics+` WHERE ? = '' OR t.tab = ? ORDER BY t.create_at DESC, t.id LIMIT ? OFFSET ?`,
		tab, tab, limit, (page-1)*limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Topic{}
	for rows.Next() {
		t, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// Audit records an action on a topic, in the transaction of ctx when one
// is open: the audit row commits or rolls back with the write it records.
func (r *Repo) Audit(ctx context.Context, action, topicID string) error {
	_, err := advice.DBTX(ctx, r.DB).ExecContext(ctx, `INSERT INTO audit (action, topic_id, at) VALUES (?, ?, ?)`,
		action, topicID, time.Now().UTC().Format(time.RFC3339Nano))
	return err
}

// AuditTrail returns the actions recorded for a topic, oldest first.
func (r *Repo) AuditTrail(ctx context.Context, topicID string) ([]string, error) {
	rows, err := r.Read.QueryContext(ctx, `SELECT action FROM audit WHERE topic_id = ? ORDER BY id`, topicID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PruneAudit deletes audit rows recorded before t and says how many.
func (r *Repo) PruneAudit(ctx context.Context, before time.Time) (int64, error) {
	res, err := r.DB.ExecContext(ctx, `DELETE FROM audit WHERE at < ?`, before.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return 0, fmt.Errorf("prune audit: %w", err)
	}
	return res.RowsAffected()
}
