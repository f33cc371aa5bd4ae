package weave_test

import (
	"context"
	"fmt"
	"time"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/weave"
)

// timing is an Around advice: it runs code on both sides of the rest of
// the chain and the target.
type timing struct{ log func(string) }

func (a *timing) Around(c aop.Call, next aop.Next) error {
	start := time.Now()
	err := next()
	_ = time.Since(start)
	a.log(fmt.Sprintf("%s.%s err=%v", c.TypeName(), c.Method(), err))
	return err
}

// audit reads an argument and the result without reflection.
type audit struct{}

func (audit) AfterReturn(c aop.Call) error {
	in, _ := aop.ArgAs[Input](c, 1)
	id, _ := aop.ResultAs[string](c, 0)
	fmt.Printf("placed %s as %s\n", in.Title, id)
	return nil
}

// NewChain is what the container builds for each advised method; a
// generated proxy runs it. Here a proxy is driven by hand to show the
// order.
func ExampleNewChain() {
	ch := weave.NewChain("Svc", "Create", []weave.Advice{
		{Name: "timing", Instance: &timing{log: func(s string) { fmt.Println(s) }}},
		{Name: "audit", Instance: audit{}},
	})
	p := newSvcProxy(weave.Target{Object: &Svc{log: &recorder{}}}, []*weave.Chain{ch, nil, nil, nil, nil, nil}).(SvcAPI)
	r, err := p.Create(context.Background(), Input{Title: "book"})
	fmt.Println(r, err)
	// Output:
	// Svc.Create err=<nil>
	// placed book as created:book
	// created:book <nil>
}
