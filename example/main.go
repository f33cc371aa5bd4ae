// Command example serves the topics service of egg's RESTful tutorial on
// teggo: `go run ./example` listens on 127.0.0.1:7001 with an embedded
// SQLite database created under ./run on first start.
//
//	curl -s -XPOST localhost:7001/api/v2/topics -d '{"accesstoken":"t","title":"hi","content":"first"}' -H 'content-type: application/json'
//	# → {"topic_id":"…","edit_token":"…"}: keep the edit token, it is shown once
//	curl -s -XPUT localhost:7001/api/v2/topics/<id> -H 'authorization: Bearer <edit token>' -d '{"title":"hi","content":"second"}' -H 'content-type: application/json'
//	curl -s localhost:7001/api/v2/topics
package main

import (
	"context"
	"embed"
	"flag"
	"log/slog"
	"os"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/example/advice"
	"github.com/teggo/teggo/example/topic"
)

//go:embed config
var configFS embed.FS

// options assemble the app; the tests start the same app with teggotest.
func options() []teggo.Option {
	return []teggo.Option{
		teggo.Config(config.FS(configFS, "config")),
		teggo.Modules(topic.Module(), advice.Module()),
		teggo.Provide(topic.OpenDB),
		teggo.Provide(topic.OpenReadDB),
		// Log every call of the topic service.
		teggo.Register(aop.Crosscut(new(advice.LogAdvice), aop.ForRegexp("^Service$", ".*"))),
	}
}

func main() {
	addr := flag.String("addr", "", "listen address (default: the config's http.addr)")
	run := flag.String("run", "", "run directory, where the database lives (default: ./run)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	opts := append(options(), teggo.Logger(log))
	if *addr != "" {
		opts = append(opts, teggo.Addr(*addr))
	}
	if *run != "" {
		opts = append(opts, teggo.RunDir(*run))
	}
	app := teggo.New(opts...)
	if err := app.Run(context.Background()); err != nil {
		log.Error("example: stopped with an error", "err", err)
		os.Exit(1)
	}
}
