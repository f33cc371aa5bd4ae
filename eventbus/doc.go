// Package eventbus is teggo's typed in-process event bus (tegg's
// EventBus): fire-and-forget events, handlers that are protos, one fresh
// context scope per event, cork/uncork per request scope, waiters for
// tests, graceful stop, and a Transport seam for events that cross
// processes.
//
// An event is any Go value; its type is its topic. A handler is a method
// of a proto, declared with On (or `//teggo:event`, which generates the same
// call):
//
//	type Mailer struct{ proto.Singleton }
//
//	func (m *Mailer) OnSignup(ctx context.Context, e UserSignedUp) error { ... }
//
//	c.Install(eventbus.Module())
//	c.Register(new(Mailer), eventbus.On((*Mailer).OnSignup))
//
// Emit returns at once; each event runs in a new scope of the container
// (so context protos are fresh per event), its handlers concurrently; an
// error or panic of one handler is logged with the event and handler names
// and affects nothing else:
//
//	eventbus.Emit(ctx, UserSignedUp{ID: id}) // ctx of a request, an event, a job
//
// Emit needs no global state: it finds the Bus singleton of the container
// whose scope ctx carries (or a bus put there by WithBus).
//
// See docs/eventbus.md.
package eventbus

//go:generate go run github.com/teggo/teggo/cmd/teggo gen .
