package upload

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
)

// index is what the engine keeps in memory about the project: how legacy
// references resolve to record keys, and the legacy users in use.
type index struct {
	total map[model.Entity]int64

	// res resolves legacy contact and matter references, as the readiness
	// check and the package do.
	res *resolve.Resolver

	practiceAreas bool // some matter names a practice area

	// legacy users: normalised legacy string → the string as written and how
	// many records use it
	legacy      map[string]*legacyUse
	legacyOrder []string

	customFields bool // some contact or matter has custom field values

	// noPerson counts, per type, the records Clio needs a person for that
	// the old system left without one (model.PersonRequired).
	noPerson map[model.Entity]int64
}

type legacyUse struct {
	Name    string
	Records int64
	Fields  map[string]int64
}

func buildIndex(ctx context.Context, ws *workspace.Workspace) (*index, error) {
	ix := &index{
		total:  map[model.Entity]int64{},
		res:    resolve.New(),
		legacy: map[string]*legacyUse{}, noPerson: map[model.Entity]int64{},
	}
	// records merged while cleaning resolve to their survivor
	if err := ix.res.AddMerged(ctx, ws); err != nil {
		return nil, err
	}
	err := ws.EachRecord(ctx, workspace.RecordFilter{}, func(r workspace.StoredRecord) error {
		ix.total[r.Entity]++
		if _, _, _, missing := model.PersonRequired(r.Data); missing {
			ix.noPerson[r.Entity]++
		}
		use := func(field, v string) {
			if strings.TrimSpace(v) == "" {
				return
			}
			k := normUser(v)
			u := ix.legacy[k]
			if u == nil {
				u = &legacyUse{Name: strings.TrimSpace(v), Fields: map[string]int64{}}
				ix.legacy[k] = u
				ix.legacyOrder = append(ix.legacyOrder, k)
			}
			u.Records++
			u.Fields[string(r.Entity)+"."+field]++
		}
		switch d := r.Data.(type) {
		case *model.Contact:
			ix.customFields = ix.customFields || len(d.CustomFields) > 0
			ix.res.Add(r)
		case *model.Matter:
			ix.customFields = ix.customFields || len(d.CustomFields) > 0
			ix.practiceAreas = ix.practiceAreas || d.PracticeArea != ""
			ix.res.Add(r)
			use("responsible_attorney", d.ResponsibleAttorney)
			use("originating_attorney", d.OriginatingAttorney)
		case *model.Task:
			use("assignee", d.Assignee)
		case *model.CalendarEvent:
			use("calendar_owner", d.Owner)
		case *model.TimeEntry:
			use("user", d.User)
		case *model.Communication:
			if r.Entity == model.PhoneLogs {
				use("user", d.User)
			}
		}
		return nil
	})
	return ix, err
}

// contactKey resolves a legacy contact reference to a project key ("" if
// it finds none, or more than one).
func (ix *index) contactKey(ref model.Ref) string {
	if res := ix.res.Contact(ref); res.Status == resolve.Found {
		return res.Key
	}
	return ""
}

func (ix *index) matterKey(ref model.Ref) string {
	if res := ix.res.Matter(ref); res.Status == resolve.Found {
		return res.Key
	}
	return ""
}

func contactName(c *model.Contact) string {
	if c.Type == "Company" {
		return c.Name
	}
	s := strings.TrimSpace(c.FirstName + " " + c.LastName)
	if s == "" {
		return c.Name
	}
	return s
}

// normName: case, accents, punctuation and spacing do not matter. The
// accents go through resolve's folding, whose chains are not shared between
// goroutines (one transform.Chain shared by two corrupts both).
func normName(s string) string {
	s = resolve.FoldAccents(s)
	s = strings.ToLower(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func normUser(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// ---- users ----

// UserMatch is how one legacy user resolved.
type UserMatch struct {
	Legacy    string           `json:"legacy"`
	Records   int64            `json:"records"`
	Fields    map[string]int64 `json:"fields,omitempty"`
	ClioID    int64            `json:"clio_id,omitempty"`
	ClioName  string           `json:"clio_name,omitempty"`
	ClioEmail string           `json:"clio_email,omitempty"`
	// How: email|name|initials (automatic), chosen (on the Upload screen),
	// user map (--user-map), left unassigned; "" = unmatched.
	How     string `json:"how,omitempty"`
	Problem string `json:"problem,omitempty"`

	covered bool // used only as a calendar owner, and a calendar was chosen for it
}

// Settled says whether the legacy user needs no more decision: matched to a
// Clio user, left unassigned on purpose, or only a calendar owner whose
// calendar was chosen.
func (m UserMatch) Settled() bool { return m.ClioID != 0 || m.How == HowUnassigned || m.covered }

type userSet struct {
	users      []clio.User
	byLegal    map[string]*clio.User // normalised legacy → user
	unassigned map[string]bool       // normalised legacy → left unassigned on purpose
	matches    []UserMatch
}

func (s *userSet) unmatched() []UserMatch {
	var out []UserMatch
	for _, m := range s.matches {
		if !m.Settled() {
			out = append(out, m)
		}
	}
	return out
}

// resolveUsers settles every legacy user: by choice (saved or user map)
// first, else automatically. calendarChosen says whether a calendar was
// chosen for a legacy calendar owner.
func resolveUsers(users []clio.User, ix *index, choices map[string]userChoice, calendarChosen func(k string) bool) *userSet {
	s := &userSet{users: users, byLegal: map[string]*clio.User{}, unassigned: map[string]bool{}}
	people := clioPeople(users)
	keys := append([]string(nil), ix.legacyOrder...)
	sort.SliceStable(keys, func(i, j int) bool { return ix.legacy[keys[i]].Records > ix.legacy[keys[j]].Records })
	for _, k := range keys {
		lu := ix.legacy[k]
		m := UserMatch{Legacy: lu.Name, Records: lu.Records, Fields: lu.Fields}
		var hit *clio.User
		if ch, ok := choices[k]; ok {
			switch {
			case ch.email == "":
				m.How = HowUnassigned
				s.unassigned[k] = true
			default:
				for i := range users {
					if normEmail(users[i].Email) == ch.email {
						hit = &users[i]
					}
				}
				if hit == nil {
					m.Problem = fmt.Sprintf("%q was matched to %s, who is not a user of this Clio account", lu.Name, ch.email)
					if ch.how == HowUserMap {
						m.Problem = fmt.Sprintf("the user map sends %q to %s, which is not a user of this Clio account", lu.Name, ch.email)
					}
				} else {
					m.How = ch.how
				}
			}
		} else {
			hit, m.How, m.Problem = autoMatch(people, users, k)
		}
		if hit != nil {
			if !hit.Enabled {
				m.Problem = fmt.Sprintf("%q matches Clio user %s, who is disabled", lu.Name, hit.Email)
				hit = nil
				m.How = ""
			} else {
				m.ClioID, m.ClioName, m.ClioEmail = int64(hit.ID), hit.Name, hit.Email
				s.byLegal[k] = hit
			}
		}
		if hit == nil && m.How != HowUnassigned && calendarChosen != nil && calendarChosen(k) {
			only := len(lu.Fields) > 0
			for f := range lu.Fields {
				only = only && f == string(model.CalendarEvents)+".calendar_owner"
			}
			m.covered = only
		}
		s.matches = append(s.matches, m)
	}
	return s
}

// clioPeople are Clio's users for resolve.People, in the same order.
func clioPeople(users []clio.User) *resolve.People {
	ps := make([]resolve.Person, len(users))
	for i, u := range users {
		ps[i] = resolve.Person{Name: u.Name, FirstName: u.FirstName, LastName: u.LastName, Initials: u.Initials, Email: u.Email}
	}
	return resolve.NewPeople(ps)
}

// autoMatch matches a legacy user to a Clio user by the one rule the
// check's user findings use too (resolve.People: e-mail, name, initials);
// two equally good users are a problem to settle, never a guess.
func autoMatch(people *resolve.People, users []clio.User, k string) (*clio.User, string, string) {
	switch m := people.Match(k); m.Status {
	case resolve.Found:
		return &users[m.Index], m.Via, ""
	case resolve.Ambiguous:
		return nil, "", fmt.Sprintf("%q matches %d Clio users by %s: say which in the user map", k, len(m.Candidates), m.Via)
	}
	return nil, "", ""
}

// isUnassigned says whether legacy was left unassigned on purpose.
func (s *userSet) isUnassigned(legacy string) bool { return s.unassigned[normUser(legacy)] }

// user returns the Clio user for a legacy string, or nil.
func (s *userSet) user(legacy string) *clio.User {
	if strings.TrimSpace(legacy) == "" {
		return nil
	}
	return s.byLegal[normUser(legacy)]
}

// byEmail finds a Clio user by e-mail address (for e-mail senders/receivers).
func (s *userSet) byEmail(addr string) *clio.User {
	a := normEmail(addr)
	for i := range s.users {
		if a != "" && normEmail(s.users[i].Email) == a {
			return &s.users[i]
		}
	}
	if u := s.byLegal[normUser(addr)]; u != nil {
		return u
	}
	return nil
}
