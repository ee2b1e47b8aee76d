// Command handover moves a small law firm's data into Clio Manage.
// With no arguments it opens the desktop app; with a subcommand it runs the
// same engine from the command line (see `handover help`).
package main

import (
	"os"
	"strings"

	_ "handover/internal/clocale" // before Fyne reads the locale

	"handover/cli"
	"handover/ui/desktop"
)

func main() {
	// No arguments, or only a project file (double-click): the desktop app.
	if len(os.Args) < 2 || (len(os.Args) == 2 && strings.HasSuffix(os.Args[1], ".handover")) {
		desktop.Run(os.Args[1:]...)
		return
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
