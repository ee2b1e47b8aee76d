// Package vcard reads vCard files (2.1 as old Outlook writes them, 3.0 and
// 4.0) and turns each card into a Clio contact (plus a contact note when the
// card has a NOTE).
//
// The package does its own line handling rather than using go-vcard's decoder:
// go-vcard does not understand vCard 2.1's ENCODING=QUOTED-PRINTABLE, CHARSET=
// or bare TYPE parameters, and a decoder error there ends the whole file where
// we want one rejected card with its line number. Unfolding, quoted-printable
// (mime/quotedprintable, with a lenient fallback) and charset conversion
// (golang.org/x/text) are done here, card by card, while streaming.
package vcard

import (
	"bytes"
	"context"
	"fmt"
	"handover/importers/lines"
	"io"
	"regexp"
	"strings"

	"handover/importers/items"
)

// Item and Options are the contract every item reader shares (package items).
type (
	Item    = items.Item
	Options = items.Options
)

// DefaultMaxItemBytes is the per-card size cap used when Options.MaxItemBytes is 0.
const DefaultMaxItemBytes = 16 << 20

// Detect reports whether head (the first bytes of a file) looks like a vCard
// file: BEGIN:VCARD first, after an optional byte-order mark and blank space.
func Detect(head []byte) bool {
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	h = bytes.TrimLeft(h, " \t\r\n")
	return len(h) >= 11 && bytes.EqualFold(h[:11], []byte("BEGIN:VCARD"))
}

// Read streams cards from r and calls emit once per card, in order. Text
// outside BEGIN:VCARD ... END:VCARD is ignored. A card that cannot be read
// becomes an Item with Reject set and reading goes on; Read returns an error
// only when r fails, ctx is cancelled or emit returns an error.
func Read(ctx context.Context, r io.Reader, opts Options, emit func(Item) error) error {
	maxBytes := opts.MaxItemBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxItemBytes
	}
	lr := lines.NewReader(r, maxBytes)
	var num int64
	var pending *string // a BEGIN:VCARD line that ended the previous card
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var line string
		if pending != nil {
			line, pending = *pending, nil
		} else {
			l, err := lr.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("vcard: reading line %d: %w", lr.LineNo+1, err)
			}
			line = l
		}
		if !isMarker(line, "BEGIN") {
			continue // blank lines or junk between cards
		}
		num++
		start := lr.LineNo
		it := Item{Num: num, Locator: fmt.Sprintf("line %d", start)}
		lines := []string{line}
		size := int64(len(line))
		depth, tooBig, ended, agent := 1, false, false, false
		for !ended && pending == nil {
			l, err := lr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("vcard: reading line %d: %w", lr.LineNo+1, err)
			}
			switch {
			case isMarker(l, "BEGIN") && agent: // vCard 2.1 AGENT: a card embedded on the next lines
				depth++
			case isMarker(l, "BEGIN"): // the previous card lacks its END:VCARD
				pending = &l
				continue
			case isMarker(l, "END"):
				depth--
				ended = depth == 0
			}
			agent = agentLine.MatchString(l)
			size += int64(len(l)) + 2
			if size > maxBytes || lr.Truncated {
				tooBig = true
				lines = nil
			}
			if !tooBig {
				lines = append(lines, l)
			}
			if lr.LineNo%4096 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
		}
		switch {
		case tooBig:
			it.Raw = line + "\r\n[...]"
			it.Reject = fmt.Sprintf("card %d at line %d is larger than %d bytes (lines %d-%d): not read", num, start, maxBytes, start, lr.LineNo)
		case pending != nil:
			it.Raw = strings.Join(lines, "\r\n")
			it.Reject = fmt.Sprintf("card %d at line %d has no END:VCARD: the next card begins at line %d", num, start, lr.LineNo)
		case !ended:
			it.Raw = strings.Join(lines, "\r\n")
			it.Reject = fmt.Sprintf("card %d at line %d has no END:VCARD: the file ends at line %d in the middle of the card", num, start, lr.LineNo)
		default:
			it.Raw = strings.Join(lines, "\r\n")
			safeBuild(&it, lines, start)
		}
		if err := emit(it); err != nil {
			return err
		}
	}
}

// agentLine is a vCard 2.1 "AGENT:" property with its value (a whole card) on the following lines.
var agentLine = regexp.MustCompile(`(?i)^\s*([a-z0-9-]+\.)?AGENT(;[^:]*)?:\s*$`)

// build turns a card's lines into records; a variable so a test can make it panic.
var build = buildCard

// safeBuild runs build and turns a panic (a bug, here or in a library) into a
// rejected card instead of ending the whole import.
func safeBuild(it *Item, lines []string, start int64) {
	defer func() {
		if p := recover(); p != nil {
			it.Records, it.Empty = nil, false
			it.Reject = fmt.Sprintf("card %d at line %d could not be read (internal error: %v)", it.Num, start, p)
		}
	}()
	build(it, lines, start)
}

func isMarker(line, kw string) bool {
	l := strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
	i := strings.IndexByte(l, ':')
	if i < 0 {
		return false
	}
	return strings.EqualFold(strings.TrimSpace(l[:i]), kw) && strings.EqualFold(strings.TrimSpace(l[i+1:]), "VCARD")
}
