package ingest

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/mapping"
	"handover/importers/relational"
	"handover/importers/tabular"
)

// related runs the relational pre-pass (importers/relational) once per
// database or folder during a Run, before its tables are mapped: a database
// (SQLite, Access) is read as a whole; a DBF table or an exported CSV/Excel
// file is read together with the other tables in its folder, so a column
// like ClientID or "Case No." is mapped as the link its values show it is,
// even when the file is read again on its own from the Mapping screen.
type related struct {
	mu   sync.Mutex
	ws   *workspace.Workspace
	done map[string]*relational.Result // by database path or folder
	// reading holds the files of this run (absolute): the pre-pass keeps
	// what it saw of them, so each is read once before it is staged, not twice.
	reading map[string]bool
}

func newRelated(ws *workspace.Workspace, files []string) *related {
	r := &related{ws: ws, done: map[string]*relational.Result{}, reading: map[string]bool{}}
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil {
			r.reading[abs] = true
		}
	}
	return r
}

// inRun reports whether path is one of the files this run reads.
func (r *related) inRun(path string) bool {
	abs, err := filepath.Abs(path)
	return err == nil && r.reading[abs]
}

// projectMatters reads the numbers of the matters already in the project
// (a set of short strings: a small firm's few thousand matters).
func (r *related) projectMatters(ctx context.Context) map[string]bool {
	if r.ws == nil {
		return nil
	}
	known := map[string]bool{}
	r.ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Matters}, func(rec workspace.StoredRecord) error {
		if m, ok := rec.Data.(*model.Matter); ok && m.DisplayNumber != "" {
			known[m.DisplayNumber] = true
		}
		return nil
	})
	return known
}

// hints returns the pre-pass result that covers path (nil when there is
// nothing to read together with it, or the pre-pass failed: the tables are
// then mapped one by one as before).
func (r *related) hints(ctx context.Context, path string, mem mapping.Memory, opts Options) *relational.Result {
	if r == nil {
		return nil
	}
	format, err := tabular.Detect(path)
	if err != nil {
		return nil
	}
	var group []string
	flat := false
	key := filepath.Clean(path)
	switch format {
	case tabular.FormatSQLite, tabular.FormatMDB:
		group = []string{path}
	case tabular.FormatDBF:
		key = filepath.Dir(key) + "\x00dbf"
		group = siblings(path, func(f string) bool { return f == tabular.FormatDBF })
	case tabular.FormatCSV, tabular.FormatXLSX, tabular.FormatXLS:
		// an old-format workbook is a workbook: its sheets, and the CSVs beside it, are read together too
		key, flat = filepath.Dir(key)+"\x00flat", true
		group = siblings(path, func(f string) bool {
			return f == tabular.FormatCSV || f == tabular.FormatXLSX || f == tabular.FormatXLS
		})
	default:
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if res, ok := r.done[key]; ok {
		return res
	}
	var known map[string]bool
	if flat {
		known = r.projectMatters(ctx) // as it is now: files read earlier in this run count
	}
	// a lone CSV has nothing to link to; a workbook's sheets may link to each other
	if len(group) == 0 || flat && len(group) < 2 && len(known) == 0 && format != tabular.FormatXLSX && format != tabular.FormatXLS {
		return nil
	}
	topts := relational.Options{Memory: mem, Flat: flat, ProjectMatters: known, Keep: r.inRun}
	if len(group) == 1 {
		topts.Tabular = opts.Tabular // one database: the user's overrides apply to it
	}
	res, err := relational.Analyze(ctx, group, topts)
	if err != nil {
		res = nil
	}
	r.done[key] = res
	return res
}

// siblings lists the files in path's folder (path included) whose content
// is of a format keep accepts.
func siblings(path string, keep func(format string) bool) []string {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []string{path}
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") || isCompanionFile(name) {
			continue
		}
		full := filepath.Join(dir, name)
		if _, kind, ok := sniffKind(full); !ok || kind != "tabular" {
			continue
		}
		if f, err := tabular.Detect(full); err == nil && keep(f) {
			out = append(out, full)
		}
	}
	sort.Strings(out)
	return out
}

// sniffKind is sniff's answer in the order this file needs it.
func sniffKind(path string) (format, kind string, ok bool) {
	kind, format, ok = sniff(path)
	return format, kind, ok
}

// hintsOf is the pre-pass's hints for one table ("" table hints when none).
func hintsOf(res *relational.Result, path string, t *tabular.Table) mapping.Hints {
	h, _ := res.Hints(path, t)
	return h
}
