package teggotest_test

import (
	"net/http"
	"testing"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/example/advice"
	"github.com/teggo/teggo/example/topic"
	"github.com/teggo/teggo/teggotest"
)

// TestTopics is the example of docs/testing.md: the example's topics
// service, started by the kit.
func TestTopics(t *testing.T) {
	app := teggotest.Start(t, teggo.Modules(topic.Module(), advice.Module()), teggo.Provide(topic.OpenDB), teggo.Provide(topic.OpenReadDB))

	created := teggotest.ExpectEvent[topic.TopicCreated](app) // before what emits it
	var c topic.Created
	app.POST("/api/v2/topics", map[string]string{"accesstoken": "t", "title": "hi", "content": "x"}).
		ExpectStatus(t, http.StatusCreated).JSON(&c)
	if e := created.Wait(0); e.ID != c.TopicID { // Wait returns once every handler of the event finished
		t.Fatalf("event %+v, created %+v", e, c)
	}

	app.MustRunSchedule("Cleanup")
}
