package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"handover/core/workspace"
	"handover/importers/documents"
)

// docOptions: e-mails saved inside a documents tree are read as e-mails by
// the mail importer (expand lists them as files), not as documents.
var docOptions = documents.Options{Skip: isMailFile}

// isMailFile: a saved e-mail (.eml, .mbox, or no extension) that reads as mail.
func isMailFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".eml", ".mbox", "":
		kind, _, ok := sniff(path)
		return ok && kind == "mail"
	}
	return false
}

// within reports whether path is dir or below it ("" is no folder).
func within(path, dir string) bool {
	return dir != "" && (path == dir || strings.HasPrefix(path, dir+string(filepath.Separator)))
}

// ingestDocuments stages a documents tree as one source: a row per file,
// each a document record, a not_data exclusion or a reject. Its identity is
// the tree's listing (paths, sizes, times), so an unchanged tree is not read
// again.
func ingestDocuments(ctx context.Context, ws *workspace.Workspace, path string, opts Options) (SourceResult, error) {
	abs, _ := filepath.Abs(path)
	sr := SourceResult{Path: path, Format: "documents"}
	report(opts, Progress{File: path, Stage: "scanning", Total: -1})
	sum, files, size, err := documents.Listing(ctx, abs, docOptions)
	if err != nil {
		return sr, fmt.Errorf("%s: %w", path, describeOpenError(err))
	}
	if files == 0 { // only e-mails, read on their own
		sr.Skipped = "no documents besides e-mails, which are read as e-mails"
		return sr, nil
	}
	if prev, err := ws.SourceByHash(ctx, sum); err != nil {
		return sr, err
	} else if prev != nil && prev.Path == abs {
		sr = fromSource(*prev)
		sr.Path, sr.Unchanged = path, true
		return sr, nil
	}
	info := workspace.SourceInfo{Path: abs, Name: filepath.Base(abs), Size: size, SHA256: sum, Format: "documents",
		System: "Documents folder", Profile: "documents"}
	st, err := ws.BeginSource(ctx, info)
	if err != nil {
		return sr, err
	}
	defer st.Abort()
	var done int64
	readOpts := docOptions
	readOpts.Known = opts.matters.known(ctx, opts.related) // the tables are read by then (itemsLast)
	err = documents.Read(ctx, abs, readOpts, func(it documents.Item) error {
		done++
		report(opts, Progress{File: path, Stage: "reading", Done: done, Total: files})
		row := workspace.Row{Num: it.Num, Locator: it.Locator, Raw: []string{it.Locator}}
		switch {
		case it.Reject != "":
			row.Reject = it.Reject
		case it.Excluded != "":
			row.Excluded, row.Detail = it.Excluded, it.Detail
		default:
			row.Records = withProv(it.Records, st.SourceID(), info.Name, it.Num, it.Locator)
		}
		return st.Stage(ctx, row)
	})
	if err != nil {
		return sr, fmt.Errorf("%s: %w (nothing from this folder was saved)", path, err)
	}
	c, err := st.Commit(ctx)
	if err != nil {
		return sr, err
	}
	sr.Profile, sr.System = info.Profile, info.System
	sr.Rows, sr.Records, sr.Excluded, sr.Rejected = c.Rows, c.Records, c.Excluded, c.Rejected
	return sr, nil
}
