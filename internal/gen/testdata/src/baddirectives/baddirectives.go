// Package baddirectives has directives with bad grammar.
package baddirectives

import (
	"context"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/proto"
)

// Tx is an advice.
type Tx struct{ proto.Singleton }

// Around runs next.
func (Tx) Around(c aop.Call, next aop.Next) error { return next() }

// Svc has methods with bad directives.
//
//teggo:controller api
//teggo:schedule cron="* * *"
//teggo:schedule type=worker cron="@daily" interval=1s
//teggo:schedule type=worker interval=soon
//teggo:schedule type=worker timezone=Mars/Olympus
//teggo:crosscut type=Svc typeRe=".*"
//teggo:crosscut typeRe="(" methodRe=".*"
//teggo:crosscut method=Run
//teggo:crosscut typeRe=".*" metod=Run
//teggo:middleware
type Svc struct{ proto.Singleton }

// Run has bad directives.
//
//teggo:pointcat Tx
//teggo:pointcut Tx ordr=1
//teggo:pointcut
//teggo:pointcut Tx order=first
//teggo:pointcut Tx order=1 order=2
//teggo:pointcut order=1 Tx
//teggo:pointcut Tx label="unterminated
//teggo:pointcut Tx a-b=1
//teggo:http FETCH /x
//teggo:http GET x
//teggo:http GET /x status=20
//teggo:http GET /x timeout=soon
//teggo:http GET /x prio=1
//teggo:http GET
//teggo:event now
//teggo:event broadcast=yes
//teggo:frobnicate
func (s *Svc) Run(ctx context.Context) error { return nil }
