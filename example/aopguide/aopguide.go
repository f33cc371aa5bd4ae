// Package aopguide is the code of the AOP guide (docs/aop.md): advice,
// pointcuts and crosscuts that `teggo gen` turns into zz_teggo.go, and
// tests that run them through the container's proxies.
package aopguide

//go:generate go run github.com/teggo/teggo/cmd/teggo gen .

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// Timing logs every call it is applied to, with its duration.
type Timing struct {
	proto.Singleton
	Log *slog.Logger `inject:""`
}

// Around logs the call's method, duration and error.
func (t *Timing) Around(c aop.Call, next aop.Next) error {
	start := time.Now()
	err := next()
	t.Log.InfoContext(c.Context(), "call", "method", c.TypeName()+"."+c.Method(),
		"took", time.Since(start), "err", err)
	return err
}

// CreateTopic is the input of TopicService.Create.
type CreateTopic struct {
	Title string
}

// Topics is how callers inject TopicService: an interface-typed field gets
// its proxy, so the advice runs.
type Topics interface {
	Create(ctx context.Context, in CreateTopic) (string, error)
	Update(ctx context.Context, id string, in CreateTopic) error
	Delete(ctx context.Context, id string) error
}

// TopicService is the advised service.
type TopicService struct {
	proto.Singleton `access:"public"` // public: other packages inject it by interface, through its proxy
	titles          []string
}

// Create stores a topic and returns its id.
//
//teggo:pointcut Tx propagation=requires_new order=500
func (s *TopicService) Create(ctx context.Context, in CreateTopic) (string, error) {
	s.titles = append(s.titles, in.Title)
	return fmt.Sprint(len(s.titles)), nil
}

// Update changes the title of a topic.
//
//teggo:pointcut Tag tag=write
func (s *TopicService) Update(ctx context.Context, id string, in CreateTopic) error {
	var i int
	if _, err := fmt.Sscan(id, &i); err != nil || i < 1 || i > len(s.titles) {
		return fmt.Errorf("topic %q: not found", id)
	}
	s.titles[i-1] = in.Title
	return nil
}

// Delete forgets a topic (here, its title).
func (s *TopicService) Delete(ctx context.Context, id string) error {
	return s.Update(ctx, id, CreateTopic{})
}

// Audit logs every successful call of the methods its crosscuts match.
//
//teggo:crosscut type=TopicService method=Create,Delete
//teggo:crosscut typeRe=Service$ methodRe=^Update order=50
type Audit struct {
	proto.Singleton
	Log *slog.Logger `inject:""`
}

// AfterReturn logs the audited method.
func (a *Audit) AfterReturn(c aop.Call) error {
	a.Log.InfoContext(c.Context(), "audit", "method", c.Method())
	return nil
}

// Tag logs the raw param "tag" of the pointcut that applies it.
type Tag struct {
	proto.Singleton
	Log *slog.Logger `inject:""`
}

// BeforeCall logs the tag, when the pointcut gives one.
func (t *Tag) BeforeCall(c aop.Call) error {
	if tag := c.Params()["tag"]; tag != "" {
		t.Log.InfoContext(c.Context(), "tagged", "method", c.Method(), "tag", tag)
	}
	return nil
}

// Tx shows typed params; example/advice.TxAdvice is a real transaction
// advice.
type Tx struct {
	proto.Singleton
	Log *slog.Logger `inject:""`
}

type txParams struct {
	RequiresNew bool
	ReadOnly    bool
}

// ParseParams reads propagation and readOnly once, at Build.
func (t *Tx) ParseParams(p aop.Params) (any, error) {
	var tp txParams
	switch p["propagation"] {
	case "", "required":
	case "requires_new":
		tp.RequiresNew = true
	default:
		return nil, fmt.Errorf("propagation %q: want required or requires_new", p["propagation"])
	}
	tp.ReadOnly = p["readOnly"] == "true"
	return tp, nil
}

// Around logs the transaction it would open, then calls the method.
func (t *Tx) Around(c aop.Call, next aop.Next) error {
	tp, _ := aop.ParamsOf[txParams](c) // a type assertion, nothing else
	t.Log.InfoContext(c.Context(), "tx", "method", c.Method(), "new", tp.RequiresNew, "readOnly", tp.ReadOnly)
	return next()
}
