package aop_test

import (
	"context"
	"fmt"
	"reflect"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/weave"
)

// OrderService is a proto whose methods get advice.
type OrderService struct{}

func (s *OrderService) Place(ctx context.Context, item string) (string, error) { return item, nil }
func (s *OrderService) Cancel(ctx context.Context, id string) error            { return nil }

// Tx, Log and Metrics are advice protos.
type Tx struct{}
type Log struct{}
type Metrics struct{}

// Pointcut applies one advice to one method. `//teggo:pointcut Tx
// propagation=requires_new` above Place generates the same declaration,
// with aop.At pointing at the directive. The container orders each method's
// advice as weave.Plan does.
func ExamplePointcut() {
	decls := []any{
		aop.Pointcut((*OrderService).Place, new(Tx), aop.Param("propagation", "requires_new"), aop.At("order.go", 12)),
	}
	for _, p := range weave.Plan(decls, reflect.TypeFor[OrderService](), "Place") {
		fmt.Println(p.AdviceType.Name(), p.Order, p.Params, p.From)
	}
	fmt.Println(len(weave.Plan(decls, reflect.TypeFor[OrderService](), "Cancel")), "advice on Cancel")
	// Output:
	// Tx 1000 map[propagation:requires_new] pointcut at order.go:12
	// 0 advice on Cancel
}

// Crosscut applies an advice to every method a matcher accepts. Plan
// orders a method's list: crosscuts in registration order, then pointcuts
// in source order, stably sorted by Order (crosscuts default to 100,
// pointcuts to 1000; lower is outer).
func ExampleCrosscut() {
	decls := []any{
		aop.Pointcut((*OrderService).Place, new(Tx)),
		aop.Crosscut(new(Log), aop.ForRegexp("Service$", "")),
		aop.Crosscut(new(Metrics), aop.ForType((*OrderService)(nil), "Place"), aop.Order(10)),
		aop.Crosscut("audit", aop.ForFunc(func(t reflect.Type, method string) bool { return method == "Cancel" })),
	}
	for _, m := range []string{"Place", "Cancel"} {
		fmt.Print(m, ":")
		for _, p := range weave.Plan(decls, reflect.TypeFor[OrderService](), m) {
			name := p.AdviceName
			if p.AdviceType != nil {
				name = p.AdviceType.Name()
			}
			fmt.Printf(" %s(%d)", name, p.Order)
		}
		fmt.Println()
	}
	// Output:
	// Place: Metrics(10) Log(100) Tx(1000)
	// Cancel: Log(100) audit(100)
}
