package topic

import (
	"context"
	"os"

	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/proto"
)

// EnvConfig takes the example's secrets from the environment, so that no
// secret is written in the embedded config files:
//
//	EXAMPLE_KEYS           keys (the cookie and session keys, newest first)
//	GITHUB_CLIENT_ID       passportGithub.key
//	GITHUB_CLIENT_SECRET   passportGithub.secret
//	GITHUB_CALLBACK_URL    passportGithub.callbackURL
//
// A variable that is unset leaves the config as its files say; setting the
// GitHub client id and secret is what mounts GitHub login.
type EnvConfig struct {
	proto.Singleton
}

// envKeys maps the environment variables onto config keys.
var envKeys = []struct{ env, key string }{
	{"EXAMPLE_KEYS", "keys"},
	{"GITHUB_CLIENT_ID", "passportGithub.key"},
	{"GITHUB_CLIENT_SECRET", "passportGithub.secret"},
	{"GITHUB_CALLBACK_URL", "passportGithub.callbackURL"},
}

// ConfigWillLoad sets the config keys of the variables that are set.
func (*EnvConfig) ConfigWillLoad(_ context.Context, cfg *config.Config) error {
	for _, e := range envKeys {
		if v := os.Getenv(e.env); v != "" {
			if err := cfg.Set(e.key, v); err != nil {
				return err
			}
		}
	}
	return nil
}
