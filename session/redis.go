package session

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisPrefix is the key prefix of a RedisStore made with prefix "".
const DefaultRedisPrefix = "teggo:sess"

// redisMaxAgeField is the hash field that keeps a session's own max age in
// milliseconds; keys starting with "__" are reserved for such fields.
const redisMaxAgeField = "__maxAge"

// RedisStore keeps each session as a Redis hash "<prefix>:<id>", one field
// per key holding its JSON, plus "__maxAge" when SetMaxAge was called; the
// key's TTL is the session's expiry.
//
// Get is one round trip (HGETALL and PTTL, pipelined). Set is one round
// trip: HSET of the changed keys, HDEL of the deleted ones and PEXPIRE in
// one MULTI/EXEC, or a lone PEXPIRE when only the expiry moves. Because
// writes are field-wise, two requests of one session that change different
// keys both keep their writes.
type RedisStore struct {
	c      redis.UniversalClient
	prefix string
}

// NewRedisStore returns a store on client c; prefix "" is DefaultRedisPrefix.
// The store does not close c.
func NewRedisStore(c redis.UniversalClient, prefix string) *RedisStore {
	if prefix == "" {
		prefix = DefaultRedisPrefix
	}
	return &RedisStore{c: c, prefix: prefix}
}

// Key returns the Redis key of session id.
func (s *RedisStore) Key(id string) string { return s.prefix + ":" + id }

// Get implements Store.
func (s *RedisStore) Get(ctx context.Context, id string) (*Record, error) {
	k := s.Key(id)
	var all *redis.MapStringStringCmd
	var ttl *redis.DurationCmd
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		all = p.HGetAll(ctx, k)
		ttl = p.PTTL(ctx, k)
		return nil
	})
	if err != nil {
		return nil, err
	}
	m := all.Val()
	if len(m) == 0 {
		return nil, nil
	}
	r := &Record{Values: make(map[string][]byte, len(m))}
	for f, v := range m {
		if strings.HasPrefix(f, ReservedPrefix) {
			if f == redisMaxAgeField {
				if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
					r.MaxAge = millisMaxAge(ms)
				}
			}
			continue
		}
		r.Values[f] = []byte(v)
	}
	if d := ttl.Val(); d > 0 {
		r.Expires = time.Now().Add(d)
	}
	return r, nil
}

// Set implements Store.
func (s *RedisStore) Set(ctx context.Context, id string, d Delta, maxAge time.Duration) error {
	k := s.Key(id)
	if d.Empty() {
		return s.c.PExpire(ctx, k, maxAge).Err()
	}
	_, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if d.Previous != "" {
			p.Del(ctx, s.Key(d.Previous))
		}
		if d.Replace {
			p.Del(ctx, k)
		}
		if n := len(d.Changed); n > 0 || d.MaxAge != 0 {
			args := make([]any, 0, 2*n+2)
			for f, v := range d.Changed {
				args = append(args, f, v)
			}
			if d.MaxAge != 0 {
				args = append(args, redisMaxAgeField, maxAgeMillis(d.MaxAge))
			}
			p.HSet(ctx, k, args...)
		}
		if len(d.Deleted) > 0 {
			p.HDel(ctx, k, d.Deleted...)
		}
		p.PExpire(ctx, k, maxAge)
		return nil
	})
	return err
}

// Destroy implements Store.
func (s *RedisStore) Destroy(ctx context.Context, id string) error {
	return s.c.Del(ctx, s.Key(id)).Err()
}

// maxAgeMillis encodes a session max age in milliseconds, BrowserSession
// (any negative) as -1.
func maxAgeMillis(d time.Duration) int64 {
	if d < 0 {
		return -1
	}
	return int64(d / time.Millisecond)
}

// millisMaxAge decodes maxAgeMillis.
func millisMaxAge(ms int64) time.Duration {
	if ms < 0 {
		return BrowserSession
	}
	return time.Duration(ms) * time.Millisecond
}
