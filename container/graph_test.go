package container_test

import (
	"strings"
	"testing"

	"github.com/teggo/teggo/container"
)

func TestGraphDrawsProtosConstructorsAndInjections(t *testing.T) {
	c := container.New()
	must(t, c.Provide(func() *DB { return &DB{} }))
	c.Register(new(Shared), new(Session), new(ctxUsesOutside), new(Fresh), new(holderTwo))
	must(t, c.Build(t.Context()))
	g := container.Graph(c)
	for _, want := range []string{
		"digraph teggo {",
		`label="container_test.Session\nsession\ncontext, private"`,
		`style=dashed`, `style=dotted`,
		`"container_test.Session#session#`, `-> "container_test.Shared#shared#`, `[label="Shared"]`,
		`"dig:*container_test.DB" [shape=ellipse`,
		`-> "dig:*container_test.DB" [label="DB"]`,
	} {
		if !strings.Contains(g, want) {
			t.Errorf("graph lacks %s:\n%s", want, g)
		}
	}
}
