// Package container is teggo's dependency-injection container: it registers
// protos (structs with a proto marker) and constructors, validates the whole
// graph at Build, creates the singletons in dependency order, and opens
// context scopes in which context protos are created lazily.
//
//	c := container.New()
//	c.Register(new(TopicService), new(TopicRepo)) // by reflection, or c.Install(pkg.Module()) from `teggo gen`
//	c.Provide(func() (*sql.DB, error) { return sql.Open("sqlite", "file:app.db") })
//	if err := c.Build(ctx); err != nil { ... } // every problem of the graph, with codes
//	defer c.Stop(ctx)
//
//	ctx, scope := container.NewScope(ctx, c) // one per request, event or job run
//	defer scope.Close()
//	svc, err := container.Get[TopicAPI](ctx)
//
// Constructors run on uber-go/dig, once, at Build; dig is never on the
// request path. Scopes are built from plans computed at Build: a slot table
// per scope, objects created from typed constructors and setters (generated)
// or offset-based setters (reflection), so opening a scope, resolving a few
// context protos and closing it costs well under a microsecond.
//
// Errors carry stable codes (TEGGO_PROTO_NOT_FOUND, TEGGO_CYCLE, ...): match
// them with errors.Is against their Code (errors.Is(err, CodeCycle)), or
// read them with errors.As into *Error. See docs/container.md for the table.
//
// # For integrations
//
// Three names serve packages that run protos on the container's behalf
// (teggo's HTTP layer, scheduler and event bus) rather than applications:
// NewScopeWith opens a scope together with the integration's own
// per-call state in one allocation, Scope.HasTeardown says whether closing
// a scope will wait for hooks (so a response is flushed first), and
// Container.AdviceChain gives the woven advice of a method, so that a
// route, job or event handler runs through the same advice as a proxy's
// callers. Generated code uses package weave, not these.
package container
