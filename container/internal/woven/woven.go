// Package woven is a fixture for the container's tests through generated
// code: protos, advice, pointcuts and a crosscut, with the zz_teggo.go that
// `teggo gen` writes for them.
package woven

//go:generate go run github.com/teggo/teggo/cmd/teggo gen .

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// Journal records what advice and services see, in order.
type Journal struct {
	proto.Singleton `access:"public"`
	mu              sync.Mutex
	lines           []string
}

// Add records one line.
func (j *Journal) Add(s string) {
	j.mu.Lock()
	j.lines = append(j.lines, s)
	j.mu.Unlock()
}

// Lines returns the recorded lines and forgets them.
func (j *Journal) Lines() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := j.lines
	j.lines = nil
	return out
}

// Repo is what Topics stores into.
type Repo interface {
	Save(ctx context.Context, title string) (string, error)
}

// MemRepo is the Repo.
type MemRepo struct {
	proto.Singleton `access:"public"`
	Journal         *Journal `inject:""`
}

// Save records the title and returns an id for it.
//
//teggo:pointcut Wrap tag=inner order=2000
func (r *MemRepo) Save(ctx context.Context, title string) (string, error) {
	r.Journal.Add("save " + title)
	if title == "fail" {
		return "", fmt.Errorf("cannot save %q", title)
	}
	return "id-" + title, nil
}

// User is the request's user, a context proto.
type User interface {
	Name(ctx context.Context) string
	SetName(ctx context.Context, name string)
}

// RequestUser holds the request's user name.
type RequestUser struct {
	proto.Context `access:"public"`
	name          string
}

// Name returns the user name.
func (u *RequestUser) Name(ctx context.Context) string { return u.name }

// SetName sets the user name.
func (u *RequestUser) SetName(ctx context.Context, name string) { u.name = name }

// Topics is the service under advice.
type Topics struct {
	proto.Singleton `access:"public"`
	Repo            Repo     `inject:""`
	User            User     `inject:""`
	Journal         *Journal `inject:""`
}

// Create saves a topic on behalf of the request's user.
//
//teggo:pointcut Wrap tag=outer
//teggo:pointcut Wrap tag=second order=1000
func (t *Topics) Create(ctx context.Context, title string) (string, error) {
	t.Journal.Add("create by " + t.User.Name(ctx))
	return t.Repo.Save(ctx, title)
}

// Trace records every call of a *Topics or *MemRepo method; a crosscut.
//
//teggo:crosscut typeRe=^(Topics|MemRepo)$ methodRe=.*
type Trace struct {
	proto.Singleton `access:"public"`
	Journal         *Journal `inject:""`
}

// BeforeCall records the call.
func (a *Trace) BeforeCall(c aop.Call) error {
	a.Journal.Add("trace " + c.TypeName() + "." + c.Method())
	return nil
}

// WrapParams are Wrap's params, parsed once at Build.
type WrapParams struct{ Tag string }

// Wrap wraps the string result as tag(result).
type Wrap struct {
	proto.Singleton `access:"public"`
}

// ParseParams reads tag=..., which is required.
func (*Wrap) ParseParams(p aop.Params) (any, error) {
	if p["tag"] == "" {
		return nil, fmt.Errorf("wrap needs tag=")
	}
	return WrapParams{Tag: p["tag"]}, nil
}

// Around wraps the result.
func (*Wrap) Around(c aop.Call, next aop.Next) error {
	if err := next(); err != nil {
		return err
	}
	p, _ := aop.ParamsOf[WrapParams](c)
	r, _ := aop.ResultAs[string](c, 0)
	return c.SetResult(0, p.Tag+"("+r+")")
}

// Counter is a context advice: one instance per scope.
type Counter struct {
	proto.Context `access:"public"`
	calls         int
}

// BeforeCall counts and records the count of this scope's instance.
func (a *Counter) BeforeCall(c aop.Call) error {
	a.calls++
	if j, ok := c.Target().(interface{ journal() *Journal }); ok {
		j.journal().Add(fmt.Sprintf("counter %d", a.calls))
	}
	return nil
}

// Greeter is advised by the context advice Counter.
type Greeter struct {
	proto.Singleton `access:"public"`
	Journal         *Journal `inject:""`
}

func (g *Greeter) journal() *Journal { return g.Journal }

// Greet greets.
//
//teggo:pointcut Counter
func (g *Greeter) Greet(ctx context.Context, name string) string {
	return "hello " + strings.ToLower(name)
}

// Greeting is Greeter's interface.
type Greeting interface {
	Greet(ctx context.Context, name string) string
}

// UsesGreeting injects the advised Greeter through its interface.
type UsesGreeting struct {
	proto.Singleton `access:"public"`
	G               Greeting `inject:""`
}
