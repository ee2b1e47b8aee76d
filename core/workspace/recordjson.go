package workspace

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"

	"handover/core/model"
)

// recordJSON is json.Marshal(data) as a string. Contacts and notes, which
// an address book or a contacts table brings by the hundred thousand, and
// time entries (a time file's every row, record or billed history), are
// written here without reflection, byte for byte as encoding/json writes
// them (their fields in order, omitempty and omitzero as tagged, map keys
// sorted); the tests fill every field of each type by reflection and hold
// the output to json.Marshal's, so a field added to the model fails them
// until it is written here too. Every other type goes through json.Marshal.
func recordJSON(data any) (string, error) {
	switch d := data.(type) {
	case *model.Contact:
		if d != nil {
			return written(func(b []byte) []byte { return appendContact(b, d) }), nil
		}
	case *model.Note:
		if d != nil {
			return written(func(b []byte) []byte { return appendNote(b, d) }), nil
		}
	case *model.TimeEntry:
		if d != nil {
			return written(func(b []byte) []byte { return appendTimeEntry(b, d) }), nil
		}
	}
	b, err := json.Marshal(data)
	return string(b), err
}

// written runs write on a pooled buffer and returns what it wrote, copied
// once into a string.
func written(write func([]byte) []byte) string {
	buf := scratch.Get().(*[]byte)
	*buf = write((*buf)[:0])
	s := string(*buf)
	scratch.Put(buf)
	return s
}

// scratch holds the buffers records are written in before their one copy.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// jsonObject writes an object's members, each after a comma but the first.
type jsonObject struct {
	b    []byte
	some bool
}

func (o *jsonObject) key(k string) {
	if o.some {
		o.b = append(o.b, ',')
	}
	o.some = true
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':')
}

func (o *jsonObject) str(k, v string) {
	o.key(k)
	o.b = appendJSONString(o.b, v)
}

// strOmit is a string member tagged omitempty.
func (o *jsonObject) strOmit(k, v string) {
	if v != "" {
		o.str(k, v)
	}
}

// refOmitZero is a model.Ref member tagged omitzero (Ref.IsZero).
func (o *jsonObject) refOmitZero(k string, r model.Ref) {
	if r.IsZero() {
		return
	}
	o.key(k)
	o.b = appendRef(o.b, r)
}

func (o *jsonObject) trueOmit(k string, v bool) {
	if v {
		o.key(k)
		o.b = append(o.b, "true"...)
	}
}

// listOmit is a slice member tagged omitempty, each item written by item.
func listOmit[T any](o *jsonObject, k string, items []T, item func([]byte, T) []byte) {
	if len(items) == 0 {
		return
	}
	o.key(k)
	o.b = append(o.b, '[')
	for i, v := range items {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = item(o.b, v)
	}
	o.b = append(o.b, ']')
}

func appendRef(b []byte, r model.Ref) []byte {
	o := jsonObject{b: append(b, '{')}
	o.str("kind", r.Kind)
	o.str("value", r.Value)
	return append(o.b, '}')
}

func appendContact(b []byte, c *model.Contact) []byte {
	o := jsonObject{b: append(b, '{')}
	o.str("type", c.Type)
	o.strOmit("prefix", c.Prefix)
	o.strOmit("first_name", c.FirstName)
	o.strOmit("middle_name", c.MiddleName)
	o.strOmit("last_name", c.LastName)
	o.strOmit("name", c.Name)
	o.strOmit("title", c.Title)
	o.refOmitZero("company", c.Company)
	o.strOmit("date_of_birth", c.DateOfBirth)
	listOmit(&o, "email_addresses", c.Emails, func(b []byte, e model.Email) []byte {
		m := jsonObject{b: append(b, '{')}
		m.str("name", e.Name)
		m.str("address", e.Address)
		m.trueOmit("default_email", e.Default)
		return append(m.b, '}')
	})
	listOmit(&o, "phone_numbers", c.Phones, func(b []byte, p model.Phone) []byte {
		m := jsonObject{b: append(b, '{')}
		m.str("name", p.Name)
		m.str("number", p.Number)
		m.trueOmit("default_number", p.Default)
		return append(m.b, '}')
	})
	listOmit(&o, "addresses", c.Addresses, func(b []byte, a model.Address) []byte {
		m := jsonObject{b: append(b, '{')}
		m.str("name", a.Name)
		m.strOmit("street", a.Street)
		m.strOmit("city", a.City)
		m.strOmit("province", a.Province)
		m.strOmit("postal_code", a.PostalCode)
		m.strOmit("country", a.Country)
		return append(m.b, '}')
	})
	listOmit(&o, "web_sites", c.WebSites, appendJSONString)
	if len(c.CustomFields) > 0 {
		o.key("custom_fields")
		o.b = appendStringMap(o.b, c.CustomFields)
	}
	return append(o.b, '}')
}

// appendStringMap writes m as encoding/json does: keys in increasing order.
func appendStringMap(b []byte, m map[string]string) []byte {
	var buf [8]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}

func appendNote(b []byte, n *model.Note) []byte {
	o := jsonObject{b: append(b, '{')}
	o.str("type", n.Type)
	o.refOmitZero("matter", n.Matter)
	o.refOmitZero("contact", n.Contact)
	o.strOmit("subject", n.Subject)
	o.strOmit("detail", n.Detail)
	o.strOmit("date", n.Date)
	o.strOmit("author", n.Author)
	return append(o.b, '}')
}

func appendTimeEntry(b []byte, t *model.TimeEntry) []byte {
	o := jsonObject{b: append(b, '{')}
	o.str("type", t.Type)
	o.str("date", t.Date)
	o.key("quantity_seconds")
	o.b = strconv.AppendInt(o.b, t.Seconds, 10)
	o.key("price_cents")
	o.b = strconv.AppendInt(o.b, int64(t.Price), 10)
	o.strOmit("user", t.User)
	o.refOmitZero("matter", t.Matter)
	o.strOmit("note", t.Note)
	o.strOmit("activity_description", t.Activity)
	o.trueOmit("non_billable", t.NonBillable)
	return append(o.b, '}')
}
