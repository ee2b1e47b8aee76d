package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/importers/relational/reltest"
)

// questionApp opens a project holding a database with one column that may
// point at matters or at clients, on the Mapping screen.
func questionApp(t *testing.T) (*App, *mappingScreen) {
	t.Helper()
	ctx := context.Background()
	a := test.NewTempApp(t)
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1180, 760))
	u := New(a, w)
	t.Cleanup(func() {
		u.Close()
		u.WaitClosed()
	})
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "q.handover"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, ws, []string{reltest.QuestionDB(t, t.TempDir())}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	u.OpenProject(ws)
	u.Settle()
	u.Show(StepMapping)
	u.Settle()
	m := u.Screen(StepMapping).(*mappingScreen)
	for i, tab := range m.Tables() {
		if tab.Table.Name == "tblFileNotes" {
			m.showTable(i)
		}
	}
	return u, m
}

func TestMappingAsksWhichRecordsALinkPointsTo(t *testing.T) {
	u, m := questionApp(t)
	answers := m.Asked.Buttons["RefID"]
	if len(answers) < 3 {
		t.Fatalf("answers for RefID: %d buttons, want the matter, the contact and 'keep as text'", len(answers))
	}
	var matter *struct{ i int }
	for i, b := range answers {
		if strings.Contains(b.Text, "matter") {
			matter = &struct{ i int }{i}
		}
	}
	if matter == nil {
		t.Fatalf("no answer names the matter: %v", answers)
	}
	test.Tap(answers[matter.i])
	if m.Asked.Pending == nil {
		t.Fatal("the answer started no reading")
	}
	m.Asked.Pending.Wait()
	u.Settle()
	notes := 0
	u.Project().EachRecord(context.Background(), workspace.RecordFilter{Entity: model.Notes}, func(r workspace.StoredRecord) error {
		if n := r.Data.(*model.Note); n.Matter.Kind == "number" && strings.Contains(n.Matter.Value, "-0") {
			notes++
		}
		return nil
	})
	if notes != 12 {
		t.Errorf("%d notes linked to a matter number after the answer, want 12", notes)
	}
	for _, tab := range m.Tables() {
		if len(tab.Table.Questions) > 0 {
			t.Errorf("%s still asks %+v", tab.Table.Name, tab.Table.Questions)
		}
	}
}
