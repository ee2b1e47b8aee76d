package ui

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/importers/mapping"
)

// The Mapping screen shows, per column, how its values are read and why, and
// asks about a column whose values leave it open; the answer is remembered
// and the file read again with it.
func TestMappingShowsEvidenceAndAsks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	csv := "Task,Due Date,Status,Assigned To,created_at\n" +
		"Call the court,1710460800,1,HL,1710498600\n" +
		"Draft the letter,1710547200,0,HL,1710498600\n" +
		"File the answer,1712000000,1,DK,1710498600\n"
	path := filepath.Join(dir, "todo.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Create(filepath.Join(dir, "firm.handover"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, ws, []string{path}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1280, 800))
	u := New(a, w)
	t.Cleanup(func() { u.Close(); u.WaitClosed() })
	u.OpenProject(ws)
	u.Show(StepMapping)
	u.Settle()
	m := u.Screen(StepMapping).(*mappingScreen)
	if !m.SelectTable("todo.csv") {
		t.Fatal("todo.csv is not on the Mapping screen")
	}
	var tab mapTable
	evidence := map[string]string{}
	for _, x := range m.Tables() {
		if x.Source.Name == "todo.csv" {
			tab = x
			for _, c := range x.Table.Columns {
				evidence[c.Header] = evidenceText(c)
			}
		}
	}
	if !strings.Contains(evidence["Due Date"], "Unix time in seconds") || !strings.Contains(evidence["created_at"], "Unix time") {
		t.Errorf("evidence %q", evidence)
	}
	if !strings.Contains(rendered(m.rows), "Values: all 3 values are numbers 1.710e9–1.712e9: Unix time in seconds") {
		t.Errorf("the screen does not show the evidence: %q", rendered(m.rows))
	}
	sel := m.Readings["Status"]
	if sel == nil || len(sel.Options) != 2 {
		t.Fatalf("no question for the 0/1 Status column: %v", m.Readings)
	}
	if shot := os.Getenv("HANDOVER_MAPPING_SHOT"); shot != "" {
		f, err := os.Create(shot)
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, u.Win.Canvas().Capture())
		f.Close()
	}
	m.SetReading(tab, "Status", mapping.ReadFlagInverse).Wait()
	mem, _ := ws.Remembered(ctx)
	if k, v := mapping.ReadingMemory("Status", mapping.ReadFlagInverse); mem[k] != v {
		t.Errorf("answer not remembered: %v", mem)
	}
	u.Settle()
	m.SelectTable("todo.csv")
	if m.Readings["Status"] != nil || !strings.Contains(rendered(m.rows), "your choice: yes = open / pending") {
		t.Errorf("answered question still asked: %q", rendered(m.rows))
	}
}

// rendered is the text of every label under o.
func rendered(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		}
	}
	walk(o)
	return b.String()
}
