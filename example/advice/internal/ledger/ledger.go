// Package ledger is a small service for the tests and examples of package
// advice: accounts and a journal in SQLite, whose methods run in
// transactions opened by advice.TxAdvice through generated proxies.
package ledger

//go:generate go run github.com/teggo/teggo/cmd/teggo gen .

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/example/advice"
	"github.com/teggo/teggo/proto"
)

// Schema creates the tables (idempotent).
const Schema = `
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, balance INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS journal  (id INTEGER PRIMARY KEY, entry TEXT NOT NULL);
`

// ErrInsufficientFunds is returned when a withdrawal would overdraw.
var ErrInsufficientFunds = errors.New("insufficient funds")

// ErrInvalidAmount is returned for an amount that is not positive.
var ErrInvalidAmount = errors.New("amount must be positive")

// LogCalls applies advice.LogAdvice to every method of Ledger and Journal.
// Register it next to the modules: c.Register(ledger.LogCalls).
var LogCalls = aop.Crosscut(new(advice.LogAdvice), aop.ForRegexp(`^(Ledger|Journal)$`, ""))

// Accounts is what callers of the ledger see; the container injects
// Ledger's generated proxy into fields of this type, so calls get advice.
type Accounts interface {
	Deposit(ctx context.Context, account string, cents int64) error
	Withdraw(ctx context.Context, account string, cents int64) error
	Transfer(ctx context.Context, from, to string, cents int64) error
	Adjust(ctx context.Context, account string, cents int64, why string) error
	CloseAccount(ctx context.Context, account string) error
	Explode(ctx context.Context, account string) error
	Balance(ctx context.Context, account string) (int64, error)
	Size() (int, error)
}

// Ledger keeps account balances.
type Ledger struct {
	proto.Singleton `access:"public"`

	DB      *sql.DB  `inject:""`
	Journal Recorder `inject:""` // Journal's proxy: its advice applies
}

// Deposit adds cents to account, creating it.
//
//teggo:pointcut advice.TxAdvice
func (l *Ledger) Deposit(ctx context.Context, account string, cents int64) error {
	if cents <= 0 {
		return ErrInvalidAmount
	}
	return l.add(ctx, account, cents)
}

// Withdraw takes cents from account; it fails, after writing, when the
// balance would go negative, so only the rollback undoes the write.
//
//teggo:pointcut advice.TxAdvice
func (l *Ledger) Withdraw(ctx context.Context, account string, cents int64) error {
	if cents <= 0 {
		return ErrInvalidAmount
	}
	return l.take(ctx, account, cents)
}

// Transfer moves cents between accounts. It records the attempt in the
// journal in a transaction of its own (requires_new: kept whatever
// happens), notes it in the transfer's transaction (required: joined),
// then moves the money.
//
//teggo:pointcut advice.TxAdvice
func (l *Ledger) Transfer(ctx context.Context, from, to string, cents int64) error {
	if err := l.Journal.Record(ctx, fmt.Sprintf("attempt %s->%s %d", from, to, cents)); err != nil {
		return err
	}
	if err := l.Journal.Note(ctx, fmt.Sprintf("transfer %s->%s %d", from, to, cents)); err != nil {
		return err
	}
	if err := l.take(ctx, from, cents); err != nil {
		return err
	}
	return l.add(ctx, to, cents)
}

// Adjust writes to account first and then records why with
// requires_new: the outer transaction holds SQLite's write lock, so the
// record cannot be written (advice.ErrOuterWriter).
//
//teggo:pointcut advice.TxAdvice
func (l *Ledger) Adjust(ctx context.Context, account string, cents int64, why string) error {
	if err := l.add(ctx, account, cents); err != nil {
		return err
	}
	return l.Journal.Record(ctx, why)
}

// CloseAccount reads the balance, records the closing with requires_new,
// then deletes the account: the delete fails with SQLITE_BUSY_SNAPSHOT,
// since the transaction's snapshot predates the record's commit.
//
//teggo:pointcut advice.TxAdvice
func (l *Ledger) CloseAccount(ctx context.Context, account string) error {
	var bal int64
	if err := advice.DBTX(ctx, l.DB).QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ?`, account).Scan(&bal); err != nil {
		return err
	}
	if err := l.Journal.Record(ctx, fmt.Sprintf("close %s at %d", account, bal)); err != nil {
		return err
	}
	_, err := advice.DBTX(ctx, l.DB).ExecContext(ctx, `DELETE FROM accounts WHERE id = ?`, account)
	return err
}

// Explode writes to account and then panics.
//
//teggo:pointcut advice.TxAdvice
func (l *Ledger) Explode(ctx context.Context, account string) error {
	if err := l.add(ctx, account, 1_000_000); err != nil {
		return err
	}
	panic("ledger: explode")
}

// Balance returns the balance of account (0 when it does not exist).
func (l *Ledger) Balance(ctx context.Context, account string) (int64, error) {
	var bal int64
	err := advice.DBTX(ctx, l.DB).QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ?`, account).Scan(&bal)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return bal, err
}

// Size counts the accounts. It is advised by TxAdvice without taking a
// ctx, which TxAdvice refuses at call time (advice.ErrNoContext).
//
//teggo:pointcut advice.TxAdvice
func (l *Ledger) Size() (int, error) {
	var n int
	err := l.DB.QueryRow(`SELECT count(*) FROM accounts`).Scan(&n)
	return n, err
}

func (l *Ledger) add(ctx context.Context, account string, cents int64) error {
	_, err := advice.DBTX(ctx, l.DB).ExecContext(ctx,
		`INSERT INTO accounts (id, balance) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET balance = balance + excluded.balance`,
		account, cents)
	return err
}

func (l *Ledger) take(ctx context.Context, account string, cents int64) error {
	q := advice.DBTX(ctx, l.DB)
	if _, err := q.ExecContext(ctx, `UPDATE accounts SET balance = balance - ? WHERE id = ?`, cents, account); err != nil {
		return err
	}
	var bal int64
	err := q.QueryRowContext(ctx, `SELECT balance FROM accounts WHERE id = ?`, account).Scan(&bal)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("account %s: %w", account, ErrInsufficientFunds)
	case err != nil:
		return err
	case bal < 0:
		return fmt.Errorf("account %s: balance %d: %w", account, bal, ErrInsufficientFunds)
	}
	return nil
}

// Recorder writes the journal.
type Recorder interface {
	Record(ctx context.Context, entry string) error
	Note(ctx context.Context, entry string) error
}

// Journal is an append-only log of entries.
type Journal struct {
	proto.Singleton `access:"public"`

	DB *sql.DB `inject:""`
}

// Record appends entry in a transaction of its own, committed when Record
// returns, whatever the caller's transaction does afterwards.
//
//teggo:pointcut advice.TxAdvice propagation=requires_new
func (j *Journal) Record(ctx context.Context, entry string) error {
	return j.insert(ctx, entry)
}

// Note appends entry in the caller's transaction (or one of its own when
// the caller has none): it is undone when the caller's transaction rolls
// back.
//
//teggo:pointcut advice.TxAdvice propagation=required
func (j *Journal) Note(ctx context.Context, entry string) error {
	return j.insert(ctx, entry)
}

func (j *Journal) insert(ctx context.Context, entry string) error {
	_, err := advice.DBTX(ctx, j.DB).ExecContext(ctx, `INSERT INTO journal (entry) VALUES (?)`, entry)
	return err
}
