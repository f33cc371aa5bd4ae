// Package e2e is an end-to-end check of `teggo gen`: its protos, advice,
// pointcuts and crosscut are generated into zz_teggo.go, which is
// committed, compiled and tested like any other code. CI re-runs
// go generate and fails when the committed file is stale.
package e2e

//go:generate go run github.com/teggo/teggo/cmd/teggo gen .

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// CreateTopic is the input of TopicService.Create.
type CreateTopic struct {
	Title string
	Tags  []string
}

// TopicRepo stores topics.
type TopicRepo interface {
	Save(ctx context.Context, title string) (string, error)
}

// MemRepo is an in-memory TopicRepo.
type MemRepo struct {
	proto.Singleton `access:"public"`
	n               int
}

// Save stores a title and returns its id.
func (r *MemRepo) Save(ctx context.Context, title string) (string, error) {
	if title == "" {
		return "", ErrEmpty
	}
	r.n++
	return fmt.Sprintf("%d:%s", r.n, title), nil
}

// ErrEmpty is returned for an empty title.
var ErrEmpty = errors.New("empty title")

// Base is embedded in TopicService: its methods are promoted.
type Base struct{ name string }

// Describe is promoted from Base (value receiver, no context).
func (b Base) Describe(prefix string) string { return prefix + b.name }

// TopicService is the proto under test.
type TopicService struct {
	proto.Singleton `name:"topics" access:"public" qualifier:"tier=gold"`
	Base

	Repo  TopicRepo `inject:""`
	Label string    `inject:"label" optional:"true"`
}

// Create creates a topic.
//
//teggo:pointcut Tx propagation=requires_new
//teggo:pointcut Trace order=5
func (s *TopicService) Create(ctx context.Context, in CreateTopic) (string, error) {
	return s.Repo.Save(ctx, strings.Join(append([]string{in.Title}, in.Tags...), "+"))
}

// Sum adds xs to base.
//
//teggo:pointcut Trace
func (s *TopicService) Sum(ctx context.Context, base int, xs ...int) (int, error) {
	for _, x := range xs {
		base += x
	}
	return base, nil
}

// Split has several results and no error.
func (s *TopicService) Split(ctx context.Context, in string) (string, string) {
	a, b, _ := strings.Cut(in, "/")
	return a, b
}

// Count has no context and a value result.
func (s *TopicService) Count() int { return len(s.Label) }

// Touch has unnamed parameters and no result.
func (s *TopicService) Touch(context.Context, string) {}

// Boom panics.
func (s *TopicService) Boom(ctx context.Context, msg string) error { panic(msg) }

// RequestInfo is a context proto: one per scope.
type RequestInfo struct {
	proto.Context `access:"public"`
	User          string
}

// Who returns the user of the request.
func (r *RequestInfo) Who(ctx context.Context) string { return r.User }

// Tx is an around advice with params.
type Tx struct {
	proto.Singleton
	Calls []string
}

// Around records the call and its params, then runs it.
func (t *Tx) Around(c aop.Call, next aop.Next) error {
	t.Calls = append(t.Calls, c.TypeName()+"."+c.Method()+" "+c.Params()["propagation"])
	return next()
}

// Trace records every hook.
type Trace struct {
	proto.Singleton
	Log []string
}

// BeforeCall records.
func (t *Trace) BeforeCall(c aop.Call) error {
	t.Log = append(t.Log, "before "+c.Method())
	return nil
}

// AfterReturn records.
func (t *Trace) AfterReturn(c aop.Call) error {
	t.Log = append(t.Log, "return "+c.Method())
	return nil
}

// AfterThrow records.
func (t *Trace) AfterThrow(c aop.Call, err error) error {
	t.Log = append(t.Log, "throw "+c.Method()+": "+err.Error())
	return nil
}

// AfterFinally records.
func (t *Trace) AfterFinally(c aop.Call) error {
	t.Log = append(t.Log, "finally "+c.Method())
	return nil
}

// Metrics is a crosscut on every method of TopicService whose name starts
// with S.
//
//teggo:crosscut typeRe="^Topic" methodRe="^S" order=50 unit=ms
type Metrics struct {
	proto.Singleton
	Seen []string
}

// Around records the method.
func (m *Metrics) Around(c aop.Call, next aop.Next) error {
	m.Seen = append(m.Seen, c.Method())
	return next()
}
