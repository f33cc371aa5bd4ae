package teggotest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/teggo/teggo"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/session"
	"github.com/teggo/teggo/teggotest"
)

// Counter counts a client's requests in its session.
type Counter struct{ proto.Singleton }

// CountOut is the count so far.
type CountOut struct {
	N int `json:"n"`
}

func (*Counter) Hit(ctx context.Context) (*CountOut, error) {
	s := session.From(ctx)
	n, err := s.GetInt("n")
	if err != nil {
		return nil, err
	}
	return &CountOut{N: n + 1}, s.Put("n", n+1)
}

func counterOpts() teggo.Option {
	return teggo.Register(new(Counter), teggohttp.Controller[*Counter]("/hit"),
		teggohttp.POST("", teggohttp.NoIn((*Counter).Hit)))
}

func hit(t *testing.T, c interface {
	POST(string, any, ...string) *teggotest.Response
}) int {
	t.Helper()
	var out CountOut
	if err := c.POST("/hit", nil).ExpectStatus(t, http.StatusOK).JSON(&out); err != nil {
		t.Fatal(err)
	}
	return out.N
}

// Each client keeps its cookies, over loopback and in-process alike: the
// default client's requests share a session, a NewClient has its own, and
// Session reads them from the test.
func TestClientsKeepTheirSessions(t *testing.T) {
	for name, start := range map[string]func(testing.TB, ...teggo.Option) *teggotest.App{
		"loopback": teggotest.Start, "in-process": teggotest.StartInProcess,
	} {
		t.Run(name, func(t *testing.T) {
			app := start(t, counterOpts())
			if a, b := hit(t, app), hit(t, app); a != 1 || b != 2 {
				t.Fatalf("default client: %d, %d", a, b)
			}
			other := app.NewClient()
			if n := hit(t, other); n != 1 {
				t.Fatalf("other client: %d", n)
			}
			if n, err := app.Session().GetInt("n"); n != 2 || err != nil {
				t.Fatalf("app.Session: %d, %v", n, err)
			}
			if n, _ := other.Session().GetInt("n"); n != 1 {
				t.Fatalf("other.Session: %d", n)
			}
			if len(other.Cookies("/")) == 0 || app.DefaultClient().Cookies("/")[0].Value == other.Cookies("/")[0].Value {
				t.Fatalf("cookies: %v / %v", app.DefaultClient().Cookies("/"), other.Cookies("/"))
			}
			if err := app.Session().Put("n", 9); !errors.Is(err, session.CodeCommitted) {
				t.Fatalf("Put on the snapshot: %v", err)
			}
		})
	}
}
