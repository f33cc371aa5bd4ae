package topic

import (
	"context"
	"errors"
	"net/http"

	"github.com/teggo/teggo/eventbus"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

// Controller serves /api/v2/topics as egg's RESTful tutorial specifies.
//
//teggo:controller /api/v2/topics
type Controller struct {
	proto.Singleton
	Topics Topics `inject:""`
}

// List is GET /api/v2/topics?page=1&limit=20&tab=share.
//
//teggo:http GET /
func (c *Controller) List(ctx context.Context, q ListQuery) ([]Topic, error) {
	return c.Topics.List(ctx, q)
}

// Show is GET /api/v2/topics/:id.
//
//teggo:http GET /:id
func (c *Controller) Show(ctx context.Context, in ShowTopic) (*Topic, error) {
	t, err := c.Topics.Get(ctx, in.ID)
	return t, notFound(err)
}

// Create is POST /api/v2/topics: 201 {"topic_id": "..."}, the logged-in
// user its author (401 without one). TopicCreated is emitted only once
// the transaction committed: the bus is corked around the call and
// uncorked after it succeeded (a failed call's scope closes corked, and
// the event is dropped).
//
//teggo:http POST / status=201
//teggo:middleware LoginRequired
func (c *Controller) Create(ctx context.Context, in CreateTopic) (*Created, error) {
	in.AuthorID = UserFrom(ctx).ID
	eventbus.Cork(ctx)
	created, err := c.Topics.Create(ctx, in)
	if err != nil {
		return nil, err
	}
	eventbus.Emit(ctx, TopicCreated{ID: created.TopicID, Title: in.Title})
	if err := eventbus.Uncork(ctx); err != nil {
		return nil, err
	}
	return created, nil
}

// Update is PUT /api/v2/topics/:id: 204. Only the topic's author may:
// without a logged-in user it is 401, by another user 403, for an
// unknown id 404.
//
//teggo:http PUT /:id
//teggo:middleware LoginRequired
func (c *Controller) Update(ctx context.Context, in UpdateTopic) error {
	in.AuthorID = UserFrom(ctx).ID
	return notFound(c.Topics.Update(ctx, in))
}

func notFound(err error) error {
	switch {
	case errors.Is(err, ErrNotFound):
		return teggohttp.Error(http.StatusNotFound, err.Error())
	case errors.Is(err, ErrNotAuthor):
		return teggohttp.Error(http.StatusForbidden, err.Error())
	}
	return err
}
