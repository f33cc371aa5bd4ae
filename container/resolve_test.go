package container_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/container/internal/privmod"
	"github.com/teggo/teggo/proto"
)

type Store interface{ Kind() string }

type MemStore struct {
	proto.Singleton `name:"memStore"`
}

func (*MemStore) Kind() string { return "mem" }

type usesStore struct {
	proto.Singleton
	ByType Store     `inject:""`
	ByName Store     `inject:"memStore"`
	Raw    *MemStore `inject:""`
}

func TestSameSingletonByTypeAndByName(t *testing.T) {
	c := build(t, new(MemStore), new(usesStore))
	u := mustLookup[*usesStore](t, c)
	if u.ByType != u.ByName || u.ByName.(*MemStore) != u.Raw {
		t.Fatal("by type, by name and by concrete type differ")
	}
	if mustLookup[*MemStore](t, c, "memStore") != u.Raw || mustLookup[Store](t, c) != Store(u.Raw) {
		t.Fatal("lookups differ from injected values")
	}
}

// Two protos named "cache", one per scope: the initType qualifier picks.
type ctxCache struct {
	proto.Context `name:"cache"`
	n             int
}
type appCache struct {
	proto.Singleton `name:"cache"`
	n               int
}

type pickSingleton struct {
	proto.Context
	C *appCache `inject:"cache" qualifier:"initType=singleton"`
}

type pickContext struct {
	proto.Context
	C *ctxCache `inject:"cache" qualifier:"initType=context"`
}

type Cache interface{ isCache() }

func (*ctxCache) isCache() {}
func (*appCache) isCache() {}

type pickDefault struct {
	proto.Context
	C Cache `inject:"cache"`
}

func TestQualifierChoosesBetweenContextAndSingleton(t *testing.T) {
	c := build(t, new(ctxCache), new(appCache), new(pickSingleton), new(pickContext), new(pickDefault))
	ctx, sc := container.NewScope(context.Background(), c)
	defer sc.Close()
	s := container.MustGet[*pickSingleton](ctx)
	x := container.MustGet[*pickContext](ctx)
	d := container.MustGet[*pickDefault](ctx)
	if s.C == nil || x.C == nil || s.C != mustLookup[*appCache](t, c) {
		t.Fatal("the qualifier did not choose")
	}
	if d.C != Cache(x.C) {
		t.Fatal("without qualifier, the context proto should be preferred")
	}
}

// The same type registered twice, under two names and qualifiers.
type Conn struct {
	proto.Singleton
	DSN string
}

type twoConns struct {
	proto.Singleton
	Primary *Conn `inject:"" qualifier:"role=primary"`
	Replica *Conn `inject:"replica"`
}

func TestSameTypeRegisteredSeveralTimes(t *testing.T) {
	connT := reflect.TypeFor[Conn]()
	c := build(t,
		proto.Descriptor{Type: connT, Name: "primary", Qualifiers: proto.Qualifiers{{Key: "role", Value: "primary"}}},
		proto.Descriptor{Type: connT, Name: "replica", Qualifiers: proto.Qualifiers{{Key: "role", Value: "replica"}}},
		new(twoConns))
	tc := mustLookup[*twoConns](t, c)
	if tc.Primary == nil || tc.Replica == nil || tc.Primary == tc.Replica {
		t.Fatal("multi-instance protos were not kept apart")
	}
	if mustLookup[*Conn](t, c, "primary") != tc.Primary {
		t.Fatal("lookup by name differs")
	}
	_, err := container.Lookup[*Conn](c)
	wantCode(t, err, container.CodeMultiProtoFound, "primary", "replica")
}

type Audit struct{ proto.Singleton }

type optionalUser struct {
	proto.Singleton
	Audit *Audit `inject:"" optional:"true"`
	Named Store  `inject:"nobody" optional:"true"`
}

func TestOptionalInjectLeftNil(t *testing.T) {
	c := build(t, new(optionalUser))
	u := mustLookup[*optionalUser](t, c)
	if u.Audit != nil || u.Named != nil {
		t.Fatal("optional fields were set")
	}
	c2 := build(t, new(optionalUser), new(Audit))
	if mustLookup[*optionalUser](t, c2).Audit == nil {
		t.Fatal("optional field left nil although the proto exists")
	}
}

// Resolution prefers the requester's own module among several candidates.
type Greeting interface{ Hello() string }

type localGreeter struct {
	proto.Singleton `name:"localGreeter"`
}

func (*localGreeter) Hello() string { return "local" }

type usesGreeting struct {
	proto.Singleton
	G Greeting `inject:""`
}

type otherGreeter struct {
	proto.Singleton `access:"public"`
}

func (*otherGreeter) Hello() string { return "other" }

func TestPrivateProtoOfAnotherPackage(t *testing.T) {
	type stealsSecret struct {
		proto.Singleton
		S *privmod.Secret `inject:""`
	}
	err := buildErr(t, new(privmod.Secret), new(privmod.Gate), new(stealsSecret))
	wantCode(t, err, container.CodePrivateAccess, "stealsSecret.S", "private to package", `access:"public"`)
	// The same package may inject it, and a public proto is reachable.
	type usesGate struct {
		proto.Singleton
		G *privmod.Gate `inject:""`
	}
	c := build(t, new(privmod.Secret), new(privmod.Gate), new(usesGate))
	if mustLookup[*usesGate](t, c).G.Secret == nil {
		t.Fatal("a proto could not inject a private proto of its own package")
	}
}

func TestTwoContainersAreIndependent(t *testing.T) {
	a := build(t, new(Shared))
	b := build(t, new(Shared))
	if mustLookup[*Shared](t, a) == mustLookup[*Shared](t, b) {
		t.Fatal("two containers share a singleton")
	}
	ctx, sc := container.NewScope(context.Background(), a)
	defer sc.Close()
	if _, err := container.Lookup[*Session](b); err == nil {
		t.Fatal("a proto registered in one container is visible in another")
	}
	_ = ctx
}
