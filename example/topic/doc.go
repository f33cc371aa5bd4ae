// Package topic is the example's RESTful topics service, in the shape of
// egg's RESTful tutorial (CNode's /api/v2/topics): a controller, a service
// whose writes run in SQLite transactions (advice.TxAdvice) together with
// their audit row, a TopicCreated event and its handler, and a scheduled
// cleanup job.
//
// SQLite: WAL, synchronous=NORMAL, busy_timeout 5 s, foreign keys, BEGIN
// IMMEDIATE for every transaction; one writer connection (*sql.DB,
// OpenDB), and a read pool of four (ReadDB, OpenReadDB) for GETs, which run
// outside any transaction and never write (visit_count is not counted).
//
// Writes: Create and Update run in a transaction of TxAdvice (the
// pointcut's detach=true), the topic and its audit row in it, so both
// commit or neither does. Writers queue FIFO at the TxGate
// (NewWriteGate, one slot) in front of the writer connection, so under
// load a create waits for the ones that arrived before it and no others;
// once its transaction has begun it runs to its commit or rollback even if
// the client hangs up (detach), and the driver starts no goroutine per
// statement to watch the request's ctx. A 201 is sent only after the
// commit returned.
//
// Durability: in WAL mode with synchronous=NORMAL a committed transaction
// survives a crash or kill of the process (the commit is in the WAL file
// before the 201); a power loss or an OS crash can lose the transactions of
// the last moments before it, never half of one (the database stays
// consistent). The WAL is checkpointed automatically (SQLite's
// wal_autocheckpoint, 1000 pages) by the commit that crosses the
// threshold.
//
// Users and login: the users table holds local accounts (POST
// /api/v2/users, an argon2id password hash) and GitHub ones (created at
// their first login). Auth sets the passport's Verify, SerializeUser (the
// session keeps the user's id) and DeserializeUser (the account is read
// back per request). The LoginRequired advice guards the writes: POST
// and PUT /api/v2/topics answer 401 without a logged-in user, and the
// user becomes the topic's author; a PUT by another user is 403. Reads
// need no login.
package topic

//go:generate go run github.com/teggo/teggo/cmd/teggo gen .
