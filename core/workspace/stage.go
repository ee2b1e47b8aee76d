package workspace

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"handover/core/model"
)

// SourceInfo describes a file being read.
type SourceInfo struct {
	Path       string
	Name       string
	Size       int64
	SHA256     string
	Format     string
	Encoding   string
	Delimiter  string
	HeaderRow  int
	System     string
	Profile    string
	Detection  any // JSON-able: guesses, notes and the mapping plan, shown in the UI
	Options    any // JSON-able: the user's overrides, re-applied on re-read
	ExportedAt time.Time
}

// Finding is an observation made while reading a row (e.g. an Excel-mangled
// number) that the readiness check cannot re-derive from the stored record.
type Finding struct {
	Rule     string
	Severity model.Severity
	Field    string
	Value    string
	Message  string
	Fix      string
}

// Row is one input row and its outcome. Exactly one of Records, Excluded or
// Reject is set; Stage refuses anything else, which is what makes
// "rows read = records + exclusions + rejects" hold by construction.
type Row struct {
	Num     int64
	Locator string
	Header  int64    // from Stager.Header; 0 when the raw values carry their own names
	Raw     []string // the values exactly as read

	Records []model.Record // the first is the row's record; further ones are derived (e.g. the company named on a person's row)

	Excluded model.Reason
	Entity   model.Entity      // what an excluded row would have been
	Excl     any               // the parsed value that was excluded, kept for the report
	Ledger   *model.LedgerLine // accounting rows: kept to compute balances
	Detail   string

	Reject string

	Findings []Finding
}

// SourceCounts is the per-source account of rows.
type SourceCounts struct {
	SourceID int64 `json:"source_id"`
	Rows     int64 `json:"rows"`
	Records  int64 `json:"records"`
	Excluded int64 `json:"excluded"`
	Rejected int64 `json:"rejected"`
}

// Balanced reports whether every row read is accounted for.
func (c SourceCounts) Balanced() bool { return c.Rows == c.Records+c.Excluded+c.Rejected }

// Stager writes one source's rows inside a single transaction, so a source is
// either entirely in the project or not at all (a crash or cancel mid-file
// leaves no half-read source behind). Memory stays flat: rows wait in a small
// batch, then go to SQLite in one multi-row INSERT.
//
// The Stager numbers the rows itself (ids continue from the project's
// largest), so a batch needs no read-back of ids and a row's findings can
// point at its record before the record is written.
//
// A large source loads without the unique (entity, key) index: record keys
// are hashes, so keeping that index during the load inserts at random pages
// of a B-tree far larger than the page cache. The index is dropped inside the
// source's transaction and built again, sorted once, at Commit, where keys
// the load doubled are settled exactly as a live index would have settled
// them (resolveDuplicates). A crash or Abort rolls the drop back with
// everything else.
type Stager struct {
	w        *Workspace
	conn     *sql.Conn // the source's own connection, foreign keys off
	tx       *sql.Tx
	headers  map[int64]bool // the headers this Stager stored: the only ones a row may name
	broken   error          // a batch failed part-way (INSERT OR FAIL): nothing may be committed
	sourceID int64
	info     SourceInfo
	firstID  int64                    // the id of this source's first stored row
	nextID   int64                    // the id the next stored row gets
	insRow   *sql.Stmt                // one row, for the row-by-row path
	insMany  map[batchShape]*sql.Stmt // multi-row INSERTs, by shape
	vals     [][rowColumns]any        // the batch's values, row by row (reused)
	args     []any                    // the batch's arguments (reused)
	insFind  *sql.Stmt
	pending  []Encoded // rows waiting for the next batch
	entries  int       // stored rows they make (a row's derived records are rows too)
	records  int64     // records stored, derived ones included, for the switch to a deferred key index
	others   int64     // records of the rest of the project; -1 until counted
	keyIndex string    // the CREATE of rows_record_key while it is dropped for this load; "" when live
	counts   SourceCounts
	keyRows  map[string]int64 // only for conflict messages: entity|key → row number (bounded, see remember)
	done     bool
}

// batchEntries is how many stored rows go in one INSERT. Staging 1M rows
// (stageprof) took 8.1 s of CPU one row per INSERT, 7.5 s with 16, 7.2 s
// with 64 and 7.0 s with 256: most of the per-statement cost is gone by 64.
const batchEntries = 256

// maxBatchStatements bounds the prepared batch INSERTs a Stager keeps (one
// per shape met; a file's batches have a few shapes).
const maxBatchStatements = 16

// maxBatchEntries keeps a statement's arguments (at most 12 a stored row) under
// SQLite's limit of 32,766.
const maxBatchEntries = 2048

// deferKeyIndexAfter is how many records a source stores with the unique key
// index live before the load may continue without it. Below this the index
// fits the page cache and costs little; above, rebuilding is cheaper, as long
// as the source is at least a quarter of the project (so the rebuild, which
// sorts every record of the project, stays within a few times the work the
// source itself brings).
var deferKeyIndexAfter int64 = 32768 // a variable so tests can take both paths

// BeginSource starts reading a source. A source with the same path is
// replaced (a fresher export of the same file); the old rows go in the same
// transaction, so a failed re-read keeps the previous data.
//
// The source is staged on a connection of its own with foreign keys off
// (so a batch needs no statement journal, see batchShape): what they would enforce, the Stager does itself — the old
// source's rows and headers go with it here, and a row names its source by
// a constant and only headers this Stager stored.
func (w *Workspace) BeginSource(ctx context.Context, info SourceInfo) (*Stager, error) {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		releaseConn(conn)
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		releaseConn(conn)
		return nil, err
	}
	fail := func(err error) (*Stager, error) { tx.Rollback(); releaseConn(conn); return nil, err }
	if _, err := tx.ExecContext(ctx, `DELETE FROM findings WHERE row_id IN
		(SELECT r.id FROM rows r JOIN sources s ON r.source_id = s.id WHERE s.path = ?)`, info.Path); err != nil {
		return fail(err)
	}
	// What ON DELETE CASCADE does with foreign keys on: a source's rows and
	// headers go with it (a row points only at its own source's headers).
	for _, del := range []string{
		`DELETE FROM rows WHERE source_id IN (SELECT id FROM sources WHERE path = ?)`,
		`DELETE FROM headers WHERE source_id IN (SELECT id FROM sources WHERE path = ?)`,
		`DELETE FROM sources WHERE path = ?`,
	} {
		if _, err := tx.ExecContext(ctx, del, info.Path); err != nil {
			return fail(err)
		}
	}
	det, _ := json.Marshal(orEmpty(info.Detection))
	opt, _ := json.Marshal(orEmpty(info.Options))
	exported := ""
	if !info.ExportedAt.IsZero() {
		exported = info.ExportedAt.UTC().Format(time.RFC3339)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO sources(path, name, size, sha256, format, encoding, delimiter,
		header_row, system, profile, detection, options, exported_at, ingested_at)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		info.Path, info.Name, info.Size, info.SHA256, info.Format, info.Encoding, info.Delimiter,
		info.HeaderRow, info.System, info.Profile, string(det), string(opt), exported,
		time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fail(err)
	}
	id, _ := res.LastInsertId()
	// The transaction holds the write lock since the DELETE: no other
	// writer can take these ids before Commit.
	var maxID int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM rows`).Scan(&maxID); err != nil {
		return fail(err)
	}
	s := &Stager{w: w, conn: conn, tx: tx, headers: map[int64]bool{}, sourceID: id, info: info, firstID: maxID + 1, nextID: maxID + 1, insMany: map[batchShape]*sql.Stmt{},
		others: -1, counts: SourceCounts{SourceID: id}, keyRows: map[string]int64{}}
	if s.insRow, err = tx.PrepareContext(ctx, insertRowSQL(id)); err != nil {
		return fail(err)
	}
	s.insFind, err = tx.PrepareContext(ctx, `INSERT INTO findings(origin, rule, severity, entity, record_key, row_id,
		source, row_no, field, value, message, fix) VALUES('ingest',?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		s.closeStatements()
		return fail(err)
	}
	return s, nil
}

// insertRowSQL is an INSERT of one row of a source; it takes the arguments
// rowArgs appends.
func insertRowSQL(sourceID int64) string {
	return `INSERT INTO rows(id, source_id, row_no, locator, header_id, raw, outcome, derived, entity, key, data, reason, detail, ledger)
		VALUES(?,` + strconv.FormatInt(sourceID, 10) + `,?,?,?,?,?,?,?,?,?,?,?,?)`
}

// The columns of a stored row, in the order of rowArgs.
const (
	colID = iota
	colRowNo
	colLocator
	colHeader
	colRaw
	colOutcome
	colDerived
	colEntity
	colKey
	colData
	colReason
	colDetail
	colLedger
	rowColumns
)

// sharable are the columns whose value is often the same for every row of a
// batch (a CSV's rows share their locator, header, type, detail, ledger).
var sharable = [...]int{colLocator, colHeader, colOutcome, colDerived, colEntity, colReason, colDetail, colLedger}

// batchShape names one multi-row INSERT: n rows, and the columns (a bit per
// column) whose one value all n rows share. Binding a value costs the driver
// a C allocation, a copy and SQLite's mutex, so a value shared by the batch
// is bound once, by the first row, and the others name its parameter.
//
// A batch gives no ids: SQLite numbers the rows as the Stager would (the
// largest id plus one, each in turn; insertBatch checks the last), and a
// multi-row INSERT that names the INTEGER PRIMARY KEY looks each id up
// first and keeps a statement journal for it.
//
// While the unique key index is deferred no row of a batch can clash, so the
// batch is an INSERT OR FAIL: with foreign keys off and no ids given, nothing
// in it may then abort half-way, and SQLite writes no statement journal for
// it (a copy of every page each batch touched). If it failed anyway, the rows
// before the failure would stay: the Stager is then broken and commits
// nothing.
type batchShape struct {
	n      int
	shared uint16
	orFail bool
}

// batchSQL is the INSERT of a batch of that shape. The first row's values
// are plain parameters 1 to 12 (a column's number in rowArgs, the id being
// column 0), so a later row can name a shared one by its number; every other
// parameter is plain and numbered after them.
func batchSQL(sourceID int64, shape batchShape) string {
	var b strings.Builder
	b.WriteString(`INSERT `)
	if shape.orFail {
		b.WriteString(`OR FAIL `)
	}
	b.WriteString(`INTO rows(source_id, row_no, locator, header_id, raw, outcome, derived, entity, key, data, reason, detail, ledger) VALUES`)
	src := strconv.FormatInt(sourceID, 10)
	for i := range shape.n {
		if i > 0 {
			b.WriteByte(',')
		}
		if i == 0 {
			b.WriteString("(" + src + ",?,?,?,?,?,?,?,?,?,?,?,?)")
			continue
		}
		b.WriteString("(" + src)
		for c := colRowNo; c < rowColumns; c++ {
			if shape.shared&(1<<c) != 0 {
				b.WriteString(",?" + strconv.Itoa(c))
			} else {
				b.WriteString(",?")
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// rowArgs appends one stored row's arguments for insertRowSQL.
func rowArgs(args []any, id, num int64, locator string, header, raw any, outcome string, derived int,
	entity string, key, data any, reason, detail string, ledger any) []any {
	return append(args, id, num, locator, header, raw, outcome, derived, entity, key, data, reason, detail, ledger)
}

func (s *Stager) closeStatements() {
	if s.insRow != nil {
		s.insRow.Close()
	}
	if s.insFind != nil {
		s.insFind.Close()
	}
	for _, st := range s.insMany {
		st.Close()
	}
}

func orEmpty(v any) any {
	if v == nil {
		return struct{}{}
	}
	return v
}

// SourceID is the id the source will have once committed.
func (s *Stager) SourceID() int64 { return s.sourceID }

// Header stores the column names shared by following rows and returns the id
// to put in Row.Header.
func (s *Stager) Header(ctx context.Context, locator string, names []string) (int64, error) {
	if err := s.flush(ctx); err != nil { // keep the project's rows in the order they were given
		return 0, err
	}
	b, _ := json.Marshal(names)
	res, err := s.tx.ExecContext(ctx, `INSERT INTO headers(source_id, locator, names) VALUES(?,?,?)`, s.sourceID, locator, string(b))
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err == nil {
		s.headers[id] = true
	}
	return id, err
}

// Encoded is a Row with its values already written as JSON. Encoding is the
// part of staging that needs no database, so an importer can encode rows on
// one goroutine while the Stager writes the previous ones on another.
type Encoded struct {
	Row
	raw     string
	records []string // JSON of Row.Records[i].Data
	excl    any      // JSON of Row.Excl, or nil
	ledger  any      // JSON of Row.Ledger, or nil
}

// Encode writes r's values as JSON. It is safe to call from any goroutine.
func Encode(r Row) (Encoded, error) {
	e := Encoded{Row: r, raw: rawJSON(r.Raw)}
	e.Raw = nil // encoded: the caller may reuse its slice
	if r.Excl != nil {
		j, err := recordJSON(r.Excl) // an excluded time entry is written as a record is
		if err != nil {
			return Encoded{}, err
		}
		e.excl = j
	}
	if r.Ledger != nil {
		b, err := json.Marshal(r.Ledger)
		if err != nil {
			return Encoded{}, err
		}
		e.ledger = string(b)
	}
	for _, rec := range r.Records {
		j, err := recordJSON(rec.Data) // json.Marshal's bytes (recordjson.go)
		if err != nil {
			return Encoded{}, err
		}
		e.records = append(e.records, j)
	}
	return e, nil
}

// rawJSON is json.Marshal(values), byte for byte, without reflection: the raw
// values of every row are encoded, and through json.Marshal they were the
// largest part of Encode (0.48 of 1.12 s of CPU for 1M rows). Plain ASCII is
// copied; a value with anything json.Marshal escapes goes through it.
func rawJSON(values []string) string {
	if values == nil {
		return "null"
	}
	n := 2
	for _, v := range values {
		n += len(v) + 3
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('[')
	for i, v := range values {
		if i > 0 {
			b.WriteByte(',')
		}
		if plainJSON(v) {
			b.WriteByte('"')
			b.WriteString(v)
			b.WriteByte('"')
			continue
		}
		q, _ := json.Marshal(v) // a string always encodes
		b.Write(q)
	}
	b.WriteByte(']')
	return b.String()
}

// plainJSON reports whether json.Marshal writes v as it is, between quotes:
// printable ASCII other than the quote, the backslash and the three
// characters it escapes for HTML.
func plainJSON(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// Stage writes one row and its outcome.
func (s *Stager) Stage(ctx context.Context, r Row) error {
	e, err := Encode(r)
	if err != nil {
		return fmt.Errorf("%s row %d: %w", s.info.Name, r.Num, err)
	}
	return s.StageEncoded(ctx, e)
}

// StageEncoded writes one encoded row and its outcome. The row may wait in
// the Stager's batch until a later call or Commit writes it; a row refused
// here (no single outcome, a record without a type or key) is refused at
// once.
func (s *Stager) StageEncoded(ctx context.Context, r Encoded) error {
	if s.done {
		return errors.New("stager already finished")
	}
	if s.broken != nil {
		return s.broken
	}
	if r.Header != 0 && !s.headers[r.Header] {
		return fmt.Errorf("%s row %d: internal error: header %d is not one of this file's", s.info.Name, r.Num, r.Header)
	}
	outcomes := 0
	if len(r.Records) > 0 {
		outcomes++
	}
	if r.Excluded != "" {
		outcomes++
	}
	if r.Reject != "" {
		outcomes++
	}
	if outcomes != 1 {
		return fmt.Errorf("%s row %d: internal error: a row needs exactly one outcome (record, exclusion or reject), got %d", s.info.Name, r.Num, outcomes)
	}
	for _, rec := range r.Records {
		if !rec.Entity.Valid() {
			return fmt.Errorf("%s row %d: internal error: unknown record type %q", s.info.Name, r.Num, rec.Entity)
		}
		if rec.Key == "" {
			return fmt.Errorf("%s row %d: internal error: record without a key", s.info.Name, r.Num)
		}
	}
	if len(r.records) != len(r.Records) {
		return fmt.Errorf("%s row %d: internal error: row not encoded", s.info.Name, r.Num)
	}
	s.counts.Rows++
	s.pending = append(s.pending, r)
	s.entries += max(1, len(r.Records))
	if s.entries >= batchEntries {
		return s.flush(ctx)
	}
	return nil
}

// flush writes the pending rows: in one INSERT when no key among them is
// taken, else row by row so each clash is settled in order.
func (s *Stager) flush(ctx context.Context) error {
	if len(s.pending) == 0 {
		return nil
	}
	if err := s.maybeDeferKeyIndex(ctx); err != nil {
		return err
	}
	pending, entries := s.pending, s.entries
	s.pending, s.entries = s.pending[:0], 0
	var err error
	if entries <= maxBatchEntries {
		err = s.insertBatch(ctx, pending)
	}
	// A clash undoes the statement as a whole; a row with thousands of
	// derived records (a message's attachments) would pass SQLite's limit
	// on a statement's arguments.
	if entries > maxBatchEntries || (isUniqueViolation(err) && s.broken == nil) {
		for _, r := range pending {
			if err := s.stageOne(ctx, r); err != nil {
				return err
			}
		}
		return nil
	}
	return err
}

// insertBatch writes rows in one statement and, once it succeeded, their
// findings. It changes nothing when it fails.
func (s *Stager) insertBatch(ctx context.Context, rows []Encoded) error {
	vals := s.vals[:0]
	add := func(args []any) { vals = append(vals, [rowColumns]any(args)) }
	var one [rowColumns]any
	id := s.nextID
	for _, r := range rows {
		header := headerArg(r.Header)
		switch {
		case r.Reject != "":
			add(rowArgs(one[:0], id, r.Num, r.Locator, header, r.raw, "rejected", 0, "", nil, nil, r.Reject, r.Detail, nil))
			id++
		case r.Excluded != "":
			add(rowArgs(one[:0], id, r.Num, r.Locator, header, r.raw, "excluded", 0, string(r.Entity), nil, r.excl, string(r.Excluded), r.Detail, r.ledger))
			id++
		default:
			for i, rec := range r.Records {
				var raw, hdr any
				derived := 1
				if i == 0 {
					raw, hdr, derived = r.raw, header, 0
				}
				add(rowArgs(one[:0], id, r.Num, r.Locator, hdr, raw, "record", derived, string(rec.Entity), rec.Key, r.records[i], "", "", nil))
				id++
			}
		}
	}
	s.vals = vals
	shape := batchShape{n: len(vals), orFail: s.keyIndex != ""}
	for _, c := range sharable {
		same := true
		for i := 1; i < len(vals) && same; i++ {
			same = vals[i][c] == vals[0][c]
		}
		if same {
			shape.shared |= 1 << c
		}
	}
	stmt := s.insMany[shape]
	if stmt == nil {
		if len(s.insMany) >= maxBatchStatements {
			for k, st := range s.insMany {
				st.Close()
				delete(s.insMany, k)
			}
		}
		var err error
		if stmt, err = s.tx.PrepareContext(ctx, batchSQL(s.sourceID, shape)); err != nil {
			return err
		}
		s.insMany[shape] = stmt
	}
	args := append(s.args[:0], vals[0][colRowNo:]...)
	for _, v := range vals[1:] {
		for c := colRowNo; c < rowColumns; c++ {
			if shape.shared&(1<<c) == 0 {
				args = append(args, v[c])
			}
		}
	}
	s.args = args
	n := len(vals)
	defer clear(s.args) // keep no row's values alive until the next batch
	defer clear(s.vals)
	res, err := stmt.ExecContext(ctx, args...)
	if err != nil {
		if shape.orFail {
			s.broken = fmt.Errorf("%s: %w: nothing was saved from this file", s.info.Name, err)
			return s.broken
		}
		return err
	}
	// The findings written below point at the ids the Stager counted.
	if last, err := res.LastInsertId(); err != nil || last != s.nextID+int64(n)-1 {
		s.broken = fmt.Errorf("%s: internal error: rows stored with ids up to %d, not %d: nothing was saved from this file",
			s.info.Name, last, s.nextID+int64(n)-1)
		return s.broken
	}
	id = s.nextID
	s.nextID += int64(n)
	for _, r := range rows {
		switch {
		case r.Reject != "":
			s.counts.Rejected++
			id++
		case r.Excluded != "":
			s.counts.Excluded++
			id++
		default:
			s.counts.Records++
			s.records += int64(len(r.Records))
			s.remember(r.Records[0], r.Num)
			if err := s.findings(ctx, r, id); err != nil {
				return err
			}
			id += int64(len(r.Records))
		}
	}
	return nil
}

// stageOne writes one row whose record key may already be taken.
func (s *Stager) stageOne(ctx context.Context, r Encoded) error {
	header := headerArg(r.Header)
	switch {
	case r.Reject != "":
		return s.reject(ctx, r, header, r.Reject)
	case r.Excluded != "":
		if err := s.insertRow(ctx, r.Num, r.Locator, header, r.raw, "excluded", 0,
			string(r.Entity), nil, r.excl, string(r.Excluded), r.Detail, r.ledger); err != nil {
			return err
		}
		s.counts.Excluded++
		return nil
	}
	first := r.Records[0]
	id, err := s.insertRecord(ctx, r.Num, r.Locator, first, r.records[0], r.raw, header, 0)
	if err != nil {
		return err
	}
	if id == 0 { // the key is taken by an earlier row: not silently merged
		prev := s.keyRows[string(first.Entity)+"|"+first.Key]
		return s.reject(ctx, r, header, duplicateReason(first.Entity, first.Key, prev))
	}
	s.counts.Records++
	s.records++
	s.remember(first, r.Num)
	for i, extra := range r.Records[1:] {
		id, err := s.insertRecord(ctx, r.Num, r.Locator, extra, r.records[i+1], "", nil, 1)
		if err != nil {
			return err
		}
		if id != 0 {
			s.records++
		}
	}
	return s.findings(ctx, r, id)
}

// duplicateReason is the reject reason of a row whose record's key an
// earlier row (number prev, or 0 when not known) already has.
func duplicateReason(e model.Entity, key string, prev int64) string {
	where := "an earlier row"
	if prev > 0 {
		where = fmt.Sprintf("row %d", prev)
	}
	return fmt.Sprintf("same %s id %q as %s: the old system exported it twice; check which one is right there", strings.TrimSuffix(e.Label(), "s"), keyID(key), where)
}

func headerArg(h int64) any {
	if h == 0 {
		return nil
	}
	return h
}

// findings writes a record row's findings, pointing at its stored row id.
func (s *Stager) findings(ctx context.Context, r Encoded, id int64) error {
	first := r.Records[0]
	for _, f := range r.Findings {
		if _, err := s.insFind.ExecContext(ctx, f.Rule, string(f.Severity), string(first.Entity), first.Key, id,
			s.info.Name, r.Num, f.Field, f.Value, f.Message, f.Fix); err != nil {
			return err
		}
	}
	return nil
}

func keyID(key string) string {
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// remember keeps row numbers for conflict messages, bounded so memory stays
// flat on huge files (later conflicts just say "an earlier row").
func (s *Stager) remember(rec model.Record, num int64) {
	if len(s.keyRows) < 200000 {
		s.keyRows[string(rec.Entity)+"|"+rec.Key] = num
	}
}

// insertRow writes one stored row with the next id.
func (s *Stager) insertRow(ctx context.Context, num int64, locator string, header, raw any, outcome string, derived int,
	entity string, key, data any, reason, detail string, ledger any) error {
	args := rowArgs(make([]any, 0, 13), s.nextID, num, locator, header, raw, outcome, derived, entity, key, data, reason, detail, ledger)
	if _, err := s.insRow.ExecContext(ctx, args...); err != nil {
		return err
	}
	s.nextID++
	return nil
}

// insertRecord returns the stored row's id, or 0 when the record's key is
// already taken; derived records that collide are the same thing named twice
// and are skipped.
func (s *Stager) insertRecord(ctx context.Context, num int64, locator string, rec model.Record, data, raw string, header any, derived int) (int64, error) {
	var rawArg any
	if derived == 0 {
		rawArg = raw
	}
	id := s.nextID
	err := s.insertRow(ctx, num, locator, header, rawArg, "record", derived, string(rec.Entity), rec.Key, data, "", "", nil)
	if isUniqueViolation(err) {
		return 0, nil
	}
	return id, err
}

func (s *Stager) reject(ctx context.Context, r Encoded, header any, reason string) error {
	if err := s.insertRow(ctx, r.Num, r.Locator, header, r.raw, "rejected", 0, "", nil, nil, reason, r.Detail, nil); err != nil {
		return err
	}
	s.counts.Rejected++
	return nil
}

func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// maybeDeferKeyIndex drops the unique key index for the rest of this load
// once the source is large enough that keeping it costs more than building it
// again at Commit (see deferKeyIndexAfter).
func (s *Stager) maybeDeferKeyIndex(ctx context.Context) error {
	if s.keyIndex != "" || s.records < deferKeyIndexAfter {
		return nil
	}
	if s.others < 0 {
		if err := s.tx.QueryRowContext(ctx, `SELECT count(*) FROM rows WHERE outcome = 'record' AND id < ?`,
			s.firstID).Scan(&s.others); err != nil {
			return err
		}
	}
	if s.records*4 < s.others {
		return nil
	}
	var create string
	if err := s.tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = 'rows_record_key'`).Scan(&create); err != nil {
		return fmt.Errorf("reading the key index: %w", err)
	}
	if _, err := s.tx.ExecContext(ctx, `DROP INDEX rows_record_key`); err != nil {
		return err
	}
	s.keyIndex = create
	return nil
}

// restoreKeyIndex builds the unique key index again after a load without it.
// When the load stored a key twice, the later rows are settled first, in the
// order they were read, as the live index would have settled them.
func (s *Stager) restoreKeyIndex(ctx context.Context) error {
	if s.keyIndex == "" {
		return nil
	}
	_, err := s.tx.ExecContext(ctx, s.keyIndex)
	if isUniqueViolation(err) {
		if err = s.resolveDuplicates(ctx); err == nil {
			_, err = s.tx.ExecContext(ctx, s.keyIndex)
		}
	}
	if err != nil {
		return fmt.Errorf("building the record key index again: %w", err)
	}
	s.keyIndex = ""
	return nil
}

// resolveDuplicates finds the records of this source whose key an earlier
// record has, and does with each, in id order, what staging does with a
// live index: a row's record → the row becomes a reject naming the earlier
// row, its derived records and findings go; a derived record → dropped.
// Memory grows with the number of such records only (their ids).
func (s *Stager) resolveDuplicates(ctx context.Context) error {
	const twins = `CREATE INDEX temp_rows_record_key ON rows(entity, key, id) WHERE outcome = 'record'`
	if _, err := s.tx.ExecContext(ctx, twins); err != nil {
		return err
	}
	rows, err := s.tx.QueryContext(ctx, `SELECT a.id FROM rows a WHERE a.source_id = ? AND a.outcome = 'record'
		AND EXISTS (SELECT 1 FROM rows b WHERE b.outcome = 'record' AND b.entity = a.entity AND b.key = a.key AND b.id < a.id)
		ORDER BY a.id`, s.sourceID)
	if err != nil {
		return err
	}
	var later []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		later = append(later, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range later {
		// Earlier steps may have removed this record (a derived record of a
		// rejected row) or the record it clashed with.
		var num, derived int64
		var entity, key string
		err := s.tx.QueryRowContext(ctx, `SELECT row_no, derived, entity, key FROM rows WHERE id = ? AND outcome = 'record'`, id).
			Scan(&num, &derived, &entity, &key)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		var prevSource sql.NullInt64
		var prevNum, prevDerived int64
		err = s.tx.QueryRowContext(ctx, `SELECT source_id, row_no, derived FROM rows
			WHERE outcome = 'record' AND entity = ? AND key = ? AND id < ? ORDER BY id LIMIT 1`, entity, key, id).
			Scan(&prevSource, &prevNum, &prevDerived)
		if errors.Is(err, sql.ErrNoRows) {
			continue // what it clashed with is gone: it stays
		}
		if err != nil {
			return err
		}
		if derived == 1 {
			if _, err := s.tx.ExecContext(ctx, `DELETE FROM rows WHERE id = ?`, id); err != nil {
				return err
			}
			s.records--
			continue
		}
		var prev int64
		if prevSource.Valid && prevSource.Int64 == s.sourceID && prevDerived == 0 {
			prev = prevNum
		}
		// The row's own derived records follow it, up to the next row.
		res, err := s.tx.ExecContext(ctx, `DELETE FROM rows WHERE source_id = ?1 AND derived = 1 AND id > ?2
			AND id < coalesce((SELECT min(id) FROM rows WHERE id > ?2 AND derived = 0), ?3)`, s.sourceID, id, s.nextID)
		if err != nil {
			return err
		}
		gone, _ := res.RowsAffected()
		s.records -= gone + 1
		if _, err := s.tx.ExecContext(ctx, `DELETE FROM findings WHERE row_id = ?`, id); err != nil {
			return err
		}
		if _, err := s.tx.ExecContext(ctx, `UPDATE rows SET outcome = 'rejected', entity = '', key = NULL, data = NULL, reason = ?
			WHERE id = ?`, duplicateReason(model.Entity(entity), key, prev), id); err != nil {
			return err
		}
		s.counts.Records--
		s.counts.Rejected++
	}
	_, err = s.tx.ExecContext(ctx, `DROP INDEX temp_rows_record_key`)
	return err
}

// Commit checks the invariant against what is really stored, records the
// counts on the source and makes the source visible.
func (s *Stager) Commit(ctx context.Context) (SourceCounts, error) {
	if s.done {
		return s.counts, errors.New("stager already finished")
	}
	s.done = true
	defer releaseConn(s.conn)
	defer s.closeStatements()
	fail := func(err error) (SourceCounts, error) { s.tx.Rollback(); return s.counts, err }
	if s.broken != nil {
		return fail(s.broken)
	}
	if err := s.flush(ctx); err != nil {
		return fail(err)
	}
	if err := s.restoreKeyIndex(ctx); err != nil {
		return fail(err)
	}
	var stored SourceCounts
	stored.SourceID = s.sourceID
	err := s.tx.QueryRowContext(ctx, `SELECT count(*),
		coalesce(sum(outcome = 'record'), 0), coalesce(sum(outcome = 'excluded'), 0), coalesce(sum(outcome = 'rejected'), 0)
		FROM rows WHERE source_id = ? AND derived = 0`, s.sourceID).Scan(&stored.Rows, &stored.Records, &stored.Excluded, &stored.Rejected)
	if err != nil {
		s.tx.Rollback()
		return stored, err
	}
	if stored != s.counts || !stored.Balanced() {
		s.tx.Rollback()
		return stored, fmt.Errorf("%s: rows do not add up (read %d, stored %+v): nothing was saved from this file", s.info.Name, s.counts.Rows, stored)
	}
	if _, err := s.tx.ExecContext(ctx, `UPDATE sources SET rows = ?, records = ?, excluded = ?, rejected = ? WHERE id = ?`,
		stored.Rows, stored.Records, stored.Excluded, stored.Rejected, s.sourceID); err != nil {
		s.tx.Rollback()
		return stored, err
	}
	return stored, s.tx.Commit()
}

// Abort drops everything staged for this source; the project is as before.
func (s *Stager) Abort() {
	if s.done {
		return
	}
	s.done = true
	s.closeStatements()
	s.tx.Rollback()
	releaseConn(s.conn)
}

// releaseConn gives a Stager's connection back to the pool with foreign keys
// on again, or closes it if that cannot be done: a pooled connection without
// them would let any later statement break a link.
func releaseConn(c *sql.Conn) {
	ctx := context.Background()
	on := 0
	if _, err := c.ExecContext(ctx, `PRAGMA foreign_keys = ON`); err == nil {
		// The pragma does nothing inside a transaction: read it back.
		c.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on)
	}
	if on != 1 {
		c.Raw(func(any) error { return driver.ErrBadConn })
	}
	c.Close()
}

// TableFinding records an observation about a whole table (e.g. a date
// column whose day/month order cannot be told), pointing at row.
func (s *Stager) TableFinding(ctx context.Context, f Finding, row int64) error {
	if err := s.flush(ctx); err != nil { // keep the findings in the order they were made
		return err
	}
	_, err := s.insFind.ExecContext(ctx, f.Rule, string(f.Severity), "", "", nil, s.info.Name, row, f.Field, f.Value, f.Message, f.Fix)
	return err
}
