package container_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/container/internal/woven"
	"github.com/teggo/teggo/proto"
)

// These tests go through code written by `teggo gen` (container/internal/
// woven/zz_teggo.go): generated descriptors, setters and proxies.

func TestGeneratedDescriptorsMatchReflection(t *testing.T) {
	for _, g := range woven.Module().Protos {
		r, err := container.Describe(g.Type)
		if err != nil {
			t.Fatal(err)
		}
		if g.Name != r.Name || g.InitType != r.InitType || g.Access != r.Access || !g.Qualifiers.Equal(r.Qualifiers) {
			t.Errorf("%s: generated %q %s %s %v, reflection %q %s %s %v", g.Type, g.Name, g.InitType, g.Access, g.Qualifiers, r.Name, r.InitType, r.Access, r.Qualifiers)
		}
		if g.Proxy != nil && !slices.Equal(g.Methods, r.Methods) {
			t.Errorf("%s: methods %v, reflection %v", g.Type, g.Methods, r.Methods)
		}
		if len(g.Fields) != len(r.Fields) {
			t.Fatalf("%s: %d fields, reflection %d", g.Type, len(g.Fields), len(r.Fields))
		}
		for i, f := range g.Fields {
			rf := r.Fields[i]
			if f.Name != rf.Name || f.Type != rf.Type || !reflect.DeepEqual(f.Tag, rf.Tag) || f.Set == nil && f.Offset != rf.Offset {
				t.Errorf("%s.%s: generated %+v, reflection %+v", g.Type, f.Name, f, rf)
			}
		}
	}
}

// The same protos through both paths inject the same graph: generated
// typed setters and reflection's offset setters agree.
func TestGeneratedAndReflectionPathsInjectAlike(t *testing.T) {
	desc := map[reflect.Type]proto.Descriptor{}
	for _, d := range woven.Module().Protos {
		desc[d.Type] = d
	}
	for _, mode := range []string{"reflection", "generated"} {
		c := container.New()
		if mode == "reflection" {
			c.Register(new(woven.Journal), new(woven.MemRepo), new(woven.RequestUser))
		} else {
			c.Register(desc[reflect.TypeFor[woven.Journal]()], desc[reflect.TypeFor[woven.MemRepo]()], desc[reflect.TypeFor[woven.RequestUser]()])
		}
		if err := c.Build(context.Background()); err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		j := mustLookup[*woven.Journal](t, c)
		repo := mustLookup[*woven.MemRepo](t, c)
		if repo.Journal != j {
			t.Fatalf("%s: MemRepo.Journal not injected", mode)
		}
		ctx, sc := container.NewScope(context.Background(), c)
		u := container.MustGet[*woven.RequestUser](ctx)
		u.SetName(ctx, "ann")
		if container.MustGet[*woven.RequestUser](ctx).Name(ctx) != "ann" {
			t.Fatalf("%s: scope lost its object", mode)
		}
		sc.Close()
	}
}

type creator interface {
	Create(ctx context.Context, title string) (string, error)
}

func buildWoven(t *testing.T, extra ...any) (*container.Container, *woven.Journal) {
	t.Helper()
	c := container.New()
	c.Install(woven.Module())
	c.Register(extra...)
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(context.Background()) })
	return c, mustLookup[*woven.Journal](t, c)
}

func TestAdviceWovenThroughGeneratedProxies(t *testing.T) {
	c, j := buildWoven(t)
	topics := mustLookup[creator](t, c) // an interface: the proxy
	if _, raw := topics.(*woven.Topics); raw {
		t.Fatal("an interface lookup of an advised singleton gave the raw object")
	}
	ctx, sc := container.NewScope(context.Background(), c)
	defer sc.Close()
	container.MustGet[*woven.RequestUser](ctx).SetName(ctx, "ann")

	got, err := topics.Create(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	// Crosscut Trace (order 100) first; pointcuts outer then second (both
	// 1000, source order); the repo is reached through its own proxy.
	if want := "outer(second(inner(id-x)))"; got != want {
		t.Fatalf("result %q, want %q", got, want)
	}
	want := []string{"trace Topics.Create", "create by ann", "trace MemRepo.Save", "save x"}
	if lines := j.Lines(); !slices.Equal(lines, want) {
		t.Fatalf("journal %v, want %v", lines, want)
	}

	_, err = topics.Create(ctx, "fail")
	if err == nil || err.Error() != `cannot save "fail"` {
		t.Fatalf("error %v", err)
	}
}

func TestSingletonReachesContextProtoThroughGeneratedProxy(t *testing.T) {
	c, j := buildWoven(t)
	topics := mustLookup[creator](t, c)
	for _, name := range []string{"ann", "bob"} {
		ctx, sc := container.NewScope(context.Background(), c)
		container.MustGet[*woven.RequestUser](ctx).SetName(ctx, name)
		if _, err := topics.Create(ctx, "t"); err != nil {
			t.Fatal(err)
		}
		sc.Close()
	}
	var by []string
	for _, l := range j.Lines() {
		if len(l) > 10 && l[:10] == "create by " {
			by = append(by, l[10:])
		}
	}
	if !slices.Equal(by, []string{"ann", "bob"}) {
		t.Fatalf("each scope's user should be seen: %v", by)
	}
	// Without a scope, User.Name (which has no error result) cannot resolve
	// its target: the proxy panics with the container's error.
	defer func() {
		if err, _ := recover().(error); !errors.Is(err, container.CodeNoScope) {
			t.Fatalf("a call without a scope: %v", err)
		}
	}()
	topics.Create(context.Background(), "t")
}

func TestContextAdviceIsFreshPerScope(t *testing.T) {
	c, j := buildWoven(t)
	g := mustLookup[*woven.UsesGreeting](t, c).G
	for range 2 {
		ctx, sc := container.NewScope(context.Background(), c)
		g.Greet(ctx, "A")
		if got := g.Greet(ctx, "B"); got != "hello b" {
			t.Fatalf("got %q", got)
		}
		sc.Close()
	}
	if lines := j.Lines(); !slices.Equal(lines, []string{"counter 1", "counter 2", "counter 1", "counter 2"}) {
		t.Fatalf("journal %v", lines)
	}
	defer func() {
		if err, _ := recover().(error); !errors.Is(err, container.CodeNoScope) {
			t.Fatalf("a context advice without a scope: %v", err)
		}
	}()
	g.Greet(context.Background(), "x")
}

type concreteRepoUser struct {
	proto.Singleton
	R *woven.MemRepo `inject:""`
}

func TestGeneratedBuildErrors(t *testing.T) {
	c := container.New(container.Strict())
	c.Install(woven.Module())
	c.Register(new(concreteRepoUser))
	wantCode(t, c.Build(context.Background()), container.CodeAdviceBypassed, "concreteRepoUser.R", "*woven.MemRepo")

	c = container.New()
	c.Install(woven.Module())
	c.Register(aop.Pointcut((*woven.Greeter).Greet, new(woven.Wrap)))
	wantCode(t, c.Build(context.Background()), container.CodeBadAdvice, "refused its params", "wrap needs tag=")
}

// TestInstallTwice: a module installed twice is one clear error naming the
// module and both places, not a duplicate-proto error per proto.
func TestInstallTwice(t *testing.T) {
	c := container.New()
	c.Install(woven.Module())
	c.Install(woven.Module())
	err := c.Build(context.Background())
	wantCode(t, err, container.CodeDuplicateModule, "module "+woven.Module().Path+" installed twice", "first installed at", "woven_test.go")
	if strings.Contains(err.Error(), "TEGGO_DUPLICATE_PROTO") {
		t.Errorf("error also reports duplicate protos: %v", err)
	}
}

// TestStaleGeneratedCode: a generated descriptor that no longer matches
// its struct (an inject field added, retyped or removed, a method added
// since teggo gen ran) is refused at Build with the package to regenerate,
// instead of leaving a field nil until the first request.
func TestStaleGeneratedCode(t *testing.T) {
	fresh := func() proto.Module { return woven.Module() }
	var topics proto.Descriptor
	for _, d := range fresh().Protos {
		if d.Type == reflect.TypeFor[woven.Topics]() {
			topics = d
		}
	}
	if topics.Type == nil || len(topics.Fields) < 2 || topics.Proxy == nil {
		t.Fatal("woven.Topics has no generated fields or proxy")
	}
	for name, edit := range map[string]func(d *proto.Descriptor){
		"field missing":  func(d *proto.Descriptor) { d.Fields = d.Fields[1:] },
		"field extra":    func(d *proto.Descriptor) { d.Fields = append(d.Fields, d.Fields[0]) },
		"field retyped":  func(d *proto.Descriptor) { d.Fields[0].Type = reflect.TypeFor[int]() },
		"tag changed":    func(d *proto.Descriptor) { d.Fields[0].Tag.Optional = !d.Fields[0].Tag.Optional },
		"method missing": func(d *proto.Descriptor) { d.Methods = d.Methods[1:] },
		"field moved":    func(d *proto.Descriptor) { d.Fields[0].Offset += 8 }, // a field added before it
	} {
		d := topics
		d.Fields = slices.Clone(topics.Fields)
		edit(&d)
		m := fresh()
		for i := range m.Protos {
			if m.Protos[i].Type == d.Type {
				m.Protos[i] = d
			}
		}
		c := container.New()
		c.Install(m)
		err := c.Build(context.Background())
		if !errors.Is(err, container.CodeStaleGenerated) || !strings.Contains(err.Error(), "run go generate ./container/internal/woven") {
			t.Errorf("%s: %v, want TEGGO_STALE_GENERATED naming the package", name, err)
		}
	}
	c := container.New()
	c.Install(fresh())
	if err := c.Build(context.Background()); err != nil {
		t.Fatalf("fresh module: %v", err)
	}
}

// TestReplacementKeepsItsAdvice: a test object of the proto's own type
// stands in through the proxy, so the proto's advice still runs around it
// (tegg honours a mock through the aspect).
func TestReplacementKeepsItsAdvice(t *testing.T) {
	c := container.New()
	c.Install(woven.Module())
	j := new(woven.Journal)
	c.Register(container.Replacement{Name: "memRepo", Object: &woven.MemRepo{Journal: j}})
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer c.Stop(context.Background())
	repo := mustLookup[woven.Repo](t, c)
	id, err := repo.Save(context.Background(), "x")
	if err != nil || id != "inner(id-x)" {
		t.Fatalf("Save = %q, %v; want the replacement's result wrapped by its advice", id, err)
	}
	if got := j.Lines(); !slices.Contains(got, "save x") {
		t.Fatalf("the replacement did not run: %v", got)
	}
}

// TestErrorsPointAtTheField: an error about an inject field of generated
// code gives the field's line, not the struct's.
func TestErrorsPointAtTheField(t *testing.T) {
	m := woven.Module()
	var kept []proto.Descriptor
	var repo proto.Descriptor
	for _, d := range m.Protos {
		switch d.Type {
		case reflect.TypeFor[woven.Journal]():
			continue // MemRepo.Journal then finds nothing
		case reflect.TypeFor[woven.MemRepo]():
			repo = d
		}
		kept = append(kept, d)
	}
	m.Protos = kept
	line := repo.Fields[0].Line
	if repo.Fields[0].Name != "Journal" || line == 0 || line == repo.Pos.Line {
		t.Fatalf("MemRepo's generated Journal field has line %d (struct at %d)", line, repo.Pos.Line)
	}
	c := container.New()
	c.Install(m)
	err := c.Build(context.Background())
	wantCode(t, err, container.CodeProtoNotFound, "MemRepo.Journal", fmt.Sprintf("woven.go:%d", line))
}
