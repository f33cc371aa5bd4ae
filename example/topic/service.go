package topic

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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

// Create stores a topic and its audit row in one transaction and returns
// its id and its edit token: 32 random bytes, hex, of which only the
// SHA-256 is stored. The token is shown to the caller once, here.
//
//teggo:pointcut Tx detach=true
func (s *Service) Create(ctx context.Context, in CreateTopic) (*Created, error) {
	token, hash, err := newEditToken()
	if err != nil {
		return nil, err
	}
	t := &Topic{ID: newID(), AuthorID: author(in.AccessToken), Tab: in.Tab, Title: in.Title, Content: in.Content, CreateAt: time.Now()}
	if t.Tab == "" {
		t.Tab = "share"
	}
	if err := s.Repo.Insert(ctx, t, hash); err != nil {
		return nil, err
	}
	if err := s.Repo.Audit(ctx, "create", t.ID); err != nil {
		return nil, err
	}
	return &Created{TopicID: t.ID, EditToken: token}, nil
}

// Update changes a topic and records its audit row in one transaction,
// when in.EditToken is the topic's (ErrNotAuthor otherwise).
//
//teggo:pointcut Tx detach=true
func (s *Service) Update(ctx context.Context, in UpdateTopic) error {
	h := sha256.Sum256([]byte(in.EditToken))
	if err := s.Repo.Update(ctx, in, h[:]); err != nil {
		return err
	}
	return s.Repo.Audit(ctx, "update", in.ID)
}

func newID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newEditToken returns a fresh edit token and its SHA-256.
func newEditToken() (token string, hash []byte, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, fmt.Errorf("topic: edit token: %w", err)
	}
	token = hex.EncodeToString(b[:])
	h := sha256.Sum256([]byte(token))
	return token, h[:], nil
}

// author names a topic's author from its access token: the first 8 bytes
// of the token's SHA-256, hex. The token is not verified (there is no
// login yet): the author id is a label, and editing rights come from the
// edit token alone.
func author(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:8])
}
