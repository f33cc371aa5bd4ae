package eventbus

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/weave"
)

// HandlerDecl declares that a method of a proto handles one event type. It
// is made by On and given to the container with the other declarations:
//
//	c.Register(new(TopicCreatedHandler), eventbus.On((*TopicCreatedHandler).Handle))
//
// `teggo gen` emits exactly that call for a method marked `//teggo:event`.
type HandlerDecl struct {
	// Event is the event type; Handler the proto's pointer type.
	Event, Handler reflect.Type
	// Name names the handler in logs and errors, e.g. "app.(*Mailer).OnSignup".
	Name string
	// At is the file:line of the On call.
	At string

	broadcast bool // set by Broadcast

	attach func(b *Bus) // adds the handler to the bus's topic of Event
	check  func(c *container.Container) error
}

// On declares method — a method expression such as (*Mailer).OnSignup, of
// type func(*Mailer, context.Context, E) error — as a handler of events of
// type E. H is the handler proto's pointer type; it may be a singleton or a
// context proto (then one is created in each event's scope). One proto may
// handle several event types: one method and one On per type.
func On[H any, E any](method func(H, context.Context, E) error) *HandlerDecl {
	_, file, line, _ := runtime.Caller(1)
	d := &HandlerDecl{
		Event:   reflect.TypeFor[E](),
		Handler: reflect.TypeFor[H](),
		Name:    funcName(method),
		At:      fmt.Sprintf("%s:%d", file, line),
	}
	if method == nil {
		return d // reported by the bus at Build
	}
	var single atomic.Value                // the H, once Start found it is a singleton
	var advice atomic.Pointer[weave.Chain] // the method's advice, nil when none applies
	d.attach = func(b *Bus) {
		t := topicOf[E](b, true)
		t.add(&handler[E]{name: d.Name, call: func(ctx context.Context, e E) error {
			if h, ok := single.Load().(H); ok {
				return weave.RunA2R0(advice.Load(), method, h, ctx, e)
			}
			h, err := container.Get[H](ctx) // a context proto: the event scope's own
			if err != nil {
				return err
			}
			return weave.RunA2R0(advice.Load(), method, h, ctx, e)
		}}, d.broadcast)
	}
	d.check = func(c *container.Container) error {
		advice.Store(c.AdviceChain(d.Handler, methodName(d.Name)))
		h, err := container.Lookup[H](c)
		switch {
		case err == nil:
			single.Store(h)
			return nil
		case errors.Is(err, container.CodeNoScope): // a context proto: it lives in each event's scope
			return nil
		}
		return err
	}
	return d
}

// Broadcast makes the handler run in every process of the app, not in one
// of them, when events cross processes through a Transport:
//
//	eventbus.On((*Cache).OnTopicChanged).Broadcast() // each process drops its own cached copy
//
// A plain handler (no Broadcast) runs once per app for each event, in
// whichever process the transport hands it to: the right choice for work
// with effects outside the process (a mail, a row, a call). A broadcast
// handler is for state each process keeps for itself (caches, local
// subscriptions); a process that is down when the event passes does not
// see it. In process, without a transport, both kinds run for every event.
// It returns d, so that it chains on On.
func (d *HandlerDecl) Broadcast() *HandlerDecl {
	d.broadcast = true
	return d
}

// IsBroadcast reports whether Broadcast was called on d.
func (d *HandlerDecl) IsBroadcast() bool { return d.broadcast }

// validate reports what is wrong with d that needs no built container.
func (d *HandlerDecl) validate() error {
	if d.attach == nil {
		return fmt.Errorf("eventbus: On(nil) at %s", d.At)
	}
	if t := d.Handler; t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("eventbus: handler %s (%s): %s is not a pointer to a proto struct", d.Name, d.At, t)
	}
	return nil
}

// methodName is the method of a name made by funcName.
func methodName(name string) string { return name[strings.LastIndexByte(name, '.')+1:] }

// funcName names a method expression "pkg.(*T).Method".
func funcName(fn any) string {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return "<nil>"
	}
	name := runtime.FuncForPC(v.Pointer()).Name()
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSuffix(name, "-fm")
}

// DeclaredAt returns where On was called (proto.Decl).
func (d *HandlerDecl) DeclaredAt() string { return d.At }
