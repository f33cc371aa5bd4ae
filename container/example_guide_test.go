package container_test

// The snippets of docs/container.md, compiled and run.

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

// TopicStore is what TopicService needs of a repository.
type TopicStore interface{ Title(id string) string }

// MemTopics is the one proto implementing TopicStore.
type MemTopics struct{ proto.Singleton }

func (*MemTopics) Title(id string) string { return "topic " + id }

// KVCache is a cache; RedisCache is the proto named "redisCache".
type KVCache interface{ Get(key string) string }

type RedisCache struct {
	proto.Singleton `name:"redisCache"`
}

func (*RedisCache) Get(key string) string { return "cached " + key }

// AuditLog is registered by nobody here: TopicService.Audit stays nil.
type AuditLog struct {
	proto.Singleton
	Entries []string
}

// Database is registered twice, as "primary" and "replica".
type Database struct {
	proto.Singleton
	Queries int
}

// Hook is a value of the dig group "hooks".
type Hook struct{ Name string }

// AppConfig is a ready value given to Supply.
type AppConfig struct{ LogLevel slog.Level }

type TopicService struct {
	proto.Singleton `name:"topicService" access:"public" qualifier:"tier=core"`

	Repo  TopicStore   `inject:""`                          // by type: the one proto implementing TopicStore
	Cache KVCache      `inject:"redisCache"`                // by name
	Audit *AuditLog    `inject:"" optional:"true"`          // left nil when nothing matches
	Log   *slog.Logger `inject:""`                          // a constructor's value (dig)
	DB    *Database    `inject:"" qualifier:"role=primary"` // by qualifier, among several
	Hooks []Hook       `inject:"" group:"hooks"`            // a dig value group
}

// Visit is a context proto: one per scope.
type Visit struct {
	proto.Context
	Pages []string
}

func (v *Visit) Destroy(ctx context.Context) error {
	fmt.Println("visit destroyed after", v.Pages)
	return nil
}

// newLogger is a constructor run by dig.
func newLogger(cfg *AppConfig) (*slog.Logger, error) {
	return slog.New(slog.DiscardHandler), nil
}

// registerGuide registers TopicService and everything it injects.
func registerGuide(logger *slog.Logger, cfg *AppConfig) *container.Container {
	c := container.New(container.Logger(logger))                               // container.Strict() turns warnings into errors
	c.Register(new(TopicService), new(MemTopics), new(RedisCache), new(Visit)) // by reflection, once, at Build
	c.Register(proto.Descriptor{Type: reflect.TypeFor[Database](),             // one type, several instances
		Name: "primary", Qualifiers: proto.Qualifiers{{Key: "role", Value: "primary"}}})
	c.Register(proto.Descriptor{Type: reflect.TypeFor[Database](),
		Name: "replica", Qualifiers: proto.Qualifiers{{Key: "role", Value: "replica"}}})
	c.Provide(newLogger)                                                      // constructors run by dig
	c.Provide(func() Hook { return Hook{"audit"} }, container.Group("hooks")) // dig names, groups, As
	c.Supply(cfg)                                                             // a ready value
	return c
}

// visitTopic runs in a scope of its own.
func visitTopic(ctx context.Context, c *container.Container, id string) error {
	ctx, scope := container.NewScope(ctx, c)
	defer scope.Close()
	visit, err := container.Get[*Visit](ctx) // a context proto: this scope's instance
	if err != nil {
		return err
	}
	svc, err := container.Lookup[*TopicService](c) // singletons, no scope needed
	if err != nil {
		return err
	}
	visit.Pages = append(visit.Pages, svc.Repo.Title(id))
	return nil
}

// The Declare, Register and Scopes snippets of docs/container.md.
func Example_guide() {
	c := registerGuide(slog.New(slog.DiscardHandler), &AppConfig{LogLevel: slog.LevelInfo})
	if err := c.Build(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Stop(context.Background())
	svc, _ := container.Lookup[*TopicService](c)
	primary, _ := container.Lookup[*Database](c, "primary")
	fmt.Println(svc.Repo.Title("1"), "|", svc.Cache.Get("k"), "|", svc.Audit == nil, svc.Log != nil, svc.DB == primary, svc.Hooks)
	if err := visitTopic(context.Background(), c, "2"); err != nil {
		fmt.Println(err)
	}
	// Output:
	// topic 1 | cached k | true true true [{audit}]
	// visit destroyed after [topic 2]
}
