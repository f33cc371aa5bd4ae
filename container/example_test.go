package container_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

type ExampleRepo struct {
	proto.Singleton
	DSN string `inject:"dsn"`
}

type ExampleService struct {
	proto.Context `access:"public"`
	Repo          *ExampleRepo `inject:""`
}

func (s *ExampleService) Init(ctx context.Context) error {
	fmt.Println("service ready, repo at", s.Repo.DSN)
	return nil
}

func (s *ExampleService) Destroy(ctx context.Context) error {
	fmt.Println("service destroyed")
	return nil
}

// Register protos and a constructor, build, then resolve a context proto in
// a scope.
func Example() {
	ctx := context.Background()
	c := container.New()
	c.Provide(func() string { return "file:topics.db" }, container.Name("dsn"))
	c.Register(new(ExampleRepo), new(ExampleService))
	if err := c.Build(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Stop(ctx)

	ctx, scope := container.NewScope(ctx, c)
	svc, err := container.Get[*ExampleService](ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	again := container.MustGet[*ExampleService](ctx)
	fmt.Println("same instance in one scope:", svc == again)
	scope.Close()

	_, err = container.Get[*ExampleService](ctx)
	fmt.Println(container.CodeOf(err))
	// Output:
	// service ready, repo at file:topics.db
	// same instance in one scope: true
	// service destroyed
	// TEGGO_SCOPE_CLOSED
}

type exampleMissing struct {
	proto.Singleton
	Repo *ExampleRepo `inject:"exampleRepos"`
}

// Build reports every problem of the graph with a stable code and a hint.
func ExampleContainer_Build() {
	c := container.New()
	c.Register(new(ExampleRepo), new(exampleMissing))
	c.Provide(func() string { return "" }, container.Name("dsn"))
	err := c.Build(context.Background())
	fmt.Println(errors.Is(err, container.CodeProtoNotFound))
	var e *container.Error
	errors.As(err, &e)
	fmt.Println(e.Code, e.Field, e.Hint)
	// Output:
	// true
	// TEGGO_PROTO_NOT_FOUND Repo did you mean "exampleRepo"?
}

// Lookup reads a singleton without a scope.
func ExampleLookup() {
	c := container.New()
	c.Provide(func() string { return "file:topics.db" }, container.Name("dsn"))
	c.Register(new(ExampleRepo))
	if err := c.Build(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	repo, _ := container.Lookup[*ExampleRepo](c)
	fmt.Println(repo.DSN)
	// Output: file:topics.db
}
