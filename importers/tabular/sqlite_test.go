package tabular

import (
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSQLite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "legacy app.db")
	db, err := sql.Open("sqlite", p)
	mustNil(t, err)
	for _, q := range []string{
		`CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, zip TEXT, born DATE, photo BLOB)`,
		`CREATE TABLE matters (id INTEGER PRIMARY KEY, client_id INTEGER REFERENCES contacts(id), number TEXT, fee REAL, opened DATETIME)`,
		`CREATE TABLE empty_table (x)`, `CREATE INDEX ix ON matters(number)`, `ANALYZE`,
		`INSERT INTO contacts VALUES (2, 'Zoë Brontë', '02134', '1970-05-01', x'00010203')`,
		`INSERT INTO contacts VALUES (1, 'Acme "Corp"', NULL, NULL, NULL)`,
		`INSERT INTO contacts VALUES (3, NULL, NULL, NULL, NULL)`,
		`INSERT INTO matters VALUES (10, 1, '16-1001', 1234.5, '2024-03-15 09:30:00')`,
	} {
		_, err := db.Exec(q)
		mustNil(t, err)
	}
	db.Close()
	before, _ := os.ReadFile(p)

	if f, _ := Detect(p); f != FormatSQLite {
		t.Fatalf("Detect = %q", f)
	}
	info, rows := readAll(t, p, Options{})
	if info.Format != "sqlite" {
		t.Fatalf("info %+v", info)
	}
	if !reflect.DeepEqual(info.Notes, []string{"matters.client_id → contacts.id"}) {
		t.Errorf("notes %q", info.Notes)
	}
	var got [][]string
	for _, r := range rows {
		got = append(got, append([]string{r.Table.Name, r.Kind.String()}, r.Values...))
	}
	want := [][]string{
		{"contacts", "data", "1", `Acme "Corp"`, "", "", ""},
		{"contacts", "data", "2", "Zoë Brontë", "02134", "1970-05-01", "<blob 4 bytes>"},
		{"contacts", "data", "3", "", "", "", ""},
		{"matters", "data", "10", "1", "16-1001", "1234.5", "2024-03-15 09:30:00"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if rows[0].Num != 1 || rows[2].Num != 3 || rows[3].Num != 1 {
		t.Errorf("nums %d %d %d", rows[0].Num, rows[2].Num, rows[3].Num)
	}
	if !reflect.DeepEqual(rows[3].Table.Header, []string{"id", "client_id", "number", "fee", "opened"}) {
		t.Errorf("header %q", rows[3].Table.Header)
	}
	_, rows = readAll(t, p, Options{Sheet: "matters"})
	if len(rows) != 1 {
		t.Errorf("table filter: %d rows", len(rows))
	}
	after, _ := os.ReadFile(p)
	if string(before) != string(after) {
		t.Errorf("the source database was modified")
	}
	if _, err := os.Stat(p + "-journal"); err == nil {
		t.Errorf("a journal was created")
	}
	bad := writeFile(t, "bad.db", append([]byte("SQLite format 3\x00"), make([]byte, 200)...))
	if _, err := Open(bad, Options{}); err == nil || !strings.Contains(err.Error(), "SQLite") {
		t.Errorf("corrupt db: %v", err)
	}
}
