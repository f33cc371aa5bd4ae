package topic

import "time"

// Topic is one topic, as the API returns it.
type Topic struct {
	ID string `json:"id"`
	// AuthorID is the users.id of the author, Author the author's account
	// (nil for a topic whose author is no user).
	AuthorID   string    `json:"author_id"`
	Author     *Author   `json:"author"`
	Tab        string    `json:"tab"`
	Title      string    `json:"title"`
	Content    string    `json:"content"`
	Good       bool      `json:"good"`
	Top        bool      `json:"top"`
	ReplyCount int       `json:"reply_count"`
	VisitCount int       `json:"visit_count"`
	CreateAt   time.Time `json:"create_at"`
}

// Author is a topic's author as GET shows it.
type Author struct {
	Username string `json:"username"`
	// Provider is how the author logs in: "local" or "github".
	Provider string `json:"provider"`
}

// ListQuery is the input of GET /api/v2/topics.
type ListQuery struct {
	Page  int    `query:"page" jsonschema:"minimum=1"`
	Limit int    `query:"limit" jsonschema:"minimum=1,maximum=100"`
	Tab   string `query:"tab" jsonschema:"enum=ask,enum=share,enum=job"`
}

// ShowTopic is the input of GET /api/v2/topics/:id.
type ShowTopic struct {
	ID string `param:"id"`
}

// CreateTopic is the input of POST /api/v2/topics, egg's createRule
// without its accesstoken: the author is the logged-in user. AuthorID is
// the controller's, from the session, never from the body.
type CreateTopic struct {
	AuthorID int64  `json:"-"`
	Title    string `json:"title" jsonschema:"minLength=1,maxLength=100" transform:"trim"`
	Tab      string `json:"tab,omitempty" jsonschema:"enum=ask,enum=share,enum=job"`
	Content  string `json:"content" jsonschema:"minLength=1"`
}

// Created is the answer to a successful create: 201 {"topic_id": ...}.
type Created struct {
	TopicID string `json:"topic_id"`
}

// UpdateTopic is the input of PUT /api/v2/topics/:id. AuthorID is the
// controller's, the logged-in user's id, never from the body.
type UpdateTopic struct {
	ID       string `param:"id"`
	AuthorID int64  `json:"-"`
	Title    string `json:"title" jsonschema:"minLength=1,maxLength=100" transform:"trim"`
	Tab      string `json:"tab,omitempty" jsonschema:"enum=ask,enum=share,enum=job"`
	Content  string `json:"content" jsonschema:"minLength=1"`
}

// TopicCreated is emitted once a topic's transaction committed.
type TopicCreated struct {
	ID    string
	Title string
}
