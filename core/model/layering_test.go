package model

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering keeps the arrows of DESIGN.md pointing one way: the engine
// (core/...) and the importers know nothing of the GUI toolkit, and the
// screens (ui) never pull in the OpenGL driver, so they stay testable
// headless. It asks the go tool for the real dependency graph.
func TestLayering(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	deps := func(pkgs ...string) map[string][]string {
		out := map[string][]string{}
		for _, p := range pkgs {
			cmd := exec.Command(goBin, "list", "-deps", "-f", `{{.ImportPath}}`, p)
			b, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go list -deps %s: %v\n%s", p, err, b)
			}
			out[p] = strings.Fields(string(b))
		}
		return out
	}
	for pkg, list := range deps("handover/core/...", "handover/importers/...") {
		for _, d := range list {
			if strings.HasPrefix(d, "fyne.io/") {
				t.Errorf("%s depends on %s: the engine must not know the GUI toolkit", pkg, d)
			}
			if strings.HasPrefix(d, "handover/ui") || strings.HasPrefix(d, "handover/cli") {
				t.Errorf("%s depends on %s: arrows point from ui/cli to the engine, never back", pkg, d)
			}
		}
	}
	// The check itself must be able to fail: the desktop starter does use the driver.
	found := false
	for _, d := range deps("handover/ui/desktop")["handover/ui/desktop"] {
		found = found || d == "fyne.io/fyne/v2/app"
	}
	if !found {
		t.Fatal("the dependency listing did not show ui/desktop using fyne.io/fyne/v2/app: the layering check is blind")
	}
	for _, d := range deps("handover/ui")["handover/ui"] {
		if d == "fyne.io/fyne/v2/app" || strings.Contains(d, "go-gl/") {
			t.Errorf("handover/ui depends on %s: screens must stay testable without the OpenGL driver", d)
		}
	}
}
