package proto

import "context"

// The lifecycle hooks a proto may implement. The container detects them by
// interface and runs them in this order when it creates an object:
//
//	construct → PostConstruct → PreInject → fields injected → PostInject → Init → ready
//
// and in this order when it destroys one:
//
//	PreDestroy → Destroy
//
// Singletons are destroyed when the container stops, in reverse dependency
// order; context objects when their scope closes, in reverse creation order.
// AlwaysNew objects are created with the same hooks and never destroyed.
// An error from any creation hook fails the creation (and so Build, or the
// lookup that asked for the object); an error from a destroy hook is
// reported but does not stop the other objects from being destroyed.

// PostConstructor runs right after the object is allocated.
type PostConstructor interface {
	PostConstruct(ctx context.Context) error
}

// PreInjector runs before the inject fields are set.
type PreInjector interface {
	PreInject(ctx context.Context) error
}

// PostInjector runs after every inject field is set.
type PostInjector interface {
	PostInject(ctx context.Context) error
}

// Initializer runs last; after it the object is ready.
type Initializer interface {
	Init(ctx context.Context) error
}

// PreDestroyer runs first when the object is destroyed.
type PreDestroyer interface {
	PreDestroy(ctx context.Context) error
}

// Destroyer runs after PreDestroy.
type Destroyer interface {
	Destroy(ctx context.Context) error
}

// hookNames are the methods the container and the App call themselves, on
// the object: the lifecycle interfaces above and the App's hooks
// (ConfigWillLoad … BeforeClose).
var hookNames = map[string]bool{
	"PostConstruct": true, "PreInject": true, "PostInject": true, "Init": true, "PreDestroy": true, "Destroy": true,
	"ConfigWillLoad": true, "ConfigDidLoad": true, "DidLoad": true, "WillReady": true, "DidReady": true,
	"ServerDidReady": true, "BeforeClose": true,
}

// IsHook reports whether method is a lifecycle hook that the container or
// the App calls on the object itself. Hooks are never advised nor proxied.
func IsHook(method string) bool { return hookNames[method] }

// ObjectInfo is what a proto knows of itself, tegg's ObjectInfo: a field
// of this type tagged `inject:""` receives the info of the proto that
// declares it (its name, its qualifiers with initType and module, its
// scope), so one type registered under several names can tell which it is.
type ObjectInfo struct {
	Name       string
	InitType   InitType
	Qualifiers Qualifiers
}
