// Command handover moves a small law firm's data into Clio Manage.
// With no arguments it opens the desktop app; with a subcommand it runs the
// same engine from the command line (see `handover help`).
package main

import (
	"os"
	"runtime/debug"
	"strings"

	_ "handover/internal/clocale" // before Fyne reads the locale

	"handover/cli"
	"handover/ui/desktop"
)

// Soft ceilings on the Go runtime's memory, where the garbage collector starts
// working harder instead of letting the heap grow to twice its live data. A
// 1M-record package's live heap peaks near 50 MB, but with the default GOGC
// the process reached 190 MB, close to the 200 MB a 4 GB office PC can spare
// (issue #18); at 96 MiB it peaked at 167 MB in the same CPU time (the rest
// is SQLite's own memory and the program's code). A soft limit never fails an
// allocation: above it the collector only runs more often, at most half the
// CPU. The app holds its windows' data besides the engine's, so more room.
const (
	cliMemoryLimit = 96 << 20
	appMemoryLimit = 192 << 20
)

// limitMemory sets the soft limit unless the user set GOMEMLIMIT, which wins.
func limitMemory(bytes int64) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(bytes)
	}
}

func main() {
	// No arguments, or only a project file (double-click): the desktop app.
	if len(os.Args) < 2 || (len(os.Args) == 2 && strings.HasSuffix(os.Args[1], ".handover")) {
		limitMemory(appMemoryLimit)
		desktop.Run(os.Args[1:]...)
		return
	}
	limitMemory(cliMemoryLimit)
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
