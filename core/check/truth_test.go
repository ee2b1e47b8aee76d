package check_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"handover/core/check"
	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/internal/synth"
)

// TestDemoFirmTruth reads the embedded demo firm and asserts that every
// problem internal/synth planted in it is found at its file and row.
func TestDemoFirmTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the whole demo firm")
	}
	dir, _ := filepath.Abs(filepath.Join("..", "..", "assets", "demo"))
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Skipf("no demo firm: %v", err)
	}
	var truth struct {
		Planted    []synth.Planted `json:"planted"`
		Duplicates [][]string      `json:"duplicates"`
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "demo.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := ingest.Run(ctx, ws, []string{dir}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	var clio []resolve.Person
	for _, l := range synth.Lawyers {
		clio = append(clio, resolve.Person{Name: l.First + " " + l.Last, FirstName: l.First, LastName: l.Last, Email: l.Email})
	}
	res, err := check.Run(ctx, ws, check.Options{Country: "US", Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), ClioUsers: clio}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srcs, _ := ws.Sources(ctx)
	rel := map[string]string{} // source name as stored → path relative to the demo folder
	for _, s := range srcs {
		abs, _ := filepath.Abs(s.Path)
		r, err := filepath.Rel(dir, abs)
		if err != nil || strings.HasPrefix(r, "..") {
			r = s.Name
		}
		rel[s.Name] = filepath.ToSlash(r)
	}
	found := map[string][]workspace.StoredFinding{}
	ws.EachFinding(ctx, workspace.FindingFilter{}, func(f workspace.StoredFinding) error {
		k := fmt.Sprintf("%s|%s|%d", f.Rule, rel[f.Source], f.Row)
		found[k] = append(found[k], f)
		return nil
	})
	for _, p := range truth.Planted {
		k := fmt.Sprintf("%s|%s|%d", p.Rule, p.File, p.Row)
		if len(found[k]) == 0 {
			var near []string
			for fk := range found {
				if strings.HasPrefix(fk, p.Rule+"|") && strings.Contains(fk, path.Base(p.File)) {
					near = append(near, fk)
				}
			}
			t.Errorf("planted %s (%s %q: %s) not found; same rule in that file: %v", k, p.Field, p.Value, p.Note, near)
		}
	}
	// Every planted duplicate group is inside one reported cluster.
	cluster := map[string]string{} // file:row → cluster id
	for k, fs := range found {
		if !strings.HasPrefix(k, model.RuleDuplicateContact+"|") {
			continue
		}
		for _, f := range fs {
			if id, ok := f.Detail["cluster"].(string); ok {
				cluster[fmt.Sprintf("%s:%d", rel[f.Source], f.Row)] = id
			}
		}
	}
	for _, g := range truth.Duplicates {
		id := cluster[g[0]]
		for _, m := range g {
			if id == "" || cluster[m] != id {
				t.Errorf("duplicate group %v: %s is in cluster %q", g, m, cluster[m])
			}
		}
	}
	t.Logf("ready=%v findings=%+v clusters=%d", res.Ready, res.Summary.BySeverity, res.Clusters)
}
