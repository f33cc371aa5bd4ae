// Package topic is the example's RESTful topics service, in the shape of
// egg's RESTful tutorial (CNode's /api/v2/topics): a controller, a service
// whose writes run in SQLite transactions (advice.TxAdvice) together with
// their audit row, a TopicCreated event and its handler, and a scheduled
// cleanup job.
//
// SQLite: WAL, busy_timeout 5 s, foreign keys, BEGIN IMMEDIATE for every
// transaction; one writer connection (*sql.DB, OpenDB), where writers
// queue, and a read pool (ReadDB, OpenReadDB) for GETs, which run outside
// any transaction and never write (visit_count is not counted).
//
// Authors: there is no login yet. POST returns, once, an edit token (32
// random bytes, hex) of which only the SHA-256 is stored; PUT needs it as
// Authorization: Bearer <token>, compared in constant time: none or a
// malformed header is 401, another token 403. The access token and the
// edit token are tagged `log:"secret"`, so LogAdvice logs them as
// [redacted].
package topic

//go:generate go run github.com/teggo/teggo/cmd/teggo gen .
