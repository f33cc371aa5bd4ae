package schedule_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/teggo/teggo/schedule"
)

// queue is a custom strategy: it forwards the messages pushed to it to the
// job, as egg's example does from a message queue.
type queue struct {
	mu       sync.Mutex
	triggers map[string]schedule.Trigger
	started  []string
	stopped  []string
	in       chan []any
	done     chan struct{}
}

func newQueue() *queue {
	return &queue{triggers: map[string]schedule.Trigger{}, in: make(chan []any), done: make(chan struct{})}
}

func (q *queue) Start(ctx context.Context, t schedule.Trigger) error {
	q.mu.Lock()
	q.triggers[t.Job()] = t
	q.started = append(q.started, fmt.Sprintf("%s %s", t.Job(), t.Spec().Type))
	q.mu.Unlock()
	go func() {
		defer func() { q.done <- struct{}{} }()
		for {
			select {
			case args := <-q.in:
				t.SendOne(args...)
			case <-ctx.Done():
				return
			}
		}
	}()
	return nil
}

func (q *queue) Stop(_ context.Context, t schedule.Trigger) error {
	q.mu.Lock()
	q.stopped = append(q.stopped, t.Job())
	q.mu.Unlock()
	return nil
}

func TestCustomStrategyWithArgs(t *testing.T) {
	q := newQueue()
	e := newEnv(t, nil, nil, nil, new(WithArgs), new(Tick),
		schedule.Use("queue", q),
		schedule.Job[*WithArgs](schedule.Spec{Type: "queue"}),
		schedule.Job[*Tick](schedule.Spec{Type: "queue", Disable: true}))
	e.start(t, 0)
	q.in <- []any{"order-1", 42}
	q.in <- []any{"order-2"}
	e.waitRuns(t, "WithArgs", 2)

	q.mu.Lock()
	tr := q.triggers["WithArgs"]
	q.mu.Unlock()
	tr.SendAll("everyone")
	e.waitRuns(t, "WithArgs", 3)
	e.log.waitN(t, 1, "WithArgs execute succeed", "schedule.by=sendAll")

	e.stop(t)
	<-q.done // the strategy's context ended with Stop
	var runs []string
	for _, a := range e.probe.args["WithArgs"] {
		runs = append(runs, fmt.Sprint(a))
	}
	slices.Sort(runs) // each send is a run of its own, concurrent with the others
	if got := fmt.Sprint(runs); got != "[[everyone] [order-1 42] [order-2]]" {
		t.Errorf("args = %s", got)
	}
	if fmt.Sprint(q.started, q.stopped) != "[WithArgs queue] [WithArgs]" {
		t.Errorf("started %v, stopped %v: want the enabled job only", q.started, q.stopped)
	}
	// After Stop, what a trigger sends is dropped.
	tr.SendOne("late")
	e.log.waitN(t, 1, "WithArgs sendOne dropped: the scheduler is stopped")
}

func TestStrategyStartFailure(t *testing.T) {
	failing := schedule.StrategyFuncs{OnStart: func(context.Context, schedule.Trigger) error { return errors.New("no broker") }}
	e := newEnv(t, nil, nil, nil, new(WithArgs),
		schedule.Use("mq", failing),
		schedule.Job[*WithArgs](schedule.Spec{Type: "mq"}))
	err := e.s.Start(t.Context())
	if !errors.Is(err, schedule.CodeBadStrategy) {
		t.Fatalf("Start = %v, want CodeBadStrategy", err)
	}
	contains(t, err.Error(), "job WithArgs", `strategy "mq" failed to start`, "no broker")
}
