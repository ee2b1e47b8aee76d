package check

import (
	"fmt"
	"sort"
	"strings"

	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
)

// userUse counts the records that name one legacy user.
type userUse struct {
	name   string           // as first written
	n      int64            // records using it
	fields map[string]int64 // "time_entries.user" → n
	field  string           // the field of the first use
	first  workspace.StoredRecord
}

func normUser(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// user notes one use of a legacy user name, initials or e-mail.
func (c *checker) user(r workspace.StoredRecord, field, value string) {
	k := normUser(value)
	if k == "" {
		return
	}
	u := c.userUses[k]
	if u == nil {
		first := r
		first.Data = nil // keep provenance only
		u = &userUse{name: strings.TrimSpace(value), fields: map[string]int64{}, field: field, first: first}
		c.userUses[k] = u
	}
	u.n++
	u.fields[string(r.Entity)+"."+field]++
}

// userMatcher matches legacy users to Clio users by the one rule upload's
// automatic user match uses too (resolve.People): e-mail, name, initials.
type userMatcher struct {
	people *resolve.People
	names  []string
}

func newUserMatcher(clio []resolve.Person) *userMatcher {
	names := make([]string, len(clio))
	for i, u := range clio {
		names[i] = userLabel(u)
	}
	return &userMatcher{people: resolve.NewPeople(clio), names: names}
}

// userLabel is how a finding names a Clio user: "Name <email>", or what
// there is of it.
func userLabel(u resolve.Person) string {
	name := strings.TrimSpace(u.Name)
	if name == "" {
		name = strings.TrimSpace(strings.TrimSpace(u.FirstName) + " " + strings.TrimSpace(u.LastName))
	}
	email := strings.TrimSpace(u.Email)
	switch {
	case name == "" && email == "":
		return strings.TrimSpace(u.Initials)
	case name == "":
		return email
	case email == "":
		return name
	}
	return name + " <" + email + ">"
}

// match returns the Clio users a legacy value could be.
func (m *userMatcher) match(legacy string) []string {
	res := m.people.Match(legacy)
	hits := res.Candidates
	if res.Status == resolve.Found {
		hits = []int{res.Index}
	}
	var out []string
	for _, i := range hits {
		out = append(out, m.names[i])
	}
	sort.Strings(out)
	return out
}

// users writes one finding per distinct legacy user that is not matched to
// exactly one Clio user (every user, as info, before signing in).
func (c *checker) unmatchedUsers() error {
	m := newUserMatcher(c.opts.ClioUsers)
	for _, k := range sortedKeys(c.userUses) {
		u := c.userUses[k]
		var fields []string
		for f := range u.fields {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		detail := map[string]any{"records": u.n, "fields": u.fields}
		uses := plural(u.n, "record uses", "records use")
		var sev model.Severity
		var msg, fix string
		switch hits := m.match(u.name); {
		case len(c.opts.ClioUsers) == 0:
			sev = I
			msg = fmt.Sprintf("Legacy user %q: %s it (%s); it will be matched to a Clio user after you sign in to Clio", u.name, uses, strings.Join(fields, ", "))
			fix = "Sign in to Clio, then match it to a Clio user (or give a user map)"
		case len(hits) == 1:
			continue
		case len(hits) > 1:
			sev = B
			detail["candidates"] = hits
			msg = fmt.Sprintf("Legacy user %q could be any of %s: %s it", u.name, strings.Join(hits, ", "), uses)
			fix = "Pick the Clio user it stands for (user map)"
		default:
			sev = B
			msg = fmt.Sprintf("Legacy user %q matches no Clio user: %s it (%s)", u.name, uses, strings.Join(fields, ", "))
			fix = "Match it to a Clio user in the user map, or add the user in Clio first (Clio cannot create users through its API)"
		}
		if err := c.em.add(u.first, model.RuleUserUnmatched, sev, u.field, u.name, msg, fix, detail); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
