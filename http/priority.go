package http

import "strings"

// Priorities as tegg computes them (HTTPPriorityUtil).
const (
	// defaultPriority is the priority of a path without parameters.
	defaultPriority = 100000
	// tokenPriority weighs a parameter by the index of its segment.
	tokenPriority = 1000
)

// PathPriority returns the priority tegg gives a full route path, the rule
// of its HTTPPriorityUtil.calcPathPriority:
//
//   - a path without parameters (":name" or "*") gets defaultPriority,
//     100000, and so beats every path with parameters;
//
//   - otherwise each parameter adds 1000 × the index of its segment
//     (segments counted from 0 after the leading slash), so that
//     parameters further right weigh more:
//
//     /*                              0
//     /users/:id                   1000
//     /hello/world/message/:msg    3000
//     /users/:id/moments/:mid      4000   (1000 + 3000)
//     /users                     100000
//
// Routes are registered in descending priority (ties keep declaration
// order). A path with so many parameters that its priority would pass
// defaultPriority needs an explicit Priority option, as in tegg.
func PathPriority(path string) int {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	priority, params := 0, false
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.Contains(s, "*") {
			params = true
			priority += i * tokenPriority
		}
	}
	if !params {
		return defaultPriority
	}
	return priority
}

// joinPath joins a controller prefix and a route path: one slash between
// them, "/" for an empty result. Unlike tegg's path.posix.join, the route
// "/" under a prefix is the prefix itself, without a trailing slash: echo
// matches trailing slashes strictly, koa-router did not.
func joinPath(prefix, p string) string {
	switch {
	case p == "" || p == "/":
		if prefix == "" {
			return "/"
		}
		return prefix // "/" under "/topics" is "/topics", not "/topics/"
	case prefix == "":
		return p
	}
	return prefix + p
}

// shapeOf normalises a path for conflict detection: parameter names do not
// matter to the router, so "/users/:id" and "/users/:uid" are one rule.
func shapeOf(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = ":"
		}
	}
	return strings.Join(segs, "/")
}

// pathParams returns the names of the path's parameters in order; a
// trailing "*" is named "*".
func pathParams(path string) []string {
	var out []string
	for _, s := range strings.Split(path, "/") {
		switch {
		case strings.HasPrefix(s, ":"):
			out = append(out, s[1:])
		case strings.HasSuffix(s, "*"):
			out = append(out, "*")
		}
	}
	return out
}
