// Package ingest reads the files a firm hands over into the project: it finds
// what each file is from its content, maps its rows onto Clio's types, and
// stages every row as a record, an exclusion or a reject.
package ingest

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"handover/core/balances"
	"handover/core/model"
	"handover/core/workspace"
	"handover/importers/documents"
	"handover/importers/formats"
	"handover/importers/items"
	"handover/importers/mapping"
	"handover/importers/parties"
	"handover/importers/tabular"
)

// Options steer an ingest. The zero value detects everything.
type Options struct {
	Profile  string          // force a mapping profile for tabular files ("" = detect)
	Tabular  tabular.Options // encoding / delimiter / header row / sheet overrides
	Progress func(Progress)  // called from the ingesting goroutine
	// AttachmentDir receives e-mail attachments (content-addressed); default
	// is "<project>.files" beside the project file.
	AttachmentDir string

	// Reread reads a file again even when its content has not changed (the
	// user changed how its columns are mapped).
	Reread bool

	related *related       // the relational pre-pass, run once per database or folder (relational.go)
	matters *matterIndex   // the project's matter numbers, for references in e-mails (ingestItems)
	folders *folderMatters // matter numbers of the folders e-mails are filed in (ingestItems)
}

// Progress reports work on one file. Total is -1 while unknown.
type Progress struct {
	File  string
	Stage string // "hashing", "scanning", "reading", "balances"
	Done  int64
	Total int64
}

// SourceResult is the account of one file.
type SourceResult struct {
	Path      string   `json:"path"`
	Format    string   `json:"format"`
	Encoding  string   `json:"encoding,omitempty"`
	Delimiter string   `json:"delimiter,omitempty"`
	Profile   string   `json:"profile,omitempty"`
	System    string   `json:"system,omitempty"`
	Rows      int64    `json:"rows"`
	Records   int64    `json:"records"`
	Excluded  int64    `json:"excluded"`
	Rejected  int64    `json:"rejected"`
	Tables    []Table  `json:"tables,omitempty"`
	Unchanged bool     `json:"unchanged,omitempty"` // same content as already read: nothing to do
	Skipped   string   `json:"skipped,omitempty"`   // not a data file Handover reads (in a folder)
	Warnings  []string `json:"warnings,omitempty"`
}

// Table is one sheet or database table of a source and how it was mapped.
type Table struct {
	Name     string           `json:"name,omitempty"`
	Profile  string           `json:"profile"`
	System   string           `json:"system,omitempty"`
	Entity   model.Entity     `json:"entity,omitempty"`
	Ledger   model.LedgerKind `json:"ledger,omitempty"`
	Columns  []mapping.Column `json:"columns"`
	Unmapped []string         `json:"unmapped,omitempty"`
	Warnings []string         `json:"warnings,omitempty"`
	// From the relational pre-pass: the columns followed as links, the
	// questions the Mapping screen asks, and a lookup table's reason.
	Links     []mapping.Link     `json:"links,omitempty"`
	Questions []mapping.Question `json:"questions,omitempty"`
	Lookup    string             `json:"lookup,omitempty"`
	Why       string             `json:"why,omitempty"` // why the pre-pass gave the table its type
}

// Result is the account of a whole ingest.
type Result struct {
	Sources  []SourceResult   `json:"sources"`
	Parties  parties.Summary  `json:"parties"`
	Balances balances.Summary `json:"balances"`
}

// Run reads every path (files, or folders walked recursively) into ws. A
// file that cannot be read at all stops the run with an error naming it;
// what was read before stays in the project (each file is all-or-nothing).
func Run(ctx context.Context, ws *workspace.Workspace, paths []string, opts Options) (Result, error) {
	var res Result
	files, skipped, err := expand(paths)
	if err != nil {
		return res, err
	}
	res.Sources = append(res.Sources, skipped...)
	if opts.AttachmentDir == "" {
		opts.AttachmentDir = ws.Path() + ".files"
	}
	opts.related = newRelated(ws, files)
	opts.matters = &matterIndex{}
	opts.folders = newFolderMatters(paths)
	files = itemsLast(files)
	mem, err := ws.Remembered(ctx)
	if err != nil {
		return res, err
	}
	// An ingest killed mid-mailbox leaves attachments no record names.
	if err := sweepAttachments(ctx, ws, opts.AttachmentDir); err != nil {
		return res, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		sr, err := ingestFile(ctx, ws, f, mapping.Memory(mem), opts)
		if err != nil {
			return res, err
		}
		res.Sources = append(res.Sources, sr)
	}
	// A party list's people no other source has become contacts, once.
	if res.Parties, err = parties.Reconcile(ctx, ws); err != nil {
		return res, err
	}
	report(opts, Progress{Stage: "balances", Total: -1})
	asOf, _ := ws.Setting(ctx, workspace.SettingCutoff)
	if len(asOf) >= 10 {
		asOf = asOf[:10]
	}
	res.Balances, err = balances.Recompute(ctx, ws, asOf)
	if err != nil {
		return res, err
	}
	// A re-read source may no longer name attachments the old one did.
	return res, sweepAttachments(ctx, ws, opts.AttachmentDir)
}

// sweepAttachments removes from dir the stored attachments no document record
// in the project names (left by an ingest that was killed or cancelled, or by
// a source read again), and half-written ones. Attachments are stored under
// their SHA-256, so a name is a hash or a temporary ".incoming-" file.
func sweepAttachments(ctx context.Context, ws *workspace.Workspace, dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the attachment folder %s: %w", dir, err)
	}
	keep, err := ws.DocumentHashes(ctx)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		stored := len(name) == 64 && isHex(name)
		if e.IsDir() || !stored && !strings.HasPrefix(name, ".incoming-") || keep[name] {
			continue // not ours, or still named by a record
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing a left-over attachment: %w", err)
		}
	}
	return nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// expand turns the arguments into files. Folders are walked; their files
// that are not data (README, images) are listed as skipped with a reason,
// while a file named on the command line that cannot be read is an error.
func expand(paths []string) ([]string, []SourceResult, error) {
	var files []string
	var skipped []SourceResult
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, describeOpenError(err))
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var inDir []string
		tree := "" // the documents tree being walked: read whole, as one source
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				if !within(path, tree) && documents.IsTree(path) {
					tree, inDir = path, append(inDir, path)
				}
				return nil
			}
			if within(path, tree) {
				if isMailFile(path) { // e-mails filed with the documents are read as e-mails
					inDir = append(inDir, path)
				}
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") || isCompanionFile(path) {
				return nil
			}
			if _, _, ok := sniff(path); !ok {
				skipped = append(skipped, SourceResult{Path: path, Skipped: "not a data file Handover reads (CSV, Excel, DBF, SQLite, Access, vCard, iCalendar, mbox or e-mail)"})
				return nil
			}
			inDir = append(inDir, path)
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		sort.Strings(inDir)
		files = append(files, inDir...)
	}
	return files, skipped, nil
}

// isCompanionFile: memo and index files belong to their .dbf table.
func isCompanionFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".fpt", ".dbt", ".cdx", ".mdx", ".ntx", ".idx", ".ldb", ".laccdb":
		return true
	}
	return false
}

func describeOpenError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file or folder: check the path")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission denied: copy the file somewhere you can read it, or ask your administrator")
	}
	return err
}

// sniff decides what a file is from its content, through the format
// registry: kind is the registry's name for it ("vcard", "mail", "tabular"),
// format the name recorded for the source ("mbox", "csv", ...).
func sniff(path string) (kind, format string, ok bool) {
	f, format, err := formats.Detect(path)
	if err != nil {
		return "", "", false
	}
	return f.Name, format, true
}

func report(opts Options, p Progress) {
	if opts.Progress != nil {
		opts.Progress(p)
	}
}

func hashFile(ctx context.Context, path string, opts Options) (string, int64, time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, time.Time{}, fmt.Errorf("%s: %w", path, describeOpenError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", 0, time.Time{}, err
	}
	h := sha256.New()
	buf := make([]byte, 1<<20)
	var done int64
	for {
		if err := ctx.Err(); err != nil {
			return "", 0, time.Time{}, err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		done += int64(n)
		report(opts, Progress{File: path, Stage: "hashing", Done: done, Total: st.Size()})
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", 0, time.Time{}, fmt.Errorf("%s: read failed after %d bytes: %w", path, done, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), st.Size(), st.ModTime(), nil
}

func ingestFile(ctx context.Context, ws *workspace.Workspace, path string, mem mapping.Memory, opts Options) (SourceResult, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() { // expand lists only documents trees
		return ingestDocuments(ctx, ws, path, opts)
	}
	abs, _ := filepath.Abs(path)
	sr := SourceResult{Path: path}
	kind, format, ok := sniff(path)
	if !ok {
		return sr, fmt.Errorf("%s: %w", path, formats.ErrUnknown)
	}
	sr.Format = format
	sha, size, mtime, err := hashFile(ctx, path, opts)
	if err != nil {
		return sr, err
	}
	if prev, err := ws.SourceByHash(ctx, sha); err != nil {
		return sr, err
	} else if prev != nil && prev.Path == abs && opts.Profile == "" && opts.Tabular == (tabular.Options{}) && !opts.Reread {
		sr = fromSource(*prev)
		sr.Path, sr.Unchanged = path, true
		return sr, nil
	}
	info := workspace.SourceInfo{Path: abs, Name: filepath.Base(path), Size: size, SHA256: sha, Format: format, ExportedAt: mtime}
	switch kind {
	case "tabular":
		return ingestTable(ctx, ws, path, info, mem, opts)
	default:
		return ingestItems(ctx, ws, path, kind, info, opts)
	}
}

func fromSource(s workspace.Source) SourceResult {
	return SourceResult{Path: s.Path, Format: s.Format, Encoding: s.Encoding, Delimiter: s.Delimiter, Profile: s.Profile,
		System: s.System, Rows: s.Counts.Rows, Records: s.Counts.Records, Excluded: s.Counts.Excluded, Rejected: s.Counts.Rejected}
}

// withProv fills provenance on records the mappers made.
func withProv(recs []model.Record, sourceID int64, name string, row int64, loc string) []model.Record {
	for i := range recs {
		recs[i].Prov = model.Provenance{SourceID: sourceID, Source: name, Row: row, Locator: loc}
	}
	return recs
}

// ingestItems reads a file of an item format (vCard, iCalendar, mail): each
// card, event or message is one row of the source.
func ingestItems(ctx context.Context, ws *workspace.Workspace, path, kind string, info workspace.SourceInfo, opts Options) (SourceResult, error) {
	sr := SourceResult{Path: path, Format: info.Format}
	fm, ok := formats.Lookup(kind)
	if !ok || fm.Items == nil {
		return sr, fmt.Errorf("%s: internal error: %q is not an item format", path, kind)
	}
	f, err := os.Open(path)
	if err != nil {
		return sr, fmt.Errorf("%s: %w", path, describeOpenError(err))
	}
	defer f.Close()
	info.Encoding, info.System, info.Profile = "utf-8", fm.System, info.Format // "vcard", "ical", "mbox", "eml"
	st, err := ws.BeginSource(ctx, info)
	if err != nil {
		return sr, err
	}
	defer st.Abort()
	var n int64
	iopts := items.Options{AttachmentDir: opts.AttachmentDir, FileName: info.Name, FileTime: info.ExportedAt,
		KnownMatter: opts.matters.known(ctx, opts.related), FolderMatter: opts.folders.of(path)}
	err = fm.Items(ctx, bufio.NewReaderSize(f, 1<<20), iopts, func(it items.Item) error {
		n++
		report(opts, Progress{File: path, Stage: "reading", Done: n, Total: -1})
		row := workspace.Row{Num: it.Num, Locator: it.Locator, Raw: []string{it.Raw}}
		switch {
		case it.Reject != "":
			row.Reject = it.Reject
		case it.Excluded != "":
			row.Excluded, row.Detail = model.DeletedInSource, it.Excluded
		case it.Empty || len(it.Records) == 0:
			row.Excluded = model.EmptyRow
		default:
			row.Records = withProv(it.Records, st.SourceID(), info.Name, it.Num, it.Locator)
		}
		for _, fd := range it.Findings {
			row.Findings = append(row.Findings, workspace.Finding{Rule: fd.Rule, Severity: fd.Severity, Field: fd.Field,
				Value: fd.Value, Message: fd.Message})
		}
		return st.Stage(ctx, row)
	})
	if err != nil {
		return sr, fmt.Errorf("%s: %w (nothing from this file was saved)", path, err)
	}
	c, err := st.Commit(ctx)
	if err != nil {
		return sr, err
	}
	sr.Profile, sr.System, sr.Encoding = info.Profile, info.System, info.Encoding
	sr.Rows, sr.Records, sr.Excluded, sr.Rejected = c.Rows, c.Records, c.Excluded, c.Rejected
	return sr, nil
}

// itemsLast moves the files of item formats (cards, calendars, mail) and
// documents trees after the tables, keeping each group's order: an e-mail's
// bare matter number, or a folder's short code, is recognised only against
// the matters already read (ingestItems, ingestDocuments).
func itemsLast(files []string) []string {
	var tables, rest []string
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.IsDir() {
			rest = append(rest, f)
		} else if kind, _, ok := sniff(f); ok && kind != "tabular" {
			rest = append(rest, f)
		} else {
			tables = append(tables, f) // tables, and what ingestFile will refuse
		}
	}
	return append(tables, rest...)
}

// matterIndex holds the project's matter numbers, folded, read once per run
// when the first item file needs them (all tables are read by then).
type matterIndex struct {
	loaded bool
	folded map[string]bool
}

// known returns the KnownMatter test for item readers, nil when the project
// has no matters.
func (m *matterIndex) known(ctx context.Context, r *related) func(string) bool {
	if m == nil || r == nil {
		return nil
	}
	if !m.loaded {
		m.loaded = true
		for n := range r.projectMatters(ctx) {
			if m.folded == nil {
				m.folded = map[string]bool{}
			}
			m.folded[items.FoldNumber(n)] = true
		}
	}
	if len(m.folded) == 0 {
		return nil
	}
	return func(v string) bool { return m.folded[items.FoldNumber(v)] }
}

// folderMatters finds the matter folder an e-mail file is filed in, by the
// rule expand and documents use for documents: within a folder given to
// ingest, the outermost folder on the file's path that documents.IsTree
// accepts is the tree's root, and below it the outermost folder whose name
// carries a matter number is the matter. Nothing above the given folder
// counts (its name is not the firm's). IsTree answers are kept per folder.
type folderMatters struct {
	tops   []string // the folders given to ingest, absolute
	isTree map[string]bool
}

func newFolderMatters(paths []string) *folderMatters {
	f := &folderMatters{isTree: map[string]bool{}}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			if abs, err := filepath.Abs(p); err == nil {
				f.tops = append(f.tops, abs)
			}
		}
	}
	return f
}

func (f *folderMatters) of(path string) string {
	if f == nil {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	top := ""
	for _, t := range f.tops {
		if within(abs, t) && len(t) > len(top) {
			top = t
		}
	}
	rel, err := filepath.Rel(top, filepath.Dir(abs))
	if top == "" || err != nil {
		return ""
	}
	var folders []string // top's subfolders down to the file's folder
	if rel != "." {
		folders = strings.Split(filepath.ToSlash(rel), "/")
	}
	dir := top
	for i := 0; i <= len(folders); i++ {
		tree, ok := f.isTree[dir]
		if !ok {
			tree = documents.IsTree(dir)
			f.isTree[dir] = tree
		}
		if tree {
			for _, name := range folders[i:] {
				if n := documents.MatterNumber(name); n != "" {
					return n
				}
			}
			return ""
		}
		if i < len(folders) {
			dir = filepath.Join(dir, folders[i])
		}
	}
	return ""
}
