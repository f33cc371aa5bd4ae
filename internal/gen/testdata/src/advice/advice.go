// Package advice has pointcuts and crosscuts.
package advice

import (
	"context"

	tx "github.com/teggo/teggo/internal/gen/testdata/src/helper"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

var _ tx.Tx

// Log logs before calls.
type Log struct{ proto.Singleton }

// BeforeCall logs.
func (l *Log) BeforeCall(c aop.Call) error { return nil }

// Metrics times every Find method of the topic types.
//
//teggo:crosscut typeRe="^Topic\\w*$" methodRe="^Find" order=50 unit=ms
type Metrics struct{ proto.Singleton }

// Around times.
func (m *Metrics) Around(c aop.Call, next aop.Next) error { return next() }

// Audit audits two methods of TopicService.
//
//teggo:crosscut type=TopicService method=Create,Delete
type Audit struct{ proto.Singleton }

// AfterReturn audits.
func (a *Audit) AfterReturn(c aop.Call) error { return nil }

// Everything applies to every method of another package's type.
//
//teggo:crosscut type=tx.Tx
type Everything struct{ proto.Singleton }

// AfterFinally runs always.
func (e *Everything) AfterFinally(c aop.Call) error { return nil }

// TopicService is advised.
type TopicService struct{ proto.Singleton }

// Create creates.
//
//teggo:pointcut Log
//teggo:pointcut tx.Tx order=10 propagation=requires_new label="a b \"c\""
func (s *TopicService) Create(ctx context.Context, title string) (string, error) {
	return title, nil
}

// Delete deletes.
//
//teggo:pointcut Log order=-5
func (s *TopicService) Delete(ctx context.Context, id string) error { return nil }

// FindAll finds.
func (s *TopicService) FindAll(ctx context.Context) ([]string, error) { return nil, nil }
