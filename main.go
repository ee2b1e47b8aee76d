// Command handover moves a small law firm's data into Clio Manage.
// With no arguments it opens the desktop app; with a subcommand it runs the
// same engine from the command line (see `handover help`).
package main

import (
	"os"

	"handover/cli"
	"handover/ui/desktop"
)

func main() {
	if len(os.Args) < 2 {
		desktop.Run()
		return
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
