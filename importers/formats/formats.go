// Package formats is the registry of the file formats Handover reads. Each
// format says how to recognise a file from its content (Detect) and how to
// read it: item formats (vCard, iCalendar, mail) stream items.Item values,
// table formats stream tabular rows. The ingest asks the registry what a
// file is and reads it through the format found, so adding a format is one
// Register call, and the conformance suite in this package holds every
// registered format to the same contract.
package formats

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"handover/importers/items"
	"handover/importers/tabular"
)

// HeadSize is how many leading bytes of a file Detect is given.
const HeadSize = 8192

// Format is one kind of file Handover reads. Exactly one of Items and Table is set.
type Format struct {
	Name   string // registry name: "vcard", "ical", "mail", "tabular"
	System string // the source system recorded for an item format ("vCard")
	// Detect tells from head (the file's first HeadSize bytes) or, for
	// formats whose structure needs more, from the file at path, whether the
	// file is of this format. It returns the name recorded for the source
	// ("mbox", "eml", "csv", "xlsx", ...), or "" when it is not.
	Detect func(head []byte, path string) (string, error)
	// Items streams an item format's cards, events or messages.
	Items items.Reader
	// Table opens a table format's rows. The reader stops with ctx.Err()
	// once ctx is cancelled.
	Table func(ctx context.Context, path string, opts tabular.Options) (tabular.Reader, error)
}

var registry []Format

// Register adds a format. Formats are tried in the order registered, so a
// format that claims any text (CSV) must come after those with a signature.
// Registering a name twice is a programming error and panics at start-up.
func Register(f Format) {
	if f.Name == "" || f.Detect == nil || (f.Items == nil) == (f.Table == nil) {
		panic("formats: a format needs a name, Detect, and exactly one of Items or Table")
	}
	for _, g := range registry {
		if g.Name == f.Name {
			panic("formats: " + f.Name + " registered twice")
		}
	}
	registry = append(registry, f)
}

// All returns the registered formats in the order they are tried.
func All() []Format { return append([]Format(nil), registry...) }

// ErrUnknown is returned by Detect for a file no registered format claims.
var ErrUnknown = errors.New("not a file Handover can read. It reads CSV/TSV, Excel .xlsx and .xls, dBase/FoxPro .dbf, SQLite and Access databases, vCard .vcf, iCalendar .ics, .mbox and .eml; export the data from the old system in one of these formats")

// Detect finds the format of the file at path from its content. It returns
// the format and the name to record for the source ("mbox", "csv", ...).
func Detect(path string) (Format, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return Format{}, "", err
	}
	head := make([]byte, HeadSize)
	n, err := io.ReadFull(f, head)
	f.Close()
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return Format{}, "", fmt.Errorf("%s: %w", path, err)
	}
	head = head[:n]
	for _, fm := range registry {
		name, err := safeDetect(fm, head, path)
		if err != nil {
			return Format{}, "", fmt.Errorf("%s: %w", path, err)
		}
		if name != "" {
			return fm, name, nil
		}
	}
	return Format{}, "", fmt.Errorf("%s: %w", path, ErrUnknown)
}

func safeDetect(fm Format, head []byte, path string) (name string, err error) {
	defer func() {
		if p := recover(); p != nil {
			name, err = "", fmt.Errorf("could not be examined as %s (internal error: %v)", fm.Name, p)
		}
	}()
	return fm.Detect(head, path)
}

// Outcome is what became of one unit of a file, as its reader sees it.
type Outcome int

const (
	Read     Outcome = iota // a record (item) or a data row for the mapper
	Excluded                // empty, not data, deleted or cancelled in the source: kept out with a reason
	Rejected                // could not be read; Reason says why and where
)

// Unit is one item or physical row of a file.
type Unit struct {
	Num     int64
	Locator string // where it is: "line 12", "message 3 (offset 800)", a table name
	Outcome Outcome
	Reason  string // for Excluded and Rejected
}

// Each streams the units of the file at path through fn, for any format: the
// common view the conformance suite checks and tools that only need the
// account of a file use. Errors name the file.
func Each(ctx context.Context, fm Format, path string, opts items.Options, fn func(Unit) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	if fm.Items != nil {
		if opts.FileName == "" {
			opts.FileName = baseName(path)
		}
		err = fm.Items(ctx, f, opts, func(it items.Item) error {
			u := Unit{Num: it.Num, Locator: it.Locator}
			switch {
			case it.Reject != "":
				u.Outcome, u.Reason = Rejected, it.Reject
			case it.Excluded != "":
				u.Outcome, u.Reason = Excluded, it.Excluded
			case it.Empty || len(it.Records) == 0:
				u.Outcome, u.Reason = Excluded, "empty"
			}
			return fn(u)
		})
		return nameFile(path, err)
	}
	r, err := fm.Table(ctx, path, tabular.Options{})
	if err != nil {
		return nameFile(path, err)
	}
	defer r.Close()
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nameFile(path, err)
		}
		u := Unit{Num: row.Num, Outcome: Read, Reason: row.Reason}
		if row.Table != nil {
			u.Locator = row.Table.Name
		}
		switch row.Kind {
		case tabular.Rejected:
			u.Outcome = Rejected
		case tabular.Empty, tabular.NotData, tabular.Deleted:
			u.Outcome = Excluded
		}
		if err := fn(u); err != nil {
			return err
		}
	}
}

// nameFile puts the file's path in front of an error that does not name it;
// a cancellation is returned as it is, for errors.Is.
func nameFile(path string, err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), path) {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// Lookup returns the registered format with this registry name.
func Lookup(name string) (Format, bool) {
	for _, f := range registry {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}
