package tabular

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // driver "sqlite"
)

type sqliteTable struct {
	name  string
	cols  []string
	rowid bool
	table *Table
}

type sqliteReader struct {
	db     *sql.DB
	info   Info
	tables []*sqliteTable
	next   int
	cur    *sqliteTable
	rows   *sql.Rows
	num    int64
	scan   []any
	vals   []sql.NullString
	types  []sql.NullString
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func sqliteDSN(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path // Windows drive letters
	}
	// read-only and immutable: the firm's file is never written, not even a journal.
	return u.String() + "?mode=ro&immutable=1", nil
}

func openSQLite(path string, opts Options) (Reader, error) {
	dsn, err := sqliteDSN(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("this SQLite database could not be opened: %v", err)
	}
	db.SetMaxOpenConns(1)
	r := &sqliteReader{db: db, info: Info{Format: FormatSQLite, Encoding: "utf-8", Guessed: map[string]string{}}}
	if err := r.load(opts); err != nil {
		db.Close()
		return nil, fmt.Errorf("this SQLite database could not be read (%v); if it belongs to a running program, close the program and copy the file again", err)
	}
	if opts.Sheet != "" && len(r.tables) == 0 {
		db.Close()
		return nil, fmt.Errorf("the database has no table named %q", opts.Sheet)
	}
	return r, nil
}

func (r *sqliteReader) load(opts Options) error {
	var views int
	if err := r.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type='view'`).Scan(&views); err != nil {
		return err
	}
	if views > 0 {
		r.info.Notes = append(r.info.Notes, fmt.Sprintf("%d view(s) are not read: views only show data from the tables that are read", views))
	}
	rows, err := r.db.Query(`SELECT name, COALESCE(sql,'') FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY rowid`)
	if err != nil {
		return err
	}
	type tdef struct{ name, sql string }
	var defs []tdef
	for rows.Next() {
		var d tdef
		if err := rows.Scan(&d.name, &d.sql); err != nil {
			rows.Close()
			return err
		}
		defs = append(defs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range defs {
		if opts.Sheet != "" && !strings.EqualFold(d.name, opts.Sheet) {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(d.sql)), "CREATE VIRTUAL TABLE") {
			r.info.Notes = append(r.info.Notes, fmt.Sprintf("table %s is a virtual table (full-text index or similar) and is not read", d.name))
			continue
		}
		t := &sqliteTable{name: d.name, rowid: !strings.Contains(strings.ToUpper(d.sql), "WITHOUT ROWID")}
		ci, err := r.db.Query(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, d.name)
		if err != nil {
			return err
		}
		for ci.Next() {
			var n string
			if err := ci.Scan(&n); err != nil {
				ci.Close()
				return err
			}
			t.cols = append(t.cols, n)
		}
		ci.Close()
		fk, err := r.db.Query(`SELECT "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq`, d.name)
		if err != nil {
			return err
		}
		for fk.Next() {
			var parent, from string
			var to sql.NullString
			if err := fk.Scan(&parent, &from, &to); err != nil {
				fk.Close()
				return err
			}
			target := parent + "." + to.String
			if !to.Valid || to.String == "" {
				target = parent + " (its primary key)"
			}
			r.info.Notes = append(r.info.Notes, fmt.Sprintf("%s.%s → %s", d.name, from, target))
		}
		fk.Close()
		t.table = &Table{Name: d.name, Header: append([]string(nil), t.cols...)}
		r.tables = append(r.tables, t)
	}
	return nil
}

func (r *sqliteReader) Info() Info { return r.info }

func (r *sqliteReader) Close() error {
	if r.rows != nil {
		r.rows.Close()
		r.rows = nil
	}
	if r.db == nil {
		return nil
	}
	err := r.db.Close()
	r.db = nil
	return err
}

func (r *sqliteReader) Next() (Row, error) { return safeNext(r.nextRow) }

func (r *sqliteReader) startTable() error {
	t := r.tables[r.next]
	r.next++
	r.cur, r.num = t, 0
	if len(t.cols) == 0 {
		return nil
	}
	var sel []string
	for _, c := range t.cols {
		q := quoteIdent(c)
		sel = append(sel, "typeof("+q+")", "CASE WHEN typeof("+q+")='blob' THEN length("+q+") ELSE CAST("+q+" AS TEXT) END")
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM " + quoteIdent(t.name)
	if t.rowid {
		query += " ORDER BY rowid"
	}
	rows, err := r.db.Query(query)
	if err != nil {
		return fmt.Errorf("table %s: %v", t.name, err)
	}
	r.rows = rows
	r.vals = make([]sql.NullString, len(t.cols))
	r.types = make([]sql.NullString, len(t.cols))
	r.scan = make([]any, 0, 2*len(t.cols))
	for i := range t.cols {
		r.scan = append(r.scan, &r.types[i], &r.vals[i])
	}
	return nil
}

func (r *sqliteReader) nextRow() (Row, error) {
	for {
		if r.db == nil {
			return Row{}, errors.New("reader is closed")
		}
		if r.rows == nil {
			if r.next >= len(r.tables) {
				return Row{}, io.EOF
			}
			if err := r.startTable(); err != nil {
				return Row{}, err
			}
			if r.rows == nil {
				continue
			}
		}
		if !r.rows.Next() {
			err := r.rows.Err()
			r.rows.Close()
			r.rows = nil
			if err != nil {
				return Row{}, fmt.Errorf("table %s after row %d: %v", r.cur.name, r.num, err)
			}
			continue
		}
		if err := r.rows.Scan(r.scan...); err != nil {
			return Row{}, fmt.Errorf("table %s row %d: %v", r.cur.name, r.num+1, err)
		}
		r.num++
		vals := make([]string, len(r.vals))
		for i, v := range r.vals {
			switch {
			case r.types[i].String == "blob":
				n, _ := strconv.Atoi(v.String)
				vals[i] = fmt.Sprintf("<blob %d bytes>", n)
			case v.Valid:
				vals[i] = v.String
			}
		}
		row := Row{Table: r.cur.table, Num: r.num, Values: vals, Kind: Data}
		if nonEmpty(vals) == 0 {
			row.Kind, row.Reason = Empty, fmt.Sprintf("table %s row %d has no values", r.cur.name, r.num)
		}
		return row, nil
	}
}
