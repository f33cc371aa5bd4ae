// Command teggo is teggo's command-line tool.
//
//	teggo gen [-v] [-check] [packages]   generate zz_teggo.go files (default ./...)
//	teggo graph [-o f.dot] [-svg f.svg] [packages]   draw the container graph (DOT, SVG with Graphviz)
//	teggo routes [packages]   list the HTTP routes
//
// Each subcommand lives in its own file and registers itself with
// register in an init function.
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// command is one subcommand.
type command struct {
	name    string
	summary string // one line for the usage
	// run runs the command with the arguments after its name and returns
	// the exit code.
	run func(args []string, stdout, stderr io.Writer) int
}

var commands []*command

// register adds a subcommand; call it from an init function.
func register(c *command) { commands = append(commands, c) }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run dispatches to the subcommand named by args[0].
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "teggo: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	cs := slices.Clone(commands)
	slices.SortFunc(cs, func(a, b *command) int { return strings.Compare(a.name, b.name) })
	fmt.Fprintf(w, "usage: teggo <command> [arguments]\n\ncommands:\n")
	for _, c := range cs {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun teggo <command> -h for the arguments of a command.\n")
}
