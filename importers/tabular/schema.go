package tabular

import (
	"context"
	"database/sql"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// Schema is what a database says about its own tables: primary keys and
// declared foreign keys. Sources without one (CSV, DBF, xlsx) have none; a
// relational pre-pass then finds keys and links from the values.
type Schema struct {
	Keys    map[string][]string // table → its primary key columns
	Foreign []ForeignKey
}

// ForeignKey is one declared link: Table.Column refers to Parent.ParentColumn
// (ParentColumn is "" when the declaration names the parent's primary key).
type ForeignKey struct {
	Table, Column, Parent, ParentColumn string
}

// ReadSchema returns the declared keys of a SQLite or Access database, and
// an empty Schema for other formats. A database whose schema cannot be read
// gives an empty Schema too: links are then found from the values alone.
func ReadSchema(path string) Schema {
	s := Schema{Keys: map[string][]string{}}
	format, err := Detect(path)
	if err != nil {
		return s
	}
	switch format {
	case FormatSQLite:
		readSQLiteSchema(path, &s)
	case FormatMDB:
		readMDBSchema(path, &s)
	}
	return s
}

func readSQLiteSchema(path string, s *Schema) {
	dsn, err := sqliteDSN(path)
	if err != nil {
		return
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		return
	}
	var tables []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			tables = append(tables, n)
		}
	}
	rows.Close()
	for _, t := range tables {
		if pk, err := db.Query(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, t); err == nil {
			for pk.Next() {
				var n string
				if pk.Scan(&n) == nil {
					s.Keys[t] = append(s.Keys[t], n)
				}
			}
			pk.Close()
		}
		fk, err := db.Query(`SELECT "table", "from", COALESCE("to",'') FROM pragma_foreign_key_list(?) ORDER BY id, seq`, t)
		if err != nil {
			continue
		}
		for fk.Next() {
			var f ForeignKey
			if fk.Scan(&f.Parent, &f.Column, &f.ParentColumn) == nil {
				f.Table = t
				s.Foreign = append(s.Foreign, f)
			}
		}
		fk.Close()
	}
}

// mdb-schema writes relationships as ALTER TABLE … FOREIGN KEY statements
// (when the database's MSysRelationships table is readable).
var reMDBForeign = regexp.MustCompile(`(?is)ALTER\s+TABLE\s+[\[\x60"]?([^\]\x60"]+?)[\]\x60"]?\s+ADD\s+CONSTRAINT\s+\S+\s+FOREIGN\s+KEY\s*\(\s*[\[\x60"]?([^\]\x60")]+)[\]\x60"]?\s*\)\s*REFERENCES\s+[\[\x60"]?([^\]\x60"(]+?)[\]\x60"]?\s*\(\s*[\[\x60"]?([^\]\x60")]+)[\]\x60"]?\s*\)`)

func readMDBSchema(path string, s *Schema) {
	bin, err := exec.LookPath("mdb-schema")
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--relations", path, "postgres").Output()
	if err != nil {
		return
	}
	parseMDBSchema(string(out), s)
}

func parseMDBSchema(text string, s *Schema) {
	for _, m := range reMDBForeign.FindAllStringSubmatch(text, -1) {
		k := ForeignKey{Table: strings.TrimSpace(m[1]), Column: strings.TrimSpace(m[2]),
			Parent: strings.TrimSpace(m[3]), ParentColumn: strings.TrimSpace(m[4])}
		// A name that is only spaces ("REFERENCES t( )") names no column: such
		// a key links nothing, and an empty column must not be taken as one.
		if k.Table == "" || k.Column == "" || k.Parent == "" || k.ParentColumn == "" {
			continue
		}
		s.Foreign = append(s.Foreign, k)
	}
}
