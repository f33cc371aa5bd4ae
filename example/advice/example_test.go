package advice_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/example/advice"
	"github.com/teggo/teggo/example/advice/internal/ledger"
	"github.com/teggo/teggo/proto"
)

// Teller is a request-scoped caller of the ledger: its interface-typed
// field gets Ledger's generated proxy, so TxAdvice and LogAdvice apply.
type Teller struct {
	proto.Context
	Accounts ledger.Accounts `inject:""`
}

// ExampleTxAdvice runs the ledger's methods in SQLite transactions: a
// failed transfer leaves the balances and the joined (required) journal
// note untouched, while the requires_new record of the attempt stays.
func ExampleTxAdvice() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)

	c := container.New()
	c.Provide(func() (*sql.DB, error) {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "ledger.db")+
			"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
		if err != nil {
			return nil, err
		}
		_, err = db.Exec(ledger.Schema)
		return db, err
	})
	c.Install(advice.Module(), ledger.Module())
	c.Register(new(Teller))
	if err := c.Build(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Stop(context.Background())

	ctx, scope := container.NewScope(context.Background(), c)
	defer scope.Close()
	t := container.MustGet[*Teller](ctx)

	_ = t.Accounts.Deposit(ctx, "alice", 100)
	err := t.Accounts.Transfer(ctx, "alice", "bob", 250)
	fmt.Println("transfer:", errors.Is(err, ledger.ErrInsufficientFunds))

	db, _ := container.Lookup[*sql.DB](c)
	a, _ := t.Accounts.Balance(ctx, "alice")
	b, _ := t.Accounts.Balance(ctx, "bob")
	fmt.Println("alice:", a, "bob:", b)
	rows, _ := db.Query(`SELECT entry FROM journal ORDER BY id`)
	defer rows.Close()
	for rows.Next() {
		var e string
		_ = rows.Scan(&e)
		fmt.Println("journal:", e)
	}
	// Output:
	// transfer: true
	// alice: 100 bob: 0
	// journal: attempt alice->bob 250
}

// ExampleLogAdvice logs every call of Ledger and Journal, applied by the
// crosscut ledger.LogCalls. Time and duration are dropped here to keep the
// output stable.
func ExampleLogAdvice() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "dur" {
				return slog.Attr{}
			}
			return a
		},
	}))

	c := container.New()
	c.Provide(func() *slog.Logger { return logger })
	c.Provide(func() (*sql.DB, error) {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "ledger.db")+"?_pragma=journal_mode(WAL)")
		if err != nil {
			return nil, err
		}
		_, err = db.Exec(ledger.Schema)
		return db, err
	})
	c.Install(advice.Module(), ledger.Module())
	c.Register(ledger.LogCalls) // aop.Crosscut(new(advice.LogAdvice), aop.ForRegexp(`^(Ledger|Journal)$`, ""))
	c.Register(new(Teller))
	if err := c.Build(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Stop(context.Background())

	ctx, scope := container.NewScope(context.Background(), c)
	defer scope.Close()
	t := container.MustGet[*Teller](ctx)
	_ = t.Accounts.Deposit(ctx, "alice", 100)
	_ = t.Accounts.Withdraw(ctx, "alice", 250)
	// Output:
	// level=INFO msg=call method=Ledger.Deposit args="(\"alice\", 100)" ok=true
	// level=WARN msg=call method=Ledger.Withdraw args="(\"alice\", 250)" ok=false err="account alice: balance -150: insufficient funds"
}
