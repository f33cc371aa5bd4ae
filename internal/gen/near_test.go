package gen

import "testing"

// TestNearDirective: a directive written with a space after // is spotted
// (it is otherwise ignored silently); ordinary comments are not.
func TestNearDirective(t *testing.T) {
	for text, want := range map[string]string{"// teggo:http GET /:id": "http GET /:id", "//\tteggo:event": "event"} {
		if rest, ok := nearDirective(text); !ok || rest != want {
			t.Errorf("nearDirective(%q) = %q, %v; want %q", text, rest, ok, want)
		}
	}
	for _, text := range []string{"//teggo:http GET /", "// a teggo: remark", "// see teggo:http"} {
		if _, ok := nearDirective(text); ok {
			t.Errorf("nearDirective(%q) reported a near miss", text)
		}
	}
}
