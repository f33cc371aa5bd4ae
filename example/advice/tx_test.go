package advice_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/example/advice"
	"github.com/teggo/teggo/example/advice/internal/ledger"
)

func TestTxCommitsOnSuccess(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	if err := b.Accounts.Deposit(ctx, "alice", 500); err != nil {
		t.Fatal(err)
	}
	if bal, ok := a.balance(t, "alice"); !ok || bal != 500 {
		t.Fatalf("alice = %d (exists %v), want 500", bal, ok)
	}
	a.idle(t)
}

func TestTxRollsBackOnError(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	if err := b.Accounts.Deposit(ctx, "bob", 100); err != nil {
		t.Fatal(err)
	}
	// Withdraw writes the new balance, then finds it negative and fails:
	// only the rollback undoes its write.
	err := b.Accounts.Withdraw(ctx, "bob", 300)
	if !errors.Is(err, ledger.ErrInsufficientFunds) {
		t.Fatalf("Withdraw = %v, want ErrInsufficientFunds", err)
	}
	if bal, _ := a.balance(t, "bob"); bal != 100 {
		t.Fatalf("bob = %d after a failed withdrawal, want 100 (rolled back)", bal)
	}
	a.idle(t)
}

func TestTxRollsBackOnPanic(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	func() {
		defer func() {
			if r := recover(); r != "ledger: explode" {
				t.Fatalf("recovered %v, want the method's panic value", r)
			}
		}()
		_ = b.Accounts.Explode(ctx, "carol")
		t.Fatal("Explode returned; want a panic")
	}()
	if bal, ok := a.balance(t, "carol"); ok {
		t.Fatalf("carol exists with %d after a panic, want rolled back", bal)
	}
	a.idle(t)
	// The database is usable afterwards: no lock was left behind.
	if err := b.Accounts.Deposit(ctx, "carol", 1); err != nil {
		t.Fatal(err)
	}
}

func TestTxRequiredJoinsOuter(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	if err := b.Accounts.Deposit(ctx, "dave", 50); err != nil {
		t.Fatal(err)
	}
	// Transfer notes the transfer with Journal.Note (required): it joins
	// the transfer's transaction, so when the transfer then fails the note
	// goes too. Had Note opened a transaction of its own, it would have
	// committed before the transfer wrote anything.
	if err := b.Accounts.Transfer(ctx, "dave", "erin", 80); !errors.Is(err, ledger.ErrInsufficientFunds) {
		t.Fatalf("Transfer = %v, want ErrInsufficientFunds", err)
	}
	for _, e := range a.journal(t) {
		if strings.HasPrefix(e, "transfer ") {
			t.Fatalf("journal has %q: the required note survived its outer transaction's rollback", e)
		}
	}
	if bal, _ := a.balance(t, "dave"); bal != 50 {
		t.Fatalf("dave = %d, want 50", bal)
	}
	if _, ok := a.balance(t, "erin"); ok {
		t.Fatal("erin exists: the transfer was not rolled back")
	}

	// And on success the joined note commits with the transfer.
	if err := b.Accounts.Transfer(ctx, "dave", "erin", 20); err != nil {
		t.Fatal(err)
	}
	if j := a.journal(t); !slices.Contains(j, "transfer dave->erin 20") {
		t.Fatalf("journal = %q, want the note of the successful transfer", j)
	}
	if d, _ := a.balance(t, "dave"); d != 30 {
		t.Fatalf("dave = %d, want 30", d)
	}
	if e, _ := a.balance(t, "erin"); e != 20 {
		t.Fatalf("erin = %d, want 20", e)
	}
	a.idle(t)
}

func TestTxRequiredAloneOpensItsOwn(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	if err := b.Journal.Note(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	if j := a.journal(t); !slices.Equal(j, []string{"hello"}) {
		t.Fatalf("journal = %q", j)
	}
	a.idle(t)
}

func TestTxRequiresNewCommitsIndependently(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	if err := b.Accounts.Deposit(ctx, "frank", 10); err != nil {
		t.Fatal(err)
	}
	// Transfer records the attempt with Journal.Record (requires_new)
	// before it writes anything; the record commits at once and stays when
	// the transfer rolls back.
	if err := b.Accounts.Transfer(ctx, "frank", "gina", 99); !errors.Is(err, ledger.ErrInsufficientFunds) {
		t.Fatalf("Transfer = %v, want ErrInsufficientFunds", err)
	}
	if j := a.journal(t); !slices.Equal(j, []string{"attempt frank->gina 99"}) {
		t.Fatalf("journal = %q, want only the requires_new record", j)
	}
	if bal, _ := a.balance(t, "frank"); bal != 10 {
		t.Fatalf("frank = %d, want 10", bal)
	}
	a.idle(t)
}

func TestTxRequiresNewAfterOuterWroteFails(t *testing.T) {
	a := newApp(t, appOpt{busyMS: 100})
	ctx, b := a.scope(t)
	// Adjust writes, then records with requires_new: the outer transaction
	// holds SQLite's only write lock and waits for the record, whose write
	// waits busy_timeout for the lock and fails.
	err := b.Accounts.Adjust(ctx, "hank", 5, "bonus")
	if !errors.Is(err, advice.ErrOuterWriter) {
		t.Fatalf("Adjust = %v, want ErrOuterWriter", err)
	}
	if code := sqliteCode(err); code&0xff != 5 {
		t.Fatalf("SQLite code = %d, want SQLITE_BUSY (5) wrapped", code)
	}
	if _, ok := a.balance(t, "hank"); ok {
		t.Fatal("hank exists: the outer transaction was not rolled back")
	}
	if j := a.journal(t); len(j) != 0 {
		t.Fatalf("journal = %q, want empty", j)
	}
	a.idle(t)
}

func TestTxRequiresNewAfterOuterReadSnapshot(t *testing.T) {
	a := newApp(t, appOpt{})
	ctx, b := a.scope(t)
	if err := b.Accounts.Deposit(ctx, "ivan", 7); err != nil {
		t.Fatal(err)
	}
	// CloseAccount reads (its snapshot starts), the record commits with
	// requires_new, then CloseAccount's delete fails at once: SQLite will
	// not let a transaction write from a snapshot older than the last
	// commit (SQLITE_BUSY_SNAPSHOT).
	err := b.Accounts.CloseAccount(ctx, "ivan")
	if code := sqliteCode(err); code != 517 {
		t.Fatalf("CloseAccount = %v (code %d), want SQLITE_BUSY_SNAPSHOT (517)", err, code)
	}
	if j := a.journal(t); !slices.Equal(j, []string{"close ivan at 7"}) {
		t.Fatalf("journal = %q, want the requires_new record, committed", j)
	}
	if bal, ok := a.balance(t, "ivan"); !ok || bal != 7 {
		t.Fatalf("ivan = %d (exists %v), want 7: the delete rolled back", bal, ok)
	}
	a.idle(t)
}

func TestTxRequiresNewWithOneConnectionFailsFast(t *testing.T) {
	a := newApp(t, appOpt{})
	a.db.SetMaxOpenConns(1)
	ctx, b := a.scope(t)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second) // a hang fails instead
	defer cancel()
	err := b.Accounts.Transfer(ctx, "jo", "kim", 1)
	if !errors.Is(err, advice.ErrOuterWriter) || !strings.Contains(err.Error(), "one open connection") {
		t.Fatalf("Transfer = %v, want ErrOuterWriter about the one connection", err)
	}
	a.idle(t)
}

func TestTxNeedsContextFirst(t *testing.T) {
	a := newApp(t, appOpt{})
	_, b := a.scope(t)
	_, err := b.Accounts.Size()
	if !errors.Is(err, advice.ErrNoContext) || !strings.Contains(err.Error(), "Ledger.Size") {
		t.Fatalf("Size = %v, want ErrNoContext naming Ledger.Size", err)
	}
	// A nil ctx is refused the same way.
	//lint:ignore SA1012 a nil ctx is the point
	if err := b.Accounts.Deposit(nil, "x", 1); !errors.Is(err, advice.ErrNoContext) {
		t.Fatalf("Deposit(nil ctx) = %v, want ErrNoContext", err)
	}
}

func TestTxParamsFailBuild(t *testing.T) {
	for _, tc := range []struct {
		params aop.Params
		want   string
	}{
		{aop.Params{"propagation": "nested"}, `propagation="nested": want required or requires_new`},
		{aop.Params{"propagaton": "required"}, `unknown param "propagaton"`},
		{aop.Params{"detach": "yes"}, `detach="yes": want true or false`},
	} {
		t.Run(fmt.Sprint(tc.params), func(t *testing.T) {
			a := &app{db: openDB(t, 5000), log: &logBuf{}}
			_, err := build(a, appOpt{extra: []any{
				aop.Pointcut((*ledger.Ledger).Balance, new(advice.TxAdvice), aop.WithParams(tc.params)),
			}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Build = %v, want an error with %q", err, tc.want)
			}
			if code := container.CodeOf(err); code != container.CodeBadAdvice {
				t.Fatalf("code = %q, want %q", code, container.CodeBadAdvice)
			}
		})
	}
}

func TestTxParseParams(t *testing.T) {
	tx := &advice.TxAdvice{}
	if _, err := tx.ParseParams(nil); err == nil || !strings.Contains(err.Error(), "no *sql.DB") {
		t.Fatalf("ParseParams without a DB = %v, want an error", err)
	}
	tx.DB = openDB(t, 5000)
	for in, want := range map[string]advice.Propagation{"": advice.Required, "required": advice.Required, "requires_new": advice.RequiresNew} {
		p, err := tx.ParseParams(aop.Params{"propagation": in})
		if err != nil || p.(advice.TxParams).Propagation != want {
			t.Fatalf("ParseParams(%q) = %v, %v; want %v", in, p, err, want)
		}
	}
	for in, want := range map[string]bool{"": false, "false": false, "true": true} {
		p, err := tx.ParseParams(aop.Params{"detach": in})
		if err != nil || p.(advice.TxParams).Detach != want {
			t.Fatalf("ParseParams(detach=%q) = %v, %v; want %v", in, p, err, want)
		}
	}
	if s := advice.RequiresNew.String(); s != "requires_new" {
		t.Fatal(s)
	}
}

func TestTxHelpersOutsideCalls(t *testing.T) {
	db := openDB(t, 5000)
	ctx := context.Background()
	if _, ok := advice.Tx(ctx); ok {
		t.Fatal("Tx found a transaction in a bare ctx")
	}
	if q := advice.DBTX(ctx, db); q != db {
		t.Fatalf("DBTX = %T, want the *sql.DB", q)
	}
}

func TestTxConcurrentScopes(t *testing.T) {
	a := newApp(t, appOpt{})
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			ctx, sc := container.NewScope(context.Background(), a.c)
			defer sc.Close()
			b, err := container.Get[*bank](ctx)
			if err != nil {
				errs <- err
				return
			}
			for i := range each {
				if err := b.Accounts.Deposit(ctx, "pool", 1); err != nil {
					errs <- err
				}
				if err := b.Accounts.Withdraw(ctx, fmt.Sprint("w", w), int64(i+1)); !errors.Is(err, ledger.ErrInsufficientFunds) {
					errs <- fmt.Errorf("withdraw: %v", err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if bal, _ := a.balance(t, "pool"); bal != workers*each {
		t.Fatalf("pool = %d, want %d", bal, workers*each)
	}
	a.idle(t)
}
