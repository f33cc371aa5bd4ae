package topic

import "time"

// Topic is one topic, as the API returns it.
type Topic struct {
	ID         string    `json:"id"`
	AuthorID   string    `json:"author_id"`
	Tab        string    `json:"tab"`
	Title      string    `json:"title"`
	Content    string    `json:"content"`
	Good       bool      `json:"good"`
	Top        bool      `json:"top"`
	ReplyCount int       `json:"reply_count"`
	VisitCount int       `json:"visit_count"`
	CreateAt   time.Time `json:"create_at"`
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

// CreateTopic is the input of POST /api/v2/topics, egg's createRule.
type CreateTopic struct {
	AccessToken string `json:"accesstoken" jsonschema:"minLength=1" log:"secret"`
	Title       string `json:"title" jsonschema:"minLength=1,maxLength=100" transform:"trim"`
	Tab         string `json:"tab,omitempty" jsonschema:"enum=ask,enum=share,enum=job"`
	Content     string `json:"content" jsonschema:"minLength=1"`
}

// Created is the answer to a successful create:
// 201 {"topic_id": ..., "edit_token": ...}. The edit token is shown once:
// only its SHA-256 is stored. PUT needs it as Authorization: Bearer.
type Created struct {
	TopicID   string `json:"topic_id"`
	EditToken string `json:"edit_token" log:"secret"`
}

// UpdateTopic is the input of PUT /api/v2/topics/:id. EditToken is the
// controller's, taken from the Authorization header, never from the body.
type UpdateTopic struct {
	ID            string `param:"id"`
	Authorization string `header:"Authorization" json:"-" log:"secret"`
	EditToken     string `json:"-" log:"secret"`
	Title         string `json:"title" jsonschema:"minLength=1,maxLength=100" transform:"trim"`
	Tab           string `json:"tab,omitempty" jsonschema:"enum=ask,enum=share,enum=job"`
	Content       string `json:"content" jsonschema:"minLength=1"`
}

// TopicCreated is emitted once a topic's transaction committed.
type TopicCreated struct {
	ID    string
	Title string
}
