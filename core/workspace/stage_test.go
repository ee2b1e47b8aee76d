package workspace

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"handover/core/model"
)

// clashingRows is a file whose rows reuse record keys in every way a real
// export can: the same id twice, a company named on several rows, a derived
// record whose key a later row has as its own, keys an earlier file has.
func clashingRows(seed uint64, n int) []Row {
	rnd := rand.New(rand.NewPCG(seed, 7))
	var rows []Row
	for i := range n {
		r := Row{Num: int64(i + 2), Raw: []string{fmt.Sprint(i), "x"}}
		switch p := rnd.IntN(100); {
		case p < 10:
			r.Excluded, r.Entity = model.EmptyRow, model.Contacts
		case p < 15:
			r.Reject = "short row"
		default:
			r.Records = []model.Record{contact(fmt.Sprintf("k%d", rnd.IntN(n/3)), "A", fmt.Sprint(i))}
			for range rnd.IntN(3) {
				key := fmt.Sprintf("company:%d", rnd.IntN(20))
				if rnd.IntN(4) == 0 {
					key = fmt.Sprintf("k%d", rnd.IntN(n/3)) // a derived record with a row's key
				}
				r.Records = append(r.Records, model.Record{Entity: model.Contacts, Key: key, Data: &model.Contact{Type: "Company", Name: key}})
			}
			if rnd.IntN(5) == 0 {
				r.Findings = []Finding{{Rule: "value.odd", Severity: model.Warning, Field: "x", Message: fmt.Sprint("row ", i)}}
			}
		}
		rows = append(rows, r)
	}
	return rows
}

type storedRow struct {
	Source, Row, Derived         int64
	Outcome, Entity, Key, Reason string
	Raw                          string
}

// stagedState is everything staging decided, without the row ids (which the
// two ways of settling clashes may number differently).
func stagedState(t *testing.T, w *Workspace) ([]storedRow, []string, Counts) {
	t.Helper()
	q, err := w.db.Query(`SELECT source_id, row_no, derived, outcome, entity, coalesce(key, ''), reason, coalesce(raw, '')
		FROM rows ORDER BY source_id, row_no, derived, key`)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	var rows []storedRow
	for q.Next() {
		var r storedRow
		if err := q.Scan(&r.Source, &r.Row, &r.Derived, &r.Outcome, &r.Entity, &r.Key, &r.Reason, &r.Raw); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	f, err := w.db.Query(`SELECT f.row_no, f.record_key, f.message, r.outcome, r.key FROM findings f JOIN rows r ON r.id = f.row_id ORDER BY f.row_no, f.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var findings []string
	for f.Next() {
		var row int64
		var key, msg, outcome, rowKey string
		if err := f.Scan(&row, &key, &msg, &outcome, &rowKey); err != nil {
			t.Fatal(err)
		}
		findings = append(findings, fmt.Sprint(row, key, msg, outcome, rowKey))
	}
	c, err := w.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rows, findings, c
}

// stageClashes reads an earlier file and then the clashing one into a new
// project, and reports whether the second load went without the live key
// index at some point.
func stageClashes(t *testing.T, seed uint64, deferAfter int64) (*Workspace, bool) {
	t.Helper()
	ctx := context.Background()
	old := deferKeyIndexAfter
	deferKeyIndexAfter = deferAfter
	t.Cleanup(func() { deferKeyIndexAfter = old })
	w, err := Create(filepath.Join(t.TempDir(), "p.handover"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	first, err := w.BeginSource(ctx, SourceInfo{Path: "/x/old.csv", Name: "old.csv", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := first.Stage(ctx, Row{Num: int64(i + 2), Raw: []string{"old"}, Records: []model.Record{contact(fmt.Sprintf("k%d", i*3), "Old", "")}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/new.csv", Name: "new.csv", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	deferred := false
	for _, r := range clashingRows(seed, 3*batchEntries) {
		if err := st.Stage(ctx, r); err != nil {
			t.Fatal(err)
		}
		deferred = deferred || st.keyIndex != ""
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	if err := w.VerifyInvariant(ctx); err != nil {
		t.Fatal(err)
	}
	return w, deferred
}

// A large load settles doubled keys after the load, when it builds the key
// index again; what it stores must be exactly what the live index gives.
func TestDeferredKeyIndexSettlesClashesLikeTheLiveOne(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		live, deferred := stageClashes(t, seed, 1<<40)
		if deferred {
			t.Fatal("the reference load went without the key index")
		}
		late, deferred := stageClashes(t, seed, 1)
		if !deferred {
			t.Fatal("the large load kept the key index live: the deferred path was not tested")
		}
		wantRows, wantFindings, wantCounts := stagedState(t, live)
		gotRows, gotFindings, gotCounts := stagedState(t, late)
		rejects := 0
		for _, r := range wantRows {
			if strings.Contains(r.Reason, "exported it twice") {
				rejects++
			}
		}
		if rejects < 10 {
			t.Fatalf("seed %d: only %d rows rejected as doubled: the file does not test clashes", seed, rejects)
		}
		if !reflect.DeepEqual(gotCounts, wantCounts) {
			t.Errorf("seed %d: counts %+v, want %+v", seed, gotCounts, wantCounts)
		}
		if len(gotRows) != len(wantRows) {
			t.Fatalf("seed %d: %d stored rows, want %d", seed, len(gotRows), len(wantRows))
		}
		for i := range wantRows {
			if gotRows[i] != wantRows[i] {
				t.Fatalf("seed %d: stored row %d = %+v, want %+v", seed, i, gotRows[i], wantRows[i])
			}
		}
		if !reflect.DeepEqual(gotFindings, wantFindings) {
			t.Errorf("seed %d: findings\n%v\nwant\n%v", seed, gotFindings, wantFindings)
		}
		var index string
		late.db.QueryRow(`SELECT sql FROM sqlite_schema WHERE name = 'rows_record_key'`).Scan(&index)
		if !strings.Contains(index, "UNIQUE") {
			t.Fatalf("seed %d: the key index was not built again: %q", seed, index)
		}
	}
}

// An aborted large load leaves the key index as it was.
func TestAbortedLargeLoadKeepsTheKeyIndex(t *testing.T) {
	ctx := context.Background()
	old := deferKeyIndexAfter
	deferKeyIndexAfter = 1
	defer func() { deferKeyIndexAfter = old }()
	w := newProject(t)
	st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/a.csv", Name: "a.csv", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 * batchEntries {
		if err := st.Stage(ctx, Row{Num: int64(i + 2), Raw: []string{"a"}, Records: []model.Record{contact(fmt.Sprint("k", i), "A", "")}}); err != nil {
			t.Fatal(err)
		}
	}
	if st.keyIndex == "" {
		t.Fatal("the load kept the key index live")
	}
	st.Abort()
	var n int
	w.db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'rows_record_key'`).Scan(&n)
	if n != 1 {
		t.Fatal("the key index is gone after an aborted load")
	}
}

// The raw values are stored as json.Marshal writes them, byte for byte.
func FuzzRawJSON(f *testing.F) {
	for _, s := range []string{"", "plain", `say "hi"`, `C:\dir`, "<b>&amp;</b>", "1 < 2", "2 > 1", "A & B", "tab\there\nnew\rret", "\b\f\x00\x1f\x7f",
		"Zoë Müller", "\u2028\u2029", "\xff\xfe bad utf-8", "emoji 👍", "a,b"} {
		f.Add(s, "second")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, values := range [][]string{nil, {}, {a}, {a, b}, {b, "", a}} {
			want, err := json.Marshal(values)
			if err != nil {
				t.Fatal(err)
			}
			if got := rawJSON(values); got != string(want) {
				t.Fatalf("rawJSON(%q) = %s, json.Marshal gives %s", values, got, want)
			}
		}
	})
}

// A row may carry more derived records than one statement can take
// arguments for (a message with thousands of attachments).
func TestRowWithThousandsOfDerivedRecords(t *testing.T) {
	ctx := context.Background()
	w := newProject(t)
	st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/m.mbox", Name: "m.mbox", Format: "mbox"})
	if err != nil {
		t.Fatal(err)
	}
	recs := []model.Record{contact("msg", "M", "")}
	for i := range 3000 {
		recs = append(recs, model.Record{Entity: model.Contacts, Key: fmt.Sprint("att", i%2999), Data: &model.Contact{Type: "Company", Name: "x"}})
	}
	if err := st.Stage(ctx, Row{Num: 1, Raw: []string{"m"}, Records: recs}); err != nil {
		t.Fatal(err)
	}
	if err := st.Stage(ctx, Row{Num: 2, Raw: []string{"n"}, Records: []model.Record{contact("att5", "N", "")}}); err != nil {
		t.Fatal(err)
	}
	c, err := st.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Records != 1 || c.Rejected != 1 {
		t.Fatalf("counts %+v: want the message's record and the row whose key an attachment has rejected", c)
	}
	all, _ := w.Counts(ctx)
	if all.Records[model.Contacts] != 3000 { // the message and 2,999 distinct derived keys
		t.Fatalf("%d contacts stored, want 3000", all.Records[model.Contacts])
	}
}

// variedRows are rows whose every column a batch may share (locator, header,
// outcome, derived, type, reason, detail, ledger) is the same for stretches
// of a batch or longer and changes in between, each at its own pace.
func variedRows(headers []int64, n int) []Row {
	var rows []Row
	for i := range n {
		r := Row{Num: int64(i + 2), Locator: fmt.Sprint("sheet", i/300), Header: headers[(i/200)%len(headers)],
			Raw: []string{fmt.Sprint(i), "é\"<x>"}, Detail: []string{"", "", "odd"}[(i/100)%3]}
		switch (i / 70) % 4 {
		case 0:
			r.Records = []model.Record{contact(fmt.Sprint("p", i), "A", fmt.Sprint(i))}
			if i%5 == 0 {
				r.Records = append(r.Records, model.Record{Entity: model.Contacts, Key: fmt.Sprint("c", i), Data: &model.Contact{Type: "Company", Name: "Co"}})
			}
		case 1:
			r.Excluded, r.Entity, r.Excl = model.EmptyRow, model.Contacts, map[string]int{"n": i}
			if i%3 == 0 {
				r.Excluded, r.Entity = model.Reason("billed_history"), model.TimeEntries
				r.Ledger = &model.LedgerLine{}
			}
		case 2:
			r.Reject = []string{"short row", "long row"}[(i/10)%2]
		default:
			r.Records = []model.Record{{Entity: model.Matters, Key: fmt.Sprint("m", i), Data: map[string]string{"number": fmt.Sprint(i)}}}
		}
		rows = append(rows, r)
	}
	return rows
}

// storedColumns is every column of every stored row, in id order.
func storedColumns(t *testing.T, w *Workspace) []string {
	t.Helper()
	q, err := w.db.Query(`SELECT quote(id), quote(source_id), quote(row_no), quote(locator), quote(header_id), quote(raw), quote(outcome),
		quote(derived), quote(entity), quote(key), quote(data), quote(reason), quote(detail), quote(ledger) FROM rows ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	var out []string
	for q.Next() {
		var v [14]string
		p := make([]any, len(v))
		for i := range v {
			p[i] = &v[i]
		}
		if err := q.Scan(p...); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.Join(v[:], "|"))
	}
	return out
}

// Batches bind a value the whole batch shares once: every column must come
// out as the row-by-row INSERT stores it, for each mix of shared and varied
// columns, with the key index live and deferred.
func TestBatchesStoreWhatRowByRowStores(t *testing.T) {
	for _, deferAfter := range []int64{0, 1 << 40} {
		old := deferKeyIndexAfter
		deferKeyIndexAfter = deferAfter
		stage := func(oneByOne bool) []string {
			ctx := context.Background()
			w := newProject(t)
			st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/a.csv", Name: "a.csv", Format: "csv"})
			if err != nil {
				t.Fatal(err)
			}
			var headers []int64
			for _, h := range []string{"h1", "h2"} {
				id, err := st.Header(ctx, h, []string{h})
				if err != nil {
					t.Fatal(err)
				}
				headers = append(headers, id)
			}
			headers = append(headers, 0)
			for _, r := range variedRows(headers, 5*batchEntries+17) {
				e, err := Encode(r)
				if err != nil {
					t.Fatal(err)
				}
				if oneByOne {
					st.counts.Rows++
					err = st.stageOne(ctx, e)
				} else {
					err = st.StageEncoded(ctx, e)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, err := st.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			return storedColumns(t, w)
		}
		batched, single := stage(false), stage(true)
		deferKeyIndexAfter = old
		if len(batched) != len(single) {
			t.Fatalf("defer after %d: %d rows stored in batches, %d row by row", deferAfter, len(batched), len(single))
		}
		for i := range batched {
			if batched[i] != single[i] {
				t.Fatalf("defer after %d: row %d differs:\nbatched    %s\nrow by row %s", deferAfter, i, batched[i], single[i])
			}
		}
	}
}

// A source is staged with foreign keys off on its own connection: replacing
// it must still take the old source's rows and headers with it, a row may
// name only its own file's headers, and the connection must go back to the
// pool with foreign keys on, whether the source was committed or aborted.
func TestStagingKeepsWhatForeignKeysGuard(t *testing.T) {
	ctx := context.Background()
	w := newProject(t)
	w.db.SetMaxOpenConns(1) // the Stager's connection is the pool's only one
	fkOn := func(when string) {
		t.Helper()
		var on int
		if err := w.db.QueryRow(`PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
			t.Fatalf("%s: foreign_keys = %d, %v; want 1", when, on, err)
		}
	}
	stage := func(n int) *Stager {
		st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/c.csv", Name: "c.csv", Format: "csv"})
		if err != nil {
			t.Fatal(err)
		}
		h, err := st.Header(ctx, "", []string{"name"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if err := st.Stage(ctx, Row{Num: int64(i + 2), Header: h, Raw: []string{"x"}, Records: []model.Record{contact(fmt.Sprint("k", i), "A", "")}}); err != nil {
				t.Fatal(err)
			}
		}
		return st
	}
	if _, err := stage(2 * batchEntries).Commit(ctx); err != nil {
		t.Fatal(err)
	}
	fkOn("after a commit")
	other, err := w.BeginSource(ctx, SourceInfo{Path: "/x/other.csv", Name: "other.csv", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	otherHeader, err := other.Header(ctx, "", []string{"other"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	stage(10).Abort()
	fkOn("after an abort")
	st := stage(3)
	err = st.Stage(ctx, Row{Num: 99, Header: otherHeader, Raw: []string{"x"}, Reject: "odd"})
	if err == nil || !strings.Contains(err.Error(), "is not one of this file's") {
		t.Fatalf("a row naming another file's header: %v", err)
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	fkOn("after replacing the source")
	var rows, headers, broken int
	w.db.QueryRow(`SELECT count(*) FROM rows`).Scan(&rows)
	w.db.QueryRow(`SELECT count(*) FROM headers`).Scan(&headers)
	q, err := w.db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	for q.Next() {
		broken++
	}
	q.Close()
	if rows != 3 || headers != 2 || broken != 0 {
		t.Fatalf("after replacing: %d rows, %d headers, %d broken links; want 3, 2 (one a file), 0", rows, headers, broken)
	}
}
