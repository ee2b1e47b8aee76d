package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"handover/core/model"
)

// stageSource stages n rows of wide raw values as one source of w; commit
// says whether it is committed or left open.
func stageSource(t *testing.T, w *Workspace, name string, n int, commit bool) {
	t.Helper()
	ctx := context.Background()
	st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/" + name, Name: name, Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	wide := strings.Repeat("note ", 200)
	for i := range n {
		r := Row{Num: int64(i + 2), Raw: []string{fmt.Sprint(i), wide}, Records: []model.Record{contact(fmt.Sprint(name, i), "A", fmt.Sprint(i))}}
		if err := st.Stage(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if commit {
		if _, err := st.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func countRows(t *testing.T, w *Workspace) (rows, sources int) {
	t.Helper()
	if err := w.db.QueryRow(`SELECT (SELECT count(*) FROM rows), (SELECT count(*) FROM sources)`).Scan(&rows, &sources); err != nil {
		t.Fatal(err)
	}
	return rows, sources
}

// The child half of TestBulkLoadKilledHalfWay: a bulk load that has
// written part of a large source into the project, then dies (os.Exit runs
// no deferred rollback or close, as kill -9 would not).
func TestBulkLoadCrashChild(t *testing.T) {
	path := os.Getenv("HANDOVER_BULK_CRASH")
	if path == "" {
		t.Skip("run by TestBulkLoadKilledHalfWay")
	}
	if os.Getenv("HANDOVER_CRASH_CREATING") != "" {
		// a first commit into an empty file, killed after pages reached it
		db, err := openRaw(path)
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		for _, q := range []string{`PRAGMA cache_size = 8`, `BEGIN`, `CREATE TABLE t(x)`,
			`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO t SELECT hex(randomblob(100)) FROM n`} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		os.Exit(3)
	}
	w, err := OpenOrCreateBulk(path)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	w.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if mode != "delete" {
		t.Fatalf("a bulk load runs in journal mode %q", mode)
	}
	stageSource(t, w, "b.csv", 20000, false) // ~20 MB: far past the page cache, so pages reach the file
	os.Exit(3)
}

// A bulk load killed half-way leaves a hot -journal; the next open rolls it
// back (a read-only inspection could not) and finds the project as the last
// commit left it.
func TestBulkLoadKilledHalfWay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "firm.handover")
	w, err := OpenOrCreateBulk(path)
	if err != nil {
		t.Fatal(err)
	}
	stageSource(t, w, "a.csv", 100, true)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	cmd := exec.Command(os.Args[0], "-test.run=^TestBulkLoadCrashChild$")
	cmd.Env = append(os.Environ(), "HANDOVER_BULK_CRASH="+path)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("the crashing load did not die where meant (%v):\n%s", err, out)
	}
	st, err := os.Stat(path + "-journal")
	if err != nil || st.Size() == 0 {
		t.Fatalf("the killed load left no hot journal (%v): the test reproduces nothing", err)
	}
	if after, _ := os.Stat(path); after.Size() <= before.Size() {
		t.Fatalf("the killed load wrote nothing into the project (%d bytes, was %d): the test reproduces nothing", after.Size(), before.Size())
	}
	w, err = Open(path)
	if err != nil {
		t.Fatalf("open after the killed load: %v", err)
	}
	defer w.Close()
	if rows, sources := countRows(t, w); rows != 100 || sources != 1 {
		t.Fatalf("after the killed load: %d rows in %d sources, want the 100 of a.csv", rows, sources)
	}
	if _, err := os.Stat(path + "-journal"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the journal is still there after the open: %v", err)
	}
	stageSource(t, w, "b.csv", 10, true) // and it takes a new load
	if rows, sources := countRows(t, w); rows != 110 || sources != 2 {
		t.Fatalf("after a new load: %d rows in %d sources", rows, sources)
	}
}

// A project another program has open (in WAL mode) cannot leave WAL mode:
// the bulk open then loads it as a shared one, and both see the rows.
func TestBulkOpenBesideAReader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "firm.handover")
	reader, err := OpenOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	countRows(t, reader) // a connection open, in WAL mode
	w, err := OpenOrCreateBulk(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var mode string
	w.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	if mode != "wal" {
		t.Fatalf("journal mode %q beside a reader, want wal", mode)
	}
	stageSource(t, w, "a.csv", 50, true)
	if rows, _ := countRows(t, reader); rows != 50 {
		t.Fatalf("the reader sees %d rows, want 50", rows)
	}
}

// A project locked by another program's write is reported as busy, not as
// damaged (which would send the user to a backup).
func TestOpenWhileWrittenIsBusyNotDamaged(t *testing.T) {
	old := busyTimeoutMS
	busyTimeoutMS = 50
	defer func() { busyTimeoutMS = old }()
	path := filepath.Join(t.TempDir(), "firm.handover")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Close() // in rollback-journal mode now
	writer, err := openRaw(path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	conn, err := writer.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), `ROLLBACK`)
	_, err = Open(path)
	if !errors.Is(err, ErrBusy) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("open of a project being written: %v, want ErrBusy", err)
	}
}

// A creation killed before its first commit leaves an empty file and the
// journal SQLite began (the soak's kill -9 at 20 ms did: testdata holds that
// journal). Open says what happened rather than "not a SQLite database";
// the next ingest starts the project afresh, and the stale journal does not
// undo it.
func TestInterruptedCreationIsStartedAfresh(t *testing.T) {
	path := filepath.Join(t.TempDir(), "firm.handover")
	journal, err := os.ReadFile(filepath.Join("testdata", "interrupted-create.handover-journal"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+"-journal", journal, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, ErrNotProject) || !strings.Contains(err.Error(), "creation was interrupted") {
		t.Fatalf("open of an interrupted creation: %v", err)
	}
	if st, _ := os.Stat(path); st.Size() != 0 {
		t.Fatal("the refused open wrote into the file")
	}
	w, err := OpenOrCreateBulk(path)
	if err != nil {
		t.Fatal(err)
	}
	stageSource(t, w, "a.csv", 20, true)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if rows, sources := countRows(t, w); rows != 20 || sources != 1 {
		t.Fatalf("the project started afresh holds %d rows in %d sources, want 20 in 1", rows, sources)
	}
	if _, err := os.Stat(path + "-journal"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the stale journal is still there: %v", err)
	}
}

// The same creation killed later, once SQLite has written pages into the
// file: its journal is hot, and rolling it back leaves the file empty, so
// the next ingest starts afresh instead of calling the file damaged.
func TestCreationKilledInItsFirstCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "firm.handover")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBulkLoadCrashChild$")
	cmd.Env = append(os.Environ(), "HANDOVER_BULK_CRASH="+path, "HANDOVER_CRASH_CREATING=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("the crashing creation did not die where meant (%v):\n%s", err, out)
	}
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Fatalf("the killed creation wrote nothing into the file (%v): the test reproduces nothing", err)
	}
	if st, err := os.Stat(path + "-journal"); err != nil || st.Size() == 0 {
		t.Fatalf("the killed creation left no journal (%v)", err)
	}
	if _, err := Open(path); !errors.Is(err, ErrNotProject) || !strings.Contains(err.Error(), "creation was interrupted") {
		t.Fatalf("open after the killed creation: %v", err)
	}
	w, err := OpenOrCreateBulk(path)
	if err != nil {
		t.Fatalf("ingest after the killed creation: %v", err)
	}
	defer w.Close()
	stageSource(t, w, "a.csv", 5, true)
	if rows, _ := countRows(t, w); rows != 5 {
		t.Fatalf("%d rows, want 5", rows)
	}
}
