package http

import "github.com/labstack/echo/v4"

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
