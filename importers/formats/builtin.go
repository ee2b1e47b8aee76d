package formats

import (
	"bytes"
	"context"

	"handover/importers/ical"
	"handover/importers/mail"
	"handover/importers/tabular"
	"handover/importers/vcard"
)

// The built-in formats. Signatures first; tables last, because any text that
// is none of the others may be a CSV. Every table format (CSV, Excel, DBF,
// SQLite, Access, and any tabular adds) comes in through tabular.Detect and
// tabular.Open, so the registry never lists them one by one.
func init() {
	Register(Format{Name: "vcard", System: "vCard", Items: vcard.Read, Detect: func(head []byte, _ string) (string, error) {
		return nameIf(vcard.Detect(head), "vcard"), nil
	}})
	Register(Format{Name: "ical", System: "iCalendar", Items: ical.Read, Detect: func(head []byte, _ string) (string, error) {
		return nameIf(ical.Detect(head), "ical"), nil
	}})
	Register(Format{Name: "mail", System: "E-mail", Items: mail.Read, Detect: func(head []byte, _ string) (string, error) {
		if !mail.Detect(head) {
			return "", nil
		}
		h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), "\r\n")
		if bytes.HasPrefix(h, []byte("From ")) {
			return "mbox", nil
		}
		return "eml", nil
	}})
	Register(Format{Name: "tabular", Table: openTable, Detect: func(_ []byte, path string) (string, error) {
		return tabular.Detect(path)
	}})
}

func nameIf(ok bool, name string) string {
	if ok {
		return name
	}
	return ""
}

// openTable opens a table through tabular.Open and makes it stop on cancel.
func openTable(ctx context.Context, path string, opts tabular.Options) (tabular.Reader, error) {
	r, err := tabular.Open(path, opts)
	if err != nil {
		return nil, err
	}
	return cancellable{Reader: r, ctx: ctx}, nil
}

type cancellable struct {
	tabular.Reader
	ctx context.Context
}

func (c cancellable) Next() (tabular.Row, error) {
	if err := c.ctx.Err(); err != nil {
		return tabular.Row{}, err
	}
	return c.Reader.Next()
}
