package container_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
)

func TestDescribe(t *testing.T) {
	d, err := container.Describe(reflect.TypeFor[usesStore]())
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "usesStore" || d.InitType != proto.InitSingleton || d.Access != proto.Private || len(d.Fields) != 3 {
		t.Fatalf("got %+v", d)
	}
	if f := d.Fields[1]; f.Name != "ByName" || f.Tag.Name != "memStore" || f.Offset == 0 || f.Set != nil {
		t.Fatalf("field %+v", f)
	}
	d, _ = container.Describe(reflect.TypeFor[RequestUser]())
	if len(d.Methods) != 1 || d.Methods[0] != (proto.Method{Name: "Greet", CtxFirst: true}) {
		t.Fatalf("methods %+v", d.Methods)
	}
	if _, err := container.Describe(reflect.TypeFor[badMarkerTag]()); err == nil {
		t.Fatal("a bad tag described without error")
	}
}

func TestSingletonsInCreationOrder(t *testing.T) {
	c := container.New()
	c.Register(new(chainA), new(chainB), new(chainC))
	if got := c.Registered(); len(got) != 3 || got[0] != reflect.TypeFor[chainA]() {
		t.Fatalf("registered %v", got)
	}
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := c.Singletons()
	if len(s) != 3 {
		t.Fatalf("got %d singletons", len(s))
	}
	if _, ok := s[0].(*chainC); !ok {
		t.Fatalf("first is %T, want the dependency *chainC", s[0])
	}
}
