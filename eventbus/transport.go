package eventbus

import "context"

// Transport is the seam through which events cross processes
// (eventbus/redisstream, on Redis Streams, at least once, is one).
// In-process delivery is the default and needs no transport: with
// Config.Transport nil, Emit hands the event straight to the local handlers
// without boxing or copying it.
//
// With a transport, Emit (after any cork) calls Publish instead — also for
// an event type no handler of this process takes, since other processes
// may — and the handlers run when the transport delivers the event back, in
// this process or another, through the Deliver function it was given by
// Subscribe. The emitter's ctx values do not travel; the handlers' scope
// is opened on the ctx the transport passes to Deliver.
type Transport interface {
	// Publish sends event, emitted under topic (the event type's package
	// path and name, e.g. "example.com/app.TopicCreated"). It is called on
	// the emitter's goroutine and should not block long.
	Publish(ctx context.Context, topic string, event any) error
	// Subscribe starts delivering the events of sub's topics to deliver,
	// until Close. Bus.Start calls it once.
	Subscribe(ctx context.Context, sub Subscription, deliver Deliver) error
	// Close stops receiving, waits (bounded by ctx) for the deliveries in
	// flight to finish and settles them (an at-least-once transport
	// acknowledges those whose handlers succeeded), and flushes what Publish
	// accepted. Bus.Stop calls it first, before draining the bus; Deliver
	// is not called after Close returns.
	Close(ctx context.Context) error
}

// Subscription is what the handlers of one process take, by topic. A topic
// may be in both lists.
type Subscription struct {
	// Grouped are the topics with handlers declared plainly: each event
	// runs them once per app, in one of its processes (a consumer group).
	Grouped []string
	// Broadcast are the topics with handlers declared Broadcast: each event
	// runs them in every process of the app.
	Broadcast []string
}

// Message is one event a transport received, for Deliver.
type Message struct {
	// Topic is the event's topic, as given to Publish.
	Topic string
	// Broadcast selects the handlers: the broadcast ones of Topic when
	// true, else the grouped ones.
	Broadcast bool
	// Decode fills a new value of the topic's Go type (it receives a
	// pointer to it, e.g. for json.Unmarshal).
	Decode func(into any) error
	// Done, when not nil, is called once, after the selected handlers have
	// all returned and the event's scope has closed, with their errors and
	// panics joined (nil when every handler succeeded). An at-least-once
	// transport acknowledges the message there, and not on an error, so
	// that it is delivered again.
	Done func(err error)
}

// Deliver hands a received message to the local handlers. It returns once
// the handlers are queued on the bus's pool (waiting for room when it is
// full, as Emit does); m.Done then reports how they ended. An error means
// nothing was queued and m.Done will not be called: the topic has no such
// handlers here, decode failed, or the bus is closed; the transport may
// deliver the message again or dead-letter it.
type Deliver func(ctx context.Context, m Message) error
