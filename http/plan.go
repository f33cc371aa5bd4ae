package http

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/teggo/teggo/container"
)

// route is a route declaration resolved against its controller.
type route struct {
	decl     *RouteDecl
	ctrl     *ControllerDecl
	ctrlName string
	label    string // "TopicController.Show"
	method   string
	path     string // full path
	host     string
	priority int
	status   int
	timeout  time.Duration
	echoMW   []echo.MiddlewareFunc // controller's, then the route's
	plan     *bindPlan
}

// plan resolves the HTTP declarations among decls: controllers, routes,
// their options and input bindings, priorities and conflicts. It needs no
// built container.
func plan(decls []any) ([]*route, []*ControllerDecl, error) {
	var errs []error
	var ctrls []*ControllerDecl
	byType := map[reflect.Type]*ControllerDecl{}
	byName := map[string]*ControllerDecl{}
	refused := map[reflect.Type]bool{} // controllers already reported: their routes are not reported again
	for _, d := range decls {
		cd, ok := d.(*ControllerDecl)
		if !ok {
			continue
		}
		for _, e := range cd.errs {
			errs = append(errs, &container.Error{Code: CodeBadRoute, Proto: cd.Name(), Pos: cd.set.pos, Msg: e})
		}
		if prev := byType[cd.typ]; prev != nil {
			errs = append(errs, &container.Error{Code: CodeDuplicateController, Proto: cd.Name(), Pos: cd.set.pos,
				Msg: fmt.Sprintf("%s is declared a controller twice (first at %s)", cd.typ, prev.set.pos)})
			continue
		}
		if prev := byName[cd.Name()]; prev != nil {
			errs = append(errs, &container.Error{Code: CodeDuplicateController, Proto: cd.Name(), Pos: cd.set.pos,
				Msg:  fmt.Sprintf("controller name %q is taken by %s (%s)", cd.Name(), prev.typ, prev.set.pos),
				Hint: "give one of them another name with teggohttp.Name"})
			refused[cd.typ] = true
			continue
		}
		byType[cd.typ], byName[cd.Name()] = cd, cd
		ctrls = append(ctrls, cd)
	}
	var routes []*route
	for _, d := range decls {
		rd, ok := d.(*RouteDecl)
		if !ok {
			continue
		}
		r := &route{decl: rd, method: rd.method, label: typeLabel(rd.controller) + "." + rd.handler}
		cd := byType[rd.controller]
		if cd == nil && refused[rd.controller] {
			continue
		}
		if cd == nil {
			errs = append(errs, &container.Error{Code: CodeNoController, Proto: r.label, Pos: rd.set.pos,
				Msg:  fmt.Sprintf("route %s %s is a method of %s, which has no Controller declaration", rd.method, rd.path, rd.controller),
				Hint: fmt.Sprintf("register teggohttp.Controller[%s](\"/prefix\")", rd.controller)})
			continue
		}
		r.ctrl, r.ctrlName = cd, cd.Name()
		r.label = r.ctrlName + "." + rd.handler
		for _, e := range rd.errs {
			errs = append(errs, routeError(CodeBadRoute, r, e, nil))
		}
		if len(rd.errs) > 0 || rd.build == nil {
			continue
		}
		r.path = joinPath(cd.prefix, rd.path)
		r.timeout = rd.set.timeout
		if r.timeout == 0 {
			r.timeout = cd.set.timeout
		}
		r.status = 200
		if rd.set.hasStatus {
			r.status = rd.set.status
		}
		if rd.set.hasPriority {
			r.priority = rd.set.priority
		} else {
			r.priority = PathPriority(r.path)
			if r.priority > defaultPriority {
				errs = append(errs, routeError(CodeBadRoute, r, fmt.Sprintf("path %s is too long, set its priority with teggohttp.Priority", r.path), nil))
				continue
			}
		}
		for _, s := range cd.set.mws {
			if s.kind == mwEcho {
				r.echoMW = append(r.echoMW, s.echo)
			}
		}
		for _, s := range rd.set.mws {
			if s.kind == mwEcho {
				r.echoMW = append(r.echoMW, s.echo)
			}
		}
		if rd.in != nil {
			p, perrs := planBinding(rd.in, r.path)
			for _, e := range perrs {
				errs = append(errs, routeError(CodeBadInput, r, e, nil))
			}
			if p == nil {
				continue
			}
			r.plan = p
		}
		hosts := rd.set.hosts
		if len(hosts) == 0 {
			hosts = cd.set.hosts
		}
		if len(hosts) == 0 {
			hosts = []string{""}
		}
		for _, h := range hosts { // one route per host: each is matched and checked for conflicts on its own
			rh := *r
			rh.host = h
			routes = append(routes, &rh)
		}
	}
	slices.SortStableFunc(routes, func(a, b *route) int { return b.priority - a.priority })
	seen := map[string]*route{}
	for _, r := range routes {
		k := r.method + " " + r.host + " " + shapeOf(r.path)
		if prev := seen[k]; prev != nil {
			errs = append(errs, conflict(r, fmt.Sprintf("%s (%s)", prev.path, prev.label)))
			continue
		}
		seen[k] = r
	}
	if len(errs) > 0 {
		return nil, nil, joinErrors(errs)
	}
	return routes, ctrls, nil
}

// conflict is tegg's message: register http controller X failed, METHOD
// path is conflict with exists rule Y.
func conflict(r *route, existing string) error {
	where := ""
	if r.host != "" {
		where = " on host " + r.host
	}
	return routeError(CodeRouterConflict, r, fmt.Sprintf("register http controller %s failed, %s %s%s is conflict with exists rule %s",
		r.label, r.method, r.path, where, existing), nil)
}

func typeLabel(t reflect.Type) string {
	if t == nil {
		return "?"
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// joinErrors joins errors; one error stays itself.
func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}
