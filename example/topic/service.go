package topic

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/teggo/teggo/example/advice"
	"github.com/teggo/teggo/proto"
)

// Tx is the transaction advice, named in this package for its pointcuts.
type Tx = advice.TxAdvice

// Topics is the service's API; the controller injects it through this
// interface, so it gets the proxy that runs the advice.
type Topics interface {
	List(ctx context.Context, q ListQuery) ([]Topic, error)
	Get(ctx context.Context, id string) (*Topic, error)
	Create(ctx context.Context, in CreateTopic) (*Created, error)
	Update(ctx context.Context, in UpdateTopic) error
}

// Service is the topics business logic. Writes run in a transaction
// (TxAdvice, BEGIN IMMEDIATE) together with their audit row, so a write
// and its audit row commit or roll back as one. Reads run on the read
// pool, outside any transaction.
type Service struct {
	proto.Singleton `access:"public"`
	Repo            *Repo `inject:""`
}

// List returns a page of topics (page 1, 20 per page by default).
func (s *Service) List(ctx context.Context, q ListQuery) ([]Topic, error) {
	page, limit := max(q.Page, 1), q.Limit
	if limit == 0 {
		limit = 20
	}
	return s.Repo.List(ctx, q.Tab, page, limit)
}

// Get returns one topic; it writes nothing.
func (s *Service) Get(ctx context.Context, id string) (*Topic, error) {
	return s.Repo.Get(ctx, id)
}

// Create stores a topic by in.AuthorID and its audit row in one
// transaction and returns its id.
//
//teggo:pointcut Tx detach=true
func (s *Service) Create(ctx context.Context, in CreateTopic) (*Created, error) {
	t := &Topic{ID: newID(), AuthorID: strconv.FormatInt(in.AuthorID, 10), Tab: in.Tab, Title: in.Title, Content: in.Content, CreateAt: time.Now()}
	if t.Tab == "" {
		t.Tab = "share"
	}
	if err := s.Repo.Insert(ctx, t); err != nil {
		return nil, err
	}
	if err := s.Repo.Audit(ctx, "create", t.ID); err != nil {
		return nil, err
	}
	return &Created{TopicID: t.ID}, nil
}

// Update changes a topic and records its audit row in one transaction,
// when in.AuthorID is the topic's author (ErrNotAuthor otherwise).
//
//teggo:pointcut Tx detach=true
func (s *Service) Update(ctx context.Context, in UpdateTopic) error {
	if err := s.Repo.Update(ctx, in); err != nil {
		return err
	}
	return s.Repo.Audit(ctx, "update", in.ID)
}

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
