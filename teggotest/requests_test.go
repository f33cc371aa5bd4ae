package teggotest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/teggo/teggo"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
	"github.com/teggo/teggo/teggotest"
)

// Site answers per host, redirects, and streams a body that breaks.
type Site struct{ proto.Singleton }

func (*Site) Apple(ctx context.Context) (string, error) { return "apple", nil }
func (*Site) Any(ctx context.Context) (string, error)   { return "any", nil }

func (*Site) Moved(ctx context.Context) error {
	teggohttp.ResponseFrom(ctx).Redirect(http.StatusFound, "/site")
	return nil
}

func (*Site) Broken(ctx context.Context) (io.Reader, error) {
	return io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(errors.New("disk gone"))), nil
}

func siteItems() teggo.Option {
	return teggo.Register(new(Site),
		teggohttp.Controller[*Site]("/site"),
		teggohttp.GET("/", teggohttp.NoIn((*Site).Apple), teggohttp.Host("apple.example.com")),
		teggohttp.GET("/", teggohttp.NoIn((*Site).Any)),
		teggohttp.GET("/moved", teggohttp.NoInOut((*Site).Moved)),
		teggohttp.GET("/broken", teggohttp.NoIn((*Site).Broken)))
}

// TestRequestsAsAClientSendsThem: "Host" sets the request's host, a
// redirect is the response (not followed), and a body the server cut is
// reported, not fatal.
func TestRequestsAsAClientSendsThem(t *testing.T) {
	app := teggotest.Start(t, siteItems())
	if got := string(app.GET("/site", "Host", "apple.example.com").ExpectStatus(t, 200).Body); got != "apple" {
		t.Errorf("Host apple.example.com got %q", got)
	}
	if got := string(app.GET("/site").ExpectStatus(t, 200).Body); got != "any" {
		t.Errorf("no Host got %q", got)
	}
	r := app.GET("/site/moved").ExpectStatus(t, http.StatusFound)
	if loc := r.Header.Get("Location"); loc != "/site" {
		t.Errorf("Location %q", loc)
	}
	if r := app.GET("/site/broken"); r.BodyErr == nil {
		t.Errorf("a cut body read to its end: %q", r.Body)
	}
}
