package workspace

import (
	"database/sql"
	"fmt"
)

// applicationID marks a SQLite file as a Handover project ("HAND").
const applicationID = 0x48414E44

// migrations[i] takes a project file from schema version i to i+1. Append
// only: a released migration is never edited, so every project file can be
// carried forward from whatever version wrote it.
var migrations = []string{
	// 0 → 1: the first schema.
	`
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- One row per file (or database) read.
CREATE TABLE sources(
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL,
  name        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  format      TEXT NOT NULL,
  encoding    TEXT NOT NULL DEFAULT '',
  delimiter   TEXT NOT NULL DEFAULT '',
  header_row  INTEGER NOT NULL DEFAULT 0,
  system      TEXT NOT NULL DEFAULT '',
  profile     TEXT NOT NULL DEFAULT '',
  detection   TEXT NOT NULL DEFAULT '{}', -- JSON: what was guessed and the mapping plan
  options     TEXT NOT NULL DEFAULT '{}', -- JSON: the user's overrides (encoding, delimiter, header row, profile)
  exported_at TEXT NOT NULL DEFAULT '',   -- when the old system wrote it (file time or asked)
  ingested_at TEXT NOT NULL,
  rows        INTEGER NOT NULL DEFAULT 0,
  records     INTEGER NOT NULL DEFAULT 0,
  excluded    INTEGER NOT NULL DEFAULT 0,
  rejected    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sources_sha ON sources(sha256);

-- Column names, shared by the rows of one table/sheet of a source.
CREATE TABLE headers(
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  locator   TEXT NOT NULL DEFAULT '',
  names     TEXT NOT NULL -- JSON array
);

-- Every input row and what became of it: a record, an exclusion (with a
-- reason) or a reject (with a reason). raw and data are written once and never
-- edited; cleaning writes effective/state instead. Derived rows (a company
-- named on a person's row, balances computed from ledgers) have derived=1 and
-- are not counted as rows read.
CREATE TABLE rows(
  id          INTEGER PRIMARY KEY,
  source_id   INTEGER REFERENCES sources(id) ON DELETE CASCADE,
  row_no      INTEGER NOT NULL DEFAULT 0,
  locator     TEXT NOT NULL DEFAULT '',
  header_id   INTEGER REFERENCES headers(id) ON DELETE CASCADE,
  raw         TEXT,
  outcome     TEXT NOT NULL CHECK(outcome IN ('record','excluded','rejected')),
  derived     INTEGER NOT NULL DEFAULT 0,
  entity      TEXT NOT NULL DEFAULT '',
  key         TEXT,
  data        TEXT,
  reason      TEXT NOT NULL DEFAULT '',
  detail      TEXT NOT NULL DEFAULT '',
  ledger      TEXT,
  effective   TEXT,
  state       TEXT NOT NULL DEFAULT 'active' CHECK(state IN ('active','excluded','merged')),
  state_note  TEXT NOT NULL DEFAULT '',
  merged_into TEXT
);
CREATE INDEX rows_source ON rows(source_id, row_no);
CREATE UNIQUE INDEX rows_record_key ON rows(entity, key) WHERE outcome = 'record';
CREATE INDEX rows_outcome ON rows(outcome, entity);

CREATE VIEW records AS
  SELECT id, entity, key, source_id, row_no, locator, derived,
         coalesce(effective, data) AS data, data AS original, state, state_note, merged_into
  FROM rows WHERE outcome = 'record';
CREATE VIEW exclusions AS
  SELECT id, source_id, row_no, locator, entity, reason, detail, raw, data, ledger
  FROM rows WHERE outcome = 'excluded';
CREATE VIEW rejects AS
  SELECT id, source_id, row_no, locator, reason, detail, raw
  FROM rows WHERE outcome = 'rejected';

-- Readiness findings. origin 'ingest' rows are observations only the
-- importer could make (an Excel-mangled cell); 'check' rows are rewritten by
-- every check run.
CREATE TABLE findings(
  id         INTEGER PRIMARY KEY,
  origin     TEXT NOT NULL DEFAULT 'check',
  rule       TEXT NOT NULL,
  severity   TEXT NOT NULL CHECK(severity IN ('blocker','warning','info')),
  entity     TEXT NOT NULL DEFAULT '',
  record_key TEXT NOT NULL DEFAULT '',
  row_id     INTEGER,
  source     TEXT NOT NULL DEFAULT '',
  row_no     INTEGER NOT NULL DEFAULT 0,
  field      TEXT NOT NULL DEFAULT '',
  value      TEXT NOT NULL DEFAULT '',
  message    TEXT NOT NULL,
  fix        TEXT NOT NULL DEFAULT '',
  detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX findings_rule ON findings(severity, rule);
CREATE INDEX findings_row ON findings(row_id);

-- The cleaning recipe: operations keyed by stable record identity so they
-- replay after a fresher export is re-imported.
CREATE TABLE operations(
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  entity      TEXT NOT NULL DEFAULT '',
  targets     TEXT NOT NULL DEFAULT '[]', -- JSON array of record keys
  payload     TEXT NOT NULL DEFAULT '{}',
  created_at  TEXT NOT NULL,
  undone      INTEGER NOT NULL DEFAULT 0,
  status      TEXT NOT NULL DEFAULT '',   -- 'applied' or why it no longer applies
  note        TEXT NOT NULL DEFAULT ''
);

-- Mappings the user confirmed, remembered for the next file with the same header.
CREATE TABLE remembered_mappings(
  header TEXT PRIMARY KEY,
  target TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE upload_runs(
  id          INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  base_url    TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'running',
  summary     TEXT NOT NULL DEFAULT '{}'
);

-- The upload journal: 'sending' is committed before the request that creates a
-- record, 'created' with Clio's id after it, so a crash never doubles a record.
CREATE TABLE upload_journal(
  entity     TEXT NOT NULL,
  record_key TEXT NOT NULL,
  state      TEXT NOT NULL CHECK(state IN ('planned','sending','created','linked','skipped','failed','reverted')),
  clio_id    TEXT NOT NULL DEFAULT '',
  clio_etag  TEXT NOT NULL DEFAULT '',
  attempt_at TEXT NOT NULL DEFAULT '',
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  run_id     INTEGER,
  PRIMARY KEY(entity, record_key)
) WITHOUT ROWID;
`,
	// 1 → 2: the project's revision, bumped by every change a check reads
	// (a file read or removed, a cleaning fix, its undo, a setting the rules
	// use), so "are the findings up to date?" has one answer for the app and
	// the command line. Triggers, not calls: a writer cannot forget them.
	// Staging inserts rows without bumping per row; the source's own insert
	// and its counts written at commit do.
	`
INSERT OR IGNORE INTO meta(key, value) VALUES('revision', '1');
CREATE TRIGGER revision_source_added AFTER INSERT ON sources BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'; END;
CREATE TRIGGER revision_source_committed AFTER UPDATE OF rows, records, excluded, rejected ON sources BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'; END;
CREATE TRIGGER revision_source_removed AFTER DELETE ON sources BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'; END;
CREATE TRIGGER revision_record_cleaned AFTER UPDATE OF effective, state, merged_into ON rows BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'; END;
CREATE TRIGGER revision_operation_added AFTER INSERT ON operations BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'; END;
CREATE TRIGGER revision_operation_changed AFTER UPDATE ON operations BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'; END;
CREATE TRIGGER revision_operation_removed AFTER DELETE ON operations BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'; END;
CREATE TRIGGER revision_setting_added AFTER INSERT ON settings
  WHEN NEW.key IN ('country', 'cutoff', 'export_time', 'old_system', 'default_owner') BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'; END;
CREATE TRIGGER revision_setting_changed AFTER UPDATE ON settings
  WHEN NEW.key IN ('country', 'cutoff', 'export_time', 'old_system', 'default_owner') AND NEW.value IS NOT OLD.value BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'; END;
`,
	// 2 → 3: one writer at a time (core/lease). The lease row says who holds
	// the project now, from where, and since when; the log keeps every
	// take-over of a lease whose holder died, for the project's history.
	`
CREATE TABLE lease(
  id         INTEGER PRIMARY KEY CHECK(id = 1),
  host       TEXT NOT NULL,
  pid        INTEGER NOT NULL,
  user       TEXT NOT NULL,
  purpose    TEXT NOT NULL,
  token      TEXT NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat  TEXT NOT NULL
);
CREATE TABLE lease_log(
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,
  event   TEXT NOT NULL,
  detail  TEXT NOT NULL
);
`,
	// 3 → 4: receipts of packages sent to the migration team (core/send):
	// what, where, when, size, checksum, how it was checked, to whom it was
	// encrypted. Never a password: those live in the OS keyring.
	`
CREATE TABLE send_receipts(
  id           INTEGER PRIMARY KEY,
  sent_at      TEXT NOT NULL,
  package      TEXT NOT NULL,   -- the local file sent
  name         TEXT NOT NULL,   -- its name on the server
  destination  TEXT NOT NULL,   -- sftp://user@host:port/folder or https://host/folder
  remote_path  TEXT NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  checked      TEXT NOT NULL,   -- 'read back' | 'sidecar'
  host_key     TEXT NOT NULL DEFAULT '',
  recipients   TEXT NOT NULL DEFAULT '[]' -- JSON: ["Name <age1…>"]
);
`,
	// 4 → 5: the findings list read page by page through an index in its own
	// order (blockers first, then rule, source, row; FindingsAfter) instead of
	// sorting every finding for each page. sev_rank is that order's severity
	// as a number (virtual: computed on read, kept only in the indexes). A
	// list without the type filter walks findings_list; with it,
	// findings_list_entity. rows_inactive holds the few records the user
	// left out or merged, whose findings every list skips: without it, that
	// skip read every record's state.
	`
ALTER TABLE findings ADD COLUMN sev_rank INTEGER GENERATED ALWAYS AS
  (CASE severity WHEN 'blocker' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END) VIRTUAL;
CREATE INDEX findings_list ON findings(sev_rank, rule, source, row_no);
CREATE INDEX findings_list_entity ON findings(entity, sev_rank, rule, source, row_no);
CREATE INDEX rows_inactive ON rows(id) WHERE outcome = 'record' AND state != 'active';
`,
	// 5 → 6: the CHECK constraints of rows and findings written as ORs of
	// equalities (see listFreeChecks, which does the work).
	``,
	// 6 → 7: rows_outcome holds every column Counts groups on, so the
	// project's counts (after every ingest, check and report) are read from
	// the index alone, in its order: before, each of its entries sent the
	// query to the row itself (0.31 s of a 200k-row DBF ingest's 3.6 s of
	// CPU). Same leading columns, so what used it still does.
	`
DROP INDEX rows_outcome;
CREATE INDEX rows_outcome ON rows(outcome, entity, reason, state, derived);
`,
}

// migrationSteps[i], when present, runs after migrations[i] in the same
// transaction: the steps plain SQL cannot do.
var migrationSteps = map[int]func(*sql.Tx) error{
	5: listFreeChecks,
}

// listFreeChecks rewrites `CHECK(x IN ('a','b','c'))` on rows.outcome,
// rows.state and findings.severity as `x = 'a' OR x = 'b' OR x = 'c'`. SQLite
// codes an IN list of more than two constants as a temporary B-tree built
// afresh each time a statement runs, so every staged row and every finding
// paid for opening and closing one or two of them: about a quarter of
// staging's CPU. The constraints accept exactly the same values, so only the
// schema's text changes, through writable_schema as SQLite documents for
// changing CHECK constraints (no table rebuild: a project of any size opens
// at once). A project whose text differs keeps its constraint: still correct.
func listFreeChecks(tx *sql.Tx) error {
	rewrites := []struct{ table, from, to string }{
		{"rows", `CHECK(outcome IN ('record','excluded','rejected'))`,
			`CHECK(outcome = 'record' OR outcome = 'excluded' OR outcome = 'rejected')`},
		{"rows", `CHECK(state IN ('active','excluded','merged'))`,
			`CHECK(state = 'active' OR state = 'excluded' OR state = 'merged')`},
		{"findings", `CHECK(severity IN ('blocker','warning','info'))`,
			`CHECK(severity = 'blocker' OR severity = 'warning' OR severity = 'info')`},
	}
	var version int64
	if err := tx.QueryRow(`PRAGMA schema_version`).Scan(&version); err != nil {
		return err
	}
	if _, err := tx.Exec(`PRAGMA writable_schema = ON`); err != nil {
		return err
	}
	for _, r := range rewrites {
		if _, err := tx.Exec(`UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = ?`,
			r.from, r.to, r.table); err != nil {
			tx.Exec(`PRAGMA writable_schema = OFF`)
			return err
		}
	}
	// A new schema version makes every connection, this one included, read
	// the schema again before its next statement.
	if _, err := tx.Exec(fmt.Sprintf(`PRAGMA schema_version = %d`, version+1)); err != nil {
		tx.Exec(`PRAGMA writable_schema = OFF`)
		return err
	}
	_, err := tx.Exec(`PRAGMA writable_schema = OFF`)
	return err
}

// SchemaVersion is the schema this build writes.
var SchemaVersion = len(migrations)
