package eventbus_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
)

func TestStopReportsUnfinishedAndRefusesEmits(t *testing.T) {
	e := newEnv(t, new(Slow), eventbus.On((*Slow).Handle))
	ctx, _ := e.request(t)
	eventbus.Emit(ctx, TopicCreated{ID: "s"})
	<-e.sink.started

	expired, cancel := context.WithCancel(context.Background())
	cancel() // the deadline has passed: Stop reports what still runs
	err := e.bus.Stop(expired)
	var se *eventbus.StopError
	if !errors.As(err, &se) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Stop: %v, want a *StopError wrapping the ctx error", err)
	}
	if len(se.Unfinished) != 1 || se.Unfinished[0].Event != "eventbus_test.TopicCreated" ||
		strings.Join(se.Unfinished[0].Handlers, ",") != "eventbus_test.(*Slow).Handle" {
		t.Fatalf("unfinished: %+v", se.Unfinished)
	}
	if !strings.Contains(err.Error(), "TopicCreated ×1 running [eventbus_test.(*Slow).Handle]") {
		t.Errorf("message: %s", err)
	}

	if eventbus.Emit(ctx, TopicCreated{ID: "late"}) {
		t.Fatal("Emit after Stop reported true")
	}
	e.log.WaitFor(t, "event dropped: the bus is stopped")

	close(e.sink.gate)
	if err := e.bus.Stop(guardCtx(t)); err != nil { // drains what was in flight
		t.Fatal(err)
	}
	wantSeen(t, e.sink, "slow:s")
}

func TestStopDrainsInFlight(t *testing.T) {
	e := newEnv(t, new(Slow), eventbus.On((*Slow).Handle))
	ctx, _ := e.request(t)
	eventbus.Emit(ctx, TopicCreated{ID: "d"})
	<-e.sink.started
	done := make(chan error, 1)
	go func() { done <- e.bus.Stop(guardCtx(t)) }()
	close(e.sink.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantSeen(t, e.sink, "slow:d")
}

func TestCorkedEventsReleasedAfterStopAreDropped(t *testing.T) {
	e := newEnv(t, new(Indexer), eventbus.On((*Indexer).Created))
	ctx, _ := e.request(t)
	eventbus.Cork(ctx)
	eventbus.Emit(ctx, TopicCreated{ID: "h"})
	if err := e.bus.Stop(guardCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := eventbus.Uncork(ctx); err != nil {
		t.Fatal(err)
	}
	e.log.WaitFor(t, "event dropped: the bus is stopped")
	wantSeen(t, e.sink)
}

// Unregistered is never registered with the container.
type Unregistered struct{ Indexer }

func TestStartReportsUnknownHandler(t *testing.T) {
	_, err := tryEnv(t, eventbus.On((*Unregistered).Created))
	if !errors.Is(err, container.CodeProtoNotFound) || !strings.Contains(err.Error(), "eventbus_test.(*Unregistered).Created") ||
		!strings.Contains(err.Error(), "stop_test.go:") {
		t.Fatalf("Start: %v", err)
	}
}

func TestBuildRejectsBadDeclarations(t *testing.T) {
	_, err := tryEnv(t, new(Indexer), eventbus.On((*Indexer).Created), eventbus.On((*Indexer).Created))
	if err == nil || !strings.Contains(err.Error(), "declared twice") {
		t.Fatalf("duplicate: %v", err)
	}
	_, err = tryEnv(t, eventbus.On[*Indexer, TopicCreated](nil))
	if err == nil || !strings.Contains(err.Error(), "On(nil)") {
		t.Fatalf("nil method: %v", err)
	}
}
