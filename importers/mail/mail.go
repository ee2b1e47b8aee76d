// Package mail reads mailboxes (.mbox: mboxrd, and tolerantly mboxo/mboxcl)
// and single messages (.eml) and turns each message into a Clio email
// communication, plus one document per attachment.
//
// Everything streams: the mailbox is split into messages line by line with
// bufio, each message is parsed by go-message as it is read, text bodies are
// capped, and attachments go straight to disk while being hashed. Memory use
// does not grow with the size of the mailbox or of a message.
package mail

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"

	"handover/importers/items"
)

// Item and Options are the contract every item reader shares (package
// items). An Item's Locator is "message 12 (offset 48213)", the offset of
// the message's "From " line; its Raw is the header block, verbatim (capped
// at 64 KiB), then a line giving the body size: bodies can be huge and are
// not kept. Records are the email, then one document per attachment.
type (
	Item    = items.Item
	Options = items.Options
)

// DefaultMaxItemBytes is the per-message cap used when Options.MaxItemBytes is 0.
const DefaultMaxItemBytes = 256 << 20

// MaxBodyBytes caps the text body kept in a Communication; the rest is
// dropped and a line saying so is appended.
const MaxBodyBytes = 4 << 20

const maxRawHeader = 64 << 10

// maxPostmark caps the mbox separator line kept for its date.
const maxPostmark = 1 << 10

var knownHeader = regexp.MustCompile(`(?i)^(from|to|cc|date|subject|received|return-path|message-id|mime-version|delivered-to|reply-to|sender|content-type|thread-topic|x-mailer|in-reply-to|references)\s*:`)
var headerLine = regexp.MustCompile(`^[!-9;-~]+[ \t]*:`)

// Detect reports whether head looks like a mailbox ("From " separator line
// first) or a single RFC 5322 message (header fields first, at least one of
// them a usual mail header).
func Detect(head []byte) bool {
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	h = bytes.TrimLeft(h, "\r\n")
	if bytes.HasPrefix(h, []byte("From ")) {
		return true
	}
	if len(h) >= 6 && bytes.EqualFold(h[:6], []byte("BEGIN:")) { // vCard, iCalendar
		return false
	}
	known := false
	lines := bytes.Split(h, []byte("\n"))
	for i, l := range lines {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) == 0 {
			return known && i > 0
		}
		if i == len(lines)-1 && i > 0 { // possibly cut off by the head size
			break
		}
		if l[0] == ' ' || l[0] == '\t' {
			if i == 0 {
				return false
			}
			continue
		}
		if !headerLine.Match(l) {
			return false
		}
		if knownHeader.Match(l) {
			known = true
		}
		if i > 200 {
			break
		}
	}
	return known
}

var errTooBig = errors.New("message too large")

// Read streams messages from r and calls emit once per message, in order. r
// is a mailbox when its first line starts with "From ", otherwise one
// message. A message that cannot be read becomes an Item with Reject set and
// reading goes on; Read returns an error only when r fails, ctx is cancelled,
// the attachment directory cannot be written, or emit returns an error.
func Read(ctx context.Context, r io.Reader, opts Options, emit func(Item) error) error {
	limit := opts.MaxItemBytes
	if limit <= 0 {
		limit = DefaultMaxItemBytes
	}
	s := &splitter{br: bufio.NewReaderSize(r, 64<<10), lineStart: true}
	// Skip leading blank lines and a byte-order mark, then decide the format.
	var first []byte
	var firstOff int64
	for {
		c, _, off, err := s.chunk()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("mail: reading the start of the file: %w", err)
		}
		if off == 0 {
			c = bytes.TrimPrefix(c, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(c)) == 0 && s.lineStart {
			continue
		}
		first, firstOff = append([]byte(nil), c...), off
		break
	}
	mbox := bytes.HasPrefix(first, []byte("From "))
	if mbox {
		opts.FileName = "" // a mailbox's name is not each message's matter
	}
	s.push(first, firstOff)
	for num := int64(1); ; num++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		off := firstOff
		var postmark string
		if mbox {
			c, _, o, err := s.chunk() // the "From " line
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("mail: reading message %d: %w", num, err)
			}
			off = o
			// The separator's date stands in for a missing Date header.
			postmark = string(c[:min(len(c), maxPostmark)])
			for len(c) > 0 && c[len(c)-1] != '\n' { // rest of an overlong separator line
				if c, _, _, err = s.chunk(); err != nil {
					break
				}
			}
			s.prevBlank = false
		}
		m := &msgReader{s: s, ctx: ctx, limit: limit, mbox: mbox, inHeader: true}
		it, err := readOne(m, num, off, postmark, opts)
		if err != nil {
			return err
		}
		if err := emit(it); err != nil {
			return err
		}
		if !mbox || m.eof {
			return nil
		}
	}
}

// splitter hands out the input in chunks: whole lines, or pieces of lines
// longer than its buffer, with the offset of each.
type splitter struct {
	br        *bufio.Reader
	off       int64 // offset of the next byte to read
	lineStart bool  // the next chunk starts a line
	prevBlank bool  // the previous line was empty (mbox separators follow one)
	pushed    []byte
	pushedOff int64
	hasPushed bool
}

func (s *splitter) chunk() (c []byte, start bool, off int64, err error) {
	if s.hasPushed {
		s.hasPushed = false
		return s.pushed, true, s.pushedOff, nil
	}
	start, off = s.lineStart, s.off
	c, err = s.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull || (err == io.EOF && len(c) > 0) {
		err = nil
	}
	if err != nil {
		return nil, start, off, err
	}
	s.off += int64(len(c))
	s.lineStart = c[len(c)-1] == '\n'
	return c, start, off, nil
}

// push puts back one line (which must start a line) for the next chunk call.
func (s *splitter) push(c []byte, off int64) {
	s.pushed = append(s.pushed[:0], c...)
	s.pushedOff, s.hasPushed = off, true
}

// postmark matches a plausible mbox "From " line: "From sender date" with a
// time of day (h:mm:ss) and a year in the date, as every mbox writer puts it.
var postmark = regexp.MustCompile(`^From \S+\s+.*\b\d{1,2}:\d{2}:\d{2}\b.*\b\d{4}\b`)

// isSeparator says whether a line starting a line is an mbox message
// separator: "From " after an empty line (or looking like a postmark when the
// writer forgot the empty line).
func isSeparator(c []byte, prevBlank bool) bool {
	if !bytes.HasPrefix(c, []byte("From ")) {
		return false
	}
	return prevBlank || postmark.Match(c)
}

// quotedFrom matches mboxrd/mboxo escaping: ">From ", ">>From ", ...
func quotedFrom(c []byte) bool {
	i := 0
	for i < len(c) && c[i] == '>' {
		i++
	}
	return i > 0 && bytes.HasPrefix(c[i:], []byte("From "))
}

func isBlank(c []byte) bool {
	return len(bytes.TrimRight(c, "\r\n")) == 0
}

// msgReader is one message's bytes: it stops at the next separator, undoes
// ">From " quoting, keeps the header block for Item.Raw and enforces the
// size cap (except while draining what the parser left unread).
type msgReader struct {
	s        *splitter
	ctx      context.Context
	mbox     bool
	limit    int64
	buf      []byte
	total    int64
	done     bool
	eof      bool // the message ended at the end of the file
	tooBig   bool
	draining bool
	ioErr    error
	inHeader bool
	header   bytes.Buffer
	hdrBytes int64
	chunks   int
}

func (m *msgReader) Read(p []byte) (int, error) {
	for len(m.buf) == 0 {
		if m.done {
			return 0, io.EOF
		}
		if m.ioErr != nil {
			return 0, m.ioErr
		}
		if m.tooBig && !m.draining {
			return 0, errTooBig
		}
		if m.chunks++; m.chunks%64 == 0 && m.ctx.Err() != nil {
			m.ioErr = m.ctx.Err()
			return 0, m.ioErr
		}
		c, start, off, err := m.s.chunk()
		if err == io.EOF {
			m.done, m.eof = true, true
			return 0, io.EOF
		}
		if err != nil {
			m.ioErr = err
			return 0, err
		}
		if start {
			if m.mbox && isSeparator(c, m.s.prevBlank) {
				m.s.push(c, off)
				m.done = true
				return 0, io.EOF
			}
			m.s.prevBlank = isBlank(c) && c[len(c)-1] == '\n'
			if m.mbox && quotedFrom(c) {
				c = c[1:]
			}
			if m.inHeader && isBlank(c) {
				m.inHeader = false
				m.hdrBytes = m.total + int64(len(c))
			}
		} else {
			m.s.prevBlank = false
		}
		if m.inHeader && m.header.Len() < maxRawHeader {
			m.header.Write(c[:min(len(c), maxRawHeader-m.header.Len())])
		}
		m.total += int64(len(c))
		if m.total > m.limit && !m.draining {
			m.tooBig = true
			return 0, errTooBig
		}
		m.buf = c
	}
	n := copy(p, m.buf)
	m.buf = m.buf[n:]
	return n, nil
}

// drain reads what the parser left, so the next message starts at its separator.
func (m *msgReader) drain() error {
	m.draining = true
	m.buf = nil
	_, err := io.Copy(io.Discard, m)
	return err
}
