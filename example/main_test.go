package main

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teggo/teggo/container"
	"github.com/teggo/teggo/example/topic"
	"github.com/teggo/teggo/teggotest"
)

func startApp(t *testing.T) *teggotest.App {
	t.Helper()
	return teggotest.Start(t, options()...)
}

func TestTopicsAPI(t *testing.T) {
	app := startApp(t)

	created := teggotest.ExpectEvent[topic.TopicCreated](app)
	var c topic.Created
	app.POST("/api/v2/topics", map[string]string{"accesstoken": "tok", "title": "  Hello teggo  ", "tab": "ask", "content": "first"}).
		ExpectStatus(t, http.StatusCreated).JSON(&c)
	if len(c.TopicID) != 24 || len(c.EditToken) != 64 {
		t.Fatalf("topic_id %q", c.TopicID)
	}
	if e := created.Wait(0); e.ID != c.TopicID || e.Title != "Hello teggo" {
		t.Fatalf("event %+v", e)
	}

	var got topic.Topic
	app.GET("/api/v2/topics/"+c.TopicID).ExpectStatus(t, http.StatusOK).JSON(&got)
	if got.Title != "Hello teggo" || got.Tab != "ask" || got.VisitCount != 0 {
		t.Fatalf("topic %+v", got)
	}

	app.PUT("/api/v2/topics/"+c.TopicID, map[string]string{"title": "Changed", "content": "second"}, "Authorization", "Bearer "+c.EditToken).
		ExpectStatus(t, http.StatusNoContent)
	app.GET("/api/v2/topics/"+c.TopicID).ExpectStatus(t, http.StatusOK).JSON(&got)
	if got.Title != "Changed" || got.Content != "second" || got.Tab != "ask" {
		t.Fatalf("after PUT %+v", got)
	}

	app.GET("/api/v2/topics/nope").ExpectStatus(t, http.StatusNotFound)
	app.PUT("/api/v2/topics/nope", map[string]string{"title": "x", "content": "y"}, "Authorization", "Bearer "+c.EditToken).ExpectStatus(t, http.StatusNotFound)

	// Every write left an audit row, written by a background task after
	// the response: the request's scope awaited it.
	repo, _ := container.Lookup[*topic.Repo](app.Container())
	eventually(t, func() bool {
		trail, _ := repo.AuditTrail(context.Background(), c.TopicID)
		return slices.Equal(trail, []string{"create", "update"})
	})
	feed, _ := container.Lookup[*topic.Feed](app.Container())
	if l := feed.Latest(); len(l) != 1 || l[0].ID != c.TopicID {
		t.Fatalf("feed %+v", l)
	}
}

func TestListPagesAndFilters(t *testing.T) {
	app := startApp(t)
	for i, tab := range []string{"ask", "share", "ask"} {
		app.POST("/api/v2/topics", map[string]string{"accesstoken": "tok", "title": "t" + string(rune('0'+i)), "tab": tab, "content": "c"}).
			ExpectStatus(t, http.StatusCreated)
		time.Sleep(2 * time.Millisecond) // distinct create_at, for a stable order
	}
	var page []topic.Topic
	app.GET("/api/v2/topics?tab=ask&limit=1&page=2").ExpectStatus(t, http.StatusOK).JSON(&page)
	if len(page) != 1 || page[0].Title != "t0" {
		t.Fatalf("page %+v", page)
	}
	app.GET("/api/v2/topics").ExpectStatus(t, http.StatusOK).JSON(&page)
	if len(page) != 3 || page[0].Title != "t2" {
		t.Fatalf("all %+v", page)
	}
	app.GET("/api/v2/topics?limit=1000").ExpectStatus(t, http.StatusUnprocessableEntity)
}

func TestValidationErrorsListEveryViolation(t *testing.T) {
	app := startApp(t)
	res := app.POST("/api/v2/topics", map[string]string{"title": "", "tab": "gossip"}).ExpectStatus(t, http.StatusUnprocessableEntity)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q", ct)
	}
	var p struct {
		Errors []struct{ Location, Message string }
	}
	res.JSON(&p)
	var locs []string
	for _, e := range p.Errors {
		locs = append(locs, e.Location)
	}
	if !slices.Equal(locs, []string{"body.accesstoken", "body.content", "body.tab", "body.title"}) {
		t.Fatalf("violations %+v", p.Errors)
	}
	app.POST("/api/v2/topics", `{"title":`, "Content-Type", "application/json").ExpectStatus(t, http.StatusBadRequest)
	app.POST("/api/v2/topics", `title=x`, "Content-Type", "application/x-www-form-urlencoded").ExpectStatus(t, http.StatusUnsupportedMediaType)
}

func TestCleanupJob(t *testing.T) {
	app := startApp(t)
	var c topic.Created
	app.POST("/api/v2/topics", map[string]string{"accesstoken": "tok", "title": "t", "content": "c"}).ExpectStatus(t, http.StatusCreated).JSON(&c)
	repo, _ := container.Lookup[*topic.Repo](app.Container())
	eventually(t, func() bool { trail, _ := repo.AuditTrail(context.Background(), c.TopicID); return len(trail) == 1 })
	app.MustRunSchedule("Cleanup")
	if trail, _ := repo.AuditTrail(context.Background(), c.TopicID); len(trail) != 0 {
		t.Fatalf("the cleanup left %v", trail)
	}
}

// eventually polls cond for up to five seconds: for work that finishes
// after the response, by design.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("the condition did not hold within 5s")
}
