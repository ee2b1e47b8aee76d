// Package cli is Handover's command line: the same engine as the desktop app.
package cli

import (
	"fmt"
	"io"
)

// Version is stamped at build time (-ldflags "-X handover/cli.Version=...").
var Version = "dev"

// Main runs one command and returns the process exit code:
// 0 success, 1 the work failed, 2 usage.
func Main(args []string, stdout, stderr io.Writer) int {
	switch args[0] {
	case "--version", "version":
		fmt.Fprintf(stdout, "handover %s\n", Version)
		return 0
	}
	fmt.Fprintf(stderr, "handover: unknown command %q (try 'handover help')\n", args[0])
	return 2
}
