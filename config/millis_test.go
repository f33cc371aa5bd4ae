package config

import (
	"testing"
	"time"

	"github.com/knadh/koanf/v2"
)

// TestSectionMillis: a number for a duration is egg's milliseconds, a
// string is a Go duration.
func TestSectionMillis(t *testing.T) {
	k := koanf.New(".")
	for key, v := range map[string]any{"bg.timeout": 5000, "bg.grace": "2s", "bg.half": 1.5} {
		if err := k.Set(key, v); err != nil {
			t.Fatal(err)
		}
	}
	type bg struct {
		Timeout time.Duration `yaml:"timeout"`
		Grace   time.Duration `yaml:"grace"`
		Half    time.Duration `yaml:"half"`
	}
	v, err := Section[bg](&Config{k: k}, "bg")
	if err != nil {
		t.Fatal(err)
	}
	if v.Timeout != 5*time.Second || v.Grace != 2*time.Second || v.Half != 1500*time.Microsecond {
		t.Fatalf("got %+v", v)
	}
}
