// Package lines reads text files line by line with bounded memory, counting
// lines so every error can say where it is, and unfolds content lines (one
// folding rule, in the variants vCard and iCalendar need). The vCard and
// iCalendar readers share it. The mail reader does not: it splits a mailbox
// into messages as bytes with their offsets (a message is binary-safe MIME,
// not text lines), and go-message unfolds the header fields.
package lines

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// Reader returns physical lines without their CR LF or LF. A line longer
// than Max bytes is cut there and Truncated is set, so one enormous line
// (a 2 GB "line" in a damaged file) never fills memory.
type Reader struct {
	br        *bufio.Reader
	Max       int64
	LineNo    int64 // lines returned so far: the number of the last one
	Truncated bool  // the last line was longer than Max and was cut
}

// NewReader reads from r, cutting lines at max bytes.
func NewReader(r io.Reader, max int64) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), Max: max}
}

// Next returns the next line, or io.EOF after the last one.
func (lr *Reader) Next() (string, error) {
	lr.Truncated = false
	var buf []byte
	for {
		frag, err := lr.br.ReadSlice('\n')
		if int64(len(buf)) < lr.Max {
			buf = append(buf, frag...)
		} else {
			lr.Truncated = true
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(buf) > 0 {
			err = nil
		}
		if err != nil {
			return "", err
		}
		lr.LineNo++
		buf = bytes.TrimSuffix(buf, []byte("\n"))
		buf = bytes.TrimSuffix(buf, []byte("\r"))
		return string(buf), nil
	}
}

// CutUnquoted cuts a vCard/iCalendar content line around the first sep that
// is not inside double quotes (parameter values may quote ':' and ';').
func CutUnquoted(s string, sep byte) (before, after string, found bool) {
	inQ := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQ = !inQ
		case sep:
			if !inQ {
				return s[:i], s[i+1:], true
			}
		}
	}
	return s, "", false
}

// UnescapeText undoes the text escapes vCard and iCalendar share (RFC 6350
// §3.4, RFC 5545 §3.3.11): \n or \N is a line break; \, \; \\ and \:
// stand for the character itself.
func UnescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n', 'N':
				b.WriteByte('\n')
				i++
				continue
			case ',', ';', '\\', ':':
				b.WriteByte(s[i+1])
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}
