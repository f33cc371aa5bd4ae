package advice_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/example/advice"
)

// waitFor fails the test when cond is still false after 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s: %s", what)
		}
	}
}

// TestTxGateFIFO: waiters get the slot in the order they started waiting.
func TestTxGateFIFO(t *testing.T) {
	g := advice.NewTxGate(1)
	ctx := context.Background()
	if err := g.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	const n = 20
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := g.Acquire(ctx); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			g.Release()
		})
		waitFor(t, fmt.Sprintf("waiter %d queued", i), func() bool { return g.Waiting() == i+1 })
	}
	g.Release()
	wg.Wait()
	if want := seq(n); !slices.Equal(order, want) {
		t.Fatalf("served in order %v, want %v", order, want)
	}
	// Every slot is back: the next Acquire does not wait.
	if err := g.Acquire(ctx); err != nil || g.Waiting() != 0 {
		t.Fatalf("Acquire = %v, %d waiting", err, g.Waiting())
	}
}

// TestTxGateSlots: a gate of n slots lets n holders in at once, and the
// (n+1)th waits for a Release.
func TestTxGateSlots(t *testing.T) {
	g := advice.NewTxGate(2)
	ctx := context.Background()
	for range 2 {
		if err := g.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	got := make(chan error)
	go func() { got <- g.Acquire(ctx) }()
	waitFor(t, "third caller queued", func() bool { return g.Waiting() == 1 })
	g.Release()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

// TestTxGateCancel: a waiter whose ctx ends leaves the queue with ctx's
// error and takes no slot; the callers behind it keep their turn.
func TestTxGateCancel(t *testing.T) {
	g := advice.NewTxGate(1)
	if err := g.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	gaveUp := make(chan error)
	go func() { gaveUp <- g.Acquire(ctx) }()
	waitFor(t, "first waiter queued", func() bool { return g.Waiting() == 1 })
	next := make(chan error)
	go func() { next <- g.Acquire(context.Background()) }()
	waitFor(t, "second waiter queued", func() bool { return g.Waiting() == 2 })

	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled Acquire = %v, want context.Canceled", err)
	}
	if n := g.Waiting(); n != 1 {
		t.Fatalf("%d waiting after the cancel, want 1", n)
	}
	g.Release()
	if err := <-next; err != nil {
		t.Fatal(err)
	}
	g.Release()
	if err := g.Acquire(context.Background()); err != nil || g.Waiting() != 0 {
		t.Fatalf("Acquire = %v, %d waiting: a slot was lost", err, g.Waiting())
	}
}

// TestTxAdviceQueuesOnGate: with a *TxGate in the container, TxAdvice
// begins its transactions in the order the calls arrived: while the gate
// is held, each call waits in it, and once it is released they commit one
// after the other in arrival order (the rows' rowids say so).
func TestTxAdviceQueuesOnGate(t *testing.T) {
	g := advice.NewTxGate(1)
	a := newApp(t, appOpt{gate: g})
	if err := g.Acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	const n = 12
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx, sc := container.NewScope(context.Background(), a.c)
			defer sc.Close()
			b, err := container.Get[*bank](ctx)
			if err != nil {
				t.Error(err)
				return
			}
			if err := b.Accounts.Deposit(ctx, fmt.Sprint(i), 1); err != nil {
				t.Error(err)
			}
		})
		waitFor(t, fmt.Sprintf("Deposit %d waiting at the gate", i), func() bool { return g.Waiting() == i+1 })
	}
	if bal, ok := a.balance(t, "0"); ok {
		t.Fatalf("account 0 has %d while the gate is held: the advice did not wait for it", bal)
	}
	g.Release()
	wg.Wait()

	rows, err := a.db.Query(`SELECT CAST(id AS INTEGER) FROM accounts ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var order []int
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			t.Fatal(err)
		}
		order = append(order, i)
	}
	if want := seq(n); !slices.Equal(order, want) {
		t.Fatalf("committed in order %v, want %v", order, want)
	}
	a.idle(t)
}

// TestTxRequiresNewSkipsGate: a requires_new call inside a transaction of
// its own call stack does not wait for the gate its outer transaction
// holds (it would wait forever).
func TestTxRequiresNewSkipsGate(t *testing.T) {
	a := newApp(t, appOpt{gate: advice.NewTxGate(1)})
	ctx, b := a.scope(t)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second) // a hang fails instead
	defer cancel()
	// Transfer journals with Record (requires_new) before it writes.
	if err := b.Accounts.Deposit(ctx, "erin", 50); err != nil {
		t.Fatal(err)
	}
	if err := b.Accounts.Transfer(ctx, "erin", "frank", 20); err != nil {
		t.Fatal(err)
	}
	if bal, _ := a.balance(t, "frank"); bal != 20 {
		t.Fatalf("frank = %d, want 20", bal)
	}
	a.idle(t)
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestTxGateCancelRace: a waiter whose ctx ends just as it is handed the
// slot passes the slot on: after many such races the gate still has its
// one slot, neither lost nor doubled.
func TestTxGateCancelRace(t *testing.T) {
	g := advice.NewTxGate(1)
	for i := range 500 {
		if err := g.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		got := make(chan error, 1)
		go func() { got <- g.Acquire(ctx) }()
		waitFor(t, "waiter queued", func() bool { return g.Waiting() == 1 })
		cancel() // wakes the waiter; the Release below may beat it to the lock
		g.Release()
		if err := <-got; err == nil {
			g.Release() // it got the slot: give it back
		}
		// Exactly one slot: one Acquire passes at once, a second waits.
		short, stop := context.WithTimeout(context.Background(), time.Second)
		if err := g.Acquire(short); err != nil {
			stop()
			t.Fatalf("race %d: the slot was lost: %v", i, err)
		}
		stop()
		if err := g.Acquire(canceled()); err == nil {
			t.Fatalf("race %d: a second slot appeared", i)
		}
		g.Release()
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
