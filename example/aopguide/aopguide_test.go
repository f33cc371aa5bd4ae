package aopguide

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/weave"
)

// pointcuts is the code form of Create's directive.
var pointcuts = []any{
	aop.Pointcut((*TopicService).Create, new(Tx),
		aop.Param("propagation", "requires_new"), // or aop.WithParams(aop.Params{...})
		aop.Order(500)),
}

// crosscuts is the code form of Audit's directives, and a ForFunc matcher.
var crosscuts = []any{
	aop.Crosscut(new(Audit), aop.ForType((*TopicService)(nil), "Create", "Delete")),
	aop.Crosscut(new(Audit), aop.ForRegexp("Service$", "^Update"), aop.Order(50)),
	aop.Crosscut(new(Audit), aop.ForFunc(func(t reflect.Type, method string) bool {
		return t.PkgPath() == "github.com/teggo/teggo/example/aopguide" && strings.HasPrefix(method, "Del")
	}), aop.WithParams(aop.Params{"level": "info"})),
}

// planned renders the advice list of one method.
func planned(decls []any, method string) []string {
	var out []string
	for _, p := range weave.Plan(decls, reflect.TypeFor[TopicService](), method) {
		out = append(out, fmt.Sprintf("%s %d %v", p.AdviceType.Name(), p.Order, p.Params))
	}
	return out
}

// The hand-written declarations plan exactly as the generated ones.
func TestCodeFormIsTheDirectives(t *testing.T) {
	hand := slices.Concat(pointcuts,
		[]any{aop.Pointcut((*TopicService).Update, new(Tag), aop.Param("tag", "write"))},
		crosscuts[:2])
	if errs := weave.DeclErrors(slices.Concat(hand, crosscuts)); len(errs) != 0 {
		t.Fatal(errs)
	}
	for _, m := range []string{"Create", "Update", "Delete"} {
		got, want := planned(hand, m), planned(Module().Decls, m)
		if !slices.Equal(got, want) {
			t.Errorf("%s: hand-written %v, generated %v", m, got, want)
		}
	}
	if got := planned(crosscuts[2:], "Delete"); !slices.Equal(got, []string{"Audit 100 map[level:info]"}) {
		t.Errorf("ForFunc on Delete: %v", got)
	}
	if got := planned(crosscuts[2:], "Create"); len(got) != 0 {
		t.Errorf("ForFunc on Create: %v", got)
	}
}

func TestTxParamsAreParsedOnce(t *testing.T) {
	for _, tc := range []struct {
		p    aop.Params
		want any
	}{
		{aop.Params{}, txParams{}},
		{aop.Params{"propagation": "required", "readOnly": "true"}, txParams{ReadOnly: true}},
		{aop.Params{"propagation": "requires_new"}, txParams{RequiresNew: true}},
	} {
		got, err := new(Tx).ParseParams(tc.p)
		if err != nil || got != tc.want {
			t.Errorf("%v: %v, %v", tc.p, got, err)
		}
	}
	if _, err := new(Tx).ParseParams(aop.Params{"propagation": "requiresnew"}); err == nil {
		t.Error("a typo in propagation passed")
	}
}

// client injects the service through its interface, so it gets the proxy.
type client struct {
	proto.Singleton
	Topics Topics `inject:""`
}

// Example runs the guide's advice through the generated proxy of
// TopicService: Tx, Tag and Audit from the directives, Timing by a
// crosscut.
func Example() {
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "took" { // not deterministic
				return slog.Attr{}
			}
			return a
		},
	}))
	c := container.New()
	c.Provide(func() *slog.Logger { return log })
	c.Install(Module())
	c.Register(aop.Crosscut(new(Timing), aop.ForType((*TopicService)(nil))), new(client))
	if err := c.Build(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	defer c.Stop(context.Background())

	cl, _ := container.Lookup[*client](c)
	ctx := context.Background()
	id, _ := cl.Topics.Create(ctx, CreateTopic{Title: "hello"})
	_ = cl.Topics.Update(ctx, id, CreateTopic{Title: "hello again"})
	_ = cl.Topics.Delete(ctx, "7")
	// Output:
	// level=INFO msg=tx method=Create new=true readOnly=false
	// level=INFO msg=call method=TopicService.Create err=<nil>
	// level=INFO msg=audit method=Create
	// level=INFO msg=tagged method=Update tag=write
	// level=INFO msg=call method=TopicService.Update err=<nil>
	// level=INFO msg=audit method=Update
	// level=INFO msg=call method=TopicService.Delete err="topic \"7\": not found"
}
