package pack

import (
	"bytes"
	"encoding/json"
	"strconv"

	"handover/core/internal/jsonquote"
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

// appendJSONString appends s quoted as encoding/json quotes it without HTML
// escaping (the package's encoders set SetEscapeHTML(false)).
func appendJSONString(b []byte, s string) []byte { return jsonquote.Append(b, s, false) }
