package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
	"handover/importers/mapping"
	"handover/importers/relational/reltest"
	"handover/internal/synth"
)

// legacyID is the id part of a record key ("<profile>:<entity>:<id>").
func legacyID(key string) string {
	parts := strings.SplitN(key, ":", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

type staged struct {
	contacts map[string]bool // legacy ids
	matters  map[string]*model.Matter
	notes    []*model.Note
	times    []*model.TimeEntry
	tasks    []*model.Task
	parties  []*model.Relationship
	left     []workspace.OutcomeRow
	findings []workspace.StoredFinding
	rows     int64
	resolver *resolve.Resolver // the one resolver check, package and upload use
}

// found: ref resolves to exactly one matter (kind "matter") or contact.
func (s staged) found(kind string, ref model.Ref) bool {
	if kind == "matter" {
		return s.resolver.Matter(ref).Status == resolve.Found
	}
	return s.resolver.Contact(ref).Status == resolve.Found
}

// ingestDB reads each path in its own run, in order, into one new project.
func ingestDB(t *testing.T, paths ...string) staged {
	t.Helper()
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "r.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	s := staged{contacts: map[string]bool{}, matters: map[string]*model.Matter{}}
	for _, path := range paths {
		res, err := Run(ctx, ws, []string{path}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, sr := range res.Sources {
			if sr.Rows != sr.Records+sr.Excluded+sr.Rejected {
				t.Errorf("%s: %d rows but %d records + %d excluded + %d rejected", sr.Path, sr.Rows, sr.Records, sr.Excluded, sr.Rejected)
			}
			s.rows += sr.Rows
		}
	}
	err = ws.EachRecord(ctx, workspace.RecordFilter{}, func(r workspace.StoredRecord) error {
		switch d := r.Data.(type) {
		case *model.Contact:
			s.contacts[legacyID(r.Key)] = true
		case *model.Matter:
			s.matters[d.DisplayNumber] = d
		case *model.Note:
			s.notes = append(s.notes, d)
		case *model.TimeEntry:
			s.times = append(s.times, d)
		case *model.Task:
			s.tasks = append(s.tasks, d)
		case *model.Relationship:
			s.parties = append(s.parties, d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.EachLeftOut(ctx, func(o workspace.OutcomeRow) error { s.left = append(s.left, o); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := ws.EachFinding(ctx, workspace.FindingFilter{}, func(f workspace.StoredFinding) error { s.findings = append(s.findings, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if s.resolver, err = resolve.Build(ctx, ws); err != nil {
		t.Fatal(err)
	}
	return s
}

// warned is the message of the first finding of rule on source, or "".
func (s staged) warned(source, rule string) string {
	for _, f := range s.findings {
		if f.Rule == rule && strings.EqualFold(filepath.Base(f.Source), source) {
			return f.Message
		}
	}
	return ""
}

// An in-house case database nobody wrote a profile for: every table typed
// from its links and values, every foreign key followed into the parent's
// reference form, the lookups decoded and left out with their reason.
func TestCaseDatabaseLinksFollowed(t *testing.T) {
	s := ingestDB(t, reltest.CaseDB(t, t.TempDir()))
	f := reltest.Firm
	if want := int64(f.Staff + f.Statuses + f.Clients + f.Matters + f.Memos + f.Times + f.Todos); s.rows != want {
		t.Fatalf("%d rows accounted, want %d", s.rows, want)
	}
	staffNames := map[string]bool{"Jane Smith": true, "Raj Kumar": true, "Ana Morales": true, "Tom Walsh": true}
	lookups := 0
	for _, o := range s.left {
		if o.Outcome == "excluded" && o.Reason == string(model.NotMigratable) {
			lookups++
			if o.Detail == "" {
				t.Errorf("lookup row %s/%d excluded without a reason", o.Locator, o.Row)
			}
		}
	}
	if lookups != f.Staff+f.Statuses {
		t.Errorf("%d lookup rows excluded, want %d (staff and status codes)", lookups, f.Staff+f.Statuses)
	}
	if len(s.contacts) < f.Clients || len(s.matters) != f.Matters {
		t.Fatalf("%d contacts and %d matters staged, want %d and %d", len(s.contacts), len(s.matters), f.Clients, f.Matters)
	}
	for i := 1; i <= f.Matters; i++ {
		m := s.matters[reltest.MatterNo(i)]
		if m == nil {
			t.Fatalf("matter %s missing: matters are keyed by their number, not their id", reltest.MatterNo(i))
		}
		if m.Client.Kind != "id" || !s.contacts[m.Client.Value] || !s.found("contact", m.Client) {
			t.Errorf("matter %s: client %+v does not resolve to a staged contact", m.DisplayNumber, m.Client)
		}
		if m.Status != "Open" && m.Status != "Closed" && m.Status != "Pending" {
			t.Errorf("matter %s: status %q was not decoded from the status table", m.DisplayNumber, m.Status)
		}
		if !staffNames[m.ResponsibleAttorney] {
			t.Errorf("matter %s: responsible attorney %q was not decoded from the staff table", m.DisplayNumber, m.ResponsibleAttorney)
		}
		for k := range m.CustomFields {
			if k == "ClientID" || k == "StatusCode" || k == "RespAtty" {
				t.Errorf("matter %s: link column %s kept as a custom field", m.DisplayNumber, k)
			}
		}
	}
	if len(s.times) != f.Times || len(s.tasks) != f.Todos {
		t.Fatalf("%d time entries and %d tasks, want %d and %d", len(s.times), len(s.tasks), f.Times, f.Todos)
	}
	for _, te := range s.times {
		if te.Matter.Kind != "number" || s.matters[te.Matter.Value] == nil || !s.found("matter", te.Matter) || !staffNames[te.User] {
			t.Errorf("time entry %+v: matter or user not resolved", te)
		}
		if strings.Contains(te.Note, "MatterNo") {
			t.Errorf("time entry note holds the link: %q", te.Note)
		}
	}
	for _, tk := range s.tasks {
		if !s.found("matter", tk.Matter) || !staffNames[tk.Assignee] || strings.Contains(tk.Description, "MatterID") {
			t.Errorf("task %+v: matter or assignee not resolved", tk)
		}
		if tk.Status != "complete" && tk.Status != "pending" {
			t.Errorf("task %q: the 0/1 done flag became status %q", tk.Name, tk.Status)
		}
	}
	// tblMemo's dates are Unix seconds: read as dates, no row rejected
	for _, n := range s.notes {
		if n.Type != "Matter" || !s.found("matter", n.Matter) || !staffNames[n.Author] || n.Date < "2020" {
			t.Errorf("note %+v: matter, author or date not resolved", n)
		}
	}
	for _, o := range s.left {
		if o.Outcome == "rejected" {
			t.Errorf("row %s/%d rejected: %s", o.Locator, o.Row, o.Reason)
		}
	}
	if len(s.notes) != f.Memos {
		t.Errorf("%d notes, want %d", len(s.notes), f.Memos)
	}
}

func TestSnakeCaseDatabaseLinksFollowed(t *testing.T) {
	s := ingestDB(t, reltest.SnakeDB(t, t.TempDir()))
	if len(s.contacts) != 10 || len(s.matters) != 8 || len(s.notes) != 16 {
		t.Fatalf("%d contacts, %d matters, %d notes; want 10, 8, 16", len(s.contacts), len(s.matters), len(s.notes))
	}
	for _, m := range s.matters {
		if m.Client.Kind != "id" || !s.found("contact", m.Client) {
			t.Errorf("matter %s: person_id not followed to a contact (%+v)", m.DisplayNumber, m.Client)
		}
	}
	for _, n := range s.notes {
		if s.matters[n.Matter.Value] == nil || !s.found("matter", n.Matter) {
			t.Errorf("note's matter_id not decoded to a matter number: %+v", n.Matter)
		}
	}
	// matter_person: a matter, a person and a role — related contacts
	if len(s.parties) != 16 {
		t.Fatalf("%d related contacts, want 16", len(s.parties))
	}
	for _, r := range s.parties {
		if !s.found("matter", r.Matter) || r.Contact.Kind != "id" || !s.found("contact", r.Contact) || r.Description == "" {
			t.Errorf("related contact %+v: matter, contact or role lost", r)
		}
	}
}

// A time-entry workbook beside the matters file it refers to: its "Case No."
// column holds the matters' numbers, so it is each entry's matter link —
// decided by its values, not folded into the entry's note.
func TestFlatFileCaseNumberIsTheMatterLink(t *testing.T) {
	// "Case No." the mapping knows by name; the others only the values tell.
	for _, header := range []string{"Case No.", "File Ref", "Job", "Akte"} {
		t.Run(header, func(t *testing.T) { flatCaseNumber(t, header, false) })
	}
	// the matters read earlier from another folder: the project's numbers decide
	t.Run("matters already in the project", func(t *testing.T) { flatCaseNumber(t, "Job", true) })
	// an old-format .xls workbook is read together with its folder like an .xlsx
	t.Run("xls workbook", func(t *testing.T) { flatCaseNumberXLS(t, "Job") })
}

// flatCaseNumberXLS is flatCaseNumber's time sheet saved as .xls (BIFF8,
// written with python3-xlwt as the tabular package's tests write them).
func flatCaseNumberXLS(t *testing.T, header string) {
	py := ""
	for _, c := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(c, "-c", "import xlwt").Run() == nil {
			py = c
			break
		}
	}
	if py == "" {
		t.Skip("python3-xlwt is not installed (apt-get install python3-xlwt)")
	}
	dir := t.TempDir()
	var matters strings.Builder
	matters.WriteString("Matter Number,Client Name,Description,Opened\r\n")
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&matters, "%s,Client %c,Matter %d,2024-01-%02d\r\n", reltest.MatterNo(i), 'A'+i, i, i)
	}
	write(t, filepath.Join(dir, "matters.csv"), []byte(matters.String()))
	cells := [][5]any{}
	for c, h := range []string{"Date", header, "Hours", "Work done", "Timekeeper"} {
		cells = append(cells, [5]any{0, c, "s", h, ""})
	}
	for i := 1; i <= 12; i++ {
		cells = append(cells, [5]any{i, 0, "s", fmt.Sprintf("2024-02-%02d", i), ""}, [5]any{i, 1, "s", reltest.MatterNo(i%6 + 1), ""},
			[5]any{i, 2, "n", 0.5 * float64(i%4+1), ""}, [5]any{i, 3, "s", "Research", ""}, [5]any{i, 4, "s", "JS", ""})
	}
	spec, err := json.Marshal(map[string]any{"sheets": []any{map[string]any{"name": "Time", "cells": cells}}})
	if err != nil {
		t.Fatal(err)
	}
	sp := filepath.Join(t.TempDir(), "spec.json")
	write(t, sp, spec)
	if out, err := exec.Command(py, filepath.Join("..", "tabular", "testdata", "xls", "write_xls.py"), sp, filepath.Join(dir, "billing.xls")).CombinedOutput(); err != nil {
		t.Fatalf("write_xls.py: %v\n%s", err, out)
	}
	s := ingestDB(t, dir)
	if len(s.matters) != 6 || len(s.times) != 12 {
		t.Fatalf("%d matters, %d time entries; want 6, 12", len(s.matters), len(s.times))
	}
	for _, te := range s.times {
		if te.Matter.Kind != "number" || !s.found("matter", te.Matter) {
			t.Errorf("time entry's matter %+v does not resolve to one of the matters", te.Matter)
		}
	}
}

func flatCaseNumber(t *testing.T, header string, apart bool) {
	dir := t.TempDir()
	timeDir := dir
	if apart {
		timeDir = t.TempDir()
	}
	var matters strings.Builder
	matters.WriteString("Matter Number,Client Name,Description,Opened\r\n")
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&matters, "%s,Client %c,Matter %d,2024-01-%02d\r\n", reltest.MatterNo(i), 'A'+i, i, i)
	}
	write(t, filepath.Join(dir, "matters.csv"), []byte(matters.String()))
	xf := excelize.NewFile()
	xf.SetSheetRow("Sheet1", "A1", &[]any{"Date", header, "Hours", "Work done", "Timekeeper"})
	for i := 1; i <= 12; i++ {
		xf.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &[]any{fmt.Sprintf("2024-02-%02d", i), reltest.MatterNo(i%6 + 1), 0.5 * float64(i%4+1), "Research", "JS"})
	}
	if err := xf.SaveAs(filepath.Join(timeDir, "billing.xlsx")); err != nil {
		t.Fatal(err)
	}
	paths := []string{dir}
	if apart {
		paths = append(paths, timeDir)
	}
	s := ingestDB(t, paths...)
	if len(s.matters) != 6 || len(s.times) != 12 {
		t.Fatalf("%d matters, %d time entries; want 6, 12", len(s.matters), len(s.times))
	}
	for _, te := range s.times {
		if te.Matter.Kind != "number" || !s.found("matter", te.Matter) {
			t.Errorf("time entry's matter %+v does not resolve to one of the matters", te.Matter)
		}
		if strings.Contains(te.Note, header) {
			t.Errorf("the case number was folded into the note: %q", te.Note)
		}
	}
}

// A column whose values fit two tables is asked about, not guessed; the
// answer, remembered like any column choice, is then decoded as a link.
func TestLinkQuestionAskedThenAnswered(t *testing.T) {
	ctx := context.Background()
	path := reltest.QuestionDB(t, t.TempDir())
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "q.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	res, err := Run(ctx, ws, []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var notes *Table
	for i, tab := range res.Sources[0].Tables {
		if tab.Name == "tblFileNotes" {
			notes = &res.Sources[0].Tables[i]
		}
	}
	if notes == nil || notes.Entity != model.Notes {
		t.Fatalf("tblFileNotes read as %+v, want notes", notes)
	}
	if len(notes.Questions) != 1 || notes.Questions[0].Column != "RefID" || notes.Questions[0].Rule != mapping.RuleLinkQuestion {
		t.Fatalf("questions %+v, want one about RefID", notes.Questions)
	}
	targets := map[string]bool{}
	for _, c := range notes.Questions[0].Choices {
		targets[c.Target] = true
	}
	if !targets["matter"] || !targets["contact"] {
		t.Errorf("choices %+v: want the matter and the contact among the answers", notes.Questions[0].Choices)
	}
	asked := 0
	ws.EachFinding(ctx, workspace.FindingFilter{}, func(f workspace.StoredFinding) error {
		if f.Rule == mapping.RuleLinkQuestion {
			asked++
		}
		return nil
	})
	if asked != 1 {
		t.Errorf("%d link questions among the findings, want 1", asked)
	}
	numbers := map[string]bool{}
	for i := 1; i <= 8; i++ {
		numbers[reltest.MatterNo(i)] = true
	}
	// The answer: RefID is the matter.
	if err := ws.Remember(ctx, mapping.Normalize("RefID"), "matter"); err != nil {
		t.Fatal(err)
	}
	res, err = Run(ctx, ws, []string{path}, Options{Reread: true}) // as the Mapping screen does
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Notes}, func(r workspace.StoredRecord) error {
		n++
		if m := r.Data.(*model.Note).Matter; !numbers[m.Value] {
			t.Errorf("note's RefID not decoded to a matter number: %+v", m)
		}
		return nil
	})
	if n != 12 {
		t.Errorf("%d notes, want 12", n)
	}
	for _, tab := range res.Sources[0].Tables {
		if len(tab.Questions) > 0 {
			t.Errorf("%s still asks %+v after the answer", tab.Name, tab.Questions)
		}
	}
}

// dbfTable writes one FoxPro table with rows into dir.
func dbfTable(t *testing.T, dir, name string, fields []synth.DBFField, rows [][]string) {
	t.Helper()
	w, err := synth.NewDBFWriter(filepath.Join(dir, name+".DBF"), fields, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(false, r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// A folder of FoxPro tables is one database: CASES.CUSTNO finds CUSTOMER,
// DIARY (a memo, a date, a case number) is notes, TIMESLIP's case numbers
// and initials are links, STAFF only decodes initials.
func TestDBFFolderIsOneDatabase(t *testing.T) {
	dir := t.TempDir()
	var customers, cases, diary, slips [][]string
	for i := 1; i <= 9; i++ {
		customers = append(customers, []string{fmt.Sprint(500 + i), []string{"Hana", "Ivo", "Jon", "Kai", "Lea", "Mo", "Nia", "Oto", "Pia"}[i-1],
			[]string{"Ueda", "Varga", "Wolf", "Xu", "Yilmaz", "Zorn", "Adler", "Berg", "Cruz"}[i-1], fmt.Sprintf("c%d@mail.example", i)})
	}
	for i := 1; i <= 12; i++ {
		cases = append(cases, []string{fmt.Sprintf("C-%03d", 100+i), fmt.Sprint(500 + (i%9 + 1)), fmt.Sprintf("Case about item %d", i), fmt.Sprintf("202301%02d", i)})
	}
	for i := 1; i <= 20; i++ {
		diary = append(diary, []string{fmt.Sprint(i), fmt.Sprintf("C-%03d", 100+(i%12+1)), fmt.Sprintf("202402%02d", i),
			fmt.Sprintf("Called the other side about item %d; they will answer in writing next week, copy to the client.", i), []string{"AB", "CD", "EF"}[i%3]})
	}
	for i := 1; i <= 25; i++ {
		slips = append(slips, []string{fmt.Sprintf("C-%03d", 100+(i%12+1)), fmt.Sprintf("202403%02d", i%28+1), fmt.Sprintf("%.2f", 0.25*float64(i%6+1)), []string{"AB", "CD", "EF"}[i%3]})
	}
	dbfTable(t, dir, "CUSTOMER", []synth.DBFField{{Name: "CUSTNO", Type: 'N', Length: 6}, {Name: "FIRST", Type: 'C', Length: 20},
		{Name: "LAST", Type: 'C', Length: 20}, {Name: "EMAIL", Type: 'C', Length: 40}}, customers)
	dbfTable(t, dir, "CASES", []synth.DBFField{{Name: "CASENO", Type: 'C', Length: 8}, {Name: "CUSTNO", Type: 'N', Length: 6},
		{Name: "DESCR", Type: 'C', Length: 40}, {Name: "OPENED", Type: 'D', Length: 8}}, cases)
	dbfTable(t, dir, "DIARY", []synth.DBFField{{Name: "DIARYID", Type: 'N', Length: 6}, {Name: "CASENO", Type: 'C', Length: 8},
		{Name: "ENTRYDATE", Type: 'D', Length: 8}, {Name: "TEXT", Type: 'M', Length: 4}, {Name: "BY", Type: 'C', Length: 3}}, diary)
	dbfTable(t, dir, "TIMESLIP", []synth.DBFField{{Name: "CASENO", Type: 'C', Length: 8}, {Name: "WORKED", Type: 'D', Length: 8},
		{Name: "HRS", Type: 'N', Length: 6, Dec: 2}, {Name: "INIT", Type: 'C', Length: 3}}, slips)
	dbfTable(t, dir, "STAFF", []synth.DBFField{{Name: "INIT", Type: 'C', Length: 3}, {Name: "NAME", Type: 'C', Length: 30}, {Name: "EMAIL", Type: 'C', Length: 40}},
		[][]string{{"AB", "Anna Bell", "anna@firm.example"}, {"CD", "Carl Dunn", "carl@firm.example"}, {"EF", "Eva Fox", "eva@firm.example"}})

	s := ingestDB(t, dir)
	if want := int64(9 + 12 + 20 + 25 + 3); s.rows != want {
		t.Fatalf("%d rows accounted, want %d", s.rows, want)
	}
	if len(s.contacts) != 9 || len(s.matters) != 12 || len(s.notes) != 20 || len(s.times) != 25 {
		t.Fatalf("%d contacts, %d matters, %d notes, %d time entries; want 9, 12, 20, 25", len(s.contacts), len(s.matters), len(s.notes), len(s.times))
	}
	staff := map[string]bool{"Anna Bell": true, "Carl Dunn": true, "Eva Fox": true}
	for _, m := range s.matters {
		if !s.found("contact", m.Client) {
			t.Errorf("matter %s: CUSTNO not followed to a customer (%+v)", m.DisplayNumber, m.Client)
		}
	}
	for _, n := range s.notes {
		if !s.found("matter", n.Matter) || !staff[n.Author] {
			t.Errorf("diary entry: case %q or author %q not resolved", n.Matter.Value, n.Author)
		}
	}
	for _, te := range s.times {
		if !s.found("matter", te.Matter) || !staff[te.User] {
			t.Errorf("time slip: case %q or user %q not resolved", te.Matter.Value, te.User)
		}
	}
	left := 0
	for _, o := range s.left {
		if o.Outcome == "excluded" && o.Reason == string(model.NotMigratable) && o.Detail != "" {
			left++
		}
		if o.Outcome == "rejected" {
			t.Errorf("%s row %d rejected: %s", o.Locator, o.Row, o.Reason)
		}
	}
	if left != 3 {
		t.Errorf("%d staff rows left out with a reason, want 3", left)
	}
}
