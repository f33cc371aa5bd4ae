// Package apps holds the two HTTP apps of the HTTP benchmarks: the teggo
// app and a plain echo v4 app doing the same by hand. bench/http_test.go
// measures them in process, cmd/httpbench serves them to wrk.
//
// Routes, the same in both apps:
//
//	GET  /hello          {"message":"hello"}
//	GET  /users/:id      a context service (per-request object) looks up a user
//	GET  /aop/hello      /hello with one around middleware
//	POST /topics         a 6-field JSON body, validated; 201 {"id":...}
//	POST /topics/lax     echo only: a laxer hand check (see createTopicLax)
package apps

//go:generate go tool teggo gen .

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/container"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

// Hello is the hello response.
type Hello struct {
	Message string `json:"message"`
}

// User is the user response.
type User struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Reads int64  `json:"reads"`
}

// UserRepo is a singleton dependency.
type UserRepo struct {
	proto.Singleton
	reads atomic.Int64
}

// Find returns a user.
func (r *UserRepo) Find(id string) User {
	return User{ID: id, Name: "user " + id, Reads: r.reads.Add(1)}
}

// Users is the context service's API: the singleton controller holds it
// through this interface and gets the generated proxy, which finds the
// request's instance on each call.
type Users interface {
	Get(ctx context.Context, id string) User
}

// UserService is a context service: one per request.
type UserService struct {
	proto.Context
	Repo *UserRepo `inject:""`
}

// Get returns a user.
func (s *UserService) Get(ctx context.Context, id string) User { return s.Repo.Find(id) }

// CreateTopic is the validated body: six fields.
type CreateTopic struct {
	Title    string   `json:"title" jsonschema:"minLength=1,maxLength=100"`
	Body     string   `json:"body" jsonschema:"maxLength=1000"`
	Tags     []string `json:"tags" jsonschema:"maxItems=5"`
	Priority int      `json:"priority" jsonschema:"minimum=1,maximum=5"`
	Draft    bool     `json:"draft"`
	Author   string   `json:"author" jsonschema:"minLength=2,maxLength=40"`
}

// Created is the POST response.
type Created struct {
	ID string `json:"id"`
}

var topicSeq atomic.Int64

// ---- teggo ----

// HelloController serves /hello and /aop/hello.
type HelloController struct{ proto.Singleton }

// Hello answers hello.
func (c *HelloController) Hello(ctx context.Context) (*Hello, error) {
	return &Hello{Message: "hello"}, nil
}

// UserController is a singleton controller (teggo's default) with a
// context service injected through its interface.
type UserController struct {
	proto.Singleton
	Users Users `inject:""`
}

// UserIn binds the path.
type UserIn struct {
	ID string `param:"id"`
}

// Show returns a user.
func (c *UserController) Show(ctx context.Context, in UserIn) (*User, error) {
	u := c.Users.Get(ctx, in.ID)
	return &u, nil
}

// TopicController creates topics.
type TopicController struct{ proto.Singleton }

// Create creates a topic.
func (c *TopicController) Create(ctx context.Context, in CreateTopic) (*Created, error) {
	return &Created{ID: strconv.FormatInt(topicSeq.Add(1), 10)}, nil
}

// Count is a singleton around advice.
type Count struct {
	proto.Singleton
	n atomic.Int64
}

// Around counts calls.
func (a *Count) Around(c aop.Call, next aop.Next) error {
	a.n.Add(1)
	return next()
}

// Teggo returns the teggo app; opts go to teggohttp.NewServer. The body of
// POST /topics is validated by the container's *ajv.Ajv (gojsonschema, the
// default backend) unless opts carry another validator: bench/http_test.go's
// post-native case passes
// teggohttp.Ajv(ajv.New(ajv.WithBackend(ajv.NativeBackend()))).
func Teggo(log *slog.Logger, opts ...teggohttp.ServerOption) (http.Handler, error) {
	c := container.New(container.Logger(log))
	c.Install(Module()) // the protos with generated constructors and setters (teggo gen)
	c.Register(
		teggohttp.Controller[*HelloController](""),
		teggohttp.GET("/hello", teggohttp.NoIn((*HelloController).Hello)),
		teggohttp.GET("/aop/hello", teggohttp.NoIn((*HelloController).Hello), teggohttp.Middleware(new(Count))),
		teggohttp.Controller[*UserController]("/users"),
		teggohttp.GET("/:id", (*UserController).Show),
		teggohttp.Controller[*TopicController]("/topics"),
		teggohttp.POST("/", (*TopicController).Create, teggohttp.Status(http.StatusCreated)),
	)
	if err := c.Build(context.Background()); err != nil {
		return nil, err
	}
	s, err := teggohttp.NewServer(c, append([]teggohttp.ServerOption{teggohttp.Logger(log)}, opts...)...)
	if err != nil {
		return nil, err
	}
	return s.Handler(), nil
}

// ---- plain echo, by hand ----

// Echo returns the plain echo app.
func Echo() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	repo := &UserRepo{}
	var count atomic.Int64
	hello := func(c echo.Context) error { return c.JSON(http.StatusOK, &Hello{Message: "hello"}) }
	e.GET("/hello", hello)
	e.GET("/aop/hello", hello, func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			count.Add(1)
			return next(c)
		}
	})
	e.GET("/users/:id", func(c echo.Context) error {
		svc := &UserService{Repo: repo} // the per-request object, by hand
		u := svc.Get(c.Request().Context(), c.Param("id"))
		return c.JSON(http.StatusOK, &u)
	})
	e.POST("/topics", createTopic)
	e.POST("/topics/lax", createTopicLax)
	return e
}

// createTopicWire is CreateTopic as it arrives: a pointer tells a missing
// member from a zero one.
type createTopicWire struct {
	Title    *string   `json:"title"`
	Body     *string   `json:"body"`
	Tags     *[]string `json:"tags"`
	Priority *int      `json:"priority"`
	Draft    *bool     `json:"draft"`
	Author   *string   `json:"author"`
}

// bodyLimit is teggo's default request body limit.
const bodyLimit = 1 << 20

// createTopic checks by hand the whole contract teggo's app states in
// CreateTopic's tags: a JSON body under the size limit, one object, every
// member present, no unknown member, the types, lengths and bounds; every
// violation is listed. Statuses as teggo's: 415, 413, 400 malformed, 422.
func createTopic(c echo.Context) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != echo.MIMEApplicationJSON && !strings.HasPrefix(ct, echo.MIMEApplicationJSON+";") {
		return echo.ErrUnsupportedMediaType
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), req.Body, bodyLimit))
	dec.DisallowUnknownFields()
	var in createTopicWire
	err := dec.Decode(&in)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON value")
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		var wrongType *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooLarge):
			return echo.ErrStatusRequestEntityTooLarge
		case errors.As(err, &wrongType), strings.HasPrefix(err.Error(), "json: unknown field "):
			return c.JSON(http.StatusUnprocessableEntity, map[string]any{"errors": []string{err.Error()}})
		}
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	var errs []string
	if in.Title == nil {
		errs = append(errs, "title: required")
	} else if n := utf8.RuneCountInString(*in.Title); n < 1 || n > 100 {
		errs = append(errs, "title: 1 to 100 characters")
	}
	if in.Body == nil {
		errs = append(errs, "body: required")
	} else if utf8.RuneCountInString(*in.Body) > 1000 {
		errs = append(errs, "body: at most 1000 characters")
	}
	if in.Tags == nil {
		errs = append(errs, "tags: required")
	} else if len(*in.Tags) > 5 {
		errs = append(errs, "tags: at most 5")
	}
	if in.Priority == nil {
		errs = append(errs, "priority: required")
	} else if *in.Priority < 1 || *in.Priority > 5 {
		errs = append(errs, "priority: 1 to 5")
	}
	if in.Draft == nil {
		errs = append(errs, "draft: required")
	}
	if in.Author == nil {
		errs = append(errs, "author: required")
	} else if n := utf8.RuneCountInString(*in.Author); n < 2 || n > 40 {
		errs = append(errs, "author: 2 to 40 characters")
	}
	if len(errs) > 0 {
		return c.JSON(http.StatusUnprocessableEntity, map[string]any{"errors": errs})
	}
	return c.JSON(http.StatusCreated, &Created{ID: strconv.FormatInt(topicSeq.Add(1), 10)})
}

// createTopicLax is the common hand-written handler: echo's Bind, then the
// lengths and bounds. It skips three of the contract's
// rules (required members, unknown members, the body limit), so it does
// less than teggo's route; it stays for comparison (POST /topics/lax).
func createTopicLax(c echo.Context) error {
	var in CreateTopic
	if err := c.Bind(&in); err != nil {
		return err
	}
	var errs []string
	if n := len([]rune(in.Title)); n < 1 || n > 100 {
		errs = append(errs, "title")
	}
	if len([]rune(in.Body)) > 1000 {
		errs = append(errs, "body")
	}
	if len(in.Tags) > 5 {
		errs = append(errs, "tags")
	}
	if in.Priority < 1 || in.Priority > 5 {
		errs = append(errs, "priority")
	}
	if n := len([]rune(in.Author)); n < 2 || n > 40 {
		errs = append(errs, "author")
	}
	if len(errs) > 0 {
		return c.JSON(http.StatusUnprocessableEntity, map[string]any{"errors": errs})
	}
	return c.JSON(http.StatusCreated, &Created{ID: strconv.FormatInt(topicSeq.Add(1), 10)})
}

// TopicBody is the POST body both apps accept.
const TopicBody = `{"title":"Hello teggo","body":"a body of text","tags":["go","di"],"priority":3,"draft":false,"author":"fengmk2"}`
