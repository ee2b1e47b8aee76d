package report

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"handover/core/check"
	"handover/core/internal/heaptest"
	"handover/core/internal/pdeflate"
	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
)

func project(t *testing.T) *workspace.Workspace {
	t.Helper()
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "t.handover"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.SetSetting(ctx, workspace.SettingFirmName, "Harbor & Lane")
	ws.SetSetting(ctx, workspace.SettingOldSystemName, "PCLaw")

	st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/clients.csv", Name: "clients.csv", Format: "csv", System: "PCLaw"})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := st.Header(ctx, "", []string{"Id", "First", "Last", "Email"})
	rows := []workspace.Row{
		{Num: 2, Header: h, Raw: []string{"C1", "Ada", "Lovelace", "ada@example.com"}, Records: []model.Record{{Entity: model.Contacts, Key: "pclaw:contacts:C1",
			Data: &model.Contact{Type: "Person", FirstName: "Ada", LastName: "Lovelace", Emails: []model.Email{{Name: "Work", Address: "ada@example.com"}}}}}},
		{Num: 3, Header: h, Raw: []string{"C2", "<script>alert(1)</script>", "Evil", "=HYPERLINK(\"http://x\")"}, Records: []model.Record{{Entity: model.Contacts, Key: "pclaw:contacts:C2",
			Data: &model.Contact{Type: "Person", FirstName: "<script>alert(1)</script>", LastName: "Evil", Emails: []model.Email{{Name: "Work", Address: "=HYPERLINK(\"http://x\")"}}}}}},
		{Num: 4, Header: h, Raw: []string{"C3", "", "", "@nobody"}, Records: []model.Record{{Entity: model.Contacts, Key: "pclaw:contacts:C3",
			Data: &model.Contact{Type: "Person"}}}},
		{Num: 5, Header: h, Raw: []string{"", "", "", ""}, Excluded: model.EmptyRow},
		{Num: 6, Header: h, Raw: []string{"C4", "bad"}, Reject: "only 2 of 4 columns"},
	}
	for _, r := range rows {
		if err := st.Stage(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ = ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/ledger.csv", Name: "ledger.csv", Format: "csv", System: "PCLaw"})
	for i, l := range []model.LedgerLine{
		{Kind: model.LedgerInvoice, Matter: model.Ref{Kind: "number", Value: "16-1001"}, Amount: 123456},
		{Kind: model.LedgerPayment, Matter: model.Ref{Kind: "number", Value: "16-1001"}, Amount: 23456},
		{Kind: model.LedgerTrustDeposit, Matter: model.Ref{Kind: "number", Value: "16-1001"}, Amount: 5001},
	} {
		l := l
		st.Stage(ctx, workspace.Row{Num: int64(i + 2), Raw: []string{string(l.Kind)}, Excluded: model.AccountingHistory, Ledger: &l})
	}
	st.Stage(ctx, workspace.Row{Num: 5, Raw: []string{"billed"}, Excluded: model.BilledHistory, Entity: model.TimeEntries, Detail: "on invoice 1001"})
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ = ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/matters.csv", Name: "matters.csv", Format: "csv", System: "PCLaw"})
	st.Stage(ctx, workspace.Row{Num: 2, Raw: []string{"16-1001"}, Records: []model.Record{{Entity: model.Matters, Key: "pclaw:matters:1",
		Data: &model.Matter{DisplayNumber: "16-1001", Client: model.Ref{Kind: "id", Value: "C1"}, Description: "Estate", Status: "Open"}}}})
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := check.Run(ctx, ws, check.Options{Now: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), ClioUsers: []resolve.Person{{Name: "Helen Lane"}}}, nil); err != nil {
		t.Fatal(err)
	}
	return ws
}

// rowWith finds the first row whose column A is label.
func rowWith(t *testing.T, rows [][]string, label string) []string {
	t.Helper()
	for _, r := range rows {
		if len(r) > 0 && r[0] == label {
			return r
		}
	}
	t.Fatalf("no row %q in %q", label, rows)
	return nil
}

func TestWriteXLSX(t *testing.T) {
	ws := project(t)
	var buf bytes.Buffer
	if err := WriteXLSX(context.Background(), ws, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"Summary", "contact.missing_name", "email.invalid", "Excluded", "What won't be migrated"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sheets %q, want %q", got, want)
	}
	sum, _ := f.GetRows("Summary")
	if r := rowWith(t, sum, "Firm"); r[1] != "Harbor & Lane" {
		t.Errorf("firm row %q", r)
	}
	if r := rowWith(t, sum, "Contacts"); r[1] != "1" || r[2] != "2" || r[4] != "3" {
		t.Errorf("contacts row %q: want ready 1, blocked 2, total 3", r)
	}
	if r := rowWith(t, sum, "Unbilled time entries"); r[3] != "1" {
		t.Errorf("time entries row %q: want 1 excluded (billed)", r)
	}
	if r := rowWith(t, sum, "billed_history"); r[1] != "1" || !strings.Contains(r[5], "Clio imports only unbilled time") {
		t.Errorf("billed reason row %q", r)
	}
	if r := rowWith(t, sum, "Accounts receivable (A/R) total"); r[1] != "1,000.00" || r[2] != "1" {
		t.Errorf("A/R row %q", r)
	}
	if r := rowWith(t, sum, "Trust total"); r[1] != "50.01" {
		t.Errorf("trust row %q", r)
	}
	if r := rowWith(t, sum, "Blockers (fix before upload)"); r[1] != "2" {
		t.Errorf("blockers row %q", r)
	}

	em, _ := f.GetRows("email.invalid")
	if len(em) != 2 || em[0][0] != "Severity" || em[1][0] != "blocker" || em[1][1] != "clients.csv" || em[1][2] != "3" ||
		em[1][4] != `=HYPERLINK("http://x")` || em[1][10] != `Email: =HYPERLINK("http://x")` || em[1][8] != "First: <script>alert(1)</script>" {
		t.Errorf("email.invalid sheet %q", em)
	}
	for _, cell := range []string{"E2", "K2"} {
		if fm, _ := f.GetCellFormula("email.invalid", cell); fm != "" {
			t.Errorf("%s became a formula %q", cell, fm)
		}
		if ty, _ := f.GetCellType("email.invalid", cell); ty != excelize.CellTypeInlineString {
			t.Errorf("%s type %v, want an inline string", cell, ty)
		}
	}

	ex, _ := f.GetRows("Excluded")
	var got []string
	for _, r := range ex[1:] {
		got = append(got, r[0]+"|"+r[1]+"|"+r[2]+"|"+r[4])
	}
	wantEx := []string{
		"clients.csv|5|excluded|" + model.EmptyRow.Explain(),
		"clients.csv|6|rejected|Could not be read: only 2 of 4 columns",
		"ledger.csv|2|excluded|" + model.AccountingHistory.Explain(),
		"ledger.csv|3|excluded|" + model.AccountingHistory.Explain(),
		"ledger.csv|4|excluded|" + model.AccountingHistory.Explain(),
		"ledger.csv|5|excluded|" + model.BilledHistory.Explain(),
	}
	if strings.Join(got, "\n") != strings.Join(wantEx, "\n") {
		t.Errorf("excluded sheet:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantEx, "\n"))
	}
	if ex[2][6] != "Id: C4" || ex[2][7] != "First: bad" {
		t.Errorf("rejected row values %q", ex[2])
	}

	nm, _ := f.GetRows("What won't be migrated")
	if r := rowWith(t, nm, "Invoices and historical bills"); r[1] != "1" || !strings.Contains(r[2], "1 matters, 1000.00 in total") {
		t.Errorf("invoices row %q", r)
	}
	if r := rowWith(t, nm, "Billed time entries"); r[1] != "1" {
		t.Errorf("billed row %q", r)
	}
	if r := rowWith(t, nm, "Billing rates"); r[1] != "—" {
		t.Errorf("rates row %q", r)
	}
}

func TestWriteHTMLEscapes(t *testing.T) {
	ws := project(t)
	var buf bytes.Buffer
	if err := WriteHTML(context.Background(), ws, &buf); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	if strings.Contains(h, "<script>alert") {
		t.Error("a <script> from the data reached the page unescaped")
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		"Harbor &amp; Lane",
		"Stop using the old system now.",
		"clients.csv", "1000.00", "50.01",
		model.BilledHistory.Explain(),
		"Could not be read: only 2 of 4 columns",
		"Billing rates",
		"<style>",
	} {
		if !strings.Contains(h, template_escape(want)) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(h, "see the XLSX for all") {
		t.Error("cap note shown below the cap")
	}
}

// template_escape is how html/template writes plain text we look for.
func template_escape(s string) string {
	if strings.Contains(s, "&") || strings.Contains(s, "<") {
		return s
	}
	return strings.NewReplacer("'", "&#39;", `"`, "&#34;").Replace(s)
}

func TestXLSXSameInputSameBytes(t *testing.T) {
	ws := project(t)
	var a, b bytes.Buffer
	if err := WriteXLSX(context.Background(), ws, &a); err != nil {
		t.Fatal(err)
	}
	if err := WriteXLSX(context.Background(), ws, &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two reports of the same project differ: the package would not be reproducible")
	}
}

func TestHTMLCapsLongTables(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "big.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	st, _ := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/c.csv", Name: "c.csv", Format: "csv"})
	n := HTMLLimit + 5
	for i := 0; i < n; i++ { // contacts with no name: one blocker each
		st.Stage(ctx, workspace.Row{Num: int64(i + 2), Raw: []string{"x"}, Records: []model.Record{{Entity: model.Contacts,
			Key: "x:contacts:" + strconv.Itoa(i), Data: &model.Contact{Type: "Person"}}}})
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := check.Run(ctx, ws, check.Options{}, nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteHTML(ctx, ws, &buf); err != nil {
		t.Fatal(err)
	}
	h := buf.String()
	if !strings.Contains(h, "see the XLSX for all 2005") {
		t.Error("no cap note")
	}
	if got := strings.Count(h, `<td class="blocker">Blocker</td><td>c.csv</td>`); got != HTMLLimit {
		t.Errorf("%d finding rows on the page, want %d", got, HTMLLimit)
	}
}

// heapWatch is a writer that measures the live heap (after a collection)
// when it has taken a third of the workbook.
type heapWatch struct {
	at, got int
	live    int64
}

func (h *heapWatch) Write(p []byte) (int, error) {
	if h.got < h.at && h.got+len(p) >= h.at {
		h.live = heaptest.Live()
	}
	h.got += len(p)
	return len(p), nil
}

// The workbook must reach its writer while its rows are still being read,
// holding one row at a time: excelize kept every sheet in memory, parsed
// them all back to set the active tab and built the whole file in a buffer
// before writing a byte, so a 1M-row package peaked at hundreds of
// megabytes. Here the live heap a third of the way through the output must
// stay within a few megabytes of where it started, whatever the row count.
func TestXLSXStreamsRows(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "many.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	st, _ := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/t.csv", Name: "t.csv", Format: "csv"})
	h, _ := st.Header(ctx, "", []string{"Id", "Note"})
	for i := 0; i < 20000; i++ {
		v := strconv.FormatUint(uint64(i)*2654435761%4294967291, 36)
		if err := st.Stage(ctx, workspace.Row{Num: int64(i + 2), Header: h, Raw: []string{v, v + " " + strconv.Itoa(i*7919)},
			Excluded: model.BilledHistory, Entity: model.TimeEntries}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// The workbook's parts are deflated a block at a time here: with a
	// block per core in flight, the compressors' buffers (about 3 MB each)
	// would be measured as rows held, more of them the more cores.
	defer pdeflate.LimitInFlight()()
	var full bytes.Buffer
	if err := WriteXLSX(ctx, ws, &full); err != nil {
		t.Fatal(err)
	}
	base := heaptest.Live()
	w := &heapWatch{at: full.Len() / 3}
	if err := WriteXLSX(ctx, ws, w); err != nil {
		t.Fatal(err)
	}
	grew := w.live - base
	t.Logf("workbook %d bytes; live heap a third of the way through: %+d bytes", full.Len(), grew)
	if grew > 6<<20 {
		t.Errorf("the live heap grew by %d MB while writing a %d kB workbook: the rows are being held, not streamed", grew>>20, full.Len()>>10)
	}
}

// A finding on a record the user excluded while cleaning is not reported:
// the record will not be migrated, so neither is its problem.
func TestFindingsOfExcludedRecordsLeftOut(t *testing.T) {
	ws := project(t)
	ctx := context.Background()
	// C2 shares a rule with C3, so the rule's sheet is written and must hold C3 only.
	if _, err := ws.DB().ExecContext(ctx, `INSERT INTO findings(rule, severity, entity, record_key, row_id, source, row_no, message)
		SELECT 'contact.missing_name', 'blocker', 'contacts', key, id, 'clients.csv', row_no, 'no name' FROM rows WHERE key = 'pclaw:contacts:C2'`); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.DB().ExecContext(ctx, `UPDATE rows SET state = 'excluded' WHERE key = 'pclaw:contacts:C2'`); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteXLSX(ctx, ws, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range f.GetSheetList() {
		if s == "email.invalid" {
			if rows, _ := f.GetRows(s); len(rows) > 1 {
				t.Errorf("the excluded contact's invalid e-mail is still reported: %q", rows)
			}
		}
	}
	if rows, _ := f.GetRows("contact.missing_name"); len(rows) != 2 || rows[1][2] != "4" {
		t.Errorf("contact.missing_name sheet %q: want the heading and the active contact C3's row (4)", rows)
	}
}

// The page lists the first HTMLLimit left-out rows and counts them all: rows
// excluded when read, rejected rows and records the user excluded.
func TestHTMLLeftOutCap(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "left.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	st, _ := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/t.csv", Name: "t.csv", Format: "csv"})
	for i := 0; i < HTMLLimit+5; i++ {
		st.Stage(ctx, workspace.Row{Num: int64(i + 2), Raw: []string{"billed"}, Excluded: model.BilledHistory, Entity: model.TimeEntries})
	}
	st.Stage(ctx, workspace.Row{Num: int64(HTMLLimit + 7), Raw: []string{"??"}, Reject: "unreadable"})
	st.Stage(ctx, workspace.Row{Num: int64(HTMLLimit + 8), Raw: []string{"Ada"}, Records: []model.Record{{Entity: model.Contacts,
		Key: "x:contacts:1", Data: &model.Contact{Type: "Person", FirstName: "Ada"}}}})
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.DB().ExecContext(ctx, `UPDATE rows SET state = 'excluded' WHERE key = 'x:contacts:1'`); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteHTML(ctx, ws, &buf); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("Showing the first %d of %d rows left out", HTMLLimit, HTMLLimit+7)
	if h := buf.String(); !strings.Contains(h, want) {
		t.Errorf("no %q on the page", want)
	}
}
