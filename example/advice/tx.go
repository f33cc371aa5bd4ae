package advice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// Propagation says how a call advised by TxAdvice relates to a transaction
// already open in its ctx. It is the `propagation` param of the pointcut.
type Propagation uint8

const (
	// Required joins the transaction of the call's ctx when one is open on
	// the advice's database, else opens one that commits or rolls back when
	// the call ends. It is the default.
	Required Propagation = iota
	// RequiresNew always opens a transaction of its own on a connection of
	// its own, committed or rolled back when the call ends, whatever the
	// outer transaction does afterwards. With SQLite it can commit while an
	// outer transaction is open only if that outer transaction has not
	// written yet: see TxAdvice.
	RequiresNew
)

// String returns the param value: "required" or "requires_new".
func (p Propagation) String() string {
	if p == RequiresNew {
		return "requires_new"
	}
	return "required"
}

// TxParams are TxAdvice's params as ParseParams typed them, once, at Build.
type TxParams struct {
	// Propagation is the propagation param; Required when absent.
	Propagation Propagation
	// Detach is the detach param (false when absent): the transaction, once
	// begun, runs on context.WithoutCancel of the call's ctx.
	Detach bool
}

// ErrNoContext is returned by a call advised by TxAdvice whose method does
// not take a context.Context first (or was called with a nil one): the
// transaction travels to the method in its ctx, so there is no other way
// for the method to reach it.
var ErrNoContext = errors.New("advice: TxAdvice needs a method whose first parameter is a context.Context")

// ErrOuterWriter is matched (errors.Is) by the error of a requires_new call
// that could not get SQLite's write lock, or could not get a connection,
// while a transaction of the same call stack was open on the same database.
// SQLite allows one writer at a time: an outer transaction that has written
// keeps the lock until it ends, and it cannot end while the call it is
// waiting for waits for the lock. The error also wraps the driver's error.
var ErrOuterWriter = errors.New("advice: requires_new could not write: an outer transaction of this call holds the database")

// TxAdvice runs the advised method in a database transaction: it commits
// when the method returns a nil error, and rolls back when it returns an
// error or panics (the panic then goes on).
//
// Apply it with a pointcut on methods that take a context.Context first:
//
//	//teggo:pointcut advice.TxAdvice
//	func (l *Ledger) Deposit(ctx context.Context, account string, cents int64) error
//
//	//teggo:pointcut advice.TxAdvice propagation=requires_new
//	func (j *Journal) Record(ctx context.Context, entry string) error
//
// The advice replaces the method's ctx argument with one that carries the
// transaction; the method reaches it with Tx or DBTX. Only calls through
// the generated proxy (an interface-typed inject site) are advised: a
// method calling another method of its own object bypasses the advice.
//
// Params are parsed once at Build; any other value, or any other param,
// fails the Build. Propagation (the `propagation` param):
//
//   - required (the default): join the transaction the call's ctx carries
//     for the same *sql.DB, else begin one. A joined call neither commits
//     nor rolls back: the outermost call owns the transaction, and a joined
//     call's error rolls everything back only if the owner returns it.
//   - requires_new: always begin a transaction of its own, on a connection
//     of its own; the method's ctx carries it (and hides the outer one)
//     for the duration of the call, and it commits or rolls back when the
//     call ends, independently of the outer transaction.
//
// Detach (the `detach` param, true or false; false by default): with
// detach=true the call waits for its turn (the gate, the connection) on
// its own ctx, so a caller that gave up before the transaction began
// takes nothing; once the transaction has begun, it and the method run on
// context.WithoutCancel(ctx) (the values stay, the cancellation and the
// deadline go): the outcome is the method's result alone, never a client
// that hung up half-way, and the method must not rely on ctx to stop. It
// is for short writes on a single writer: the SQLite driver then starts
// no goroutine per statement to watch ctx (database/sql still starts one
// per transaction), wake-ups which under load leave the writer waiting to
// be scheduled again while every other writer waits for it.
//
// SQLite has one writer at a time, and transactions begin deferred (they
// take the write lock at their first write, not at BEGIN). So a
// requires_new call inside an open outer transaction commits fine when the
// outer transaction has not written yet (audit first, then work), and:
//
//   - if the outer transaction has already written, the inner's first write
//     waits busy_timeout and then fails with SQLITE_BUSY: the outer holds
//     the lock and waits for the inner. The call's error then matches
//     ErrOuterWriter; the inner rolls back; the outer usually fails too;
//   - if the outer transaction read before the inner committed, its next
//     write fails at once with SQLITE_BUSY_SNAPSHOT (517): its snapshot is
//     older than the inner's commit, and SQLite will not let it write.
//
// Nesting also needs a second connection: a *sql.DB limited to one open
// connection (SetMaxOpenConns(1)) would wait forever, so such a call fails
// at once with ErrOuterWriter.
//
// The *sql.DB is injected (provide it with container.Provide). It is
// optional so that the advice package can be installed for LogAdvice alone;
// a TxAdvice applied anywhere without a *sql.DB fails the Build.
//
// When the container also has a *TxGate (optional), every transaction the
// advice begins waits for a slot of the gate first, in arrival order, and
// gives it back once it committed or rolled back: callers are served
// first come first served instead of in database/sql's random order. A
// requires_new call inside a transaction of its own call stack does not
// wait for the gate (that call stack holds the slot already); it needs a
// second connection, as above.
type TxAdvice struct {
	proto.Singleton `access:"public"`

	// DB is the database the transactions are opened on.
	DB *sql.DB `inject:"" optional:"true"`
	// Gate, when set, queues the transactions FIFO in front of DB.
	Gate *TxGate `inject:"" optional:"true"`
}

// ParseParams types the params of one pointcut, once, at Build.
func (t *TxAdvice) ParseParams(p aop.Params) (any, error) {
	if t.DB == nil {
		return nil, errors.New("advice: TxAdvice has no *sql.DB: provide one with container.Provide")
	}
	var tp TxParams
	for _, k := range slices.Sorted(maps.Keys(p)) {
		v := p[k]
		switch k {
		case "propagation":
			switch v {
			case "", "required":
				tp.Propagation = Required
			case "requires_new":
				tp.Propagation = RequiresNew
			default:
				return nil, fmt.Errorf("advice: TxAdvice: propagation=%q: want required or requires_new", v)
			}
		case "detach":
			switch v {
			case "", "false":
				tp.Detach = false
			case "true":
				tp.Detach = true
			default:
				return nil, fmt.Errorf("advice: TxAdvice: detach=%q: want true or false", v)
			}
		default:
			return nil, fmt.Errorf("advice: TxAdvice: unknown param %q (known: propagation, detach)", k)
		}
	}
	return tp, nil
}

// Around runs the call in a transaction as its propagation says.
func (t *TxAdvice) Around(c aop.Call, next aop.Next) error {
	tp, _ := aop.ParamsOf[TxParams](c) // read before next(): it reads the running advice
	if c.NumArgs() == 0 {
		return t.noContext(c)
	}
	ctx, ok := c.Arg(0).(context.Context)
	if !ok || ctx == nil {
		return t.noContext(c)
	}
	outer, _ := ctx.Value(txKey{}).(*txState)
	if outer != nil && outer.db != t.DB {
		outer = nil // a transaction of another database: not ours to join
	}
	if tp.Propagation == Required && outer != nil {
		return next() // join: the ctx already carries the transaction
	}
	if tp.Propagation == RequiresNew && outer != nil && t.DB.Stats().MaxOpenConnections == 1 {
		return fmt.Errorf("%w: %s.%s: the *sql.DB allows one open connection and the outer transaction has it", ErrOuterWriter, c.TypeName(), c.Method())
	}

	if t.Gate != nil && outer == nil {
		if err := t.Gate.Acquire(ctx); err != nil {
			return fmt.Errorf("advice: %s.%s: %w", c.TypeName(), c.Method(), err)
		}
		defer t.Gate.Release() // after the commit or rollback below
	}
	txCtx := ctx // what the transaction and the method run on
	if tp.Detach {
		if err := ctx.Err(); err != nil { // the caller gave up while it waited
			return fmt.Errorf("advice: %s.%s: begin: %w", c.TypeName(), c.Method(), err)
		}
		txCtx = context.WithoutCancel(ctx)
	}
	tx, err := t.DB.BeginTx(txCtx, nil)
	if err != nil {
		return fmt.Errorf("advice: %s.%s: begin: %w", c.TypeName(), c.Method(), err)
	}
	done := false
	defer func() {
		if !done { // a panic: roll back, and let it go on
			_ = tx.Rollback()
		}
	}()
	if err := c.SetArg(0, context.WithValue(txCtx, txKey{}, &txState{db: t.DB, tx: tx})); err != nil {
		done = true
		_ = tx.Rollback()
		return err
	}
	err = next()
	_ = c.SetArg(0, ctx) // outer advice sees the caller's ctx again
	done = true
	if err != nil {
		_ = tx.Rollback()
		if outer != nil && isBusy(err) {
			return fmt.Errorf("%w (%s.%s, propagation=requires_new): %w", ErrOuterWriter, c.TypeName(), c.Method(), err)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		if outer != nil && isBusy(err) {
			return fmt.Errorf("%w (%s.%s, propagation=requires_new): commit: %w", ErrOuterWriter, c.TypeName(), c.Method(), err)
		}
		return fmt.Errorf("advice: %s.%s: commit: %w", c.TypeName(), c.Method(), err)
	}
	return nil
}

func (t *TxAdvice) noContext(c aop.Call) error {
	return fmt.Errorf("%w: %s.%s", ErrNoContext, c.TypeName(), c.Method())
}

// txKey is the context key of the open transaction.
type txKey struct{}

// txState is what the ctx carries: the transaction and its database.
type txState struct {
	db *sql.DB
	tx *sql.Tx
}

// Tx returns the transaction that TxAdvice opened (or joined) for the
// running call, found in ctx. ok is false outside an advised call.
func Tx(ctx context.Context) (tx *sql.Tx, ok bool) {
	if s, _ := ctx.Value(txKey{}).(*txState); s != nil {
		return s.tx, true
	}
	return nil, false
}

// Querier is what *sql.DB and *sql.Tx have in common: what a method needs
// to run statements whether or not it runs in a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// DBTX returns the transaction of ctx when one is open on db, else db
// itself. Methods advised by TxAdvice run their statements on it:
//
//	_, err := advice.DBTX(ctx, l.DB).ExecContext(ctx, `UPDATE ...`)
func DBTX(ctx context.Context, db *sql.DB) Querier {
	if s, _ := ctx.Value(txKey{}).(*txState); s != nil && s.db == db {
		return s.tx
	}
	return db
}

// isBusy reports whether err is (or wraps) a SQLite SQLITE_BUSY error of
// any extended kind, read through the Code method of the driver's error
// type so that this package need not import the driver.
func isBusy(err error) bool {
	var coded interface{ Code() int }
	return errors.As(err, &coded) && coded.Code()&0xff == 5 // SQLITE_BUSY
}
