package topic

import (
	"context"
	"log/slog"
	"sync"

	"github.com/teggo/teggo/proto"
)

// Feed keeps the latest created topics in memory, fed by TopicCreated
// events, for a "new topics" panel.
type Feed struct {
	proto.Singleton `access:"public"`
	Log             *slog.Logger `inject:"" optional:"true"`

	mu     sync.Mutex
	latest []TopicCreated
}

// OnCreated records a created topic.
//
//teggo:event
func (f *Feed) OnCreated(ctx context.Context, e TopicCreated) error {
	f.mu.Lock()
	f.latest = append([]TopicCreated{e}, f.latest...)
	if len(f.latest) > 10 {
		f.latest = f.latest[:10]
	}
	f.mu.Unlock()
	if f.Log != nil {
		f.Log.InfoContext(ctx, "topic created", "id", e.ID, "title", e.Title)
	}
	return nil
}

// Latest returns the latest created topics, newest first.
func (f *Feed) Latest() []TopicCreated {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]TopicCreated(nil), f.latest...)
}
