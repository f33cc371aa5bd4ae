package topic

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/teggo/teggo/passport"
	"github.com/teggo/teggo/proto"
)

// User is an account, as the session restores it and GET /api/v2/me shows
// it.
type User struct {
	ID       int64  `json:"id,string"`
	Username string `json:"username"`
	Name     string `json:"name,omitempty"`
	// Provider is how the user logs in: "local" (username and password)
	// or "github".
	Provider string `json:"provider"`
}

// SignUp is the input of POST /api/v2/users: a local account. The
// username is 3 to 32 letters, digits, '.', '_' or '-'; the password 8
// to 128 characters.
type SignUp struct {
	Username string `json:"username" jsonschema:"minLength=3,maxLength=32,pattern=^[A-Za-z0-9._-]+$"`
	Password string `json:"password" jsonschema:"minLength=8,maxLength=128" log:"secret"`
}

// ErrUsernameTaken is what Users.SignUp returns for a username a local
// account already has.
var ErrUsernameTaken = errors.New("the username is taken")

// Users reads and writes accounts in the example's SQLite database
// (the users table of OpenDB's schema).
type Users struct {
	proto.Singleton `access:"public"`
	DB              *sql.DB `inject:""` // the writer pool
	Read            *ReadDB `inject:""` // the read pool
}

const userColumns = `id, username, name, provider`

func scanUser(row *sql.Row) (*User, error) {
	var u User
	if err := row.Scan(&u.ID, &u.Username, &u.Name, &u.Provider); err != nil {
		return nil, err
	}
	return &u, nil
}

// SignUp creates a local account with the argon2id hash of its password
// (passport.HashPassword); ErrUsernameTaken when the username exists.
func (r *Users) SignUp(ctx context.Context, in SignUp) (*User, error) {
	hash, err := passport.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u, err := scanUser(r.DB.QueryRowContext(ctx,
		`INSERT INTO users (provider, provider_id, username, password_hash, create_at) VALUES ('local', ?, ?, ?, ?) RETURNING `+userColumns,
		in.Username, in.Username, hash, now()))
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return nil, ErrUsernameTaken
	}
	return u, err
}

// CheckLocal returns the local account of username when password is its
// password, passport.ErrVerifyFailed otherwise. The check is
// passport.CheckPassword's: constant time, and an unknown username costs a
// hash too, so that the time taken does not tell it from a wrong password.
func (r *Users) CheckLocal(ctx context.Context, username, password string) (*User, error) {
	var u User
	var hash sql.NullString
	err := r.Read.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE provider = 'local' AND provider_id = ?`, username).
		Scan(&u.ID, &u.Username, &u.Name, &u.Provider, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	ok, cerr := passport.CheckPassword(hash.String, password) // "" for an unknown user: a dummy hash's time
	if cerr != nil {
		return nil, cerr
	}
	if err != nil || !ok {
		return nil, passport.ErrVerifyFailed
	}
	return &u, nil
}

// FromProvider returns the account linked to a provider's profile,
// creating it at its first login and keeping its username and name up to
// date at the next ones.
func (r *Users) FromProvider(ctx context.Context, prof *passport.Profile) (*User, error) {
	if prof.ID == "" || prof.Username == "" {
		return nil, passport.ErrVerifyFailed
	}
	return scanUser(r.DB.QueryRowContext(ctx,
		`INSERT INTO users (provider, provider_id, username, name, create_at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (provider, provider_id) DO UPDATE SET username = excluded.username, name = excluded.name
		 RETURNING `+userColumns,
		prof.Provider, prof.ID, prof.Username, prof.DisplayName, now()))
}

// Get returns the account of id; sql.ErrNoRows when there is none.
func (r *Users) Get(ctx context.Context, id int64) (*User, error) {
	return scanUser(r.Read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }
