package eventbus_test

// The code of docs/eventbus.md: each ```go block of the guide is copied
// from this file (or from the package's source), so that it compiles and
// runs.

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/eventbus"
	"github.com/teggo/teggo/proto"
)

// Index is the search index the guide's handler feeds.
type Index struct {
	proto.Singleton

	mu  sync.Mutex
	ids []string
}

func (x *Index) Add(id string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ids = append(x.ids, id)
	return nil
}

func (x *Index) Remove(id string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ids = slices.DeleteFunc(x.ids, func(s string) bool { return s == id })
	return nil
}

func (x *Index) IDs() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return slices.Sorted(slices.Values(x.ids))
}

type SearchIndexer struct {
	proto.Singleton
	Index *Index `inject:""`
}

//teggo:event
func (h *SearchIndexer) OnCreated(ctx context.Context, e TopicCreated) error {
	return h.Index.Add(e.ID)
}

//teggo:event
func (h *SearchIndexer) OnDeleted(ctx context.Context, e TopicDeleted) error {
	return h.Index.Remove(e.ID)
}

// startSearch declares by hand what `teggo gen` writes for the two
// //teggo:event methods, builds c and starts its bus, as the App does.
func startSearch(ctx context.Context, c *container.Container) (*eventbus.Bus, error) {
	c.Install(eventbus.Module()) // the Bus singleton and the per-scope cork state
	c.Register(new(Index), new(SearchIndexer),
		eventbus.On((*SearchIndexer).OnCreated),
		eventbus.On((*SearchIndexer).OnDeleted))
	if err := c.Build(ctx); err != nil {
		return nil, err
	}
	bus, err := container.Lookup[*eventbus.Bus](c)
	if err != nil {
		return nil, err
	}
	return bus, bus.Start(ctx) // checks that every handler proto is registered
}

// createTopic is code that runs in a request, an event handler or a
// schedule run: its ctx carries a scope.
func createTopic(ctx context.Context, id string) bool {
	return eventbus.Emit(ctx, TopicCreated{ID: id}) // returns at once; true when a handler exists
}

// The waiters are for tests: register, trigger, then wait, each wait
// bounded by its ctx.
func ExampleExpect() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := container.New()
	defer c.Stop(ctx)
	bus, err := startSearch(ctx, c)
	if err != nil {
		fmt.Println(err)
		return
	}
	reqCtx, scope := container.NewScope(ctx, c)
	defer scope.Close()

	w := eventbus.Expect[TopicCreated](bus) // register first...
	createTopic(reqCtx, "t1")               // ...then trigger
	e, err := w.Wait(ctx)                   // after all its handlers returned and its scope closed
	fmt.Println(e.ID, err)

	first := eventbus.ExpectFirst(bus, reflect.TypeFor[TopicDeleted](), reflect.TypeFor[Unhandled]())
	eventbus.Emit(reqCtx, Unhandled{N: 7}) // nobody handles it: processed when emitted
	v, err := first.Wait(ctx)
	fmt.Println(v, err)

	fmt.Println(createTopic(reqCtx, "t2"), eventbus.Emit(reqCtx, TopicDeleted{ID: "t1"}))
	err = bus.WaitIdle(ctx) // no event in flight (held events do not count)
	index, _ := container.Lookup[*Index](c)
	fmt.Println(len(index.IDs()), err)
	// Output:
	// t1 <nil>
	// {7} <nil>
	// true true
	// 1 <nil>
}
