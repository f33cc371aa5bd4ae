package advice

import (
	"strings"
	"testing"
)

type login struct {
	User     string
	Password string `log:"secret"`
}

type wrapper struct {
	Who   *login
	Token []byte `log:"secret"`
}

// TestSecretFieldsRedacted: fields tagged log:"secret" render as
// [redacted], directly, through a pointer and nested; other fields show.
func TestSecretFieldsRedacted(t *testing.T) {
	for _, v := range []any{login{"alice", "hunter2"}, &login{"alice", "hunter2"}, wrapper{&login{"alice", "hunter2"}, []byte("hunter2")}} {
		out := string(appendValue(nil, v))
		if strings.Contains(out, "hunter2") || !strings.Contains(out, Redacted) || !strings.Contains(out, "alice") {
			t.Fatalf("%T rendered %s", v, out)
		}
	}
}
