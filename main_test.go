package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Under a C locale with a code set (LANG=C.UTF-8: CI, cron, containers) the
// command line prints only its own output: Fyne, linked for the desktop app,
// must not log "Error parsing user locale C" at start-up.
func TestCommandLineQuietUnderCLocale(t *testing.T) {
	bin := os.Getenv("HANDOVER_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "handover")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	for _, lang := range []string{"C.UTF-8", "POSIX.UTF-8", "C"} {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, "version")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=" + lang}
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("LANG=%s handover version: %v\n%s", lang, err, stderr.String())
		}
		if stdout.Len() == 0 {
			t.Errorf("LANG=%s: no output", lang)
		}
		if stderr.Len() != 0 {
			t.Errorf("LANG=%s: the command printed more than its own output:\n%s", lang, stderr.String())
		}
	}
}
