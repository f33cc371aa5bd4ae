package eventbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

// DefaultStopTimeout bounds the drain when the container stops the bus
// (PreDestroy) and Config sets no StopTimeout.
const DefaultStopTimeout = 5 * time.Second

// Config configures the bus; provide it through the container when the
// defaults do not fit:
//
//	c.Provide(func() *eventbus.Config { return &eventbus.Config{StopTimeout: 10 * time.Second} })
type Config struct {
	// Transport carries events between processes; nil (the default) keeps
	// them in process. See Transport.
	Transport Transport
	// StopTimeout bounds the drain when the container stops the bus without
	// an earlier Stop; 0 means DefaultStopTimeout.
	StopTimeout time.Duration
	// Workers bounds the goroutines running handlers; 0 means the
	// eventbus.workers config key, else DefaultWorkers().
	Workers int
	// Queue is how many handler calls wait for a worker before Emit
	// blocks; 0 means the eventbus.queue config key, else DefaultQueue.
	Queue int
}

// Bus is the event bus of one container: a public singleton proto,
// installed with c.Install(eventbus.Module()). It reads the handler
// declarations (On) of its container when it is created, during Build, and
// opens one scope of that container per event.
//
// Emit finds the bus of the scope its ctx carries, so a request, an event
// handler or a schedule run emits with nothing but its ctx; code that holds
// the bus calls b.Emit.
type Bus struct {
	proto.Singleton `name:"eventBus" access:"public"`

	// C is the container whose scopes the events run in.
	C *container.Container `inject:""`
	// Log receives handler failures and dropped events; when nothing
	// provides a *slog.Logger, the container's logger is used.
	Log *slog.Logger `inject:"" optional:"true"`
	// Config is optional; see Config.
	Config *Config `inject:"" optional:"true"`
	// AppConfig, when the container has one, supplies the eventbus.workers
	// and eventbus.queue keys that Config leaves at 0.
	AppConfig *config.Config `inject:"" optional:"true"`

	log        *slog.Logger
	transport  Transport
	decls      []*HandlerDecl
	topics     map[reflect.Type]anyTopic // fixed after Init
	byKey      map[string]anyTopic       // by transport key
	remoteKeys sync.Map                  // reflect.Type → transport key, of types without local handlers
	pool       *pool

	startOnce sync.Once
	startErr  error
	closeOnce sync.Once

	stopped  atomic.Bool
	inflight atomic.Int64 // events being processed
	idleMu   sync.Mutex
	idleCh   chan struct{} // closed when inflight drops to 0

	corked atomic.Int32 // number of corked scopes
	corks  sync.Map     // *container.Scope → *corkState

	nwait   atomic.Int32 // len(waiters), read without the lock
	waitMu  sync.Mutex
	waiters []*waiter
}

// Init reads the container's handler declarations and builds the routing
// table. A malformed declaration fails Build; whether each handler proto is
// registered can only be checked once the container is built: Start does.
func (b *Bus) Init(ctx context.Context) error {
	b.log = b.Log
	if b.log == nil {
		b.log = b.C.Logger()
	}
	if b.Config != nil {
		b.transport = b.Config.Transport
	}
	workers, queue, err := b.poolSize()
	if err != nil {
		return err
	}
	b.pool = newPool(workers, queue)
	b.topics = make(map[reflect.Type]anyTopic)
	b.byKey = make(map[string]anyTopic)
	var errs []error
	seen := map[string]string{}
	for _, d := range b.C.Decls() {
		hd, ok := d.(*HandlerDecl)
		if !ok {
			continue
		}
		if err := hd.validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		k := hd.Name + "\x00" + hd.Event.String()
		if at, dup := seen[k]; dup {
			errs = append(errs, fmt.Errorf("eventbus: handler %s of %s declared twice (%s and %s)", hd.Name, hd.Event, at, hd.At))
			continue
		}
		seen[k] = hd.At
		hd.attach(b)
		b.decls = append(b.decls, hd)
	}
	return errors.Join(errs...)
}

// maxPoolSize bounds eventbus.workers and eventbus.queue, whose memory is
// reserved up front.
const maxPoolSize = 1 << 20

// poolSize resolves the pool's bounds: Config, then the config keys, then
// the defaults.
func (b *Bus) poolSize() (workers, queue int, err error) {
	if b.Config != nil {
		workers, queue = b.Config.Workers, b.Config.Queue
	}
	key := func(name string, v *int, def int) error {
		if *v == 0 && b.AppConfig != nil && b.AppConfig.Exists(name) {
			*v = b.AppConfig.Int(name)
			if *v <= 0 {
				return fmt.Errorf("eventbus: %s = %v: want a whole number from 1 to %d", name, b.AppConfig.Get(name), maxPoolSize)
			}
		}
		if *v == 0 {
			*v = def
		}
		if *v < 0 || *v > maxPoolSize {
			return fmt.Errorf("eventbus: %s = %d: want 1 to %d", name, *v, maxPoolSize)
		}
		return nil
	}
	if err := key("eventbus.workers", &workers, DefaultWorkers()); err != nil {
		return 0, 0, err
	}
	if err := key("eventbus.queue", &queue, DefaultQueue); err != nil {
		return 0, 0, err
	}
	return workers, queue, nil
}

// Start checks, once, that every handler proto is registered in the built
// container (a context proto is fine: it is created in each event's
// scope), and subscribes the transport when there is one. The app calls it
// right after Build; without it, an unknown handler is reported at each of
// its events instead, and a transport delivers nothing.
func (b *Bus) Start(ctx context.Context) error {
	b.startOnce.Do(func() {
		var errs []error
		for _, d := range b.decls {
			if err := d.check(b.C); err != nil {
				errs = append(errs, fmt.Errorf("eventbus: handler %s of %s (declared at %s): %w", d.Name, d.Event, d.At, err))
			}
		}
		if len(errs) == 0 && b.transport != nil {
			if err := b.transport.Subscribe(ctx, b.subscription(), b.deliver); err != nil {
				errs = append(errs, fmt.Errorf("eventbus: transport: %w", err))
			}
		}
		b.startErr = errors.Join(errs...)
	})
	return b.startErr
}

// PreDestroy stops the bus when the container stops, unless Stop ran
// before, draining in-flight events for at most Config.StopTimeout.
func (b *Bus) PreDestroy(ctx context.Context) error {
	if b.stopped.Load() {
		return nil
	}
	d := DefaultStopTimeout
	if b.Config != nil && b.Config.StopTimeout > 0 {
		d = b.Config.StopTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return b.Stop(ctx)
}

// subscription lists the topics with handlers, by set, sorted.
func (b *Bus) subscription() Subscription {
	var sub Subscription
	for k, t := range b.byKey {
		grouped, broadcast := t.sets()
		if grouped {
			sub.Grouped = append(sub.Grouped, k)
		}
		if broadcast {
			sub.Broadcast = append(sub.Broadcast, k)
		}
	}
	slices.Sort(sub.Grouped)
	slices.Sort(sub.Broadcast)
	return sub
}

// deliver is the transport's way in: it dispatches a received event to the
// local handlers of its topic and set.
func (b *Bus) deliver(ctx context.Context, m Message) error {
	t, ok := b.byKey[m.Topic]
	if !ok {
		return fmt.Errorf("eventbus: no handler for topic %q", m.Topic)
	}
	return t.receive(ctx, m)
}

// send publishes e through tr; false (logged) when tr refused it.
func (b *Bus) send(ctx context.Context, tr Transport, key, label string, e any) bool {
	if err := tr.Publish(ctx, key, e); err != nil {
		b.log.Error("eventbus: publish failed", "event", label, "error", err)
		return false
	}
	return true
}

// publishRemote publishes e, of a type no local handler takes, for the
// other processes (after any cork); false when the bus has no transport.
func (b *Bus) publishRemote(ctx context.Context, typ reflect.Type, e any) bool {
	tr := b.transport
	if tr == nil {
		return false
	}
	key, ok := b.remoteKeys.Load(typ)
	if !ok {
		key, _ = b.remoteKeys.LoadOrStore(typ, typeKey(typ))
	}
	publish := func() { b.send(ctx, tr, key.(string), typ.String(), e) }
	if b.corked.Load() > 0 && b.hold(ctx, publish) {
		return true
	}
	return b.send(ctx, tr, key.(string), typ.String(), e)
}

// enter counts an event in flight, unless the bus is stopped. Counting
// first and checking after means Stop, which sets stopped and then waits
// for zero, never misses an event that got in.
func (b *Bus) enter() bool {
	b.inflight.Add(1)
	if b.stopped.Load() {
		b.leave()
		return false
	}
	return true
}

// leave ends an event; the last one wakes WaitIdle.
func (b *Bus) leave() {
	if b.inflight.Add(-1) != 0 {
		return
	}
	b.idleMu.Lock()
	if b.idleCh != nil {
		close(b.idleCh)
		b.idleCh = nil
	}
	b.idleMu.Unlock()
}

// Handlers returns the names of the handlers of events of type event, in
// registration order ("pkg.(*T).Method"), none when it has no handler
// (tegg's getHandlers). Valid once the bus is created.
func (b *Bus) Handlers(event reflect.Type) []string {
	if t, ok := b.topics[event]; ok {
		return t.names()
	}
	return nil
}
