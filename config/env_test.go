package config_test

import (
	"testing"

	"github.com/teggo/teggo/config"
)

func TestShowsErrorDetailsFailsClosed(t *testing.T) {
	for env, want := range map[string]bool{
		"local": true, "unittest": true,
		"prod": false, "production": false, "PROD": false, "staging": false,
		"Local": false, "": false, "test": false, "local ": false,
	} {
		if got := config.ShowsErrorDetails(env); got != want {
			t.Errorf("ShowsErrorDetails(%q) = %v, want %v", env, got, want)
		}
	}
}
