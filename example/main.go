// Command example serves the topics service of egg's RESTful tutorial on
// teggo: `go run ./example` listens on 127.0.0.1:7001 with an embedded
// SQLite database created under ./run on first start.
//
// Writing needs a login; reading does not. Sign up, log in with a cookie
// jar, write, log out:
//
//	curl -s localhost:7001/api/v2/users -H 'content-type: application/json' -d '{"username":"alice","password":"correct horse"}'
//	curl -s -c jar -b jar localhost:7001/passport/local -d username=alice -d 'password=correct horse'   # 303 to /api/v2/me
//	curl -s -c jar -b jar localhost:7001/api/v2/topics -H 'content-type: application/json' -d '{"title":"hi","content":"first"}'
//	# → {"topic_id":"…"}
//	curl -s -c jar -b jar -XPUT localhost:7001/api/v2/topics/<id> -H 'content-type: application/json' -d '{"title":"hi","content":"second"}'
//	curl -s localhost:7001/api/v2/topics
//	curl -s -c jar -b jar -XPOST localhost:7001/passport/logout
//
// GitHub login is mounted when the config has a passportGithub section
// (key, secret, optional callbackURL) — or when GITHUB_CLIENT_ID and
// GITHUB_CLIENT_SECRET are set, which fill it in: open
// http://127.0.0.1:7001/passport/github in a browser. In prod, set the
// cookie keys in EXAMPLE_KEYS (or keys in config.prod.yaml).
//
// Flags: -addr (listen address), -run (run directory) and -pprof: an
// address such as 127.0.0.1:6060 where net/http/pprof serves profiles of
// the running server (CPU, heap, goroutines, and block and mutex
// profiles, which the flag also turns on). It is off by default: without
// the flag no profile is collected and no profiling port is opened.
//
//	go run ./example -pprof 127.0.0.1:6060 &
//	go tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=5
package main

import (
	"context"
	"embed"
	"flag"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"

	"github.com/teggo/teggo"
	"github.com/teggo/teggo/aop"
	"github.com/teggo/teggo/config"
	"github.com/teggo/teggo/example/advice"
	"github.com/teggo/teggo/example/topic"
	"github.com/teggo/teggo/passport"
)

//go:embed config
var configFS embed.FS

// options assemble the app; the tests start the same app with teggotest.
// Each call makes its own passport (topic.Auth sets its functions): local
// login on POST /passport/local, GitHub where passportGithub is
// configured; a login goes to GET /api/v2/me, or back to the page that
// asked for it.
func options() []teggo.Option {
	p := passport.New[*topic.User]()
	login := passport.Options{SuccessReturnToOrRedirect: "/api/v2/me"}
	return []teggo.Option{
		teggo.Config(config.FS(configFS, "config")),
		teggo.Modules(topic.Module(), advice.Module()),
		teggo.Provide(topic.OpenDB),
		teggo.Provide(topic.OpenReadDB),
		teggo.Provide(topic.NewWriteGate), // creates begin FIFO, not in database/sql's random order
		teggo.Provide(func() *topic.Passport { return p }),
		teggo.Passport(p, login, "local"),
		teggo.PassportIfConfigured(p, login, "github"),
		// Log every call of the topic service.
		teggo.Register(aop.Crosscut(new(advice.LogAdvice), aop.ForRegexp("^Service$", ".*"))),
	}
}

func main() {
	addr := flag.String("addr", "", "listen address (default: the config's http.addr)")
	run := flag.String("run", "", "run directory, where the database lives (default: ./run)")
	pprofAddr := flag.String("pprof", "", "serve net/http/pprof on this address, with block and mutex profiling on (default: off)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	slog.SetDefault(log) // passport's lines too
	if *pprofAddr != "" {
		servePprof(*pprofAddr, log)
	}
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

// servePprof serves net/http/pprof on addr, on a mux of its own (the
// app's routes stay apart), and turns on the block profile (on average one
// blocking event sampled per 10 µs spent blocked) and the mutex profile (1
// contention event in 10).
func servePprof(addr string, log *slog.Logger) {
	runtime.SetBlockProfileRate(10_000)
	runtime.SetMutexProfileFraction(10)
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	go func() {
		if err := http.ListenAndServe(addr, mux); err != nil {
			log.Error("example: pprof server stopped", "addr", addr, "err", err)
		}
	}()
}
