package config

// ShowsErrorDetails reports whether an app running in env may show the
// details of its 5xx errors (the failing error's message, a panic's value)
// to clients. Only the development envs "local" and "unittest" do; every
// other env — "prod", "production", "PROD", "staging", a typo, "" — is
// treated as production, so that a misnamed env fails closed and leaks
// nothing. The comparison is exact.
//
// The App and package http both decide with this function.
func ShowsErrorDetails(env string) bool {
	return env == DefaultEnv || env == "unittest"
}
