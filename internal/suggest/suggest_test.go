package suggest

import "testing"

func TestNearest(t *testing.T) {
	cases := []struct {
		want  string
		cands []string
		got   string
	}{
		{"nmae", []string{"name", "access", "qualifier"}, "name"},
		{"topicRepos", []string{"topicRepo", "userRepo"}, "topicRepo"},
		{"Inject", []string{"inject"}, "inject"},
		{"zzz", []string{"name", "access"}, ""},
		{"name", []string{"name"}, ""},
	}
	for _, c := range cases {
		got, _ := Nearest(c.want, c.cands)
		if got != c.got {
			t.Errorf("Nearest(%q) = %q, want %q", c.want, got, c.got)
		}
	}
	if Distance("kitten", "sitting") != 3 {
		t.Fatal("Distance is wrong")
	}
}
