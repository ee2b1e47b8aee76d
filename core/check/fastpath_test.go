package check

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"handover/core/clean"
	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/internal/synth"
)

// TestFastPathMatchesPlainPath checks a generated firm twice — the plain way
// (one goroutine, every duplicate link stored) and the fast way (records
// read and decoded ahead of the rules, duplicate detection and the counts
// beside them, repeated duplicate links skipped) — and requires the same
// result and the same findings, folded ones included, field for field and
// in the same order.
func TestFastPathMatchesPlainPath(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and reads a firm")
	}
	ctx := context.Background()
	ws := generatedFirm(t)
	clio := clioUsers("Helen Lane <helen@example.com>")
	for _, l := range synth.Lawyers[:2] {
		clio = append(clio, resolve.Person{FirstName: l.First, LastName: l.Last, Email: l.Email})
	}
	for _, opts := range []Options{
		{Country: "US", Now: now},
		{Country: "US", Now: now, ClioUsers: clio, MaxBlock: 4}, // the five copies are too many to compare
	} {
		plain := opts
		plain.plain = true
		wantRes, err := Run(ctx, ws, plain, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := findingRows(t, ws.DB())
		gotRes, err := Run(ctx, ws, opts, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := findingRows(t, ws.DB())
		if !reflect.DeepEqual(gotRes, wantRes) {
			t.Errorf("MaxBlock %d: result\n%+v\nwant (plain)\n%+v", opts.MaxBlock, gotRes, wantRes)
		}
		for i := 0; i < max(len(got), len(want)); i++ {
			if i >= len(got) || i >= len(want) || got[i] != want[i] {
				g, w := "(none)", "(none)"
				if i < len(got) {
					g = got[i]
				}
				if i < len(want) {
					w = want[i]
				}
				t.Fatalf("MaxBlock %d: finding %d of %d (plain: %d) is\n%s\nwant\n%s", opts.MaxBlock, i, len(got), len(want), g, w)
			}
		}
		// the comparison means something only if the firm exercises the paths
		kinds := map[string]int{}
		for _, f := range want {
			kinds[strings.SplitN(f, "\t", 3)[1]]++
			if strings.HasPrefix(f, "check-folded\t") {
				kinds["folded"]++
			}
		}
		for _, k := range []string{model.RuleDuplicateContact, model.RuleOrphanMatter, model.RuleUserUnmatched, "folded"} {
			if kinds[k] == 0 {
				t.Errorf("MaxBlock %d: the firm has no %s finding to compare (%v)", opts.MaxBlock, k, kinds)
			}
		}
		if opts.MaxBlock == 4 && !slicesContainsPrefix(want, "check\t"+model.RuleDuplicateContact+"\tinfo\t") {
			t.Errorf("MaxBlock 4: no block was too large to compare")
		}
		t.Logf("MaxBlock %d: %d findings, %d duplicate clusters, the same both ways: %v", opts.MaxBlock, len(want), wantRes.Clusters, kinds)
	}
}

// generatedFirm is a synthetic firm read into a project, with look-alike
// contacts in larger groups than the generator makes at this size and a
// little cleaning (a merge, an exclusion).
func generatedFirm(t *testing.T) *workspace.Workspace {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	firm := filepath.Join(dir, "firm")
	if _, err := synth.Generate(firm, synth.Options{Seed: 5, Contacts: 400}); err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Create(filepath.Join(dir, "p.handover"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	if _, err := ingest.Run(ctx, ws, []string{firm}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	// Look-alikes in larger groups than the generator makes at this size:
	// five copies of one person (one block whose ten pairs give the same
	// reasons) and four variants of another sharing a phone number.
	st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: filepath.Join(dir, "lookalikes.csv"), Name: "lookalikes.csv", Format: "csv", System: "PCLaw"})
	if err != nil {
		t.Fatal(err)
	}
	alike := []*model.Contact{}
	for range 5 {
		alike = append(alike, person("Ann", "Lee", []string{"ann.lee@example.com"}))
	}
	for _, f := range []string{"Robert", "Bob", "Rob", "Robert J."} {
		alike = append(alike, person(f, "Marsh", nil, "(212) 555-0188"))
	}
	for i, c := range alike {
		if err := st.Stage(ctx, workspace.Row{Num: int64(i + 2), Raw: []string{fmt.Sprint(i)},
			Records: []model.Record{{Entity: model.Contacts, Key: fmt.Sprintf("lookalike:%d", i), Data: c}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// Some cleaning, so that merged and left-out records are in the project:
	// references to a merged contact resolve to its survivor, a left-out
	// one's do not.
	var contacts []string
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(r workspace.StoredRecord) error {
		contacts = append(contacts, r.Key)
		return nil
	})
	if len(contacts) < 10 {
		t.Fatalf("only %d contacts generated", len(contacts))
	}
	rec := clean.Open(ws, "US")
	for _, op := range []clean.Op{
		{Kind: clean.Merge, Entity: model.Contacts, Targets: contacts[2:4]},
		{Kind: clean.Exclude, Entity: model.Contacts, Targets: contacts[5:6], Note: "test"},
	} {
		if _, err := rec.Add(ctx, op); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

// findingRows is every finding in the project, folded ones too, in the
// order written: all its columns but the id, tab-separated.
func findingRows(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT origin, rule, severity, entity, record_key, coalesce(row_id, 0), source, row_no, field, value,
		message, fix, detail FROM findings ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	cols := make([]string, 13)
	dest := make([]any, len(cols))
	for i := range cols {
		dest[i] = &cols[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join(cols, "\t"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func slicesContainsPrefix(xs []string, prefix string) bool {
	for _, x := range xs {
		if strings.HasPrefix(x, prefix) {
			return true
		}
	}
	return false
}

// TestCancelledCheckKeepsThePreviousFindings stops the check in the middle
// of the records (duplicate detection comparing beside them) and while it
// writes the duplicates: it says it was cancelled, the previous findings
// stay as they were, and none of its goroutines is left running.
func TestCancelledCheckKeepsThePreviousFindings(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and reads a firm")
	}
	ws := generatedFirm(t)
	opts := Options{Country: "US", Now: now}
	if _, err := Run(context.Background(), ws, opts, nil); err != nil {
		t.Fatal(err)
	}
	want := findingRows(t, ws.DB())
	before := runtime.NumGoroutine()
	for _, at := range []string{string(model.Matters), string(model.TimeEntries), "duplicates"} {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := Run(ctx, ws, opts, func(stage string, done, total int64) {
			if stage == at {
				cancel()
			}
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled at %s: error %v, want context.Canceled", at, err)
		}
		if got := findingRows(t, ws.DB()); !reflect.DeepEqual(got, want) {
			t.Errorf("cancelled at %s: the findings changed (%d, were %d)", at, len(got), len(want))
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left running (were %d):\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
