package http_test

import (
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

type (
	echoHandler = echo.HandlerFunc
	echoContext = echo.Context
)

func newEcho() *echo.Echo { return echo.New() }

func httptestServer(t testing.TB, e *echo.Echo) *httptest.Server {
	ts := httptest.NewServer(e)
	t.Cleanup(ts.Close)
	return ts
}
