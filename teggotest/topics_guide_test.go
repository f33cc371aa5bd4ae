package teggotest_test

import (
	"net/http"
	"testing"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/example/advice"
	"github.com/teggo/teggo/example/topic"
	"github.com/teggo/teggo/passport"
	"github.com/teggo/teggo/teggotest"
)

// TestTopics is the example of docs/testing.md: the example's topics
// service, started by the kit, with its local login.
func TestTopics(t *testing.T) {
	p := passport.New[*topic.User]()
	app := teggotest.Start(t, teggo.Modules(topic.Module(), advice.Module()), teggo.Provide(topic.OpenDB), teggo.Provide(topic.OpenReadDB),
		teggo.Provide(func() *topic.Passport { return p }), teggo.Passport(p, passport.Options{}, "local"))

	ann := map[string]string{"username": "ann", "password": "correct horse"}
	app.POST("/api/v2/users", ann).ExpectStatus(t, http.StatusCreated)
	app.POST("/passport/local", ann).ExpectStatus(t, http.StatusSeeOther) // the app's client keeps the session cookie

	created := teggotest.ExpectEvent[topic.TopicCreated](app) // before what emits it
	var c topic.Created
	app.POST("/api/v2/topics", map[string]string{"title": "hi", "content": "x"}).
		ExpectStatus(t, http.StatusCreated).JSON(&c)
	if e := created.Wait(0); e.ID != c.TopicID { // Wait returns once every handler of the event finished
		t.Fatalf("event %+v, created %+v", e, c)
	}

	app.MustRunSchedule("Cleanup")
}
