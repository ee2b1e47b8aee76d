// Package cli is Handover's command line: the same engine as the desktop app,
// for scripted or assisted migrations and for tests.
//
// Exit codes: 0 success; 1 the work failed (stderr says what and what to do);
// 2 usage. Every command that takes --json prints exactly one JSON object on
// stdout.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Version is stamped at build time (-ldflags "-X handover/cli.Version=...").
var Version = "dev"

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string
	run     func(env *env, args []string) error
}

// env is what a command runs with.
type env struct {
	stdout, stderr io.Writer
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// usageError makes Main exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// helpRequest is -h/--help on a command: help is not an error, so Main prints
// the usage and the options on stdout and exits 0.
type helpRequest struct{ options string }

func (helpRequest) Error() string { return "help requested" }

// Main runs one command and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printHelp(stderr)
		return 2
	}
	switch args[0] {
	case "--version", "-version", "version":
		fmt.Fprintf(stdout, "handover %s\n", Version)
		return 0
	case "help", "-h", "--help", "-help":
		printHelp(stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "handover: unknown command %q\n\n", args[0])
		printHelp(stderr)
		return 2
	}
	err := c.run(&env{stdout: stdout, stderr: stderr}, args[1:])
	if err == nil {
		return 0
	}
	var help helpRequest
	if errors.As(err, &help) || errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "usage: handover %s\n", c.usage)
		if help.options != "" {
			fmt.Fprintf(stdout, "\noptions:\n%s", help.options)
		}
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "handover %s: %s\n", c.name, ue.msg)
		fmt.Fprintf(stderr, "usage: handover %s\n", c.usage)
		return 2
	}
	fmt.Fprintf(stderr, "handover %s: %s\n", c.name, err)
	return 1
}

func printHelp(w io.Writer) {
	fmt.Fprintf(w, "Handover %s moves a law firm's data from its old system into Clio Manage.\n", Version)
	fmt.Fprintln(w, "Run it without arguments to open the desktop app. Commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\n'handover COMMAND -h' shows a command's options. Exit codes: 0 done, 1 failed, 2 usage.")
}

// parse parses flags that may come before, between or after the positional
// arguments (`ingest -w x.handover file.csv --json`), which the standard flag
// package alone does not allow.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // fs.Parse reports it
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	if err := fs.Parse(flags); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			var b strings.Builder
			fs.SetOutput(&b)
			fs.PrintDefaults()
			return nil, helpRequest{options: b.String()}
		}
		return nil, usageError{err.Error()}
	}
	return positional, nil
}

// printJSON writes v as one indented JSON object.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// isTerminal reports whether f is an interactive terminal (for progress lines).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func bgctx() context.Context { return context.Background() }
