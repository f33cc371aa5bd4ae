package eventbus

import "context"

// Transport is the seam through which events may cross processes (Redis
// Streams, at least once, is the intended one). In-process delivery is the
// default and needs no transport: with Config.Transport nil, Emit hands the
// event straight to the local handlers without boxing or copying it.
//
// With a transport, Emit (after any cork) calls Publish instead, and the
// handlers run when the transport delivers the event back — in this
// process or another — through the Deliver function it was given by
// Subscribe. The emitter's ctx values do not travel; the handlers' scope
// is opened on the ctx the transport passes to Deliver.
type Transport interface {
	// Publish sends event, emitted under topic (the event type's package
	// path and name, e.g. "example.com/app.TopicCreated"). It is called on
	// the emitter's goroutine and should not block long.
	Publish(ctx context.Context, topic string, event any) error
	// Subscribe starts delivering the events of topics to deliver, until
	// Close. Bus.Start calls it once with every topic that has a handler.
	Subscribe(ctx context.Context, topics []string, deliver Deliver) error
	// Close stops delivering; Bus.Stop calls it after draining.
	Close(ctx context.Context) error
}

// Deliver hands a received event to the local handlers of topic. decode
// fills a new value of the topic's Go type (it receives a pointer to it,
// e.g. for json.Unmarshal). Deliver returns once the event is dispatched,
// not when it is handled; an error means the topic is unknown here or
// decode failed, and the transport may retry or dead-letter the message.
type Deliver func(ctx context.Context, topic string, decode func(into any) error) error
