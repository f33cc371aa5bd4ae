// Package topic is the example's RESTful topics service, in the shape of
// egg's RESTful tutorial (CNode's /api/v2/topics): a controller, a service
// whose writes run in SQLite transactions (advice.TxAdvice), a background
// audit task per write, a TopicCreated event and its handler, and a
// scheduled cleanup job.
package topic

//go:generate go run github.com/teggo/teggo/cmd/teggo gen .
