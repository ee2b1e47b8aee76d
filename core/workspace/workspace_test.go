package workspace

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"handover/core/model"
)

func newProject(t *testing.T) *Workspace {
	t.Helper()
	w, err := Create(filepath.Join(t.TempDir(), "firm.handover"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestCreateThenOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.handover")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetSetting(context.Background(), SettingFirmName, "Harbor & Lane"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := Create(path); !errors.Is(err, ErrExists) {
		t.Fatalf("Create over an existing file: got %v, want ErrExists", err)
	}
	w, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	got, _ := w.Setting(context.Background(), SettingFirmName)
	if got != "Harbor & Lane" {
		t.Fatalf("setting = %q", got)
	}
	var mode string
	w.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Fatalf("journal_mode = %q, want wal", mode)
	}
	var pageSize int
	w.DB().QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	if pageSize != 16384 {
		t.Fatalf("page_size = %d, want 16384 for a new project", pageSize)
	}
}

func TestOpenRefusesWithoutChanging(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.handover")
	os.WriteFile(text, []byte(strings.Repeat("not a database\n", 20)), 0o644)

	other := filepath.Join(dir, "other.db")
	db, _ := sql.Open("sqlite", "file:"+other)
	db.Exec(`CREATE TABLE t(x)`)
	db.Close()

	newer := filepath.Join(dir, "newer.handover")
	w, err := Create(newer)
	if err != nil {
		t.Fatal(err)
	}
	w.DB().Exec(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`)
	w.Close()

	corrupt := filepath.Join(dir, "corrupt.handover")
	w, _ = Create(corrupt)
	st, _ := w.BeginSource(context.Background(), SourceInfo{Path: "x.csv", Name: "x.csv", Format: "csv"})
	for i := 0; i < 2000; i++ {
		st.Stage(context.Background(), Row{Num: int64(i + 2), Raw: []string{strings.Repeat("x", 100)}, Excluded: model.EmptyRow})
	}
	st.Commit(context.Background())
	w.Close()
	b, _ := os.ReadFile(corrupt)
	for i := 4096 * 3; i < len(b) && i < 4096*6; i++ { // wreck a few pages after the header
		b[i] ^= 0x5a
	}
	os.WriteFile(corrupt, b, 0o644)

	for _, tc := range []struct {
		path string
		want error
		hint string
	}{
		{text, ErrNotProject, "not a SQLite database"},
		{other, ErrNotProject, "another program"},
		{newer, ErrTooNew, "install the latest Handover"},
		{corrupt, ErrCorrupt, "backup"},
	} {
		before := fileHash(t, tc.path)
		_, walBefore := os.Stat(tc.path + "-wal")
		_, err := Open(tc.path)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.hint) {
			t.Errorf("Open(%s) = %v, want %v mentioning %q", filepath.Base(tc.path), err, tc.want, tc.hint)
		}
		if fileHash(t, tc.path) != before {
			t.Errorf("Open(%s) changed the file", filepath.Base(tc.path))
		}
		if _, walAfter := os.Stat(tc.path + "-wal"); (walBefore == nil) != (walAfter == nil) {
			t.Errorf("Open(%s) created or removed a WAL file", filepath.Base(tc.path))
		}
	}
	if _, err := Open(filepath.Join(dir, "missing.handover")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: %v", err)
	}
}

func contact(key, first, last string) model.Record {
	return model.Record{Entity: model.Contacts, Key: key, Data: &model.Contact{Type: "Person", FirstName: first, LastName: last}}
}

func TestStagingAccountsForEveryRow(t *testing.T) {
	ctx := context.Background()
	w := newProject(t)
	st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/contacts.csv", Name: "contacts.csv", Format: "csv", SHA256: "abc"})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := st.Header(ctx, "", []string{"id", "first", "last"})
	rows := []Row{
		{Num: 2, Header: h, Raw: []string{"1", "Zoë", "Müller"}, Records: []model.Record{contact("p:contacts:1", "Zoë", "Müller")}},
		{Num: 3, Header: h, Raw: []string{"", "", ""}, Excluded: model.EmptyRow},
		{Num: 4, Header: h, Raw: []string{"2", "x"}, Reject: "row 4 has 2 fields, the header has 3"},
		{Num: 5, Header: h, Raw: []string{"1", "Zoe", "Muller"}, Records: []model.Record{contact("p:contacts:1", "Zoe", "Muller")}},
		{Num: 6, Header: h, Raw: []string{"3", "Ann", "Lee"}, Records: []model.Record{
			contact("p:contacts:3", "Ann", "Lee"),
			{Entity: model.Contacts, Key: "company:acme", Data: &model.Contact{Type: "Company", Name: "Acme"}},
		}},
		{Num: 7, Header: h, Raw: []string{"4", "Bo", "Ng"}, Records: []model.Record{
			contact("p:contacts:4", "Bo", "Ng"),
			{Entity: model.Contacts, Key: "company:acme", Data: &model.Contact{Type: "Company", Name: "Acme"}},
		}},
	}
	for _, r := range rows {
		if err := st.Stage(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Stage(ctx, Row{Num: 8, Excluded: model.EmptyRow, Reject: "both"}); err == nil {
		t.Fatal("a row with two outcomes was accepted")
	}
	c, err := st.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := SourceCounts{SourceID: c.SourceID, Rows: 6, Records: 3, Excluded: 1, Rejected: 2}
	if c != want {
		t.Fatalf("counts = %+v, want %+v", c, want)
	}
	if err := w.VerifyInvariant(ctx); err != nil {
		t.Fatal(err)
	}
	all, _ := w.Counts(ctx)
	if all.Records[model.Contacts] != 4 || all.Rejected != 2 || all.Excluded[model.EmptyRow] != 1 || all.Rows != 6 {
		t.Fatalf("project counts = %+v", all)
	}
	var rejects []OutcomeRow
	w.EachLeftOut(ctx, func(o OutcomeRow) error { rejects = append(rejects, o); return nil })
	if len(rejects) != 3 || rejects[2].Row != 5 || !strings.Contains(rejects[2].Reason, "row 2") {
		t.Fatalf("left out = %+v", rejects)
	}
	if strings.Join(rejects[2].Raw, "|") != "1|Zoe|Muller" || strings.Join(rejects[2].Header, "|") != "id|first|last" {
		t.Fatalf("raw values not kept verbatim: %+v", rejects[2])
	}
	r, err := w.RecordByKey(ctx, model.Contacts, "p:contacts:1")
	if err != nil || r == nil || r.Data.(*model.Contact).FirstName != "Zoë" || r.Prov.Row != 2 || r.Prov.Source != "contacts.csv" {
		t.Fatalf("record = %+v, %v", r, err)
	}
}

func TestAbortAndReplaceKeepTheProjectConsistent(t *testing.T) {
	ctx := context.Background()
	w := newProject(t)
	stage := func(n int, name string) *Stager {
		st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/c.csv", Name: "c.csv", Format: "csv"})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			key := "k" + string(rune('a'+i))
			if err := st.Stage(ctx, Row{Num: int64(i + 2), Raw: []string{name}, Records: []model.Record{contact(key, name, "X")}}); err != nil {
				t.Fatal(err)
			}
		}
		return st
	}
	if _, err := stage(3, "first").Commit(ctx); err != nil {
		t.Fatal(err)
	}
	stage(5, "aborted").Abort()
	c, _ := w.Counts(ctx)
	if c.Records[model.Contacts] != 3 {
		t.Fatalf("after abort: %d contacts, want the 3 from before", c.Records[model.Contacts])
	}
	if _, err := stage(2, "fresher").Commit(ctx); err != nil {
		t.Fatal(err)
	}
	srcs, _ := w.Sources(ctx)
	c, _ = w.Counts(ctx)
	if len(srcs) != 1 || c.Records[model.Contacts] != 2 {
		t.Fatalf("re-reading the same path should replace it: %d sources, %d contacts", len(srcs), c.Records[model.Contacts])
	}
}

func TestDerivedBalancesAreReplaced(t *testing.T) {
	ctx := context.Background()
	w := newProject(t)
	bal := func(m string, c model.Cents) model.Record {
		return model.Record{Entity: model.ARBalances, Key: "ar:" + m, Data: &model.ARBalance{Matter: model.Ref{Kind: "number", Value: m}, Amount: c}}
	}
	if err := w.ReplaceDerived(ctx, model.ARBalances, []model.Record{bal("16-1001", 12345), bal("16-1002", 5)}); err != nil {
		t.Fatal(err)
	}
	before, _ := w.RecordByKey(ctx, model.ARBalances, "ar:16-1001")
	if err := w.ReplaceDerived(ctx, model.ARBalances, []model.Record{bal("16-1001", 100)}); err != nil {
		t.Fatal(err)
	}
	if after, _ := w.RecordByKey(ctx, model.ARBalances, "ar:16-1001"); after == nil || after.ID != before.ID {
		t.Fatalf("a recomputed balance changed its id (%v → %v): packages would not be reproducible", before, after)
	}
	var got []model.Cents
	w.EachRecord(ctx, RecordFilter{Entity: model.ARBalances}, func(r StoredRecord) error {
		got = append(got, r.Data.(*model.ARBalance).Amount)
		return nil
	})
	if len(got) != 1 || got[0] != 100 {
		t.Fatalf("balances = %v", got)
	}
	c, _ := w.Counts(ctx)
	if c.Rows != 0 {
		t.Fatalf("derived rows counted as rows read: %d", c.Rows)
	}
}

// A creation killed before its first commit leaves an empty file; a new
// project's schema must be in the main file, not only in a -wal beside it.
func TestCreateLeavesNoHeaderInTheWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.handover")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// Read the main file while the project is still open, as a kill -9 would leave it.
	if _, err := inspect(path); err != nil {
		t.Fatalf("a freshly created project is not recognised from its main file: %v", err)
	}
	w.Close()

	empty := filepath.Join(t.TempDir(), "empty.handover")
	os.WriteFile(empty, nil, 0o600)
	w, err = OpenOrCreate(empty)
	if err != nil {
		t.Fatalf("an interrupted creation (empty file) cannot be started again: %v", err)
	}
	w.Close()
}

// Recomputing balances updates each derived record by key; a statement that
// cannot use the unique (entity, key) index walks every sourceless row per
// record, which is quadratic in the number of balances.
func TestDerivedRecordsAreFoundThroughTheKeyIndex(t *testing.T) {
	w := newProject(t)
	for _, q := range []string{updateDerivedSQL, deleteDerivedSQL} {
		rows, err := w.db.Query("EXPLAIN QUERY PLAN "+q, "x", "y", "ar_balances", "k")
		if q == deleteDerivedSQL {
			rows, err = w.db.Query("EXPLAIN QUERY PLAN "+q, "ar_balances", "k")
		}
		if err != nil {
			t.Fatal(err)
		}
		var plan strings.Builder
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(detail + "\n")
		}
		rows.Close()
		if !strings.Contains(plan.String(), "rows_record_key") {
			t.Errorf("%s\nplan:\n%s\nwant a search through rows_record_key", q, plan.String())
		}
	}
}
