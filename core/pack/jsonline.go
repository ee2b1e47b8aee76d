package pack

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"handover/core/workspace"
)

// A large firm's left-out rows are as many as its records, and each is one
// line of excluded/rows.jsonl. encoding/json reaches every field through
// reflection; appendLeftOut writes the same bytes directly (the tests hold
// it to encoding/json, with SetEscapeHTML(false), on every field).

// appendLeftOut appends o encoded as marshalLine(o) would encode it.
func appendLeftOut(b []byte, o *workspace.OutcomeRow) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, o.ID, 10)
	b = append(b, `,"source":`...)
	b = appendJSONString(b, o.Source)
	b = append(b, `,"row":`...)
	b = strconv.AppendInt(b, o.Row, 10)
	if o.Locator != "" {
		b = append(b, `,"locator":`...)
		b = appendJSONString(b, o.Locator)
	}
	b = append(b, `,"outcome":`...)
	b = appendJSONString(b, o.Outcome)
	if o.Entity != "" {
		b = append(b, `,"entity":`...)
		b = appendJSONString(b, string(o.Entity))
	}
	b = append(b, `,"reason":`...)
	b = appendJSONString(b, o.Reason)
	if o.Detail != "" {
		b = append(b, `,"detail":`...)
		b = appendJSONString(b, o.Detail)
	}
	if len(o.Header) > 0 {
		b = append(b, `,"header":`...)
		b = appendJSONStrings(b, o.Header)
	}
	b = append(b, `,"raw":`...)
	b = appendJSONStrings(b, o.Raw)
	if len(o.Data) > 0 {
		b = append(b, `,"data":`...)
		var c bytes.Buffer
		if err := json.Compact(&c, o.Data); err != nil { // what encoding/json does with a RawMessage
			return nil, err
		}
		b = append(b, c.Bytes()...)
	}
	if o.Ledger != nil {
		l, err := marshalLine(o.Ledger)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"ledger":`...)
		b = append(b, l...)
	}
	return append(b, '}'), nil
}

// appendJSONStrings appends a []string as encoding/json does (nil is null).
func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes it without HTML
// escaping: \" \\ \b \f \n \r \t, \u00XX for other control characters,
// \ufffd for each byte of broken UTF-8, and \u2028 \u2029 spelled out.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
