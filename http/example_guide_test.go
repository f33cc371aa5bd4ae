package http_test

// The snippets of docs/http.md, compiled and run.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/ajv"
	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/container"
	teggohttp "github.com/teggo/teggo/http"
	"github.com/teggo/teggo/proto"
)

// ---- the articles API of the guide ----

type Article struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Published bool   `json:"published"`
}

type ArticleCreated struct {
	ID string `json:"id"`
}

type ShowArticle struct {
	ID      string   `param:"id"`                          // path
	Page    int      `query:"page" jsonschema:"minimum=1"` // query
	Tags    []string `query:"tag"`                         // repeated values
	ReqID   string   `header:"X-Request-Id"`               // header
	Session string   `cookie:"sid"`                        // cookie
}

type CreateArticle struct {
	Title  string `json:"title" jsonschema:"minLength=1,maxLength=100" transform:"trim"` // body
	Body   string `json:"body,omitempty"`
	Tenant string `header:"X-Tenant" jsonschema:"required,enum=a,enum=b"`
}

type ArticleID struct {
	ID string `param:"id"`
}

// ArticleStore keeps the articles in memory.
type ArticleStore struct {
	proto.Singleton
	mu       sync.Mutex
	articles map[string]*Article
}

func (s *ArticleStore) Get(id string) (*Article, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.articles[id]
	if !ok {
		return nil, teggohttp.Error(http.StatusNotFound, "no article "+id)
	}
	copied := *a
	return &copied, nil
}

func (s *ArticleStore) Add(title string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.articles == nil {
		s.articles = map[string]*Article{}
	}
	id := fmt.Sprint(len(s.articles) + 1)
	s.articles[id] = &Article{ID: id, Title: title}
	return id
}

// Publish marks an article published and reports whether it already was.
func (s *ArticleStore) Publish(id string) (was bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.articles[id]
	if !ok {
		return false, teggohttp.Error(http.StatusNotFound, "no article "+id)
	}
	was, a.Published = a.Published, true
	return was, nil
}

func (s *ArticleStore) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.articles, id)
	return nil
}

// RequestLog is an advice: it prints the method it runs around.
type RequestLog struct{ proto.Singleton }

func (a *RequestLog) Around(c aop.Call, next aop.Next) error {
	fmt.Println("log:", c.TypeName()+"."+c.Method())
	return next()
}

//teggo:controller /api/v2/articles
type ArticleController struct {
	proto.Singleton
	Articles *ArticleStore `inject:""`
}

//teggo:http GET /:id
func (c *ArticleController) Show(ctx context.Context, in ShowArticle) (*Article, error) {
	return c.Articles.Get(in.ID)
}

//teggo:http POST / status=201 timeout=2s
//teggo:middleware RequestLog
func (c *ArticleController) Create(ctx context.Context, in CreateArticle) (*ArticleCreated, error) {
	return &ArticleCreated{ID: c.Articles.Add(in.Title)}, nil
}

//teggo:http DELETE /:id
func (c *ArticleController) Delete(ctx context.Context, in ArticleID) error {
	return c.Articles.Delete(in.ID)
}

// Publish answers 202 with the article, or, when it already was published,
// redirects to it.
//
//teggo:http POST /:id/publish
func (c *ArticleController) Publish(ctx context.Context, in ArticleID) (*Article, error) {
	was, err := c.Articles.Publish(in.ID)
	if err != nil {
		return nil, err
	}
	res := teggohttp.ResponseFrom(ctx)
	res.Header().Set("Location", "/api/v2/articles/"+in.ID) // headers
	res.SetCookie(&http.Cookie{Name: "last", Value: in.ID}) // cookies
	if was {
		res.Redirect(http.StatusSeeOther, "/api/v2/articles/"+in.ID) // redirect instead of the result
		return nil, nil
	}
	res.SetStatus(http.StatusAccepted) // status override
	return c.Articles.Get(in.ID)
}

// registerArticles is what teggo gen emits for the directives above.
func registerArticles(c *container.Container) {
	c.Register(
		new(ArticleController), new(ArticleStore), new(RequestLog),
		teggohttp.Controller[*ArticleController]("/api/v2/articles"),
		teggohttp.GET("/:id", (*ArticleController).Show),
		teggohttp.POST("/", (*ArticleController).Create,
			teggohttp.Status(201), teggohttp.Timeout(2*time.Second), teggohttp.Middleware(new(RequestLog))),
		teggohttp.DELETE("/:id", teggohttp.NoOut((*ArticleController).Delete)),
		teggohttp.POST("/:id/publish", (*ArticleController).Publish),
	)
}

func articles() *container.Container {
	c := container.New()
	registerArticles(c)
	if err := c.Build(context.Background()); err != nil {
		panic(err)
	}
	return c
}

// show prints a request's answer: status, the headers asked for, body.
func show(h http.Handler, method, path, body string, hdr ...string) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-Tenant", "a")
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, req)
	fmt.Print(rec.code)
	for _, k := range hdr {
		fmt.Printf(" %s=%s", k, rec.header.Get(k))
	}
	if b := strings.TrimSuffix(rec.body.String(), "\n"); b != "" {
		fmt.Print(" ", b)
	}
	fmt.Println()
}

type recorder struct {
	header http.Header
	code   int
	body   strings.Builder
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

// The controller of docs/http.md, served standalone.
func Example_articles() {
	s, err := teggohttp.NewServer(articles(), teggohttp.Logger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	h := s.Handler()
	show(h, "POST", "/api/v2/articles", `{"title":"  Hello  "}`)
	show(h, "GET", "/api/v2/articles/1?page=2&tag=a&tag=b", "")
	show(h, "POST", "/api/v2/articles/1/publish", "", "Location", "Set-Cookie")
	show(h, "POST", "/api/v2/articles/1/publish", "", "Location")
	show(h, "DELETE", "/api/v2/articles/1", "")
	show(h, "GET", "/api/v2/articles/1", "")
	// Output:
	// log: ArticleController.Create
	// 201 {"id":"1"}
	// 200 {"id":"1","title":"Hello","published":false}
	// 202 Location=/api/v2/articles/1 Set-Cookie=last=1 {"id":"1","title":"Hello","published":true}
	// 303 Location=/api/v2/articles/1
	// 204
	// 404 {"type":"about:blank","title":"Not Found","status":404,"detail":"no article 1","instance":"/api/v2/articles/1"}
}

// Every violation of every location, at once.
func Example_validation() {
	s, err := teggohttp.NewServer(articles(), teggohttp.Logger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	req, _ := http.NewRequest("POST", "/api/v2/articles", strings.NewReader(`{"title":"`+strings.Repeat("x", 101)+`"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := &recorder{header: http.Header{}}
	s.Handler().ServeHTTP(rec, req)
	fmt.Println(rec.code, rec.body.String())
	// Output:
	// 422 {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"the request is invalid","instance":"/api/v2/articles","code":"TEGGO_VALIDATION_FAILED","errors":[{"location":"header.X-Tenant","message":"must have required property 'X-Tenant'","code":"required","params":{"missingProperty":"X-Tenant"}},{"location":"body.title","message":"must NOT have more than 100 characters","code":"maxLength","params":{"limit":100}}]}
}

// poweredBy is one of the echo service's own middleware.
func poweredBy(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("X-Powered-By", "echo")
		return next(c)
	}
}

// health is the echo service's own handler.
func health(c echo.Context) error { return c.String(http.StatusOK, "ok\n") }

// embed mounts the controllers on an echo service, which keeps its routes,
// middleware and error handler.
func embed(c *container.Container) (*echo.Echo, error) {
	e := echo.New()
	e.Use(poweredBy)
	e.GET("/health", health)
	if err := teggohttp.Mount(e, c, teggohttp.OpenAPI("/docs/openapi.json")); err != nil {
		return nil, err
	}
	return e, nil
}

// serve runs a standalone server on ln until ctx is done.
func serve(ctx context.Context, c *container.Container, ln net.Listener) error {
	s, err := teggohttp.NewServer(c, teggohttp.Env("prod"), teggohttp.BodyLimit(4<<20))
	if err != nil {
		return err
	}
	go s.Serve(ln) // or s.Start(":8080"); s.Handler() for httptest
	<-ctx.Done()
	return s.Shutdown(context.Background())
}

func Example_embed() {
	e, err := embed(articles())
	if err != nil {
		panic(err)
	}
	show(e, "GET", "/health", "", "X-Powered-By")
	show(e, "GET", "/api/v2/articles/1", "")
	req, _ := http.NewRequest("GET", "/docs/openapi.json", nil)
	rec := &recorder{header: http.Header{}}
	e.ServeHTTP(rec, req)
	fmt.Println(rec.code, strings.Contains(rec.body.String(), `"/api/v2/articles/{id}"`))
	// Output:
	// 200 X-Powered-By=echo ok
	// 404 {"type":"about:blank","title":"Not Found","status":404,"detail":"no article 1","instance":"/api/v2/articles/1"}
	// 200 true
}

func Example_serve() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- serve(ctx, articles(), ln) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/api/v2/articles/9")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	cancel()
	fmt.Println(res.StatusCode, string(body), <-done)
	// Output:
	// 404 {"type":"about:blank","title":"Not Found","status":404,"detail":"no article 9","instance":"/api/v2/articles/9"} <nil>
}

// behindProxy serves an app that sits behind one reverse proxy.
func behindProxy(c *container.Container) (*teggohttp.Server, error) {
	return teggohttp.NewServer(c, teggohttp.Proxy(teggohttp.ProxyConfig{
		Enabled:     true,
		IPHeaders:   []string{"X-Real-Ip", "X-Forwarded-For"}, // the first present wins; default X-Forwarded-For
		MaxIPsCount: 1,                                        // we sit behind one proxy
		HostHeaders: []string{"X-Forwarded-Host"},             // default: the Host header
	}))
}

// nativeServer validates request bodies with ajv's native backend.
func nativeServer(c *container.Container) (*teggohttp.Server, error) {
	s, err := teggohttp.NewServer(c, teggohttp.Ajv(ajv.New(ajv.WithBackend(ajv.NativeBackend()))))
	if err != nil {
		return nil, err
	}
	return s, nil
}

func Example_proxy() {
	s, err := behindProxy(articles())
	if err != nil {
		panic(err)
	}
	s.Echo().GET("/ip", func(c echo.Context) error { return c.String(http.StatusOK, c.RealIP()) })
	req, _ := http.NewRequest("GET", "/ip", nil)
	req.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.7") // forged by the client, appended by our proxy
	rec := &recorder{header: http.Header{}}
	s.Handler().ServeHTTP(rec, req)
	fmt.Println(rec.code, rec.body.String())
	// Output:
	// 200 203.0.113.7
}

func Example_nativeAjv() {
	s, err := nativeServer(articles())
	if err != nil {
		panic(err)
	}
	show(s.Handler(), "POST", "/api/v2/articles", `{"title":""}`)
	// Output:
	// 422 {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"the request is invalid","instance":"/api/v2/articles","code":"TEGGO_VALIDATION_FAILED","errors":[{"location":"body.title","message":"must NOT have fewer than 1 characters","code":"minLength","params":{"limit":1}}]}
}
