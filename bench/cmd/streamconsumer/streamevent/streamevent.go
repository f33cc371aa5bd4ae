// Package streamevent is the event of the cross-process Redis Streams
// benchmarks: the benchmark publishes it and cmd/streamconsumer handles it,
// so both name the same teggo topic (the type's package path and name).
package streamevent

import "reflect"

// Event is what the benchmark publishes: teggo's bus emits it as is,
// watermill's publisher sends it as the JSON payload.
type Event struct{ N int }

// Topic is Event's teggo topic; the Redis Streams transport's stream for
// it is the transport's prefix followed by Topic().
func Topic() string {
	t := reflect.TypeFor[Event]()
	return t.PkgPath() + "." + t.Name()
}
