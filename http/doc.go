// Package http (imported as teggohttp) serves teggo controllers over echo v4.
//
// A controller is a proto (a singleton by default) whose methods are HTTP
// handlers of the shape
//
//	func (c *C) M(ctx context.Context[, in In]) ([Out, ]error)
//
// declared with plain values handed to the container:
//
//	c.Register(
//		new(TopicController),
//		teggohttp.Controller[*TopicController]("/api/v2/topics"),
//		teggohttp.GET("/:id", (*TopicController).Show),
//		teggohttp.POST("/", (*TopicController).Create, teggohttp.Status(201)),
//		teggohttp.DELETE("/:id", teggohttp.NoOut((*TopicController).Delete)),
//	)
//
// The generator emits the same calls from `//teggo:controller`,
// `//teggo:http` and `//teggo:middleware` directives.
//
// In is bound from the path (`param:"id"`), the query (`query:"page"`),
// headers (`header:"X-Request-Id"`), cookies (`cookie:"sid"`) and the JSON
// body (`json:"title"`), transformed and validated with package ajv; Out is
// written as JSON. Errors become RFC 9457 problem documents. Every request
// runs in its own container scope, closed after the response was written.
//
// Mount puts the controllers of a built container on an existing
// *echo.Echo; NewServer makes a standalone server. Echo types never leave
// this package: the rest of teggo does not import echo. See docs/http.md.
package http
