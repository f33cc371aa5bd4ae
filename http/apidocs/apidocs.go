// Package apidocs serves an interactive API reference for an OpenAPI
// document: Swagger UI 5.35.0 (swagger-ui-dist, Apache License 2.0; see
// assets/LICENSE and assets/NOTICE), embedded in the binary, so that it
// works offline and loads nothing from a CDN. Its "Try it out" sends real
// requests to the server that serves it.
package apidocs

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed assets
var assets embed.FS

var page = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{{.Title}}</title>
<link rel="stylesheet" href="{{.Prefix}}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{{.Prefix}}/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: {{.Spec}}, dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"});
</script>
</body>
</html>
`))

// Handler serves the reference at prefix (e.g. "/docs": the page at
// /docs and /docs/, its assets below) for the document at specURL (e.g.
// "/openapi.json"). title is the page's title.
func Handler(prefix, specURL, title string) http.Handler {
	prefix = strings.TrimSuffix(prefix, "/")
	sub, _ := fs.Sub(assets, "assets")
	files := http.StripPrefix(prefix, http.FileServer(http.FS(sub)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p == prefix || p == prefix+"/" || p == prefix+"/index.html" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			_ = page.Execute(w, struct{ Title, Prefix, Spec string }{title, prefix, specURL})
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}
