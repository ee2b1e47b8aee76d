package resolve

import (
	"strings"

	"handover/core/model"
)

// Parent is one reference a record needs resolved before Clio can take it.
type Parent struct {
	Field    string       // "client", "matter" or "contact"
	Entity   model.Entity // model.Matters or model.Contacts
	Ref      model.Ref
	Required bool // an empty reference is a missing parent too
}

// NoteOnContact says whether a note belongs to a contact (else to a matter).
func NoteOnContact(n *model.Note) bool {
	return strings.EqualFold(strings.TrimSpace(n.Type), "Contact")
}

// Parents lists the parent references of a record, the same list for the
// check (which reports the ones that do not resolve) and the upload (which
// skips the record for them). Links that only enrich a record (a person's
// employer, an e-mail's sender) are not parents: the record is sent without
// them.
func Parents(data any) []Parent {
	m := func(ref model.Ref, required bool) Parent {
		return Parent{Field: "matter", Entity: model.Matters, Ref: ref, Required: required}
	}
	c := func(ref model.Ref, required bool) Parent {
		return Parent{Field: "contact", Entity: model.Contacts, Ref: ref, Required: required}
	}
	switch d := data.(type) {
	case *model.Matter:
		return []Parent{{Field: "client", Entity: model.Contacts, Ref: d.Client, Required: true}}
	case *model.Relationship:
		return []Parent{m(d.Matter, true), c(d.Contact, true)}
	case *model.Task:
		return []Parent{m(d.Matter, false)}
	case *model.Note:
		if NoteOnContact(d) {
			return []Parent{c(d.Contact, true)}
		}
		return []Parent{m(d.Matter, true)}
	case *model.CalendarEvent:
		return []Parent{m(d.Matter, false)}
	case *model.Communication:
		return []Parent{m(d.Matter, false)}
	case *model.TimeEntry:
		return []Parent{m(d.Matter, false)}
	case *model.ARBalance:
		return []Parent{m(d.Matter, true)}
	case *model.TrustBalance:
		return []Parent{m(d.Matter, false), c(d.Contact, false)}
	case *model.Document:
		switch {
		case !d.Matter.IsZero():
			return []Parent{m(d.Matter, true)}
		case !d.Contact.IsZero():
			return []Parent{c(d.Contact, true)}
		}
		// one that names neither (an e-mail's attachment) is not a
		// reference that failed: upload says why it is not sent
		return nil
	}
	return nil
}

// Links lists the references that only enrich a record: a person's
// employer, the contact of an e-mail or a phone call. Upload sends the
// record without a link that does not resolve, so the check warns about it
// (a link lost silently is as bad as a record lost).
func Links(data any) []Parent {
	switch d := data.(type) {
	case *model.Contact:
		if !strings.EqualFold(d.Type, "Company") {
			return []Parent{{Field: "company", Entity: model.Contacts, Ref: d.Company}}
		}
	case *model.Communication:
		return []Parent{{Field: "contact", Entity: model.Contacts, Ref: d.Contact}}
	}
	return nil
}

// Lookup resolves a parent reference with the resolver.
func (r *Resolver) Lookup(p Parent) Result {
	if p.Entity == model.Matters {
		return r.Matter(p.Ref)
	}
	return r.Contact(p.Ref)
}
