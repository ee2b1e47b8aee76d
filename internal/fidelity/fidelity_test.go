package fidelity

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"handover/core/balances"
	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/internal/firmgen"
)

func stage(t *testing.T, ws *workspace.Workspace, name string, rows ...workspace.Row) {
	t.Helper()
	ctx := context.Background()
	st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/firm/" + name, Name: name, SHA256: name, Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		for i := range r.Records {
			r.Records[i].Prov = model.Provenance{SourceID: st.SourceID(), Source: name, Row: r.Num}
		}
		if err := st.Stage(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func rec(e model.Entity, key string, data any) []model.Record {
	return []model.Record{{Entity: e, Key: key, Data: data}}
}

// The yardstick itself: a hand-staged project against a hand-written truth,
// where every number is known — a record staged at its row counts, one of
// the wrong type does not; a link counts only when its reference resolves
// to the record from the parent's row; a balance only when exact.
func TestCompareCountsWhatWasRecovered(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "p.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	stage(t, ws, "clients.csv",
		workspace.Row{Num: 2, Records: rec(model.Contacts, "x:contacts:1", &model.Contact{Type: "Person", FirstName: "Ann", LastName: "Lee"})},
		workspace.Row{Num: 3, Records: rec(model.Contacts, "x:contacts:2", &model.Contact{Type: "Person", FirstName: "Bo", LastName: "Ng"})})
	stage(t, ws, "matters.csv",
		workspace.Row{Num: 2, Records: rec(model.Matters, "x:matters:A-1", &model.Matter{DisplayNumber: "A-1", Client: model.Ref{Kind: "id", Value: "1"}})},
		workspace.Row{Num: 3, Records: rec(model.Matters, "x:matters:A-2", &model.Matter{DisplayNumber: "A-2", Client: model.Ref{Kind: "name", Value: "Nobody"}})},
		// the truth's third matter, staged as a note: not a matter recovered
		workspace.Row{Num: 4, Records: rec(model.Notes, "x:notes:4", &model.Note{Type: "Matter", Subject: "A-3"})})
	stage(t, ws, "ledger.csv",
		workspace.Row{Num: 2, Excluded: model.AccountingHistory, Ledger: &model.LedgerLine{Kind: model.LedgerInvoice, Matter: model.Ref{Kind: "number", Value: "A-1"}, Amount: 5000}},
		workspace.Row{Num: 3, Excluded: model.AccountingHistory, Ledger: &model.LedgerLine{Kind: model.LedgerTrustDeposit, Matter: model.Ref{Kind: "number", Value: "A-1"}, Amount: 1000}},
		workspace.Row{Num: 4, Excluded: model.AccountingHistory, Ledger: &model.LedgerLine{Kind: model.LedgerInvoice, Matter: model.Ref{Kind: "number", Value: "A-2"}, Amount: 699}})
	// A party named only in a parties list: one contact made after the
	// files are read, with no row of its own.
	if err := ws.ReplaceDerived(ctx, model.Contacts, rec(model.Contacts, "party:name:cypo", &model.Contact{Type: "Person", FirstName: "Cy", LastName: "Po"})); err != nil {
		t.Fatal(err)
	}
	if _, err := balances.Recompute(ctx, ws, ""); err != nil {
		t.Fatal(err)
	}
	truth := &firmgen.Truth{
		Records: []firmgen.Record{
			{ID: "C1", Entity: "contacts", Loc: firmgen.Loc{File: "clients.csv", Row: 2}},
			{ID: "C2", Entity: "contacts", Loc: firmgen.Loc{File: "clients.csv", Row: 3}},
			{ID: "C3", Entity: "contacts", Loc: firmgen.Loc{File: "parties.csv", Row: 2}, Derived: true, Values: map[string]string{"first_name": "Cy", "last_name": "Po"}},
			{ID: "C4", Entity: "contacts", Loc: firmgen.Loc{File: "parties.csv", Row: 3}, Derived: true, Values: map[string]string{"first_name": "No", "last_name": "Body"}},
			{ID: "M1", Entity: "matters", Loc: firmgen.Loc{File: "matters.csv", Row: 2}, Values: map[string]string{"display_number": "A-1"}},
			{ID: "M2", Entity: "matters", Loc: firmgen.Loc{File: "matters.csv", Row: 3}, Values: map[string]string{"open_date": "2024-01-02"}},
			{ID: "M3", Entity: "matters", Loc: firmgen.Loc{File: "matters.csv", Row: 4}},
			{ID: "T1", Entity: "time_entries", Loc: firmgen.Loc{File: "time.csv", Row: 2}},
		},
		Links: []firmgen.Link{{Child: "M1", Field: "client", Parent: "C1"}, {Child: "M2", Field: "client", Parent: "C2"},
			{Child: "M3", Field: "client", Parent: "C1"}},
		Balances: []firmgen.Balance{{Kind: "ar", Owner: "M1", Cents: 5000}, {Kind: "trust", Owner: "M1", Cents: 1000},
			{Kind: "ar", Owner: "M2", Cents: 700}},
	}
	res, err := compare(ctx, ws, "/firm", truth, ingest.Result{})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Records["contacts"]; c != (Count{3, 4}) {
		t.Errorf("contacts %+v, want 3/4 (two from rows, one party found by name, one party never made)", c)
	}
	if c := res.Records["matters"]; c != (Count{2, 3}) {
		t.Errorf("matters %+v, want 2/3 (the third was staged as a note)", c)
	}
	if c := res.Records["time_entries"]; c != (Count{0, 1}) {
		t.Errorf("time %+v, want 0/1", c)
	}
	if res.Extra["notes"] != 1 {
		t.Errorf("extra notes %d, want 1", res.Extra["notes"])
	}
	if res.Links != (Count{1, 3}) {
		t.Errorf("links %+v, want 1/3 (one resolves, one names nobody, one's child is not staged)", res.Links)
	}
	if res.Values != (Count{3, 4}) {
		t.Errorf("values %+v, want 3/4 (Cy Po's two names right, A-1's number right, A-2's open date not read)", res.Values)
	}
	if res.Balances != (Count{2, 3}) {
		t.Errorf("balances %+v, want 2/3 (A-2 is 6.99, the truth 7.00)", res.Balances)
	}
	named := false
	for _, m := range res.Misses {
		named = named || m.What == "matters" && m.Where == "matters.csv" && m.Lost == 1 && m.Why == "1 staged as notes"
	}
	if !named {
		t.Errorf("misses %+v: want the lost matter named with what it became", res.Misses)
	}
}

func TestQuestionsAreWarningsThatAsk(t *testing.T) {
	for w, want := range map[string]bool{
		`Every date in column "d" could be day-first or month-first (no day above 12, e.g. "01/02/2024"). Reading them as month-first (the default); the rows keep the text as written. Set the order if that is wrong.`: true,
		`Column "a" mixes decimal commas (3 values) and decimal points (2 values); reading it with a decimal comma. Check the amounts.`:                                                                                  true,
		`Times in this table have no time zone; they are kept as local times without an offset (e.g. 2024-03-15T10:00:00) until the firm's time zone is applied.`:                                                        false,
		`2 column(s) were not recognised and become custom fields unless you map them: Old Ref, Remarks.`:                                                                                                                false,
		`Could not tell what this table holds (contacts, matters, time, ...): choose a profile or map the columns by hand.`:                                                                                              false,
	} {
		if got := isQuestion(w); got != want {
			t.Errorf("isQuestion(%q) = %v, want %v", w, got, want)
		}
	}
}

// The corpus through the real pipeline: every firm is generated, read and
// checked, and the numbers are reported. The targets (records 100 %, links
// ≥ 99.5 %, balances 100 % exact, 0 manual steps) are reported, not yet
// asserted: the importers are being improved to meet them.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole corpus through ingest and check")
	}
	work := t.TempDir()
	var rs []*Result
	measured, err := MeasureAll(context.Background(), work, firmgen.Firms(), Options{}, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i, spec := range firmgen.Firms() {
		r := measured[i]
		if r.Firm != spec.Name {
			t.Fatalf("result %d is %s, want %s", i, r.Firm, spec.Name)
		}
		truth, err := firmgen.ReadTruth(filepath.Join(work, spec.Name, firmgen.TruthFile))
		if err != nil {
			t.Fatal(err)
		}
		// The measurement covers the whole truth: every record, link and balance is counted once.
		if got := r.RecordsTotal().Want; got != len(truth.Records) {
			t.Errorf("%s: %d truth records measured, truth has %d", spec.Name, got, len(truth.Records))
		}
		if r.Planted.Want != len(truth.Planted) || r.Planted.Got > r.Planted.Want {
			t.Errorf("%s: planted %d/%d measured, truth plants %d", spec.Name, r.Planted.Got, r.Planted.Want, len(truth.Planted))
		}
		if r.Links.Want != len(truth.Links) || r.Balances.Want != len(truth.Balances) {
			t.Errorf("%s: links %d/%d, balances %d/%d measured against the truth", spec.Name, r.Links.Want, len(truth.Links), r.Balances.Want, len(truth.Balances))
		}
		if c := r.RecordsTotal(); c.Got > c.Want || r.Links.Got > r.Links.Want || r.Balances.Got > r.Balances.Want {
			t.Errorf("%s: more recovered than there is: %+v %+v %+v", spec.Name, c, r.Links, r.Balances)
		}
		// Every row the pipeline read is accounted for (the project's own invariant).
		if err := verify(work, spec.Name); err != nil {
			t.Errorf("%s: %v", spec.Name, err)
		}
		rs = append(rs, r)
	}
	var b bytes.Buffer
	WriteTable(&b, rs)
	t.Log("\n" + b.String())
	// The targets, now met, held for every firm and overall: a
	// regression on any shape fails CI with the firm's worst misses.
	for _, r := range append(rs, Overall(rs)) {
		name := r.Firm
		for _, m := range []struct {
			name string
			got  float64
			want float64
		}{{"records %", r.RecordsTotal().Pct(), TargetRecordsPct}, {"links %", r.Links.Pct(), TargetLinksPct}, {"balances exact %", r.Balances.Pct(), TargetBalancesPct}} {
			if m.got < m.want {
				t.Errorf("%s: %s %.2f, target %.1f", name, m.name, m.got, m.want)
			}
		}
		if n := r.Manual.Total(); n > TargetManual {
			t.Errorf("%s: %d manual steps, target %d", name, n, TargetManual)
		}
	}
	// End to end: what the upload left in Clio, read back through the API.
	b.Reset()
	WriteClio(&b, rs)
	t.Log("\n" + b.String())
	for _, r := range rs {
		c := r.Clio
		if c == nil {
			t.Fatalf("%s: not uploaded", r.Firm)
		}
		// Whatever the upload skips, the check named beforehand; nothing is
		// in Clio twice or for nothing; every request matched Clio's spec.
		if c.WithParent+c.Unsaid > 0 || c.Doubles > 0 || c.Extra > 0 || c.Violations > 0 {
			t.Errorf("%s: in Clio %d skipped though the check named nothing on them (%d with a named parent), %d doubles, %d records for no truth record, %d spec violations",
				r.Firm, c.WithParent+c.Unsaid, c.WithParent, c.Doubles, c.Extra, c.Violations)
		}
		// Every truth record the check let through is in Clio, with every
		// link and every value read right, and every balance of those as
		// one line to the cent.
		for _, m := range []struct {
			name string
			c    Count
		}{{"records", c.Records}, {"links", c.Links}, {"balances", c.Balances}, {"values kept", c.Values}} {
			if m.c.Got != m.c.Want {
				t.Errorf("%s: %s in Clio %d of %d", r.Firm, m.name, m.c.Got, m.c.Want)
			}
		}
		// The measurement covers the firm: each record staged is in Clio or
		// held, and those held are few (the planted problems and what hangs
		// on them).
		if c.Records.Want+c.Held != r.RecordsTotal().Got || c.OfTruth.Want != r.RecordsTotal().Want {
			t.Errorf("%s: %d in Clio's count + %d held, %d staged; %d of %d truth records", r.Firm, c.Records.Want, c.Held, r.RecordsTotal().Got, c.OfTruth.Want, r.RecordsTotal().Want)
		}
		if c.Records.Got == 0 || c.Held*5 > c.OfTruth.Want {
			t.Errorf("%s: %d records in Clio, %d held of %d", r.Firm, c.Records.Got, c.Held, c.OfTruth.Want)
		}
	}
}

func verify(work, name string) error {
	ws, err := workspace.Open(filepath.Join(work, name, "project.handover"))
	if err != nil {
		return err
	}
	defer ws.Close()
	return ws.VerifyInvariant(context.Background())
}

func TestUpdateDoc(t *testing.T) {
	p := filepath.Join(t.TempDir(), "F.md")
	os.WriteFile(p, []byte("intro\n"+BeginMarker+"\nold\n"+EndMarker+"\nafter\n"), 0o644)
	if err := UpdateDoc(p, "new\n"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if want := "intro\n" + BeginMarker + "\nnew\n" + EndMarker + "\nafter\n"; string(b) != want {
		t.Errorf("got %q", b)
	}
	os.WriteFile(p, []byte("no markers"), 0o644)
	if err := UpdateDoc(p, "x"); err == nil {
		t.Error("no error without markers")
	}
}
