package background

import "time"

// DefaultTimeout is how long closing a scope waits for its background tasks
// when neither Config nor SetTimeout says otherwise: egg's default.
const DefaultTimeout = 5 * time.Second

// Config is the app-wide setting of the helper (egg's
// `backgroundTask.timeout`). Provide it through the container, e.g.
//
//	c.Provide(func() *background.Config { return &background.Config{Timeout: 10 * time.Second} })
//
// When no constructor provides it, DefaultTimeout applies.
type Config struct {
	// Timeout is how long closing a scope waits for its tasks; 0 means no
	// limit. SetTimeout overrides it for one scope.
	Timeout time.Duration
}
