// Package unavailable uses directives whose runtime packages do not exist.
package unavailable

import (
	"context"

	"github.com/teggo/teggo/proto"
)

// Ev is an event.
type Ev struct{}

// Ctl is a controller with event handlers and a schedule.
//
//teggo:controller /api
//teggo:schedule type=worker interval=1000
type Ctl struct{ proto.Singleton }

// Show is a route.
//
//teggo:http GET /:id status=200
func (c *Ctl) Show(ctx context.Context, in Ev) (*Ev, error) { return nil, nil }

// On handles Ev.
//
//teggo:event
func (c *Ctl) On(ctx context.Context, e Ev) error { return nil }

// Subscribe runs the job.
func (c *Ctl) Subscribe(ctx context.Context) error { return nil }
