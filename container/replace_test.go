package container_test

import (
	"context"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

type fakeStore struct{ kind string }

func (f *fakeStore) Kind() string { return f.kind }

type storeUser struct {
	proto.Context
	S Store `inject:""`
}

func TestReplacementStandsIn(t *testing.T) {
	fake := &fakeStore{kind: "fake"}
	c := build(t, new(MemStore), new(storeUser), container.Replacement{Name: "memStore", Object: fake})
	ctx, sc := container.NewScope(context.Background(), c)
	defer sc.Close()
	if got := container.MustGet[*storeUser](ctx).S; got != Store(fake) {
		t.Fatalf("got %v, want the replacement", got)
	}
	if s := mustLookup[Store](t, c); s.Kind() != "fake" {
		t.Fatal("a lookup by interface missed the replacement")
	}
	if _, err := container.Lookup[*MemStore](c); !errorsIs(err, container.CodeTypeMismatch) {
		t.Fatalf("a lookup of the replaced concrete type: %v", err)
	}
}

func TestReplacementErrors(t *testing.T) {
	err := buildErr(t, new(MemStore), new(usesStore), container.Replacement{Name: "memStore", Object: &fakeStore{}})
	wantCode(t, err, container.CodeTypeMismatch, "usesStore.Raw", "replacement of \"memStore\"")
	err = buildErr(t, new(MemStore), container.Replacement{Name: "memStor", Object: &fakeStore{}})
	wantCode(t, err, container.CodeProtoNotFound, `did you mean "memStore"?`)
}
