package http

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// ConfigureEcho runs fn on NewServer's echo instance before teggo mounts
// its routes: to add plain echo handlers and middleware to the App's
// server. They get what every request of the server gets — the cookie jar
// and the session (see Sessions), proxy mode's RealIP — and a teggo route
// colliding with one of their routes is a TEGGO_ROUTER_CONFLICT. Mount
// ignores it: the caller owns that echo instance.
func ConfigureEcho(fn func(e *echo.Echo)) ServerOption {
	return func(c *config) { c.configureEcho = append(c.configureEcho, fn) }
}

// Use adds echo middleware to every request of NewServer's echo instance,
// teggo's routes and plain handlers alike, in the order given — CORS, a
// request logger, a request id:
//
//	teggo.HTTP(teggohttp.Use(middleware.CORS(), middleware.RequestID()))
//
// It is e.Use run by ConfigureEcho.
func Use(mws ...echo.MiddlewareFunc) ServerOption {
	return ConfigureEcho(func(e *echo.Echo) { e.Use(mws...) })
}

// Handle serves a net/http handler at method and path on NewServer's echo
// instance (echo's path syntax), with everything every request of the
// server gets — the cookie jar and the session among them: the way
// net/http code such as package passport's routes joins the App's server.
func Handle(method, path string, h http.Handler) ServerOption {
	return ConfigureEcho(func(e *echo.Echo) { e.Add(method, path, echo.WrapHandler(h)) })
}
