// Package basic has protos with every kind of marker and tag.
package basic

import (
	"context"
	"io"
	"log/slog"

	"github.com/teggo/teggo/proto"
)

// TopicRepo stores topics.
type TopicRepo interface {
	Save(ctx context.Context, title string) (string, error)
}

// Cache caches.
type Cache interface {
	Get(key string) (string, bool)
}

// AuditLog is an optional dependency.
type AuditLog struct{ proto.AlwaysNew }

// TopicService is public and named.
type TopicService struct {
	proto.Singleton `name:"topics" access:"public" qualifier:"region=eu,tier=gold"`

	Repo    TopicRepo    `inject:""`
	Cache   Cache        `inject:"redisCache" qualifier:"kind=redis"`
	Audit   *AuditLog    `inject:"" optional:"true"`
	Log     *slog.Logger `inject:""`
	Writers []io.Writer  `inject:"" group:"writers"`
	plain   int
	counter int `inject:""`
}

// Create creates a topic.
func (s *TopicService) Create(ctx context.Context, title string) (string, error) {
	return s.Repo.Save(ctx, title)
}

// Count has a value receiver and no context.
func (s TopicService) Count() int { return s.plain + s.counter }

// requestState is an unexported context proto without methods.
type requestState struct {
	proto.Context
	User string
}

// HTTPClient has a default name with an initialism.
type HTTPClient struct {
	proto.Singleton
	State *requestState `inject:""`
}

// Do does.
func (c *HTTPClient) Do(ctx context.Context) error { return nil }

// notAProto is a plain struct.
type notAProto struct{ A, B int }

var _ = notAProto{}
