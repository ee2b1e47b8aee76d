package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/mapping"
	"handover/importers/relational"
	"handover/importers/tabular"
)

const sampleRows = 50

type tableState struct {
	table  tabular.Table
	sample [][]string
	plan   *mapping.Plan
	header int64 // id of the stored header
	first  int64 // first data row number (for table-level findings)
}

// ingestTable reads a table-shaped file twice: the first pass picks each
// table's mapping and learns its date formats from all the values (so a
// day/month question is settled by the whole column, never guessed from the
// first rows); the second pass maps and stages every row. Neither pass holds
// more than a sample in memory.
func ingestTable(ctx context.Context, ws *workspace.Workspace, path string, info workspace.SourceInfo, mem mapping.Memory, opts Options) (SourceResult, error) {
	sr := SourceResult{Path: path, Format: info.Format}
	tables, order, rows, rinfo, err := scan(ctx, path, mem, opts)
	if err != nil {
		return sr, err
	}
	if rows == 0 {
		// Only a header line, or a text file that is not a table at all (a
		// README beside the exports): nothing to account for.
		sr.Skipped = "no rows to read (only a header line, or not a table)"
		return sr, nil
	}
	info.Encoding, info.Delimiter, info.HeaderRow = rinfo.Encoding, rinfo.Delimiter, rinfo.HeaderRow
	detection := map[string]any{"guessed": rinfo.Guessed, "notes": rinfo.Notes}
	var tabs []Table
	for _, name := range order {
		t := tables[name]
		tab := Table{Name: t.table.Name, Profile: t.plan.Profile, System: t.plan.System, Entity: t.plan.Entity,
			Ledger: t.plan.Ledger, Columns: t.plan.Columns, Unmapped: t.plan.Unmapped,
			Links: t.plan.Links, Questions: t.plan.Questions, Lookup: t.plan.Lookup, Why: t.plan.Why}
		for _, w := range t.plan.Warnings {
			tab.Warnings = append(tab.Warnings, w.Message)
		}
		tabs = append(tabs, tab)
		if info.Profile == "" || info.Profile == "generic" {
			info.Profile, info.System = t.plan.Profile, t.plan.System
		}
	}
	detection["tables"] = tabs
	info.Detection = detection
	info.Options = map[string]any{"tabular": opts.Tabular, "profile": opts.Profile}

	st, err := ws.BeginSource(ctx, info)
	if err != nil {
		return sr, err
	}
	defer st.Abort()
	// Pass 2 runs on two goroutines: one reads, maps and encodes rows, this
	// one writes them to SQLite, which is half the work on its own. When
	// this one waits for rows, the other hands it rows to encode as well
	// (encodeRows), so neither idles while the other works.
	ctx2, stop := context.WithCancel(ctx)
	batches := make(chan encodedBatch, 8)
	// batches written, for the reader to fill again
	spent := make(chan []encodedRow, cap(batches)+2)
	defer func() { // the reader is closed before this returns
		stop()
		for range batches {
		}
	}()
	go encodeRows(ctx2, path, opts, tables, st.SourceID(), info.Name, batches, spent)
	var done int64
	for b := range batches {
		if b.err != nil {
			return sr, b.err
		}
		for i := range b.rows {
			e := &b.rows[i]
			t := e.table
			if t != nil && t.header == 0 {
				if t.header, err = st.Header(ctx, t.table.Name, t.table.Header); err != nil {
					return sr, err
				}
				for _, w := range t.plan.Warnings {
					if w.Rule == "" || w.Rule == mapping.RuleLookupTable { // a lookup's rows carry its reason
						continue
					}
					if err := st.TableFinding(ctx, workspace.Finding{Rule: w.Rule, Severity: severityOf(w.Rule), Field: w.Column,
						Message: w.Message}, t.first); err != nil {
						return sr, err
					}
				}
			}
			if !e.encoded {
				if e.row, err = workspace.Encode(e.plain); err != nil {
					return sr, fmt.Errorf("%s row %d: %w (nothing from this file was saved)", path, e.plain.Num, err)
				}
			}
			if t != nil {
				e.row.Header = t.header
			}
			if err := st.StageEncoded(ctx, e.row); err != nil {
				return sr, err
			}
			done++
			if done%1000 == 0 {
				report(opts, Progress{File: path, Stage: "reading", Done: done, Total: rows})
			}
		}
		clear(b.rows) // nothing of the written rows is kept alive by the array
		select {
		case spent <- b.rows[:0]:
		default:
		}
	}
	if err := ctx.Err(); err != nil {
		return sr, err
	}
	report(opts, Progress{File: path, Stage: "reading", Done: done, Total: rows})
	c, err := st.Commit(ctx)
	if err != nil {
		return sr, err
	}
	sr.Encoding, sr.Delimiter, sr.Profile, sr.System, sr.Tables = info.Encoding, info.Delimiter, info.Profile, info.System, tabs
	sr.Rows, sr.Records, sr.Excluded, sr.Rejected = c.Rows, c.Records, c.Excluded, c.Rejected
	for _, t := range tabs {
		sr.Warnings = append(sr.Warnings, t.Warnings...)
	}
	return sr, nil
}

type encodedRow struct {
	row     workspace.Encoded
	encoded bool          // false: the writer encodes plain into row
	plain   workspace.Row // the mapped row, when not encoded
	table   *tableState   // nil for rows outside any table; its header id is set by the writer
}

// encodedBatch carries rows from the encoder to the writer in groups, so the
// channel costs little per row; err ends the stream.
type encodedBatch struct {
	rows []encodedRow
	err  error
}

// encodeRows is pass 2's reading side: it reads every row, maps it with its
// table's plan (only this goroutine touches the plans now) and encodes it,
// then closes out. It stops early when ctx is cancelled. A batch begun while
// the writer has nothing waiting goes out mapped but not encoded: the writer
// encodes it (a row's encoding is the same on either goroutine), which
// shares the work out by how busy each side is.
//
// A batch's array comes back on spent once the writer is done with it, so a
// few arrays carry the whole file.
func encodeRows(ctx context.Context, path string, opts Options, tables map[string]*tableState, sourceID int64, name string, out chan<- encodedBatch, spent <-chan []encodedRow) {
	defer close(out)
	send := func(b encodedBatch) bool {
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	r, err := tabular.Open(path, opts.Tabular)
	if err != nil {
		send(encodedBatch{err: fmt.Errorf("%s: %w", path, err)})
		return
	}
	defer r.Close()
	const batchRows = 256
	batch := make([]encodedRow, 0, batchRows)
	handOff := false // the batch being filled goes out unencoded
	for {
		if ctx.Err() != nil {
			return
		}
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			send(encodedBatch{err: fmt.Errorf("%s: %w (nothing from this file was saved)", path, err)})
			return
		}
		t := tables[tableKey(row.Table)]
		if len(batch) == 0 {
			handOff = len(out) == 0
		}
		plain := stageRow(row, t, sourceID, name)
		if handOff {
			batch = append(batch, encodedRow{plain: plain, table: t})
		} else {
			e, err := workspace.Encode(plain)
			if err != nil {
				send(encodedBatch{err: fmt.Errorf("%s row %d: %w (nothing from this file was saved)", path, row.Num, err)})
				return
			}
			batch = append(batch, encodedRow{row: e, encoded: true, table: t})
		}
		if len(batch) == batchRows {
			if !send(encodedBatch{rows: batch}) {
				return
			}
			select {
			case batch = <-spent:
			default:
				batch = make([]encodedRow, 0, batchRows)
			}
		}
	}
	if len(batch) > 0 {
		send(encodedBatch{rows: batch})
	}
}

func tableKey(t *tabular.Table) string {
	if t == nil {
		return ""
	}
	return t.Name + "\x00" + strconv.Itoa(t.HeaderRow)
}

// scan is the first pass. When the relational pre-pass read the file with
// the same options, what it saw is used instead of reading the file again.
func scan(ctx context.Context, path string, mem mapping.Memory, opts Options) (map[string]*tableState, []string, int64, tabular.Info, error) {
	rel := opts.related.hints(ctx, path, mem, opts)
	if read, ok := rel.Read(path); ok && read.Options == opts.Tabular {
		return fromRead(path, read, rel, mem, opts)
	}
	r, err := tabular.Open(path, opts.Tabular)
	if err != nil {
		return nil, nil, 0, tabular.Info{}, fmt.Errorf("%s: %w", path, err)
	}
	defer r.Close()
	tables := map[string]*tableState{}
	var order []string
	var rows int64
	choose := func(t *tableState) error {
		if t.plan != nil {
			return nil
		}
		p, err := mapping.ChooseWithHints(baseName(path), t.table.Name, t.table.Header, t.sample, mem, opts.Profile, hintsOf(rel, path, &t.table))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		t.plan = p
		for _, s := range t.sample {
			p.Observe(s)
		}
		t.sample = nil
		return nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, 0, r.Info(), err
		}
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, 0, r.Info(), fmt.Errorf("%s: %w", path, err)
		}
		rows++
		if rows%5000 == 0 {
			report(opts, Progress{File: path, Stage: "scanning", Done: rows, Total: -1})
		}
		if row.Kind != tabular.Data || row.Table == nil {
			continue
		}
		k := tableKey(row.Table)
		t := tables[k]
		if t == nil {
			t = &tableState{table: *row.Table, first: row.Num}
			tables[k] = t
			order = append(order, k)
		}
		if t.plan == nil {
			t.sample = append(t.sample, append([]string(nil), row.Values...))
			if len(t.sample) >= sampleRows {
				if err := choose(t); err != nil {
					return nil, nil, 0, r.Info(), err
				}
			}
			continue
		}
		t.plan.Observe(row.Values)
	}
	for _, k := range order {
		if err := choose(tables[k]); err != nil {
			return nil, nil, 0, r.Info(), err
		}
		tables[k].plan.Finish()
	}
	return tables, order, rows, r.Info(), nil
}

// fromRead is scan's answer from the pre-pass's read of the file: the same
// tables in the same order, each plan chosen from the same sample and given
// the evidence Observe would have gathered from every row.
func fromRead(path string, read *relational.FileRead, rel *relational.Result, mem mapping.Memory, opts Options) (map[string]*tableState, []string, int64, tabular.Info, error) {
	tables := map[string]*tableState{}
	var order []string
	for _, tr := range read.Tables {
		t := &tableState{table: tr.Table, first: tr.First}
		p, err := mapping.ChooseWithHints(baseName(path), t.table.Name, t.table.Header, tr.Sample, mem, opts.Profile, hintsOf(rel, path, &t.table))
		if err != nil {
			return nil, nil, 0, read.Info, fmt.Errorf("%s: %w", path, err)
		}
		p.UseEvidence(tr.Evidence)
		p.Finish()
		t.plan = p
		k := tableKey(&t.table)
		tables[k] = t
		order = append(order, k)
	}
	return tables, order, read.Rows, read.Info, nil
}

// stageRow turns a physical row into its outcome.
func stageRow(row tabular.Row, t *tableState, sourceID int64, name string) workspace.Row {
	out := workspace.Row{Num: row.Num, Raw: row.Values}
	if row.Table != nil {
		out.Locator = row.Table.Name
	}
	switch row.Kind {
	case tabular.Empty:
		out.Excluded, out.Detail = model.EmptyRow, row.Reason
		return out
	case tabular.NotData:
		out.Excluded, out.Detail = model.NotData, row.Reason
		return out
	case tabular.Deleted:
		out.Excluded, out.Detail = model.DeletedInSource, row.Reason
		if t != nil {
			out.Entity = t.plan.Entity
		}
		return out
	case tabular.Rejected:
		out.Reject = row.Reason
		if out.Reject == "" {
			out.Reject = fmt.Sprintf("row %d could not be read", row.Num)
		}
		return out
	}
	if t == nil || t.plan == nil {
		out.Reject = "internal error: no mapping for this table"
		return out
	}
	if t.plan.Lookup != "" { // its codes are decoded into the tables that use them
		out.Excluded, out.Detail = model.NotMigratable, t.plan.Lookup
		return out
	}
	o := t.plan.Map(row.Values)
	switch {
	case o.Reject != "":
		out.Reject = o.Reject
	case o.Excluded != "":
		out.Excluded, out.Entity, out.Excl, out.Ledger = o.Excluded, o.Entity, o.Excl, o.Ledger
	case len(o.Records) > 0:
		out.Records = withProv(o.Records, sourceID, name, row.Num, out.Locator)
	default:
		out.Reject = "Handover could not tell what this row is: choose the table's type on the Mapping screen (or --profile)"
	}
	for _, f := range o.Findings {
		out.Findings = append(out.Findings, workspace.Finding{Rule: f.Rule, Severity: severityOf(f.Rule), Field: f.Field,
			Value: f.Value, Message: f.Message})
	}
	if row.Warning != "" { // read by an assumption (a short CSV row): the row says which
		out.Findings = append(out.Findings, workspace.Finding{Rule: tabular.RuleShortRow, Severity: model.Warning, Message: row.Warning})
	}
	return out
}

func severityOf(rule string) model.Severity {
	switch rule {
	case model.RuleExcelMangled, model.RuleDateAmbiguous:
		return model.Warning
	case mapping.RuleUnmapped, mapping.RuleLookupTable:
		return model.Info
	case mapping.RuleUnknownTable:
		return model.Blocker
	}
	return model.Warning
}

func baseName(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' || path[i] == '\\' {
			return path[i+1:]
		}
	}
	return path
}
