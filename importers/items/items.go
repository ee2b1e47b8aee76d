// Package items is the contract shared by the importers that read a file as
// a sequence of self-contained items (a vCard card, an iCalendar event, an
// e-mail message) rather than as rows of a table. Every such reader takes the
// same Options and emits the same Item, so the ingest stages them all one way.
package items

import (
	"context"
	"io"
	"time"

	"handover/core/model"
)

// Item is one card, event or message, as read, and what it became. Exactly
// one outcome holds: Reject, Excluded, Empty, or Records.
type Item struct {
	Num     int64  // 1-based position of the item in the file
	Locator string // where it starts: "line 120", "message 12 (offset 48213)"
	// Raw is the item's text, verbatim (readers may cap it and say so:
	// a message's body is not kept).
	Raw     string
	Records []model.Record // Entity, Key and Data set (Prov is filled by the caller)
	Reject  string         // non-empty: the item could not be read; plain words with the position
	Empty   bool           // an item with no usable content
	// Excluded is non-empty when the item was read correctly but is
	// deliberately not migrated (a cancelled event), in plain words.
	Excluded string
	// Findings are observations made while reading the item that the
	// readiness check cannot re-derive from the record (where a missing
	// date was taken from).
	Findings []Finding
}

// Finding is a reading observation on one item.
type Finding struct {
	Rule     string
	Severity model.Severity
	Field    string
	Value    string
	Message  string
}

// Options tune a Reader. A reader ignores what does not apply to it.
type Options struct {
	// AttachmentDir receives e-mail attachments, each stored once as
	// AttachmentDir/<sha256 hex> (created when the first one is stored).
	// When empty, attachments are hashed and measured but not stored.
	AttachmentDir string
	// DefaultTZ is the zone for iCalendar floating times (no TZID, no Z).
	// When nil, the calendar's X-WR-TIMEZONE is used if it names a known
	// zone, else time.Local.
	DefaultTZ *time.Location
	// MaxItemBytes caps one item; a larger one is rejected with its position
	// and reading goes on. 0 means the reader's own default.
	MaxItemBytes int64
	// FileName is the file's base name ("2024-017 letter.eml"): a single
	// message may carry its matter reference there.
	FileName string
	// KnownMatter reports whether a value is, in some written form, the
	// number of a matter already in the project; nil when none is known. A
	// bare number in a subject or an event's title is taken as a matter
	// reference only then (MatterRef).
	KnownMatter func(value string) bool
	// FolderMatter is the matter number the folder the file is filed in
	// carries ("Documents/2024-017 Ruiz/letter.eml"), for e-mails that name
	// none in their subject or file name; "" when none.
	FolderMatter string
	// FileTime is the file's modification time, the last resort for an
	// e-mail that carries no date of its own. Zero: unknown.
	FileTime time.Time
}

// Reader streams items from r and calls emit once per item, in order. An
// item that cannot be read is emitted with Reject set and reading goes on; a
// Reader returns an error only when r fails, ctx is cancelled, something it
// must write cannot be written, or emit returns an error.
type Reader func(ctx context.Context, r io.Reader, opts Options, emit func(Item) error) error
