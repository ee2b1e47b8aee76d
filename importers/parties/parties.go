// Package parties makes the contacts that party lists name and no other
// source has. A related contact refers to its person by e-mail or name; when
// no contact in the project has that e-mail or name, the person becomes one
// new contact — once, however many matters or party lists name them, and
// keyed by the e-mail or name so reading the lists again does not double it.
//
// It runs after every source of an ingest is read (like the balances), so
// the order the files are read in does not matter.
package parties

import (
	"context"
	"strings"

	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
	"handover/importers/mapping"
)

// KeyPrefix starts the record key of every contact made here.
const KeyPrefix = "party:"

// Summary says what Reconcile found.
type Summary struct {
	Related int `json:"related"` // related contacts that name their person
	Known   int `json:"known"`   // ... whose person another source has
	Made    int `json:"made"`    // contacts made for the rest (one per person)
}

// Reconcile replaces the contacts made from party lists: one per person a
// related contact names by e-mail or name that no other contact matches.
func Reconcile(ctx context.Context, ws *workspace.Workspace) (Summary, error) {
	var s Summary
	// The people the party lists name come first: only when there are some
	// is every contact of the project read to look them up (a firm's whole
	// address book, decoded; an ingest of contacts alone has no party list).
	type named struct {
		key string
		rel *model.Relationship
	}
	var pending []named
	err := ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Relationships}, func(r workspace.StoredRecord) error {
		rel, ok := r.Data.(*model.Relationship)
		if !ok || rel.Party == nil {
			return nil
		}
		s.Related++
		switch rel.Contact.Kind {
		case "email":
			pending = append(pending, named{KeyPrefix + "email:" + strings.ToLower(strings.TrimSpace(rel.Contact.Value)), rel})
		case "name":
			pending = append(pending, named{KeyPrefix + "name:" + mapping.Normalize(rel.Contact.Value), rel})
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	var recs []model.Record
	if len(pending) > 0 {
		// The contacts from every other source, as check and upload will find
		// them: by e-mail, and by name in its written forms ("Ruiz, Ana" is
		// "Ana Ruiz").
		known := resolve.New()
		err := ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts, IncludeOff: true}, func(r workspace.StoredRecord) error {
			if !strings.HasPrefix(r.Key, KeyPrefix) {
				known.Add(r)
			}
			return nil
		})
		if err != nil {
			return s, err
		}
		made := map[string]bool{}
		for _, n := range pending {
			if st := known.Contact(n.rel.Contact).Status; st == resolve.Found || st == resolve.Ambiguous {
				s.Known++ // another source has them (two candidates: check asks which)
				continue
			}
			if made[n.key] {
				continue
			}
			made[n.key] = true
			recs = append(recs, model.Record{Entity: model.Contacts, Key: n.key,
				Prov: model.Provenance{Locator: "named in a party list (" + n.rel.Matter.Value + ")"}, Data: n.rel.Party})
		}
	}
	s.Made = len(recs)
	return s, ws.ReplaceDerived(ctx, model.Contacts, recs)
}
