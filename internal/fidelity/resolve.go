package fidelity

import (
	"context"
	"strings"

	"handover/core/model"
	"handover/core/workspace"
)

// resolver finds the record a legacy reference points at, as the upload
// will. It is an adapter: the team's one resolver (core/resolve) replaces
// localResolver as soon as it is merged, so "links %" measures what check,
// package and upload will actually find.
type resolver interface {
	Matter(ref model.Ref) (key string, ok bool)
	Contact(ref model.Ref) (key string, ok bool)
}

// localResolver resolves the forms core/check's index understands (matter
// number, legacy id, key; contact id, key, name, e-mail). Two candidates
// for one form is ambiguous and resolves to nothing: never a guess.
type localResolver struct {
	matters  map[string][]string // form|value → keys
	contacts map[string][]string
}

func newLocalResolver(ctx context.Context, ws *workspace.Workspace) (*localResolver, error) {
	r := &localResolver{matters: map[string][]string{}, contacts: map[string][]string{}}
	add := func(m map[string][]string, form, v, key string) {
		if v == "" {
			return
		}
		k := form + "|" + v
		for _, x := range m[k] {
			if x == key {
				return
			}
		}
		m[k] = append(m[k], key)
	}
	err := ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Matters}, func(rec workspace.StoredRecord) error {
		m := rec.Data.(*model.Matter)
		add(r.matters, "key", rec.Key, rec.Key)
		add(r.matters, "id", legacyID(rec.Key), rec.Key)
		add(r.matters, "number", normNumber(m.DisplayNumber), rec.Key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(rec workspace.StoredRecord) error {
		c := rec.Data.(*model.Contact)
		add(r.contacts, "key", rec.Key, rec.Key)
		add(r.contacts, "id", legacyID(rec.Key), rec.Key)
		for _, n := range []string{c.Name, model.DisplayName(c), c.FirstName + " " + c.LastName, c.LastName + " " + c.FirstName,
			c.LastName + " " + c.FirstName + " " + c.MiddleName} {
			add(r.contacts, "name", normName(n), rec.Key)
		}
		for _, e := range c.Emails {
			add(r.contacts, "email", strings.ToLower(strings.TrimSpace(e.Address)), rec.Key)
		}
		return nil
	})
	return r, err
}

func one(keys []string) (string, bool) {
	if len(keys) == 1 {
		return keys[0], true
	}
	return "", false
}

func (r *localResolver) Matter(ref model.Ref) (string, bool) {
	v := strings.TrimSpace(ref.Value)
	switch ref.Kind {
	case "number":
		return one(r.matters["number|"+normNumber(v)])
	case "id":
		return one(r.matters["id|"+v])
	case "key":
		return one(r.matters["key|"+v])
	}
	for _, f := range []string{"key|" + v, "number|" + normNumber(v), "id|" + v} {
		if k, ok := one(r.matters[f]); ok {
			return k, true
		}
	}
	return "", false
}

func (r *localResolver) Contact(ref model.Ref) (string, bool) {
	v := strings.TrimSpace(ref.Value)
	switch ref.Kind {
	case "id":
		return one(r.contacts["id|"+v])
	case "key":
		return one(r.contacts["key|"+v])
	case "name":
		return one(r.contacts["name|"+normName(v)])
	case "email":
		return one(r.contacts["email|"+strings.ToLower(v)])
	}
	for _, f := range []string{"key|" + v, "id|" + v, "name|" + normName(v), "email|" + strings.ToLower(v)} {
		if k, ok := one(r.contacts[f]); ok {
			return k, true
		}
	}
	return "", false
}

func legacyID(key string) string {
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		return key[i+1:]
	}
	return key
}

func normNumber(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// normName folds case, punctuation and word order's commas: "Smith, John" and
// "John Smith" differ in order, which the name forms above cover.
func normName(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer(",", " ", ".", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// newResolver is the one place that picks the resolver measured through.
func newResolver(ctx context.Context, ws *workspace.Workspace) (resolver, error) {
	return newLocalResolver(ctx, ws)
}
