// Package workspace is the project file: one SQLite database (NAME.handover)
// holding the sources read, every input row and what became of it, findings,
// the cleaning recipe and the upload journal.
//
// Opening a file that is not a Handover project, was written by a newer
// Handover, or is damaged fails with a plain message and changes nothing:
// the file is checked read-only before it is ever opened for writing.
package workspace

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// Workspace is an open project file. It is safe for concurrent use; SQLite
// serialises the writers.
type Workspace struct {
	db   *sql.DB
	path string
	// verifiedAt is when the file was last read through by quick_check (at
	// this open, or at an earlier one of the same file: see cleanClose).
	verifiedAt time.Time
}

// Errors a caller may want to tell apart.
var (
	ErrNotProject = errors.New("not a Handover project")
	ErrTooNew     = errors.New("project made by a newer Handover")
	ErrCorrupt    = errors.New("project file is damaged")
	ErrExists     = errors.New("file already exists")
	ErrBusy       = errors.New("project is being written by another program")
)

// Create makes a new, empty project file. It refuses to overwrite anything.
//
// The schema is written with a rollback journal, not the WAL, so it lands in
// the main file in one atomic commit: a crash during creation leaves either
// an empty file (which OpenOrCreate starts again) or a complete project,
// never a file whose header is still sitting in a -wal beside it.
//
// New projects use 16 KiB pages (SQLite's default is 4 KiB): a project is
// mostly rows appended in bulk and read in long scans, and a quarter as many
// pages means a quarter as many page writes, WAL frames and reads. Staging
// 1M rows took ~0.9 s less CPU (of ~7.6 s), check and package took the same
// or less on the same project. Projects made with 4 KiB pages keep them.
func Create(path string) (*Workspace, error) { return create(path, shared) }

func create(path string, mode access) (*Workspace, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("%s: %w: choose another name, or open it instead", path, ErrExists)
		}
		return nil, fmt.Errorf("cannot create the project file %s: %w", path, err)
	}
	f.Close()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+fmt.Sprintf("?_pragma=page_size(16384)&_pragma=busy_timeout(%d)&_pragma=journal_mode(DELETE)", busyTimeoutMS))
	if err == nil {
		err = (&Workspace{db: db, path: path}).migrate(0)
		db.Close()
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("cannot create the project file %s: %w", path, err)
	}
	return open(path, time.Now(), mode) // a file just written has nothing to verify
}

// Open opens an existing project, carrying an older schema forward.
func Open(path string) (*Workspace, error) { return openAs(path, shared) }

// access is how this process shares a project it opens.
type access int

const (
	// shared: a write-ahead log, so readers (the desktop app's screens, a
	// report) go on reading while a writer writes.
	shared access = iota
	// bulk: a rollback journal, for one command that writes a great deal at
	// once and holds the project's lease (the command line's ingest). Each
	// page is written once, into the project: with the log every page is
	// written twice, into the log and then, at the checkpoint, into the
	// project: a million-row CSV ingested in 5.6-6.2 s instead of 7.7-8.2 s
	// (BENCHMARKS.md). The price: another program's reads wait while a load
	// commits (Open says so plainly), and a load killed half-way leaves a
	// -journal that the next open rolls back (recoverJournal). A project
	// another program has open in WAL mode stays in it: SQLite cannot leave
	// WAL mode while others read, so the load then runs as a shared one.
	bulk
	readOnly
)

// OpenOrCreateBulk is OpenOrCreate for a bulk load (see bulk): for a command
// that holds the project's lease and writes most of what it does in one go.
func OpenOrCreateBulk(path string) (*Workspace, error) { return openOrCreate(path, bulk) }

func openAs(path string, mode access) (*Workspace, error) {
	in, err := inspect(path)
	if err != nil {
		return nil, err
	}
	w, err := open(path, in.verifiedAt, mode)
	if err != nil {
		return nil, err
	}
	if err := w.migrate(in.version); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// OpenOrCreate opens path if it exists, else creates it. An empty file (a
// creation interrupted before its first commit) is created afresh.
func OpenOrCreate(path string) (*Workspace, error) { return openOrCreate(path, shared) }

func openOrCreate(path string, mode access) (*Workspace, error) {
	if _, err := os.Stat(path); err == nil {
		// a creation killed in its first commit is empty once rolled back
		if err := recoverJournal(path); err != nil {
			return nil, err
		}
	}
	if st, err := os.Stat(path); err == nil {
		if st.Size() > 0 {
			return openAs(path, mode)
		}
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	return create(path, mode)
}

// Path is the project file's location.
func (w *Workspace) Path() string { return w.path }

// DB gives the core packages that own a part of the schema (check, clean,
// upload) direct access. The UI never uses it.
func (w *Workspace) DB() *sql.DB { return w.db }

// Close folds the write-ahead log back into the main file and leaves the
// project as one self-contained file (easy to copy or back up) while the app
// is not running, marked as closed cleanly (cleanClose) when this was the
// only connection to it.
func (w *Workspace) Close() error {
	if w == nil || w.db == nil {
		return nil
	}
	err := w.db.Close()
	w.db = nil
	if err != nil {
		return err
	}
	db, err := openRaw(w.path)
	if err != nil {
		return err
	}
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		db.Close()
		return fmt.Errorf("closing %s: %w", w.path, err)
	}
	if mode != "delete" || w.verifiedAt.IsZero() {
		return db.Close() // still open elsewhere: no mark, the next open verifies
	}
	return w.markClean(db)
}

func dsn(path string, mode access) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	q.Add("_pragma", "foreign_keys(1)")
	switch mode {
	case readOnly:
		q.Set("mode", "ro")
	case bulk:
		// The journal mode is set once, by open (leaveWAL). FULL: in
		// rollback-journal mode NORMAL may lose the last commit's integrity
		// to a power cut; the journal is small (pages a load adds are not
		// journalled), so the extra syncs cost little.
		q.Add("_pragma", "synchronous(FULL)")
	default:
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

func open(path string, verifiedAt time.Time, mode access) (*Workspace, error) {
	db, err := sql.Open("sqlite", dsn(path, mode))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if mode == bulk {
		leaveWAL(db)
	}
	return &Workspace{db: db, path: path, verifiedAt: verifiedAt}, nil
}

// leaveWAL puts the project in rollback-journal mode for a bulk load. The
// mode is the file's, so the pool's other connections follow it. SQLite
// refuses (SQLITE_BUSY) while another program has the project open in WAL
// mode: the load then runs in WAL mode like a shared one, which is slower,
// not wrong. Not in the DSN: a connection opened later, while another
// program reads, would fail to open at all.
func leaveWAL(db *sql.DB) { db.Exec(`PRAGMA journal_mode = DELETE`) }

// inspection is what inspect learnt of a project file.
type inspection struct {
	version    int
	verifiedAt time.Time // when quick_check last read the file through
	verified   bool      // quick_check ran in this inspect (not skipped on a clean close)
}

// inspect checks, without writing anything, that path is a Handover project
// this build can open, and returns its schema version.
//
// A damaged file — by a bad disk, a copy cut short, a program other than
// SQLite writing into it — is refused here with a plain message rather than
// failing somewhere in the middle of a run: PRAGMA quick_check reads every
// page (1-2 s for a million-row project). A file in exactly the state a
// Handover's Close left it in, and verified within reverifyAfter, is not
// read through again (cleanClose says how that is known).
func inspect(path string) (inspection, error) {
	var in inspection
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return in, fmt.Errorf("%s does not exist: check the name, or start a new migration", path)
	}
	// first, so that what is read below is the last commit's file
	if err := recoverJournal(path); err != nil {
		return in, err
	}
	f, err := os.Open(path)
	if err != nil {
		return in, fmt.Errorf("cannot read %s: %w", path, err)
	}
	head := make([]byte, 100)
	n, _ := io.ReadFull(f, head)
	st, statErr := f.Stat()
	f.Close()
	if n == 0 {
		// what a creation killed before its first commit leaves (OpenOrCreate starts it again)
		return in, fmt.Errorf("%s: %w (the file is empty: its creation was interrupted); read the export files into it again to start it afresh", path, ErrNotProject)
	}
	if n < 100 || !bytes.HasPrefix(head, []byte("SQLite format 3\x00")) {
		return in, fmt.Errorf("%s: %w (it is not a SQLite database); open a .handover file made by Handover", path, ErrNotProject)
	}
	appID := uint32(head[68])<<24 | uint32(head[69])<<16 | uint32(head[70])<<8 | uint32(head[71])
	if appID != applicationID {
		return in, fmt.Errorf("%s: %w (it is a database made by another program); open a .handover file made by Handover", path, ErrNotProject)
	}
	db, err := sql.Open("sqlite", dsn(path, readOnly))
	if err != nil {
		return in, fmt.Errorf("%s: %w: %v", path, ErrCorrupt, err)
	}
	defer db.Close()
	if statErr == nil {
		in.verifiedAt = cleanClose(path, head, st, db, time.Now())
	}
	if in.verifiedAt.IsZero() {
		var check string
		if err := db.QueryRow(`PRAGMA quick_check`).Scan(&check); err != nil || check != "ok" {
			if busy(err) {
				return in, inUse(path, err)
			}
			if err == nil {
				err = errors.New(check)
			}
			return in, fmt.Errorf("%s: %w (%v); restore it from a backup, or start again from the original export files", path, ErrCorrupt, err)
		}
		in.verifiedAt, in.verified = time.Now(), true
	}
	var v string
	if err := db.QueryRow(`SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&v); err != nil {
		return in, fmt.Errorf("%s: %w (no schema version: %v)", path, ErrCorrupt, err)
	}
	version, err := strconv.Atoi(v)
	if err != nil || version < 1 {
		return in, fmt.Errorf("%s: %w (bad schema version %q)", path, ErrCorrupt, v)
	}
	if version > SchemaVersion {
		return in, fmt.Errorf("%s: %w (file version %d, this Handover knows up to %d): install the latest Handover to open it",
			path, ErrTooNew, version, SchemaVersion)
	}
	in.version = version
	return in, nil
}

func (w *Workspace) migrate(from int) error { return w.migrateTo(from, SchemaVersion) }

// migrateTo carries the schema from version from to version to, one
// transaction per step.
func (w *Workspace) migrateTo(from, to int) error {
	for v := from; v < to; v++ {
		tx, err := w.db.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("upgrade project schema %d→%d: %w", v, v+1, err)
		}
		if step := migrationSteps[v]; step != nil {
			if err := step(tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("upgrade project schema %d→%d: %w", v, v+1, err)
			}
		}
		if _, err := tx.Exec(`INSERT INTO meta(key, value) VALUES('schema_version', ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, strconv.Itoa(v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if v == 0 {
			if _, err := tx.Exec(`INSERT INTO meta(key, value) VALUES('app', 'handover'), ('created_at', ?)`,
				time.Now().UTC().Format(time.RFC3339)); err != nil {
				tx.Rollback()
				return err
			}
			if _, err := tx.Exec(fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)); err != nil {
				tx.Rollback()
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Setting reads a project setting ("" when unset).
func (w *Workspace) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := w.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting stores a project setting. Secrets never go here: they live in
// the OS keyring (core/secrets).
func (w *Workspace) SetSetting(ctx context.Context, key, value string) error {
	_, err := w.db.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Well-known settings keys.
const (
	SettingFirmName      = "firm_name"
	SettingCountry       = "country"       // ISO 3166 code for phone parsing, e.g. "US"
	SettingCutoffAckBy   = "cutoff_ack_by" // who acknowledged "stop using the old system"
	SettingCutoffAckAt   = "cutoff_ack_at" // when (RFC 3339)
	SettingCutoff        = "cutoff"        // the acknowledged cut-off time (RFC 3339)
	SettingExportTime    = "export_time"   // when the user says the export was taken (RFC 3339)
	SettingOldSystemName = "old_system"    // shown in the "stop using" banner
	// SettingDefaultOwner is the Clio user (e-mail) who gets the tasks,
	// calendar events and time entries the old system left without a person;
	// the check and the upload both read it.
	SettingDefaultOwner = "default_owner"
	// The revision the last complete check read, and when it finished (RFC
	// 3339); see core/check.State.
	SettingCheckedRevision = "checked_revision"
	SettingCheckedAt       = "checked_at"
)

// Revision is the project's change counter: every change a check reads (a
// file read or removed, a cleaning fix or its undo, a setting the rules use)
// raises it, through triggers in the project file itself.
func (w *Workspace) Revision(ctx context.Context) (int64, error) {
	var v int64
	err := w.db.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'revision'`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("reading the project's revision: %w", err)
	}
	return v, nil
}
