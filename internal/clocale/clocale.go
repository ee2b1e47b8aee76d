// Package clocale stops Fyne from logging "Error parsing user locale C" when
// the process runs under a C/POSIX locale with a code set (LANG=C.UTF-8, as
// in CI, cron and containers). Fyne's lang package reads the locale in its
// init, before main runs, and go-locale turns "C.UTF-8" into the tag "C",
// which is not a language. Setting LANGUAGE=en for this process only (the C
// locale makes gettext ignore LANGUAGE, so child processes behave the same)
// gives it a language to read.
//
// It must be initialised before fyne.io/fyne/v2/lang: it imports only os, and
// since Go 1.21 packages initialise in import-path order among those whose
// imports are ready. A test in package main checks that it works.
package clocale

import (
	"os"
	"strings"
)

func init() {
	loc := ""
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(k); loc != "" {
			break
		}
	}
	base, _, _ := strings.Cut(loc, ".")
	if (base == "C" || base == "POSIX") && loc != base && os.Getenv("LANGUAGE") == "" {
		os.Setenv("LANGUAGE", "en")
	}
}
