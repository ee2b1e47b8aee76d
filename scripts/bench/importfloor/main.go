// Command importfloor measures the floor under Handover's CSV ingest: the
// SQLite driver Handover must use (modernc.org/sqlite, pure Go) doing exactly
// what `sqlite3 x.db ".import --csv FILE t"` does — every row as text into one
// table without indexes, one transaction — with Go's encoding/csv reader.
// Whatever this takes, an ingest that also detects, maps, keeps provenance and
// indexes the rows cannot take less.
//
// With -batch N it puts N rows in each INSERT, which saves the driver's
// per-statement cost: the fastest this driver can load the file at all.
//
//	go run ./scripts/bench/importfloor [-batch N] FILE.csv
package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite"
)

func main() {
	batch := flag.Int("batch", 1, "rows per INSERT statement")
	flag.Parse()
	if flag.NArg() != 1 || *batch < 1 {
		fmt.Fprintln(os.Stderr, "usage: importfloor [-batch N] FILE.csv")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *batch); err != nil {
		fmt.Fprintln(os.Stderr, "importfloor:", err)
		os.Exit(1)
	}
}

func run(path string, batch int) error {
	dir, err := os.MkdirTemp("", "importfloor")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	db, err := sql.Open("sqlite", filepath.Join(dir, "x.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return err
	}
	cols := make([]string, len(header))
	marks := make([]string, len(header))
	for i, h := range header {
		cols[i] = `"` + strings.ReplaceAll(h, `"`, `""`) + `" TEXT`
		marks[i] = "?"
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, p := range strings.Fields(os.Getenv("FLOOR_PRAGMAS")) {
		if _, err := conn.ExecContext(ctx, "PRAGMA "+p); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE t("+strings.Join(cols, ",")+")"); err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	one := "(" + strings.Join(marks, ",") + ")"
	insert := func(n int) (*sql.Stmt, error) {
		return tx.PrepareContext(ctx, "INSERT INTO t VALUES "+strings.TrimSuffix(strings.Repeat(one+",", n), ","))
	}
	stmt, err := insert(batch)
	if err != nil {
		return err
	}
	args := make([]any, 0, batch*len(header))
	rows := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		for i := range header {
			if i < len(rec) {
				args = append(args, rec[i])
			} else {
				args = append(args, nil)
			}
		}
		rows++
		if len(args) == cap(args) {
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	if n := len(args) / len(header); n > 0 { // the last, shorter batch
		last, err := insert(n)
		if err != nil {
			return err
		}
		if _, err := last.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	fmt.Printf("%d rows in %.2f s (modernc.org/sqlite, encoding/csv, one table, no index, %d rows per INSERT)\n", rows, time.Since(start).Seconds(), batch)
	return nil
}
