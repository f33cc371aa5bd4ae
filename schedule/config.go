package schedule

import "time"

// ConfigKey is the App's `schedule` config section (Config).
const ConfigKey = "schedule"

// LockerRedis is Config.Locker's value for the RedisLocker on the App's
// Redis client (the `redis` section).
const LockerRedis = "redis"

// Config is the App's `schedule` config section: which locker the worker
// jobs share, and its settings.
//
//	schedule:
//	  locker: redis       # "" (none: worker jobs run in each process) or redis
//	  lockTTL: 60000      # ms, or a duration ("1m"); default DefaultRedisLockTTL
//	  lockPrefix: "shop:" # before every lock key; default none
//	  lockFailOpen: false # run the tick when Redis is down; default false (skip it)
type Config struct {
	// Locker is "" (no locker) or LockerRedis.
	Locker string `yaml:"locker"`
	// LockTTL is RedisLockTTL.
	LockTTL time.Duration `yaml:"lockTTL"`
	// LockPrefix is RedisPrefix.
	LockPrefix string `yaml:"lockPrefix"`
	// LockFailOpen is RedisFailOpen.
	LockFailOpen bool `yaml:"lockFailOpen"`
}
