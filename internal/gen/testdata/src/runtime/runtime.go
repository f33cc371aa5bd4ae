// Package runtime has event handlers and a schedule.
package runtime

import (
	"context"

	"github.com/teggo/teggo/proto"
)

// TopicCreated is an event.
type TopicCreated struct{ ID string }

// Mailer handles events.
type Mailer struct{ proto.Singleton }

// OnCreated handles TopicCreated.
//
//teggo:event
func (m *Mailer) OnCreated(ctx context.Context, e TopicCreated) error { return nil }

// TopicDeleted is an event every process hears of.
type TopicDeleted struct{ ID string }

// OnDeleted handles TopicDeleted in every process.
//
//teggo:event broadcast=true
func (m *Mailer) OnDeleted(ctx context.Context, e TopicDeleted) error { return nil }

// CleanDB runs at three.
//
//teggo:schedule type=worker cron="0 0 3 * * *" immediate=true disable=false timezone=Europe/Paris
type CleanDB struct{ proto.Singleton }

// Subscribe runs the job.
func (j *CleanDB) Subscribe(ctx context.Context) error { return nil }

// Tick runs every hour and a half everywhere.
//
//teggo:schedule type=all interval="1.5 hours"
type Tick struct{ proto.Singleton }

// Subscribe runs the job.
func (j *Tick) Subscribe(ctx context.Context) error { return nil }
