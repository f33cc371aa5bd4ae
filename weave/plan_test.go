package weave_test

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"testing"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/weave"
)

type TxAdvice struct{}
type LogAdvice struct{}
type MetricAdvice struct{}

// TopicService and TopicRepo are proxied protos in these tests.
type TopicService struct{}

func (s *TopicService) Create(ctx context.Context, title string) (string, error) { return title, nil }
func (s *TopicService) Delete(ctx context.Context, id string) error              { return nil }
func (s TopicService) Count() int                                                { return 0 }
func (s *TopicService) internal()                                                {}

type TopicRepo struct{}

func (r *TopicRepo) Create(ctx context.Context, title string) error { return nil }
func (r *TopicRepo) Find(ctx context.Context, id string) error      { return nil }

type Box[T any] struct{ v T }

func (b *Box[T]) Get() T { return b.v }

type API interface {
	Create(ctx context.Context, title string) (string, error)
}

var (
	topicT = reflect.TypeFor[TopicService]()
	repoT  = reflect.TypeFor[TopicRepo]()
)

// names renders a plan as "Advice@order", for comparisons.
func names(plan []weave.PlannedAdvice) []string {
	var out []string
	for _, p := range plan {
		n := p.AdviceName
		if p.AdviceType != nil {
			n = p.AdviceType.Name()
		}
		out = append(out, n+"@"+strconv.Itoa(p.Order))
	}
	return out
}

func TestPointcutResolvesMethodExpressions(t *testing.T) {
	for _, tc := range []struct {
		method any
		name   string
	}{
		{(*TopicService).Create, "Create"},
		{(*TopicService).Delete, "Delete"},
		{TopicService.Count, "Count"},    // value receiver
		{(*TopicService).Count, "Count"}, // promoted to the pointer
	} {
		d := aop.Pointcut(tc.method, new(TxAdvice))
		if d.Err != nil {
			t.Fatalf("%s: %v", tc.name, d.Err)
		}
		eq(t, tc.name, []any{d.Type, d.Method, d.AdviceType, d.Order}, []any{topicT, tc.name, reflect.TypeFor[TxAdvice](), aop.DefaultPointcutOrder})
	}
	d := aop.Pointcut((*TopicService).Create, "tx", aop.Order(5), aop.WithParams(aop.Params{"a": "1", "b": "2"}), aop.Param("b", "3"))
	eq(t, "by name", []any{d.AdviceName, d.AdviceType, d.Order, d.Params}, []any{"tx", reflect.Type(nil), 5, aop.Params{"a": "1", "b": "3"}})
	d = aop.Pointcut((*TopicService).Create, reflect.TypeFor[*LogAdvice]())
	eq(t, "by reflect.Type", d.AdviceType, reflect.TypeFor[LogAdvice]())
}

func TestDeclPosition(t *testing.T) {
	d := aop.Pointcut((*TopicService).Create, new(TxAdvice)) // this line
	if !regexp.MustCompile(`/weave/plan_test\.go:\d+$`).MatchString(d.Pos) {
		t.Errorf("Pos = %q, want this file:line", d.Pos)
	}
	c := aop.Crosscut(new(TxAdvice), aop.ForType(TopicService{}))
	if !strings.Contains(c.Pos, "plan_test.go:") {
		t.Errorf("Pos = %q", c.Pos)
	}
	d = aop.Pointcut((*TopicService).Create, new(TxAdvice), aop.At("topic.go", 12))
	eq(t, "At", d.Pos, "topic.go:12")
	p := weave.Plan([]any{d}, topicT, "Create")
	eq(t, "From", p[0].From, "pointcut at topic.go:12")
	c = aop.Crosscut(new(TxAdvice), aop.ForType(TopicService{}), aop.At("tx.go", 3))
	eq(t, "From", weave.Plan([]any{c}, topicT, "Create")[0].From, "crosscut at tx.go:3")
}

func TestPointcutErrors(t *testing.T) {
	svc := &TopicService{}
	for _, tc := range []struct {
		name   string
		method any
		advice any
		want   string
	}{
		{"nil method", nil, new(TxAdvice), "method is nil"},
		{"not a func", 42, new(TxAdvice), "not int"},
		{"method value", svc.Create, new(TxAdvice), "is a method value; give a method expression such as (*T).Create"},
		{"plain func", func(*TopicService, int) {}, new(TxAdvice), "is not a method of TopicService"},
		{"no args func", func() {}, new(TxAdvice), "has no receiver"},
		{"unexported", (*TopicService).internal, new(TxAdvice), "method TopicService.internal is not exported"},
		{"interface", API.Create, new(TxAdvice), "not a method expression on a named struct type"},
		{"generic", (*Box[int]).Get, new(TxAdvice), "generic"},
		{"nil advice", (*TopicService).Create, nil, "advice is nil"},
		{"empty name", (*TopicService).Create, "", "advice name is empty"},
		{"bad advice", (*TopicService).Create, 3, "advice must be a named struct type"},
	} {
		d := aop.Pointcut(tc.method, tc.advice)
		if d.Err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !strings.Contains(d.Err.Error(), tc.want) || !strings.HasPrefix(d.Err.Error(), "aop: pointcut at ") {
			t.Errorf("%s: %v, want it to say %q", tc.name, d.Err, tc.want)
		}
		if !errors.Is(d.Err, aop.ErrInvalidDecl) {
			t.Errorf("%s: not ErrInvalidDecl", tc.name)
		}
		if p := weave.Plan([]any{d}, topicT, "Create"); len(p) != 0 {
			t.Errorf("%s: an invalid decl applies: %v", tc.name, names(p))
		}
	}
}

func TestCrosscutErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		advice any
		match  aop.Matcher
		want   string
	}{
		{"zero matcher", new(TxAdvice), aop.Matcher{}, "no matcher"},
		{"bad typeRe", new(TxAdvice), aop.ForRegexp("(", ""), "typeRe: error parsing regexp"},
		{"bad methodRe", new(TxAdvice), aop.ForRegexp("", "[a-"), "methodRe: error parsing regexp"},
		{"nil func", new(TxAdvice), aop.ForFunc(nil), "ForFunc(nil)"},
		{"nil type", new(TxAdvice), aop.ForType(nil), "not a named struct type"},
		{"non-struct type", new(TxAdvice), aop.ForType(3), "not a named struct type"},
		{"unknown method", new(TxAdvice), aop.ForType((*TopicService)(nil), "Create", "Crate"), "TopicService has no exported method Crate"},
		{"unexported method", new(TxAdvice), aop.ForType((*TopicService)(nil), "internal"), "no exported method internal"},
		{"bad advice", 3, aop.ForType((*TopicService)(nil)), "advice must be"},
	} {
		d := aop.Crosscut(tc.advice, tc.match)
		if d.Err == nil || !strings.Contains(d.Err.Error(), tc.want) || !errors.Is(d.Err, aop.ErrInvalidDecl) {
			t.Errorf("%s: err = %v, want it to say %q", tc.name, d.Err, tc.want)
		}
		var de *aop.DeclError
		if !errors.As(d.Err, &de) || de.Kind != "crosscut" {
			t.Errorf("%s: %#v", tc.name, d.Err)
		}
	}
	var rerr *syntax.Error
	if d := aop.Crosscut(new(TxAdvice), aop.ForRegexp("(", "")); !errors.As(d.Err, &rerr) {
		t.Errorf("the regexp error is not wrapped: %v", d.Err)
	}
}

func TestDeclErrorsInOrderSkippingOtherDecls(t *testing.T) {
	type routeDecl struct{ Path string } // another subsystem's decl
	decls := []any{
		aop.Pointcut((*TopicService).Create, new(TxAdvice)),
		aop.Pointcut((*TopicService).internal, new(TxAdvice), aop.At("a.go", 1)),
		routeDecl{"/x"},
		aop.Crosscut(new(TxAdvice), aop.ForRegexp("(", ""), aop.At("b.go", 2)),
		nil,
		(*aop.PointcutDecl)(nil),
	}
	errs := weave.DeclErrors(decls)
	if len(errs) != 2 || !strings.HasPrefix(errs[0].Error(), "aop: pointcut at a.go:1: ") || !strings.HasPrefix(errs[1].Error(), "aop: crosscut at b.go:2: ") {
		t.Fatalf("errs = %v", errs)
	}
	if p := weave.Plan(decls, topicT, "Create"); len(p) != 1 {
		t.Fatalf("plan = %v", names(p))
	}
}

func TestForType(t *testing.T) {
	all := aop.Crosscut(new(LogAdvice), aop.ForType((*TopicService)(nil)))
	some := aop.Crosscut(new(TxAdvice), aop.ForType(TopicService{}, "Create", "Count"))
	byRT := aop.Crosscut(new(MetricAdvice), aop.ForType(reflect.TypeFor[*TopicRepo]()))
	decls := []any{all, some, byRT}
	for _, tc := range []struct {
		t      reflect.Type
		method string
		want   []string
	}{
		{topicT, "Create", []string{"LogAdvice@100", "TxAdvice@100"}},
		{reflect.PointerTo(topicT), "Create", []string{"LogAdvice@100", "TxAdvice@100"}}, // *T is T
		{topicT, "Delete", []string{"LogAdvice@100"}},
		{topicT, "Count", []string{"LogAdvice@100", "TxAdvice@100"}},
		{topicT, "internal", nil}, // unexported methods are never candidates
		{repoT, "Create", []string{"MetricAdvice@100"}},
		{repoT, "Find", []string{"MetricAdvice@100"}},
		{reflect.TypeFor[Svc](), "Create", nil},
	} {
		eq(t, tc.t.String()+"."+tc.method, names(weave.Plan(decls, tc.t, tc.method)), tc.want)
	}
	eq(t, "String", some.Match.String(), "type=TopicService method=Create,Count")
}

func TestForRegexp(t *testing.T) {
	d := aop.Crosscut(new(LogAdvice), aop.ForRegexp("^Topic", "^(Create|Find)$"))
	anyType := aop.Crosscut(new(TxAdvice), aop.ForRegexp("", "Del"))
	decls := []any{d, anyType}
	eq(t, "service.Create", names(weave.Plan(decls, topicT, "Create")), []string{"LogAdvice@100"})
	eq(t, "repo.Find", names(weave.Plan(decls, repoT, "Find")), []string{"LogAdvice@100"})
	eq(t, "service.Delete", names(weave.Plan(decls, topicT, "Delete")), []string{"TxAdvice@100"})
	eq(t, "service.Count", names(weave.Plan(decls, topicT, "Count")), []string(nil))
	// Matched against the type name without its package.
	eq(t, "Svc", names(weave.Plan([]any{aop.Crosscut(new(LogAdvice), aop.ForRegexp("^Svc$", ""))}, reflect.TypeFor[Svc](), "Upper")), []string{"LogAdvice@100"})
	eq(t, "pkg path", names(weave.Plan([]any{aop.Crosscut(new(LogAdvice), aop.ForRegexp("aop_test", ""))}, topicT, "Create")), []string(nil))
}

func TestForFunc(t *testing.T) {
	var seen []string
	d := aop.Crosscut("metrics", aop.ForFunc(func(t reflect.Type, m string) bool {
		seen = append(seen, t.Name()+"."+m)
		return t == repoT && strings.HasPrefix(m, "F")
	}))
	eq(t, "repo.Find", names(weave.Plan([]any{d}, repoT, "Find")), []string{"metrics@100"})
	eq(t, "repo.Create", names(weave.Plan([]any{d}, repoT, "Create")), []string(nil))
	eq(t, "seen", seen, []string{"TopicRepo.Find", "TopicRepo.Create"})
}

func TestPlanOrder(t *testing.T) {
	decls := []any{
		aop.Pointcut((*TopicService).Create, new(TxAdvice)),                                            // P1 1000
		aop.Crosscut(new(LogAdvice), aop.ForType(TopicService{})),                                      // C1 100
		aop.Pointcut((*TopicService).Create, "p2"),                                                     // P2 1000
		aop.Crosscut("c2", aop.ForRegexp("Topic", "")),                                                 // C2 100
		aop.Pointcut((*TopicService).Create, "p3", aop.Order(50)),                                      // P3 50
		aop.Crosscut("c3", aop.ForRegexp("Topic", ""), aop.Order(2000)),                                // C3 2000
		aop.Pointcut((*TopicService).Delete, "other method"),                                           // not Create
		aop.Pointcut((*TopicService).Create, "p4", aop.Order(100)),                                     // P4 100: after C1, C2
		aop.Crosscut("c4", aop.ForType(TopicService{}, "Create"), aop.Order(aop.DefaultPointcutOrder)), // C4 1000: before P1, P2
	}
	plan := weave.Plan(decls, topicT, "Create")
	eq(t, "order", names(plan), []string{
		"p3@50",
		"LogAdvice@100", "c2@100", "p4@100",
		"c4@1000", "TxAdvice@1000", "p2@1000",
		"c3@2000",
	})
	kinds := []string{"pointcut", "crosscut", "crosscut", "pointcut", "crosscut", "pointcut", "pointcut", "crosscut"}
	for i, p := range plan {
		if !regexp.MustCompile(`^` + kinds[i] + ` at .*/plan_test\.go:\d+$`).MatchString(p.From) {
			t.Errorf("%s: From = %q, want %s at plan_test.go:N", names(plan[i:i+1]), p.From, kinds[i])
		}
	}
	eq(t, "Delete", names(weave.Plan(decls, topicT, "Delete")), []string{"LogAdvice@100", "c2@100", "other method@1000", "c3@2000"})
}

func TestPlanParams(t *testing.T) {
	pc := aop.Pointcut((*TopicService).Create, new(TxAdvice), aop.Param("propagation", "requires_new"))
	cc := aop.Crosscut(new(TxAdvice), aop.ForType(TopicService{}), aop.WithParams(aop.Params{"readOnly": "true"}))
	plan := weave.Plan([]any{pc, cc}, topicT, "Create")
	eq(t, "params", []aop.Params{plan[0].Params, plan[1].Params}, []aop.Params{{"readOnly": "true"}, {"propagation": "requires_new"}})
	if weave.Plan(nil, topicT, "Create") != nil || weave.Plan([]any{pc}, nil, "Create") != nil {
		t.Error("empty plans are not nil")
	}
}
