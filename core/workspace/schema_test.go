package workspace

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"handover/core/model"
)

// projectAt makes a project file at an older schema version, as an older
// Handover would have left it.
func projectAt(t *testing.T, version int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.handover")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := (&Workspace{db: db, path: path}).migrateTo(0, version); err != nil {
		t.Fatal(err)
	}
	return path
}

// explain is the program SQLite runs for q, one opcode name per entry.
func explain(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(`EXPLAIN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var ops []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		ops = append(ops, vals[1].(string))
	}
	return ops
}

func TestOldProjectsGetListFreeChecks(t *testing.T) {
	ctx := context.Background()
	path := projectAt(t, 5)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO sources(id, path, name, size, sha256, format, ingested_at) VALUES(1, 'a.csv', 'a.csv', 1, 'x', 'csv', 'now');
		INSERT INTO rows(source_id, row_no, raw, outcome, entity, key, data) VALUES(1, 2, '["a"]', 'record', 'contacts', 'k1', '{}');
		INSERT INTO rows(source_id, row_no, raw, outcome, reason) VALUES(1, 3, '["b"]', 'rejected', 'why');`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var version string
	w.DB().QueryRow(`SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&version)
	if version != strconv.Itoa(SchemaVersion) || SchemaVersion < 6 {
		t.Fatalf("schema version %s after opening, this build writes %d; want it, at least 6", version, SchemaVersion)
	}
	var n int
	if err := w.DB().QueryRow(`SELECT count(*) FROM rows WHERE source_id = 1`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("rows kept: %d, %v; want 2", n, err)
	}
	var check string
	if err := w.DB().QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	for _, table := range []string{"rows", "findings"} {
		var text string
		w.DB().QueryRow(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?`, table).Scan(&text)
		if strings.Contains(text, " IN (") {
			t.Errorf("%s still has an IN-list CHECK:\n%s", table, text)
		}
	}
	// The constraints still refuse what they refused before.
	bad := map[string]string{
		"outcome":  `INSERT INTO rows(source_id, outcome) VALUES(1, 'lost')`,
		"state":    `INSERT INTO rows(source_id, outcome, state) VALUES(1, 'rejected', 'gone')`,
		"severity": `INSERT INTO findings(rule, severity, message) VALUES('r', 'fatal', 'm')`,
	}
	for name, q := range bad {
		if _, err := w.DB().ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
			t.Errorf("%s: a value outside the list was accepted (err %v)", name, err)
		}
	}
	if _, err := w.DB().ExecContext(ctx, `UPDATE rows SET state = 'merged' WHERE row_no = 2`); err != nil {
		t.Errorf("a listed value was refused: %v", err)
	}
	// An old project keeps its page size and stages as a new one does.
	var pageSize int
	w.DB().QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	if pageSize != 4096 {
		t.Errorf("page size %d after opening an old project, want its 4096", pageSize)
	}
	st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/b.csv", Name: "b.csv", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Stage(ctx, Row{Num: 2, Raw: []string{"b"}, Records: []model.Record{contact("k1", "B", "")}}); err != nil {
		t.Fatal(err)
	}
	if err := st.Stage(ctx, Row{Num: 3, Raw: []string{"c"}, Records: []model.Record{contact("k2", "C", "")}}); err != nil {
		t.Fatal(err)
	}
	if c, err := st.Commit(ctx); err != nil || c.Records != 1 || c.Rejected != 1 {
		t.Fatalf("staging into the old project: %+v, %v; want the doubled key k1 rejected", c, err)
	}
	// What the migration is for: staging a row builds no temporary B-tree.
	for _, op := range explain(t, w.DB(), `INSERT INTO rows(source_id, row_no, raw, outcome, entity, key, data) VALUES(1, 9, '[]', 'record', 'contacts', 'k9', '{}')`) {
		if op == "OpenEphemeral" {
			t.Fatal("inserting a row still opens a temporary B-tree for a CHECK")
		}
	}
}

// queryPlan is EXPLAIN QUERY PLAN's account of q, one step a line.
func queryPlan(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.Query(`EXPLAIN QUERY PLAN ` + q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "\n")
}

// Counts reads the index alone, in its order, on a new project and on one
// made at schema 6 (before rows_outcome held the columns it groups on), and
// the counts are the rows' own: derived rows apart, any derived value.
func TestCountsReadTheOutcomeIndexAlone(t *testing.T) {
	ctx := context.Background()
	for _, from := range []int{6, SchemaVersion} {
		path := projectAt(t, from)
		db, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO sources(id, path, name, size, sha256, format, ingested_at) VALUES(1, 'a.csv', 'a.csv', 1, 'x', 'csv', 'now');
			INSERT INTO rows(source_id, row_no, outcome, entity, key, data) VALUES(1, 2, 'record', 'contacts', 'k1', '{}');
			INSERT INTO rows(source_id, row_no, outcome, entity, key, data, derived) VALUES(1, 2, 'record', 'notes', 'k2', '{}', 1);
			INSERT INTO rows(source_id, row_no, outcome, entity, key, data, derived) VALUES(1, 2, 'record', 'notes', 'k3', '{}', 2);
			INSERT INTO rows(source_id, row_no, outcome, entity, key, data, state) VALUES(1, 3, 'record', 'contacts', 'k4', '{}', 'merged');
			INSERT INTO rows(source_id, row_no, outcome, entity, key, data, state) VALUES(1, 4, 'record', 'matters', 'k5', '{}', 'excluded');
			INSERT INTO rows(source_id, row_no, outcome, reason) VALUES(1, 5, 'excluded', 'empty_row');
			INSERT INTO rows(source_id, row_no, outcome, reason) VALUES(1, 6, 'rejected', 'why');`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		w, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		plan := queryPlan(t, w.DB(), countsQuery)
		if !strings.Contains(plan, "COVERING INDEX rows_outcome") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("from schema %d, Counts is read by\n%s\nwant rows_outcome alone, in its order", from, plan)
		}
		c, err := w.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.Rows != 5 || c.RowsKept != 3 || c.Records[model.Contacts] != 1 || c.Records[model.Notes] != 2 || c.Records[model.Matters] != 0 ||
			c.Excluded[model.DuplicateMerged] != 1 || c.Excluded[model.ExcludedByUser] != 1 || c.Excluded[model.EmptyRow] != 1 || c.Rejected != 1 {
			t.Errorf("from schema %d: counts %+v", from, c)
		}
		w.Close()
	}
}
