// Command httpbench serves the two apps of the HTTP benchmarks on loopback
// for wrk: the teggo app and the plain echo v4 app doing the same by hand
// (package apps). bench/wrk.sh starts it.
//
//	go run ./cmd/httpbench -teggo 127.0.0.1:18081 -echo 127.0.0.1:18082
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/teggo/teggo/bench/cmd/httpbench/apps"
)

func main() {
	teggoAddr := flag.String("teggo", "127.0.0.1:18081", "loopback address of the teggo app")
	echoAddr := flag.String("echo", "127.0.0.1:18082", "loopback address of the plain echo app")
	flag.Parse()
	for _, a := range []string{*teggoAddr, *echoAddr} {
		host, _, err := net.SplitHostPort(a)
		if err != nil || !net.ParseIP(host).IsLoopback() {
			log.Fatalf("httpbench serves on loopback only, not %q", a)
		}
	}
	th, err := apps.Teggo(slog.New(slog.DiscardHandler))
	if err != nil {
		log.Fatal(err)
	}
	servers := []*http.Server{
		{Addr: *teggoAddr, Handler: th, ReadHeaderTimeout: 5 * time.Second},
		{Addr: *echoAddr, Handler: apps.Echo(), ReadHeaderTimeout: 5 * time.Second},
	}
	for _, s := range servers {
		go func() {
			if err := s.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Fatal(err)
			}
		}()
	}
	log.Printf("teggo on %s, echo on %s", *teggoAddr, *echoAddr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range servers {
		_ = s.Shutdown(sctx)
	}
}
