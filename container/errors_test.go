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
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/weave"
)

// Every error code is triggered here, and its code and message
// are checked.

type TopicRepo struct{ proto.Singleton }

type needsRepo struct {
	proto.Singleton
	Repo *TopicRepo `inject:"topicRepos"`
}

func TestProtoNotFoundSuggestsNearName(t *testing.T) {
	err := buildErr(t, new(TopicRepo), new(needsRepo))
	wantCode(t, err, container.CodeProtoNotFound, "needsRepo.Repo", `name "topicRepos"`, `did you mean "topicRepo"?`)
}

type TopicRepository struct{ proto.Singleton }

type needsByType struct {
	proto.Singleton
	Repo *TopicRepository `inject:""`
}

func TestProtoNotFoundByType(t *testing.T) {
	err := buildErr(t, new(TopicRepo), new(needsByType))
	wantCode(t, err, container.CodeProtoNotFound, "needsByType.Repo", "nothing provides *container_test.TopicRepository")
}

type Notifier interface{ Notify() }
type mailNotifier struct{ proto.Singleton }
type smsNotifier struct{ proto.Singleton }

func (*mailNotifier) Notify() {}
func (*smsNotifier) Notify()  {}

type needsNotifier struct {
	proto.Singleton
	N Notifier `inject:""`
}

func TestMultiProtoFoundListsEveryCandidate(t *testing.T) {
	err := buildErr(t, new(mailNotifier), new(smsNotifier), new(needsNotifier))
	wantCode(t, err, container.CodeMultiProtoFound, "needsNotifier.N", "2 candidates", "mailNotifier", "smsNotifier", "qualifier")
	var e *container.Error
	errors.As(err, &e)
	if len(e.Candidates) != 2 {
		t.Fatalf("candidates %v", e.Candidates)
	}
}

type cycA struct {
	proto.Singleton
	B *cycB `inject:""`
}
type cycB struct {
	proto.Singleton
	A *cycA `inject:""`
}

func TestCycleFailsAtBuildWithPath(t *testing.T) {
	err := buildErr(t, new(cycA), new(cycB))
	wantCode(t, err, container.CodeCycle, "cycA -> inject B -> cycB -> inject A -> cycA")
}

type cycCtx struct {
	proto.Context
	Self *cycCtx2 `inject:""`
}
type cycCtx2 struct {
	proto.Context
	Back *cycCtx `inject:""`
}

func TestCycleOfContextProtos(t *testing.T) {
	err := buildErr(t, new(cycCtx), new(cycCtx2))
	wantCode(t, err, container.CodeCycle, "cycCtx -> inject Self -> cycCtx2 -> inject Back -> cycCtx")
}

type dupOne struct {
	proto.Singleton `name:"same"`
}
type dupTwo struct {
	proto.Singleton `name:"same"`
}

func TestDuplicateProto(t *testing.T) {
	err := buildErr(t, new(dupOne), new(dupTwo))
	wantCode(t, err, container.CodeDuplicateProto, `name "same"`, "dupOne")
	// A qualifier tells them apart.
	c := container.New()
	c.Register(new(dupOne), proto.Descriptor{Type: reflect.TypeFor[dupTwo](), Qualifiers: proto.Qualifiers{{Key: "k", Value: "v"}}})
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
}

type badMarkerTag struct {
	proto.Singleton `access:"protected"`
}
type badFieldTag struct {
	proto.Singleton
	X *TopicRepo `inject:"" optional:"maybe"`
}
type misspeltTag struct {
	proto.Singleton `nmae:"x"`
}
type optionalWithoutInject struct {
	proto.Singleton
	X *TopicRepo `optional:"true"`
}

func TestBadTags(t *testing.T) {
	err := buildErr(t, new(badMarkerTag), new(badFieldTag), new(misspeltTag), new(optionalWithoutInject), new(TopicRepo))
	wantCode(t, err, container.CodeBadTag,
		`badMarkerTag.Singleton`, `access "protected"`,
		`badFieldTag.X`, `optional "maybe"`,
		`unknown tag key "nmae" (did you mean "name"?)`,
		`optionalWithoutInject.X`, `without inject`)
	if n := strings.Count(err.Error(), "TEGGO_BAD_TAG"); n != 4 {
		t.Fatalf("Build reported %d of 4 bad tags: %v", n, err)
	}
}

type noMarker struct{ X int }
type markerByValue struct{ proto.Singleton }

func TestBadProto(t *testing.T) {
	err := buildErr(t, proto.Descriptor{Type: reflect.TypeFor[noMarker]()})
	wantCode(t, err, container.CodeBadProto, "no marker")
	err = buildErr(t, markerByValue{})
	wantCode(t, err, container.CodeBadProto, "registered by pointer", "Register(new(markerByValue))")
}

type wrongType struct {
	proto.Singleton
	Repo *TopicRepository `inject:"topicRepo"`
}

func TestTypeMismatch(t *testing.T) {
	err := buildErr(t, new(TopicRepo), new(wrongType))
	wantCode(t, err, container.CodeTypeMismatch, "wrongType.Repo", `proto "topicRepo" is a *container_test.TopicRepo`)
}

type ctxThing struct{ proto.Context }

func (*ctxThing) Do()                       {}
func (*ctxThing) DoCtx(ctx context.Context) {}

type concreteHolder struct {
	proto.Singleton
	T *ctxThing `inject:""`
}

type Doer interface{ Do() }
type DoerCtx interface{ DoCtx(context.Context) }

type ifaceHolder struct {
	proto.Singleton
	T DoerCtx `inject:""`
}

type noCtxHolder struct {
	proto.Singleton
	T Doer `inject:""`
}

func TestContextProtoInSingleton(t *testing.T) {
	err := buildErr(t, new(ctxThing), new(concreteHolder))
	wantCode(t, err, container.CodeContextInjection, "concreteHolder.T", "outlives every scope", "declare the field as an interface")

	err = buildErr(t, new(ctxThing), new(ifaceHolder))
	wantCode(t, err, container.CodeContextInjection, "ifaceHolder.T", "has no proxy", "teggo gen")

	withProxy := proto.Descriptor{Type: reflect.TypeFor[ctxThing](), Proxy: func(weave.Target, []*weave.Chain) any { return nil }}
	err = buildErr(t, withProxy, new(noCtxHolder))
	wantCode(t, err, container.CodeContextInjection, "noCtxHolder.T", "method ctxThing.Do takes no context.Context first")
}

func TestNotBuiltStoppedAlreadyBuilt(t *testing.T) {
	c := container.New()
	c.Register(new(TopicRepo))
	_, err := container.Lookup[*TopicRepo](c)
	wantCode(t, err, container.CodeNotBuilt, "before Build")

	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.Build(context.Background()), container.CodeAlreadyBuilt, "twice")
	wantCode(t, c.Provide(func() int { return 1 }), container.CodeAlreadyBuilt, "Provide after Build")

	if err := c.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err = container.Lookup[*TopicRepo](c)
	wantCode(t, err, container.CodeStopped, "stopped")
	ctx, sc := container.NewScope(context.Background(), c)
	defer sc.Close()
	_, err = container.Get[*TopicRepo](ctx)
	wantCode(t, err, container.CodeStopped, "stopped")
}

func TestProvideErrors(t *testing.T) {
	c := container.New()
	wantCode(t, c.Provide(42), container.CodeProvide, "wants a function, got int")
	wantCode(t, c.Provide(func() {}), container.CodeProvide, "dig refused")
	// A failing constructor fails Build, naming it, with its error inside.
	type needsPort struct {
		proto.Singleton
		Port int `inject:""`
	}
	c = container.New()
	c.Register(new(needsPort))
	c.Provide(func() (int, error) { return 0, fmt.Errorf("no port configured") })
	err := c.Build(context.Background())
	wantCode(t, err, container.CodeProvide, "constructor container_test.TestProvideErrors.func2 (provided at", "no port configured")
}

// Advice errors.

type Svc2 struct{ proto.Singleton }

func (*Svc2) Run(ctx context.Context) error { return nil }
func (*Svc2) Plain() error                  { return nil }

// UsesRunner injects Svc2 by an interface: the site that needs a proxy.
type UsesRunner struct {
	proto.Singleton
	R interface {
		Run(ctx context.Context) error
	} `inject:""`
}

type Logging struct{ proto.Singleton }

func (*Logging) BeforeCall(aop.Call) error { return nil }

type NotAdvice struct{ proto.Singleton }

type CtxAdvice struct{ proto.Context }

func (*CtxAdvice) BeforeCall(aop.Call) error { return nil }

// svc2Proxy stands for generated code; these tests fail before any call.
var svc2WithProxy = proto.Descriptor{Type: reflect.TypeFor[Svc2](), Proxy: func(weave.Target, []*weave.Chain) any { return new(int) }}

func TestAdviceErrors(t *testing.T) {
	err := buildErr(t, svc2WithProxy, aop.Pointcut((*Svc2).Run, "logger"), new(Logging))
	wantCode(t, err, container.CodeAdviceNotFound, "Svc2.Run", "advice logger is not registered", "pointcut at")

	err = buildErr(t, svc2WithProxy, aop.Pointcut((*Svc2).Run, new(NotAdvice)), new(NotAdvice))
	wantCode(t, err, container.CodeBadAdvice, "implements no advice hook")

	// without a proxy, advice still reaches the calls teggo makes (routes,
	// jobs, handlers): only an interface inject site needs the proxy
	c := container.New()
	c.Register(new(Svc2), aop.Pointcut((*Svc2).Run, new(Logging)), new(Logging))
	if err := c.Build(context.Background()); err != nil {
		t.Fatalf("no interface site: %v", err)
	}
	if c.AdviceChain(reflect.TypeFor[*Svc2](), "Run") == nil {
		t.Fatal("Run has no chain")
	}
	err = buildErr(t, new(Svc2), new(UsesRunner), aop.Pointcut((*Svc2).Run, new(Logging)), new(Logging))
	wantCode(t, err, container.CodeNoProxy, "UsesRunner", "Svc2", "has no proxy", "teggo gen")

	err = buildErr(t, svc2WithProxy, aop.Pointcut((*Svc2).Plain, new(CtxAdvice)), new(CtxAdvice))
	wantCode(t, err, container.CodeContextAdviceNoCtx, "Svc2.Plain", "without a context.Context first parameter")

	err = buildErr(t, svc2WithProxy, aop.Pointcut(42, new(Logging)), new(Logging))
	wantCode(t, err, container.CodeBadDecl, "invalid declaration")
}

type bypasser struct {
	proto.Singleton
	S *Svc2 `inject:""`
}

func TestAdviceBypassedWarnsOrFailsInStrictMode(t *testing.T) {
	var log strings.Builder
	c := container.New(container.Logger(newTextLogger(&log)))
	c.Register(svc2WithProxy, aop.Pointcut((*Svc2).Run, new(Logging)), new(Logging), new(bypasser))
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "TEGGO_ADVICE_BYPASSED") || !strings.Contains(log.String(), "bypasser") {
		t.Fatalf("no warning logged: %q", log.String())
	}
	c = container.New(container.Strict())
	c.Register(svc2WithProxy, aop.Pointcut((*Svc2).Run, new(Logging)), new(Logging), new(bypasser))
	wantCode(t, c.Build(context.Background()), container.CodeAdviceBypassed, "bypasser.S", "bypasses the advice", "interface")
}

func TestBuildReportsEveryProblemAtOnce(t *testing.T) {
	err := buildErr(t, new(needsRepo), new(cycA), new(cycB), new(dupOne), new(dupTwo))
	for _, code := range []container.Code{container.CodeProtoNotFound, container.CodeCycle, container.CodeDuplicateProto} {
		if !strings.Contains(err.Error(), string(code)) {
			t.Errorf("missing %s in %v", code, err)
		}
	}
}

// BaseGreeter declares Hello; OuterGreeter gets it by embedding.
type BaseGreeter struct{ proto.Singleton }

func (*BaseGreeter) Hello(ctx context.Context) error { return nil }

type OuterGreeter struct {
	proto.Singleton
	BaseGreeter
}

func (*OuterGreeter) Own(ctx context.Context) error { return nil }

type Metering struct{ proto.Singleton }

func (*Metering) BeforeCall(aop.Call) error { return nil }

// TestPromotedMethodKeepsItsAdvice: a method promoted from an embedded
// type keeps the pointcuts and crosscuts of the type that declares it.
func TestPromotedMethodKeepsItsAdvice(t *testing.T) {
	c := container.New()
	c.Register(new(OuterGreeter), new(Logging), new(Metering),
		aop.Pointcut((*BaseGreeter).Hello, new(Logging)),
		aop.Crosscut(new(Metering), aop.ForType((*BaseGreeter)(nil))))
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	ch := c.AdviceChain(reflect.TypeFor[OuterGreeter](), "Hello")
	if ch == nil {
		t.Fatal("the promoted Hello has no advice")
	}
	var names []string
	for _, a := range ch.Advice() {
		names = append(names, a.Name)
	}
	if want := []string{"metering", "logging"}; !slices.Equal(names, want) {
		t.Fatalf("Hello's advice %v, want %v", names, want)
	}
	if c.AdviceChain(reflect.TypeFor[OuterGreeter](), "Own") != nil {
		t.Fatal("Own, declared by OuterGreeter, got BaseGreeter's advice")
	}
}

// Named knows which of its registrations it is.
type Named struct {
	proto.Singleton `qualifier:"tier=gold"`
	Info            proto.ObjectInfo `inject:""`
}

// TestObjectInfo: an object injects its own proto info (tegg's
// ObjectInfo), so one type registered twice tells its names apart.
func TestObjectInfo(t *testing.T) {
	c := container.New()
	c.Register(proto.Descriptor{Type: reflect.TypeFor[Named](), Name: "first"},
		proto.Descriptor{Type: reflect.TypeFor[Named](), Name: "second"})
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"first", "second"} {
		n, err := container.Lookup[*Named](c, name)
		if err != nil {
			t.Fatal(err)
		}
		if tier, _ := n.Info.Qualifiers.Get("tier"); n.Info.Name != name || n.Info.InitType != proto.InitSingleton || tier != "gold" {
			t.Errorf("%s: info %+v", name, n.Info)
		}
	}
}

type needsDB struct {
	proto.Singleton
	DB *fakeDB `inject:""`
}

type fakeDB struct{}

func openFakeDB() (*fakeDB, error) { return nil, errors.New("connection refused") }

// TestConstructorErrorNamesTheConstructor: a failing constructor's error
// names it and where it was provided, with its own error as the cause,
// and none of the reflection the container calls dig through.
func TestConstructorErrorNamesTheConstructor(t *testing.T) {
	c := container.New()
	c.Provide(openFakeDB)
	c.Register(new(needsDB))
	err := c.Build(context.Background())
	wantCode(t, err, container.CodeProvide, "constructor container_test.openFakeDB (provided at", "errors_test.go:", ") failed", "connection refused")
	if strings.Contains(err.Error(), "reflect") || strings.Contains(err.Error(), "makeFuncStub") {
		t.Errorf("error carries reflection frames: %v", err)
	}
}

// A Code is the errors.Is target of every *Error of that code, however
// deeply wrapped or joined, and of nothing else; CodeOf reads it back,
// from a bare Code too.
func TestCodeMatchesItsErrors(t *testing.T) {
	e := &container.Error{Code: container.CodeCycle, Msg: "a cycle"}
	for _, err := range []error{e, fmt.Errorf("build: %w", e), errors.Join(errors.New("other"), e)} {
		if !errors.Is(err, container.CodeCycle) {
			t.Errorf("errors.Is(%v, CodeCycle) = false", err)
		}
		if errors.Is(err, container.CodeProtoNotFound) {
			t.Errorf("errors.Is(%v, CodeProtoNotFound) = true", err)
		}
		if got := container.CodeOf(err); got != container.CodeCycle {
			t.Errorf("CodeOf(%v) = %q", err, got)
		}
	}
	if got := container.CodeOf(fmt.Errorf("x: %w", container.CodeStopped)); got != container.CodeStopped {
		t.Errorf("CodeOf of a wrapped bare code = %q", got)
	}
	if container.CodeCycle.Error() != "TEGGO_CYCLE" {
		t.Errorf("CodeCycle.Error() = %q", container.CodeCycle.Error())
	}
}
