package upload

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"time"
)

// jrow is one upload_journal row.
type jrow struct {
	Entity, Key string
	State       string
	ClioID      string
	Etag        string
	AttemptAt   time.Time
	Attempts    int
	LastError   string
}

// journal reads and writes upload_journal. Every write is its own committed
// statement: when it returns, a crash cannot take it back.
type journal struct {
	db    *sql.DB
	runID int64
	dry   bool
	rows  map[string]map[string]*jrow // entity → key → row
}

func loadJournal(ctx context.Context, db *sql.DB, dry bool) (*journal, error) {
	j := &journal{db: db, dry: dry, rows: map[string]map[string]*jrow{}}
	rs, err := db.QueryContext(ctx, `SELECT entity, record_key, state, clio_id, clio_etag, attempt_at, attempts, last_error FROM upload_journal`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	for rs.Next() {
		var r jrow
		var at string
		if err := rs.Scan(&r.Entity, &r.Key, &r.State, &r.ClioID, &r.Etag, &at, &r.Attempts, &r.LastError); err != nil {
			return nil, err
		}
		r.AttemptAt, _ = time.Parse(time.RFC3339Nano, at)
		j.put(&r)
	}
	return j, rs.Err()
}

func (j *journal) put(r *jrow) {
	m := j.rows[r.Entity]
	if m == nil {
		m = map[string]*jrow{}
		j.rows[r.Entity] = m
	}
	m[r.Key] = r
}

func (j *journal) get(entity, key string) *jrow {
	return j.rows[entity][key]
}

// write commits r (insert or replace).
func (j *journal) write(ctx context.Context, r *jrow) error {
	j.put(r)
	if j.dry {
		return nil
	}
	at := ""
	if !r.AttemptAt.IsZero() {
		at = r.AttemptAt.UTC().Format(time.RFC3339Nano)
	}
	// A pause (ctx cancelled) must still be able to record what happened to
	// the request in flight, so the write does not use ctx's cancellation.
	_, err := j.db.ExecContext(context.WithoutCancel(ctx), `INSERT INTO upload_journal(entity, record_key, state, clio_id, clio_etag, attempt_at, attempts, last_error, run_id)
		VALUES(?,?,?,?,?,?,?,?,?)
		ON CONFLICT(entity, record_key) DO UPDATE SET state=excluded.state, clio_id=excluded.clio_id, clio_etag=excluded.clio_etag,
		attempt_at=excluded.attempt_at, attempts=excluded.attempts, last_error=excluded.last_error, run_id=excluded.run_id`,
		r.Entity, r.Key, r.State, r.ClioID, r.Etag, at, r.Attempts, r.LastError, j.runID)
	return err
}

// sending commits the intent to create (before the POST).
func (j *journal) sending(ctx context.Context, entity, key string) (*jrow, error) {
	old := j.get(entity, key)
	r := &jrow{Entity: entity, Key: key, State: StateSending, AttemptAt: time.Now()}
	if old != nil {
		r.Attempts = old.Attempts
		r.ClioID = old.ClioID
	}
	r.Attempts++
	return r, j.write(ctx, r)
}

func (j *journal) set(ctx context.Context, entity, key, state, clioID, etag, lastErr string) error {
	old := j.get(entity, key)
	r := &jrow{Entity: entity, Key: key, State: state, ClioID: clioID, Etag: etag, LastError: lastErr}
	if old != nil {
		r.AttemptAt, r.Attempts = old.AttemptAt, old.Attempts
	}
	return j.write(ctx, r)
}

// startRun inserts an upload_runs row.
func startRun(ctx context.Context, db *sql.DB, baseURL, state string) (int64, error) {
	res, err := db.ExecContext(ctx, `INSERT INTO upload_runs(started_at, base_url, state) VALUES(?,?,?)`,
		time.Now().UTC().Format(time.RFC3339), baseURL, state)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func finishRun(ctx context.Context, db *sql.DB, id int64, state string, summary any) error {
	b, _ := json.Marshal(summary)
	_, err := db.ExecContext(context.WithoutCancel(ctx), `UPDATE upload_runs SET finished_at=?, state=?, summary=? WHERE id=?`,
		time.Now().UTC().Format(time.RFC3339), state, string(b), id)
	return err
}

// LastBaseURL returns the Clio base URL of the project's latest upload run
// ("" if it never uploaded), so revert talks to the same Clio.
func LastBaseURL(ctx context.Context, db *sql.DB) (string, error) {
	var u string
	err := db.QueryRowContext(ctx, `SELECT base_url FROM upload_runs WHERE base_url <> '' AND state NOT LIKE 'revert%' ORDER BY id DESC LIMIT 1`).Scan(&u)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return u, err
}

// Uploaded returns, per type, the Clio id of every project record an upload
// created in Clio or linked to a record already there (the journal's
// `created` and `linked` rows), so what reached Clio can be read back and
// held against the project record by record.
func Uploaded(ctx context.Context, db *sql.DB) (map[string]map[string]int64, error) {
	j, err := loadJournal(ctx, db, true)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]int64{}
	for ent, rows := range j.rows {
		for k, r := range rows {
			if r.State != StateCreated && r.State != StateLinked {
				continue
			}
			id, err := strconv.ParseInt(r.ClioID, 10, 64)
			if err != nil {
				continue
			}
			if out[ent] == nil {
				out[ent] = map[string]int64{}
			}
			out[ent][k] = id
		}
	}
	return out, nil
}
