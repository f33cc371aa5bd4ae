package container_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"go.uber.org/dig"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

type Config struct{ DSN string }

type DB struct{ dsn string }

type Handler interface{ Name() string }
type namedHandler string

func (h namedHandler) Name() string { return string(h) }

type handlersOut struct {
	dig.Out
	A Handler `group:"handlers"`
}

type usesOutside struct {
	proto.Singleton
	DB       *DB          `inject:""`
	Replica  *DB          `inject:"replica"`
	Log      *slog.Logger `inject:""`
	Handlers []Handler    `inject:"" group:"handlers"`
	W        io.Writer    `inject:""`
}

type ctxUsesOutside struct {
	proto.Context
	DB *DB `inject:""`
}

func TestProvideNamesGroupsAs(t *testing.T) {
	c := container.New()
	var made []string
	must(t, c.Supply(&Config{DSN: "file:primary"}, slog.Default()))
	must(t, c.Provide(func(cfg *Config) (*DB, error) { made = append(made, "primary"); return &DB{cfg.DSN}, nil }))
	must(t, c.Provide(func() *DB { made = append(made, "replica"); return &DB{"file:replica"} }, container.Name("replica")))
	must(t, c.Provide(func() handlersOut { return handlersOut{A: namedHandler("a")} }))
	must(t, c.Provide(func() Handler { return namedHandler("b") }, container.Group("handlers")))
	must(t, c.Provide(func() *strings.Builder { return new(strings.Builder) }, container.As(new(io.Writer))))
	must(t, c.Provide(func() float64 { t.Error("a constructor nobody needs ran"); return 0 }))
	c.Register(new(usesOutside), new(ctxUsesOutside))
	must(t, c.Build(context.Background()))
	u := mustLookup[*usesOutside](t, c)
	if u.DB.dsn != "file:primary" || u.Replica.dsn != "file:replica" || u.Log == nil || u.W == nil {
		t.Fatalf("outside objects not injected: %+v", u)
	}
	var names []string
	for _, h := range u.Handlers {
		names = append(names, h.Name())
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("group got %v", names)
	}
	ctx, sc := container.NewScope(context.Background(), c)
	defer sc.Close()
	if container.MustGet[*ctxUsesOutside](ctx).DB != u.DB {
		t.Fatal("a context proto got another constructor value")
	}
	if db := mustLookup[*DB](t, c, "replica"); db != u.Replica {
		t.Fatal("lookup of a named constructor value differs")
	}
	if !slices.Equal(made, []string{"primary", "replica"}) {
		t.Fatalf("constructors ran %v, want each once", made)
	}
}

type missingOutside struct {
	proto.Singleton
	DB *DB `inject:"primry"`
}

func TestMissingConstructorValueSuggests(t *testing.T) {
	c := container.New()
	must(t, c.Provide(func() *DB { return nil }, container.Name("primary")))
	c.Register(new(missingOutside))
	err := c.Build(context.Background())
	wantCode(t, err, container.CodeProtoNotFound, `did you mean "primary"?`)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

type opensScopes struct {
	proto.Singleton
	C *container.Container `inject:""`
}

func TestContainerIsInjectable(t *testing.T) {
	c := build(t, new(opensScopes))
	if mustLookup[*opensScopes](t, c).C != c {
		t.Fatal("the container did not inject itself")
	}
}
