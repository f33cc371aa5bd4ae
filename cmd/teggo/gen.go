package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/teggo/teggo/internal/gen"
)

func init() {
	register(&command{name: "gen", summary: "generate zz_teggo.go (Module, proxies, declarations) for packages", run: runGen})
}

// runGen is `teggo gen [-v] [-check] [packages]`.
func runGen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("teggo gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "print the files written or removed")
	check := fs.Bool("check", false, "write nothing; list the out-of-date files and exit 1 if there are any")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: teggo gen [-v] [-check] [packages]\n\n"+
			"Generates zz_teggo.go in every package (default ./...) that declares protos:\n"+
			"its Module, a typed proxy per proto, and the declarations of its //teggo: directives.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "teggo gen: %v\n", err)
		return 1
	}
	files, err := gen.Generate(gen.Config{Dir: cwd, Patterns: fs.Args()})
	if err != nil {
		var list gen.ErrorList
		if errors.As(err, &list) {
			fmt.Fprintln(stderr, list.Relative(cwd).Error())
		} else {
			fmt.Fprintf(stderr, "teggo gen: %v\n", err)
		}
		return 1
	}
	if *check {
		stale, err := gen.Stale(files)
		if err != nil {
			fmt.Fprintf(stderr, "teggo gen: %v\n", err)
			return 1
		}
		for _, f := range stale {
			fmt.Fprintf(stderr, "%s: out of date: run teggo gen\n", rel(cwd, f))
		}
		if len(stale) > 0 {
			return 1
		}
		return 0
	}
	changed, err := gen.Write(files)
	if *verbose {
		for _, f := range changed {
			fmt.Fprintln(stdout, rel(cwd, f))
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "teggo gen: %v\n", err)
		return 1
	}
	return 0
}

func rel(dir, file string) string {
	if r, err := filepath.Rel(dir, file); err == nil {
		return r
	}
	return file
}
