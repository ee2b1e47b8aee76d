package check

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
)

// ledgerRow is one row of a ledger file as an importer stages it: a line
// kept for the balances, or a reject with its reason (raw values kept).
type ledgerRow struct {
	row    int64
	raw    []string // date, matter, amount
	line   *model.LedgerLine
	reject string
}

// loadLedger stages a ledger file whose mapping plan (sources.detection, as
// the importers write it) reads it as a ledger of kind, with its matter in
// column 1.
func loadLedger(t *testing.T, ws *workspace.Workspace, name string, kind model.LedgerKind, rows ...ledgerRow) {
	t.Helper()
	ctx := context.Background()
	det := map[string]any{"tables": []map[string]any{{
		"profile": "generic", "ledger": kind,
		"columns": []map[string]any{{"Index": 0, "Target": "date"}, {"Index": 1, "Target": "matter"}, {"Index": 2, "Target": "ledger.amount"}},
	}}}
	st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/src/" + name, Name: name, Format: "csv", System: "Generic", Profile: "generic", Detection: det})
	if err != nil {
		t.Fatal(err)
	}
	for _, lr := range rows {
		r := workspace.Row{Num: lr.row, Raw: lr.raw, Reject: lr.reject}
		if lr.line != nil {
			ent := model.ARBalances
			if lr.line.Kind == model.LedgerTrustDeposit || lr.line.Kind == model.LedgerTrustWithdrawal {
				ent = model.TrustBalances
			}
			r.Excluded, r.Entity, r.Ledger = model.AccountingHistory, ent, lr.line
		}
		if err := st.Stage(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func kept(row int64, kind model.LedgerKind, matter string, cents model.Cents) ledgerRow {
	return ledgerRow{row: row, raw: []string{"2026-10-01", matter, "x"},
		line: &model.LedgerLine{Kind: kind, Matter: num(matter), Amount: cents, Date: "2026-10-01"}}
}

func refused(row int64, matter string) ledgerRow {
	return ledgerRow{row: row, raw: []string{"2026-10-02", matter, "12,5O"},
		reject: "This ledger row has an amount that cannot be read (row: 12,5O). Fix the amount, then re-import."}
}

// rejectedRowFindings runs the check and returns its balance.rejected_rows
// findings as "severity|entity|record key|source|row", sorted.
func rejectedRowFindings(t *testing.T, ws *workspace.Workspace) ([]string, []workspace.StoredFinding) {
	t.Helper()
	if _, err := Run(context.Background(), ws, Options{Country: "US", Now: now}, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	var fs []workspace.StoredFinding
	for _, f := range findings(t, ws, "") {
		if f.Rule == model.RuleBalanceRejectedRows {
			got = append(got, strings.Join([]string{string(f.Severity), string(f.Entity), f.RecordKey, f.Source}, "|")+"|"+itoa(f.Row))
			fs = append(fs, f)
		}
	}
	sort.Strings(got)
	return got, fs
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func twoMatters(t *testing.T, ws *workspace.Workspace) {
	load(t, ws, "matters.csv", "Generic",
		item{row: 2, entity: model.Matters, id: "1", data: matter("2024-001", cid("C1"), "Sale", "Open", "", "", "")},
		item{row: 3, entity: model.Matters, id: "2", data: matter("2024-002", cid("C1"), "Lease", "Open", "", "", "")},
		item{row: 4, entity: model.Matters, id: "3", data: matter("2024-003", cid("C1"), "Will", "Open", "", "", "")})
	load(t, ws, "invoices.csv", "Generic",
		item{row: 2, ledger: &model.LedgerLine{Kind: model.LedgerInvoice, Matter: num("2024-001"), Amount: 50000, Date: "2026-09-01"}},
		item{row: 3, ledger: &model.LedgerLine{Kind: model.LedgerInvoice, Matter: num("2024-002"), Amount: 70000, Date: "2026-09-01"}})
}

// A trust ledger with one row that could not be read: the trust balance of
// the matter that row names was worked out without it, so it is held back
// with a blocker naming the file and the row; the other matter's trust
// balance and the receivables (another ledger, read whole) are not.
func TestRejectedTrustRowBlocksItsMattersTrustBalance(t *testing.T) {
	ws := newWS(t)
	twoMatters(t, ws)
	loadLedger(t, ws, "trust.csv", model.LedgerTrustDeposit,
		kept(2, model.LedgerTrustDeposit, "2024-001", 100000),
		kept(3, model.LedgerTrustDeposit, "2024-002", 20000),
		refused(4, "2024-001: Sale of 4 Elm St"), // the matter as the old system wrote it, number first
		kept(5, model.LedgerTrustWithdrawal, "2024-001", 30000))
	got, fs := rejectedRowFindings(t, ws)
	want := []string{"blocker|trust_balances|trust:matter:2024-001|trust.csv|4"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	f := fs[0]
	for _, part := range []string{"1 row of trust.csv could not be read (row 4)", "trust balance of matter 2024-001", "may be wrong", "not sent to Clio"} {
		if !strings.Contains(f.Message, part) {
			t.Errorf("message %q lacks %q", f.Message, part)
		}
	}
	if !strings.Contains(f.Fix, "Clean screen") || !strings.Contains(f.Fix, "import the file again") || !strings.Contains(f.Fix, "leave this balance out") {
		t.Errorf("fix %q: want how to open the rows, re-import, or leave the balance out", f.Fix)
	}
	if f.RowID == 0 {
		t.Error("finding names no row of the project: the upload could not hold the balance back")
	}
	// The finding is on the balance record itself, which is what the upload
	// skips a record for (entity + key of a blocker finding).
	var n int
	if err := ws.DB().QueryRow(`SELECT count(*) FROM records WHERE id = ? AND entity = ? AND key = ?`, f.RowID, string(f.Entity), f.RecordKey).Scan(&n); err != nil || n != 1 {
		t.Errorf("finding's row %d is not the balance record %s (%d, %v)", f.RowID, f.RecordKey, n, err)
	}
}

// A rejected row whose matter cannot be read (empty, or naming no matter of
// the project) could have gone into any balance of its kind: every trust
// balance is held back; the receivables still are not.
func TestRejectedRowWithoutMatterBlocksEveryBalanceOfItsKind(t *testing.T) {
	for _, matterValue := range []string{"", "9999-999"} {
		ws := newWS(t)
		twoMatters(t, ws)
		loadLedger(t, ws, "trust.csv", model.LedgerTrustDeposit,
			kept(2, model.LedgerTrustDeposit, "2024-001", 100000),
			kept(3, model.LedgerTrustDeposit, "2024-002", 20000),
			refused(4, matterValue), refused(5, "2024-001"), refused(6, "2024-001"),
			refused(7, "2024-001"), refused(8, "2024-001"), refused(9, "2024-001"))
		got, fs := rejectedRowFindings(t, ws)
		want := []string{
			"blocker|trust_balances|trust:matter:2024-001|trust.csv|4",
			"blocker|trust_balances|trust:matter:2024-002|trust.csv|4",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("matter %q: findings\n%s\nwant\n%s", matterValue, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if !strings.Contains(fs[0].Message, "6 rows of trust.csv could not be read (rows 4, 5, 6, 7, 8 and 1 more)") {
			t.Errorf("message %q: want the count and the first rows", fs[0].Message)
		}
	}
}

// Rejected payments hold back the receivables of their matters only; a
// rejected row whose matter has no balance at all is said once, as a
// warning (nothing wrong is sent); without rejected ledger rows — a
// rejected row of a file that is no ledger included — nothing is said.
func TestRejectedLedgerRowsNarrowAndClean(t *testing.T) {
	ws := newWS(t)
	twoMatters(t, ws)
	loadLedger(t, ws, "payments.csv", model.LedgerPayment,
		kept(2, model.LedgerPayment, "2024-001", 10000),
		refused(3, "2024-002"))
	got, _ := rejectedRowFindings(t, ws)
	want := []string{"blocker|ar_balances|ar:2024-002|payments.csv|3"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	ws = newWS(t)
	twoMatters(t, ws)
	loadLedger(t, ws, "payments.csv", model.LedgerPayment, refused(7, "2024-003"))
	got, fs := rejectedRowFindings(t, ws)
	want = []string{"warning|ar_balances||payments.csv|7"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	} else if !strings.Contains(fs[0].Message, "in no balance") {
		t.Errorf("message %q: want that the rows are in no balance", fs[0].Message)
	}

	ws = newWS(t)
	twoMatters(t, ws)
	loadLedger(t, ws, "payments.csv", model.LedgerPayment, kept(2, model.LedgerPayment, "2024-001", 10000))
	st, err := ws.BeginSource(context.Background(), workspace.SourceInfo{Path: "/src/clients.csv", Name: "clients.csv", Format: "csv",
		Detection: map[string]any{"tables": []map[string]any{{"profile": "generic", "entity": "contacts"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Stage(context.Background(), workspace.Row{Num: 2, Raw: []string{"x"}, Reject: "unreadable"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := rejectedRowFindings(t, ws); len(got) != 0 {
		t.Errorf("no ledger row rejected, yet %q", got)
	}
}
