package topic

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/teggo/teggo/background"
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
	Create(ctx context.Context, in CreateTopic) (string, error)
	Update(ctx context.Context, in UpdateTopic) error
}

// Service is the topics business logic. Writes run in a transaction
// (TxAdvice) and leave an audit row, written by a background task after
// the response.
type Service struct {
	proto.Singleton `access:"public"`
	Repo            *Repo             `inject:""`
	Tasks           background.Runner `inject:""` // the current request's helper, through its proxy
}

// List returns a page of topics (page 1, 20 per page by default).
func (s *Service) List(ctx context.Context, q ListQuery) ([]Topic, error) {
	page, limit := max(q.Page, 1), q.Limit
	if limit == 0 {
		limit = 20
	}
	return s.Repo.List(ctx, q.Tab, page, limit)
}

// Get returns one topic.
//
//teggo:pointcut Tx
func (s *Service) Get(ctx context.Context, id string) (*Topic, error) {
	return s.Repo.Get(ctx, id)
}

// Create stores a topic in a transaction and returns its id.
//
//teggo:pointcut Tx
func (s *Service) Create(ctx context.Context, in CreateTopic) (string, error) {
	t := &Topic{ID: newID(), AuthorID: author(in.AccessToken), Tab: in.Tab, Title: in.Title, Content: in.Content, CreateAt: time.Now()}
	if t.Tab == "" {
		t.Tab = "share"
	}
	if err := s.Repo.Insert(ctx, t); err != nil {
		return "", err
	}
	s.audit(ctx, "create", t.ID)
	return t.ID, nil
}

// Update changes a topic in a transaction.
//
//teggo:pointcut Tx
func (s *Service) Update(ctx context.Context, in UpdateTopic) error {
	if err := s.Repo.Update(ctx, in); err != nil {
		return err
	}
	s.audit(ctx, "update", in.ID)
	return nil
}

// audit records the action after the response, in the request's
// background: closing the request scope awaits it.
func (s *Service) audit(ctx context.Context, action, id string) {
	_ = s.Tasks.Run(ctx, func(ctx context.Context) error { return s.Repo.Audit(ctx, action, id) })
}

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// author stands for CNode's token check: the token names its author.
func author(token string) string {
	h := [8]byte{}
	for i := range len(token) {
		h[i%8] ^= token[i]
	}
	return hex.EncodeToString(h[:])
}
