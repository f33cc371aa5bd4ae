package http_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/container"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

type Greeting struct {
	Text string `json:"text"`
}

type GreetIn struct {
	Name  string `param:"name" jsonschema:"minLength=2"`
	Shout bool   `query:"shout"`
}

type GreetController struct{ proto.Singleton }

func (c *GreetController) Greet(ctx context.Context, in GreetIn) (*Greeting, error) {
	text := "hello " + in.Name
	if in.Shout {
		text = strings.ToUpper(text)
	}
	return &Greeting{Text: text}, nil
}

type NewNote struct {
	Title string `json:"title" jsonschema:"maxLength=20" transform:"trim"`
}

func (c *GreetController) Note(ctx context.Context, in NewNote) (*Greeting, error) {
	teggohttp.ResponseFrom(ctx).Header().Set("Location", "/notes/1")
	return &Greeting{Text: in.Title}, nil
}

func get(h http.Handler, method, path, body string) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Print(rec.Code, " ", rec.Body.String())
}

// A controller, two routes, a standalone server.
func Example() {
	c := container.New()
	c.Register(
		new(GreetController),
		teggohttp.Controller[*GreetController]("/greet"),
		teggohttp.GET("/:name", (*GreetController).Greet),
		teggohttp.POST("/notes", (*GreetController).Note, teggohttp.Status(http.StatusCreated)),
	)
	if err := c.Build(context.Background()); err != nil {
		panic(err)
	}
	s, err := teggohttp.NewServer(c)
	if err != nil {
		panic(err)
	}
	get(s.Handler(), "GET", "/greet/gopher?shout=true", "")
	get(s.Handler(), "POST", "/greet/notes", `{"title":"  short  "}`)
	get(s.Handler(), "GET", "/greet/x", "")
	// Output:
	// 200 {"text":"HELLO GOPHER"}
	// 201 {"text":"short"}
	// 422 {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"the request is invalid","instance":"/greet/x","code":"TEGGO_VALIDATION_FAILED","errors":[{"location":"path.name","message":"must NOT have fewer than 2 characters","code":"minLength","params":{"limit":2}}]}
}

// Mount puts the controllers on an echo instance that keeps its own routes
// and middleware.
func ExampleMount() {
	c := container.New()
	c.Register(new(GreetController), teggohttp.Controller[*GreetController]("/greet"),
		teggohttp.GET("/:name", (*GreetController).Greet))
	if err := c.Build(context.Background()); err != nil {
		panic(err)
	}
	e := echo.New()
	e.GET("/health", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	if err := teggohttp.Mount(e, c, teggohttp.OpenAPI("")); err != nil {
		panic(err)
	}
	get(e, "GET", "/health", "")
	get(e, "GET", "/greet/echo", "")
	// Output:
	// 200 ok
	// 200 {"text":"hello echo"}
}

type Audit struct{ proto.Singleton }

func (a *Audit) Around(c aop.Call, next aop.Next) error {
	fmt.Println("audit before", c.TypeName()+"."+c.Method())
	err := next()
	fmt.Println("audit after")
	return err
}

// AOP middleware: an advice proto given to Middleware runs around the
// handler call.
func ExampleMiddleware() {
	c := container.New()
	c.Register(new(GreetController), new(Audit),
		teggohttp.Controller[*GreetController]("/greet"),
		teggohttp.GET("/:name", (*GreetController).Greet, teggohttp.Middleware(new(Audit))))
	if err := c.Build(context.Background()); err != nil {
		panic(err)
	}
	s, _ := teggohttp.NewServer(c, teggohttp.Logger(slog.New(slog.DiscardHandler)))
	get(s.Handler(), "GET", "/greet/aop", "")
	// Output:
	// audit before GreetController.Greet
	// audit after
	// 200 {"text":"hello aop"}
}

// Routes lists the routes, highest priority first.
func ExampleRoutes() {
	c := container.New()
	c.Register(teggohttp.Controller[*GreetController]("/greet"),
		teggohttp.GET("/:name", (*GreetController).Greet),
		teggohttp.POST("/notes", (*GreetController).Note))
	rows, _ := teggohttp.Routes(c)
	for _, r := range rows {
		fmt.Println(r.Method, r.Path, r.Priority, r.Handler)
	}
	// Output:
	// POST /greet/notes 100000 GreetController.Note
	// GET /greet/:name 1000 GreetController.Greet
}

func ExamplePathPriority() {
	fmt.Println(teggohttp.PathPriority("/users"), teggohttp.PathPriority("/users/:id"), teggohttp.PathPriority("/users/:id/moments/:mid"))
	// Output: 100000 1000 4000
}
