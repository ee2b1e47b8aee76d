package check

import (
	"fmt"
	"sort"
	"strings"

	"handover/core/model"
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

// userMatcher matches legacy users to Clio users by name, e-mail, "Last,
// First" or initials.
type userMatcher struct {
	forms map[string]map[int]bool // normalised form → Clio user indexes
	names []string
}

func newUserMatcher(clio []string) *userMatcher {
	m := &userMatcher{forms: map[string]map[int]bool{}, names: clio}
	add := func(form string, i int) {
		if !strings.HasPrefix(form, "@") {
			form = fold(form)
		}
		if form == "" || form == "@" {
			return
		}
		if m.forms[form] == nil {
			m.forms[form] = map[int]bool{}
		}
		m.forms[form][i] = true
	}
	for i, u := range clio {
		name, email := u, ""
		if lt := strings.IndexByte(u, '<'); lt >= 0 && strings.HasSuffix(strings.TrimSpace(u), ">") {
			name, email = strings.TrimSpace(u[:lt]), strings.Trim(strings.TrimSpace(u[lt+1:]), "<> ")
		} else if strings.Contains(u, "@") {
			name, email = "", strings.TrimSpace(u)
		}
		if email != "" {
			add("@"+strings.ToLower(email), i)
		}
		if name == "" {
			continue
		}
		add(name, i)
		if j := strings.IndexByte(name, ','); j >= 0 { // "Lane, Helen"
			name = strings.TrimSpace(name[j+1:]) + " " + strings.TrimSpace(name[:j])
			add(name, i)
		}
		words := strings.Fields(fold(name))
		if len(words) >= 2 {
			add(words[len(words)-1]+" "+words[0], i)
			ini := ""
			for _, w := range words {
				ini += w[:1]
			}
			add(ini, i)
			add(words[0][:1]+words[len(words)-1][:1], i)
		}
	}
	return m
}

// match returns the Clio users a legacy value could be.
func (m *userMatcher) match(legacy string) []string {
	keys := []string{fold(legacy)}
	if strings.Contains(legacy, "@") {
		keys = []string{"@" + strings.ToLower(strings.TrimSpace(legacy))}
	} else if j := strings.IndexByte(legacy, ','); j >= 0 {
		keys = append(keys, fold(strings.TrimSpace(legacy[j+1:])+" "+strings.TrimSpace(legacy[:j])))
	}
	hit := map[int]bool{}
	for _, k := range keys {
		for i := range m.forms[k] {
			hit[i] = true
		}
	}
	var out []string
	for i := range hit {
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
