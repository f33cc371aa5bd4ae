package advice

import (
	"container/list"
	"context"
	"fmt"
	"sync"
)

// TxGate queues the transactions TxAdvice begins, first come first
// served, at most n at a time. Provide one (container.Provide, with
// NewTxGate) and TxAdvice acquires it before it begins a transaction and
// releases it once the transaction committed or rolled back.
//
// It exists for a *sql.DB with few connections, SQLite's single writer
// above all: database/sql hands a freed connection to a waiter taken at
// random, so with one connection and dozens of callers waiting, some wait
// many times longer than the rest. Queued in arrival order in front of
// the pool, a transaction waits for the ones that arrived before it and
// no others: the longest wait is the queue's length times one
// transaction's duration. Give it as many slots as the pool has
// connections.
type TxGate struct {
	mu      sync.Mutex
	free    int        // slots nobody holds
	waiters *list.List // of chan struct{}, oldest first; closed when handed a slot
}

// NewTxGate returns a gate of n slots (1 if n < 1).
func NewTxGate(n int) *TxGate {
	return &TxGate{free: max(n, 1), waiters: list.New()}
}

// Acquire takes a slot, waiting behind every earlier caller still
// waiting; it returns ctx's error (and holds no slot) when ctx is done
// first.
func (g *TxGate) Acquire(ctx context.Context) error {
	g.mu.Lock()
	if g.free > 0 && g.waiters.Len() == 0 {
		g.free--
		g.mu.Unlock()
		return nil
	}
	ready := make(chan struct{})
	e := g.waiters.PushBack(ready)
	g.mu.Unlock()

	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		select {
		case <-ready: // handed a slot as ctx ended: pass it on
			g.mu.Unlock()
			g.Release()
		default:
			g.waiters.Remove(e)
			g.mu.Unlock()
		}
		return fmt.Errorf("advice: waiting for the transaction gate: %w", ctx.Err())
	}
}

// Release gives a slot back: to the oldest waiter, if any.
func (g *TxGate) Release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e := g.waiters.Front(); e != nil {
		g.waiters.Remove(e)
		close(e.Value.(chan struct{}))
		return
	}
	g.free++
}

// Waiting returns how many callers wait in Acquire.
func (g *TxGate) Waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiters.Len()
}
