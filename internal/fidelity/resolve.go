package fidelity

import (
	"context"
	"strings"

	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
)

// resolver finds the record a legacy reference points at. It is the team's
// one resolver (core/resolve), the one check, package and upload use, so
// "links %" measures what the upload will actually find: an ambiguous
// reference resolves to nothing, never to a guess.
type resolver struct{ r *resolve.Resolver }

func newResolver(ctx context.Context, ws *workspace.Workspace) (resolver, error) {
	r, err := resolve.Build(ctx, ws)
	return resolver{r}, err
}

func (rv resolver) Matter(ref model.Ref) (string, bool) {
	res := rv.r.Matter(ref)
	return res.Key, res.Status == resolve.Found
}

func (rv resolver) Contact(ref model.Ref) (string, bool) {
	res := rv.r.Contact(ref)
	return res.Key, res.Status == resolve.Found
}

// refOf is the reference a staged record holds for a truth link's field
// (client, matter, contact), taken from the same parent list check and
// upload judge a record by.
func refOf(r workspace.StoredRecord, field string) (ref model.Ref, contact bool) {
	for _, p := range resolve.Parents(r.Data) {
		if p.Field == field {
			return p.Ref, p.Entity == model.Contacts
		}
	}
	// A call's or e-mail's contact only enriches it (resolve.Links): the
	// upload sends the caller, or the e-mail's sender found by address.
	for _, p := range resolve.Links(r.Data) {
		if p.Field == field {
			if c, ok := r.Data.(*model.Communication); ok && p.Ref.IsZero() && r.Entity == model.Emails && c.From != "" {
				return model.Ref{Kind: "email", Value: c.From}, true
			}
			return p.Ref, p.Entity == model.Contacts
		}
	}
	return model.Ref{}, false
}

// normName folds case, punctuation and spacing, to find a contact the
// truth derives by its name.
func normName(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer(",", " ", ".", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
