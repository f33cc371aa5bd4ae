package http

import (
	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/aop"
)

// Middleware order of one route (see docs/http.md):
//
//	request
//	  │
//	  ▼
//	echo's global middleware (e.Use, the user's)
//	  │
//	  ▼
//	teggo scope: open scope ─ recover ─ problem writer ─ close scope
//	  │
//	  ▼
//	controller echo middleware C1 → C2 (given order)
//	  │
//	  ▼
//	route echo middleware R1 → R2
//	  │
//	  ▼
//	bind + validate input, resolve the controller
//	  │
//	  ▼
//	the method's advice: route advice A1 → A2 (outer), controller advice
//	B1 → B2, then crosscuts and pointcuts by their order
//	  │
//	  ▼
//	controller method
//
// Echo middleware is composed once at Mount, not per request. AOP
// middleware is a pointcut of the handler method like any other (see
// Pointcuts), so the container weaves it into the method's one chain.

// The orders of AOP middleware: route advice outside controller advice,
// both outside crosscuts (aop.DefaultCrosscutOrder) and pointcuts.
const (
	routeAdviceOrder      = -2000
	controllerAdviceOrder = -1000
)

// chainEcho composes the route's echo middleware around h: the first in
// mws is the outermost.
func chainEcho(h echo.HandlerFunc, mws []echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// Pointcuts returns the AOP middleware of the controller and of its routes
// among decls as pointcuts of the handler methods: the route's advice
// first (outer), then the controller's, as tegg orders them. The container
// calls it (weave.PointcutSource) when it builds.
func (d *ControllerDecl) Pointcuts(decls []any) []*aop.PointcutDecl {
	if len(d.errs) > 0 {
		return nil
	}
	var out []*aop.PointcutDecl
	for _, x := range decls {
		rd, ok := x.(*RouteDecl)
		if !ok || rd.controller != d.typ || rd.handler == "" || len(rd.errs) > 0 {
			continue
		}
		for _, lv := range []struct {
			set   *settings
			order int
		}{{&rd.set, routeAdviceOrder}, {&d.set, controllerAdviceOrder}} {
			n := 0
			for _, s := range lv.set.mws {
				if s.kind == mwEcho {
					continue
				}
				out = append(out, &aop.PointcutDecl{Type: d.typ.Elem(), Method: rd.handler,
					AdviceType: s.typ, AdviceName: s.name, Order: lv.order + n, Pos: lv.set.pos})
				n++
			}
		}
	}
	return out
}
