package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/mapping"
)

// demoApp opens the demo firm the way a user does: "Try the demo firm".
func demoApp(t *testing.T) *App {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewWindow(nil)
	t.Cleanup(w.Close)
	w.Resize(fyne.NewSize(1180, 760))
	u := New(a, w)
	u.DemoDir = t.TempDir()
	t.Cleanup(func() { // before the folder goes: reads may still be running
		u.Close()
		u.WaitClosed()
	})
	wel := u.Screen(StepWelcome).(*welcome)
	test.Tap(wel.DemoButton) // starts a background task that opens the project
	if wel.Pending == nil {
		t.Fatal("the demo button started nothing")
	}
	wel.Pending.Wait() // and what the Sources step reads in the background
	if u.Project() == nil {
		t.Fatal("the demo firm did not open")
	}
	if u.Current() != StepSources {
		t.Fatalf("after opening the demo the app shows %v, want Sources", u.Current().Title())
	}
	return u
}

// waitOpen waits for the demo task (it runs in the background) to open the project.
func contacts(t *testing.T, u *App) int64 {
	t.Helper()
	c, err := u.Project().Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c.Records[model.Contacts]
}

// valueOf is one top-level field of a record, as the Clean screen shows it.
func valueOf(data any, name string) string {
	for _, f := range recordFields(data) {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

func shortcut(u *App, s fyne.Shortcut) {
	u.Win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

func shortcutCustom(u *App, k fyne.KeyName, m fyne.KeyModifier) {
	shortcut(u, &desktop.CustomShortcut{KeyName: k, Modifier: m})
}

func TestMainPathOnTheDemoFirm(t *testing.T) {
	u := demoApp(t)
	ctx := context.Background()

	// Sources: the demo's files, with counts that add up.
	src := u.Screen(StepSources).(*sources)
	list := src.Sources()
	if len(list) < 13 {
		t.Fatalf("Sources lists %d files, want the demo's 13+", len(list))
	}
	var rows, parts int64
	for _, s := range list {
		if s.Counts.Rows != s.Counts.Records+s.Counts.Excluded+s.Counts.Rejected {
			t.Errorf("%s: %d rows ≠ %d records + %d left out + %d rejected", s.Name, s.Counts.Rows, s.Counts.Records, s.Counts.Excluded, s.Counts.Rejected)
		}
		rows += s.Counts.Rows
		parts += s.Counts.Records + s.Counts.Excluded + s.Counts.Rejected
	}
	if rows == 0 || rows != parts || !strings.Contains(src.summary.Text, count(rows)+" rows read") {
		t.Errorf("summary %q, rows %d, parts %d", src.summary.Text, rows, parts)
	}

	// Mapping: every table is listed; send the Outlook "Business Fax" column
	// elsewhere and see it remembered and applied.
	test.Tap(src.NextButton)
	if u.Current() != StepMapping {
		t.Fatalf("Next from Sources shows %v", u.Current().Title())
	}
	u.Settle() // the screen reads the project in the background
	m := u.Screen(StepMapping).(*mappingScreen)
	if len(m.Tables()) < 9 {
		t.Fatalf("Mapping lists %d tables", len(m.Tables()))
	}
	if !m.SelectTable("contacts.csv") {
		t.Fatal("contacts.csv is not on the Mapping screen")
	}
	var tab mapTable
	for _, x := range m.Tables() {
		if x.Source.Name == "contacts.csv" {
			tab = x
		}
	}
	header, old := "", ""
	for _, c := range tab.Table.Columns {
		if strings.HasPrefix(c.Target, "phones[") || strings.HasPrefix(c.Target, "emails[") {
			header, old = c.Header, c.Target
			break
		}
	}
	if header == "" {
		t.Fatalf("no phone/e-mail column in %+v", tab.Table.Columns)
	}
	sel := m.Selects[header]
	if sel == nil || sel.Selected != targetLabel(old) {
		t.Fatalf("select for %q shows %v, want %q", header, sel, targetLabel(old))
	}
	task := m.SetTarget(tab, header, "custom:"+header)
	task.Wait()
	mem, _ := u.Project().Remembered(ctx)
	if got := mem[mapping.Normalize(header)]; got != "custom:"+header {
		t.Errorf("remembered %q → %q, want custom:%s", header, got, header)
	}
	m.SelectTable("contacts.csv")
	found := false
	for _, x := range m.Tables() {
		if x.Source.Name != "contacts.csv" {
			continue
		}
		for _, c := range x.Table.Columns {
			if c.Header == header {
				found = true
				if c.Target != "custom:"+header {
					t.Errorf("after re-reading, %q goes to %q", header, c.Target)
				}
			}
		}
	}
	if !found || m.Selects[header].Selected != targetLabel("custom:"+header) {
		t.Errorf("the Select does not show the new target (found %v)", found)
	}
	if !strings.Contains(m.status.Text, "read again") {
		t.Errorf("status after the change: %q", m.status.Text)
	}

	// Readiness: the banner names the old systems; run the check; findings
	// appear in the table; the filter narrows them; acknowledge the cut-off.
	test.Tap(m.NextButton)
	r := u.Screen(StepReadiness).(*readinessScreen)
	u.Settle()
	for _, sys := range []string{"PCLaw", "Outlook", "AbacusLaw"} {
		if !strings.Contains(r.banner.Text, sys) {
			t.Errorf("banner %q does not name %s", r.banner.Text, sys)
		}
	}
	if !strings.Contains(r.banner.Text, "Stop using") || !strings.Contains(r.bannerSub.Text, "ago") {
		t.Errorf("banner %q / %q", r.banner.Text, r.bannerSub.Text)
	}
	r.RunCheck().Wait()
	all := r.Total()
	if all == 0 {
		t.Fatal("the check found nothing in the demo firm")
	}
	sum, _ := u.Project().SummarizeFindings(ctx, workspace.FindingFilter{})
	if int64(all) != sum.Total {
		t.Errorf("table has %d rows, project has %d findings", all, sum.Total)
	}
	first, ok := r.FindingAt(0)
	if !ok || first.Message == "" {
		t.Fatalf("first row: %+v %v", first, ok)
	}
	if rr, cc := r.Table.Length(); rr != all || cc != len(findingCols) {
		t.Errorf("table length %d×%d", rr, cc)
	}
	r.Severity.SetSelected("Must fix")
	u.Settle() // the count of the new filter is read in the background
	blockers := r.Total()
	if blockers == 0 || blockers >= all {
		t.Errorf("Must fix shows %d of %d", blockers, all)
	}
	for i := 0; i < blockers; i++ {
		if f, _ := r.FindingAt(i); f.Severity != model.Blocker {
			t.Fatalf("row %d under Must fix is %s", i, f.Severity)
		}
	}
	r.Type.SetSelected(model.Contacts.Label())
	u.Settle()
	if n := r.Total(); n == 0 || n >= blockers {
		t.Errorf("Must fix in Contacts shows %d (all blockers %d)", n, blockers)
	}
	f, _ := r.FindingAt(0)
	if f.Entity != model.Contacts {
		t.Errorf("contact filter shows a %s", f.Entity)
	}
	if d := r.ShowRecord(f); d == nil {
		t.Error("no record dialog")
	} else {
		u.Settle() // the record is read in the background
		d.Hide()
	}
	r.Severity.SetSelected(severityChoices[0])
	r.Type.SetSelected("All types")
	u.Settle()
	if r.Total() != all {
		t.Errorf("clearing the filter shows %d, want %d", r.Total(), all)
	}

	if !r.AckButton.Disabled() {
		t.Error("the cut-off can be confirmed without a name")
	}
	test.Type(r.AckName, "Dana Office")
	test.TapAt(r.AckCheck, fyne.NewPos(5, r.AckCheck.Size().Height/2))
	if r.AckButton.Disabled() {
		t.Fatalf("confirm stays disabled with a name (%q) and the box ticked (%v)", r.AckName.Text, r.AckCheck.Checked)
	}
	test.Tap(r.AckButton)
	u.Settle() // saved and read back in the background
	if !r.Info().Cutoff.Acknowledged || r.Info().Cutoff.By != "Dana Office" {
		t.Errorf("cut-off: %+v", r.Info().Cutoff)
	}
	if !strings.Contains(r.ackDoneText.Text, "Dana Office") || r.ackDone.Hidden || !r.ackForm.Hidden {
		t.Errorf("acknowledgement shows %q", r.ackDoneText.Text)
	}
	if by, _ := u.Project().Setting(ctx, workspace.SettingCutoffAckBy); by != "Dana Office" {
		t.Errorf("stored ack by %q", by)
	}
	if !r.Done() {
		t.Error("Readiness not ticked after check + acknowledgement")
	}

	// Clean: merge the first duplicate field by field; the contact count
	// drops by one; Undo (Ctrl+Z) brings it back.
	test.Tap(r.NextButton)
	if u.Current() != StepClean {
		t.Fatalf("Next from Readiness shows %v", u.Current().Title())
	}
	c := u.Screen(StepClean).(*cleanScreen)
	if c.Pending == nil {
		t.Fatal("Clean did not look for duplicates")
	}
	c.Pending.Wait()
	if len(c.Clusters()) == 0 {
		t.Fatal("no duplicate suggestions in the demo firm")
	}
	before := contacts(t, u)
	cl := c.Clusters()[0]
	if len(c.Choices()) == 0 {
		t.Fatalf("cluster %s shows no differing field", cl.ID)
	}
	// take the second record's value for every field that differs
	chosen := map[string]string{}
	for fieldName := range c.Choices() {
		if !c.Choose(fieldName, 1) {
			t.Fatalf("cannot choose record 2 for %s", fieldName)
		}
		chosen[fieldName] = cl.Members[1].Key
	}
	for k, v := range chosen {
		if c.Choices()[k] != v {
			t.Errorf("choice for %s is %s, want %s", k, c.Choices()[k], v)
		}
		if chk := c.checks[k]; chk[0].Checked || !chk[1].Checked {
			t.Errorf("checks of %s are not exclusive", k)
		}
	}
	test.Tap(c.MergeButton)
	c.Pending.Wait()
	if got := contacts(t, u); got != before-int64(len(cl.Members)-1) {
		t.Fatalf("contacts after merging %d records: %d, before %d", len(cl.Members), got, before)
	}
	surv, _ := u.Project().RecordByKey(ctx, model.Contacts, cl.Members[0].Key)
	for k := range chosen {
		want := valueOf(cl.Members[1].Data, k)
		if got := valueOf(surv.Data, k); got != want {
			t.Errorf("merged %s = %q, want record 2's %q", k, got, want)
		}
	}
	for _, x := range c.Clusters() {
		if x.ID == cl.ID {
			t.Error("the merged cluster is still suggested")
		}
	}
	if ops := c.Ops(); len(ops) != 1 || ops[0].Kind != "merge" {
		t.Errorf("recipe: %+v", ops)
	}
	u.Win.Canvas().Unfocus()
	shortcut(u, &fyne.ShortcutUndo{}) // Ctrl+Z
	c.Pending.Wait()
	if got := contacts(t, u); got != before {
		t.Errorf("after Undo: %d contacts, want %d", got, before)
	}
	if ops := c.Ops(); len(ops) != 1 || !ops[0].Undone {
		t.Errorf("recipe after undo: %+v", ops)
	}
	if len(c.Clusters()) == 0 || c.Clusters()[0].ID != cl.ID {
		t.Error("the undone merge is not suggested again")
	}
	c.Redo().Wait()
	if got := contacts(t, u); got != before-int64(len(cl.Members)-1) {
		t.Errorf("after Redo: %d contacts", got)
	}

	// Not duplicates: remembered in the project.
	if len(c.Clusters()) > 0 {
		id := c.Clusters()[0].ID
		test.Tap(c.NotDupButton)
		u.Settle() // saved in the background
		s, _ := u.Project().Setting(ctx, settingDismissed)
		if !strings.Contains(s, id) {
			t.Errorf("dismissed %q not stored: %q", id, s)
		}
	}

	// Review: counts and the report.
	u.Show(StepReview)
	rv := u.Screen(StepReview).(*reviewScreen)
	u.Settle()
	if len(rv.table.Objects) < 6 {
		t.Errorf("Review shows %d cells of counts", len(rv.table.Objects))
	}
	out := filepath.Join(t.TempDir(), "report.xlsx")
	rv.Export(out).Wait()
	if st, err := os.Stat(out); err != nil || st.Size() < 1000 {
		t.Errorf("report: %v %v", st, err)
	}
	if !rv.Done() {
		t.Error("Review not ticked after the export")
	}
}

func TestShortcutsMoveBetweenSteps(t *testing.T) {
	u := demoApp(t)
	shortcutCustom(u, fyne.KeyRight, fyne.KeyModifierShortcutDefault)
	if u.Current() != StepMapping {
		t.Fatalf("Ctrl+→ shows %v", u.Current().Title())
	}
	shortcutCustom(u, fyne.KeyN, fyne.KeyModifierAlt)
	if u.Current() != StepReadiness {
		t.Fatalf("Alt+N shows %v", u.Current().Title())
	}
	shortcutCustom(u, fyne.KeyLeft, fyne.KeyModifierShortcutDefault)
	if u.Current() != StepMapping {
		t.Fatalf("Ctrl+← shows %v", u.Current().Title())
	}
}

// checkedDemo is the demo firm checked, on the Readiness screen.
func checkedDemo(t *testing.T) (*App, *readinessScreen) {
	t.Helper()
	u := demoApp(t)
	u.Show(StepReadiness)
	r := u.Screen(StepReadiness).(*readinessScreen)
	r.RunCheck().Wait()
	if r.Total() == 0 {
		t.Fatal("the check found nothing in the demo firm")
	}
	return u, r
}

func TestFindingsTablePagesTheList(t *testing.T) {
	defer func(n int) { findingPage = n }(findingPage)
	findingPage = 3 // the demo firm's list in many pages
	u, r := checkedDemo(t)
	// every row, in the order the project lists them, read page by page;
	// at most findingPagesKept pages stay in memory
	var want []workspace.StoredFinding
	u.Project().EachFinding(context.Background(), workspace.FindingFilter{}, func(f workspace.StoredFinding) error {
		want = append(want, f)
		return nil
	})
	if len(want) != r.Total() {
		t.Fatalf("table has %d rows, project %d findings", r.Total(), len(want))
	}
	for i := len(want) - 1; i >= 0; i-- { // from the end: every page from its mark
		got, ok := r.FindingAt(i)
		if !ok || got.ID != want[i].ID || got.Message != want[i].Message || got.Fix != want[i].Fix || got.RecordKey != want[i].RecordKey {
			t.Fatalf("row %d: %+v, want %+v", i, got, want[i])
		}
	}
	r.list.mu.Lock()
	kept := len(r.list.pages)
	r.list.mu.Unlock()
	if kept > findingPagesKept || len(want) > findingPagesKept*findingPage && kept < findingPagesKept {
		t.Errorf("%d pages in memory for %d rows", kept, len(want))
	}
	if _, ok := r.FindingAt(r.Total()); ok {
		t.Error("a row past the end")
	}
}

// The table's cell callback never reads the project: a row not read yet
// says "Reading…", and the cell shows the finding once the list is in.
func TestFindingsCellsNeverReadOnTheUIGoroutine(t *testing.T) {
	u, r := checkedDemo(t)
	first, _ := r.FindingAt(0)
	r.applyFilter() // a new list: nothing read yet
	cell := newTextCell()
	r.updateCell(widget.TableCellID{Row: 0, Col: 4}, cell)
	if got := cellText(cell); got != "Reading…" {
		t.Errorf("a row not read yet shows %q", got)
	}
	u.Settle()
	r.updateCell(widget.TableCellID{Row: 0, Col: 4}, cell)
	if got := cellText(cell); got != first.Message {
		t.Errorf("row 0 shows %q, want %q", got, first.Message)
	}
	// two filter changes in a row: the table ends up with the last one's rows
	r.Severity.SetSelected("Should check")
	r.Type.SetSelected(model.Contacts.Label())
	u.Settle()
	want, _ := u.Project().SummarizeFindings(context.Background(), workspace.FindingFilter{Severity: model.Warning, Entity: model.Contacts})
	if int64(r.Total()) != want.Total {
		t.Errorf("contacts that should be checked: %d rows, want %d", r.Total(), want.Total)
	}
	for i := 0; i < r.Total(); i++ {
		if f, ok := r.FindingAt(i); !ok || f.Severity != model.Warning || f.Entity != model.Contacts {
			t.Fatalf("row %d under Should check / Contacts: %+v", i, f)
		}
	}
}

func TestPackageWritesAndChecksAnEncryptedPackage(t *testing.T) {
	u := demoApp(t)
	ctx := context.Background()
	u.Show(StepReadiness)
	r := u.Screen(StepReadiness).(*readinessScreen)
	r.RunCheck().Wait()
	r.AckName.SetText("Dana Office")
	r.AckCheck.SetChecked(true)
	test.Tap(r.AckButton)
	u.Settle() // the confirmation is saved in the background

	u.Show(StepPackage)
	p := u.Screen(StepPackage).(*packageScreen)
	if !strings.HasSuffix(p.Dest.Text, "-package.zip.age") {
		t.Errorf("default destination %q", p.Dest.Text)
	}
	dest := filepath.Join(t.TempDir(), "firm.zip.age")
	p.Dest.SetText(dest)
	test.Type(p.Passphrase, "abc")
	if p.strength.Importance != widget.DangerImportance {
		t.Errorf("'abc' rated %q", p.strength.Text)
	}
	p.Passphrase.SetText("copper lantern meadow violin")
	p.Confirm.SetText("copper lantern meadow violin")
	if p.strength.Importance != widget.SuccessImportance {
		t.Errorf("four words rated %q", p.strength.Text)
	}
	p.AllowBlockers.SetChecked(true) // the demo firm keeps some blockers on purpose
	p.Create().Wait()
	if !p.Verified().OK || !p.Verified().Encrypted || !p.Done() {
		t.Fatalf("package check: %+v", p.Verified())
	}
	if st, err := os.Stat(dest); err != nil || st.Size() == 0 {
		t.Fatalf("package file: %v", err)
	}
	counts, _ := u.Project().Counts(ctx)
	if p.Verified().Counts[model.Contacts] != counts.Records[model.Contacts] {
		t.Errorf("package holds %d contacts, project %d", p.Verified().Counts[model.Contacts], counts.Records[model.Contacts])
	}
}

// A bulk fix shows as original vs cleaned values; "Leave this record out"
// excludes the record a finding points at (and Undo takes it back).
func TestBulkFixAndLeaveOut(t *testing.T) {
	u := demoApp(t)
	ctx := context.Background()
	u.Show(StepClean)
	c := u.Screen(StepClean).(*cleanScreen)
	c.Pending.Wait()
	test.Tap(c.BulkButtons["phones"])
	c.Pending.Wait()
	if ops := c.Ops(); len(ops) != 1 || ops[0].Norm != "phones" {
		t.Fatalf("recipe after Tidy phone numbers: %+v", ops)
	}
	var cleaned *workspace.StoredRecord
	u.Project().EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(r workspace.StoredRecord) error {
		if r.Cleaned && cleaned == nil {
			cleaned = &r
		}
		return nil
	})
	if cleaned == nil {
		t.Fatal("no contact changed by Tidy phone numbers")
	}
	orig, now := valueOfFields(originalFields(ctx, u.Project(), model.Contacts, cleaned.Key), "phone_numbers"), valueOf(cleaned.Data, "phone_numbers")
	if orig == now || !strings.Contains(now, "+1") {
		t.Errorf("phones as read %q, after the fix %q", orig, now)
	}

	u.Show(StepReadiness)
	r := u.Screen(StepReadiness).(*readinessScreen)
	r.RunCheck().Wait()
	r.Type.SetSelected(model.Contacts.Label())
	u.Settle()
	if !strings.Contains(r.summary.Text, "up to date: nothing has changed") || strings.Contains(r.summary.Text, "run it again") {
		t.Errorf("right after a check the Readiness summary does not say it is up to date: %q", r.summary.Text)
	}
	f, ok := r.FindingAt(0)
	if !ok || f.RecordKey == "" {
		t.Fatalf("no contact finding with a record: %+v", f)
	}
	before := contacts(t, u)
	r.LeaveOut(f).Wait()
	if got := contacts(t, u); got != before-1 {
		t.Errorf("contacts after leaving one out: %d, before %d", got, before)
	}
	if !strings.Contains(r.summary.Text, "run it again") {
		t.Errorf("after a fix the Readiness summary does not ask for a new check: %q", r.summary.Text)
	}
	rec, _ := u.Project().RecordByKey(ctx, model.Contacts, f.RecordKey)
	if rec == nil || rec.State != "excluded" {
		t.Errorf("record state after Leave out: %+v", rec)
	}
	u.Show(StepClean)
	c.Undo().Wait()
	if got := contacts(t, u); got != before {
		t.Errorf("after Undo: %d contacts, want %d", got, before)
	}
}

func valueOfFields(fs []field, name string) string {
	for _, f := range fs {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}
