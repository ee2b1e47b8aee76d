package resolve

import (
	"slices"
	"strconv"
	"strings"

	"handover/core/model"
	"handover/core/workspace"
)

// Person is one person of the firm as the Clio account knows them (a Clio
// user). Any field may be empty.
type Person struct {
	Name, FirstName, LastName, Initials, Email string
}

// ParsePerson reads a person written as "Name <email>", an e-mail alone or
// a name alone.
func ParsePerson(s string) Person {
	s = strings.TrimSpace(s)
	if lt := strings.IndexByte(s, '<'); lt >= 0 && strings.HasSuffix(s, ">") {
		return Person{Name: strings.TrimSpace(s[:lt]), Email: strings.Trim(strings.TrimSpace(s[lt+1:]), "<> ")}
	}
	if strings.Contains(s, "@") {
		return Person{Email: s}
	}
	return Person{Name: s}
}

// PersonMatch is how one legacy person of the firm resolved.
type PersonMatch struct {
	Status     Status
	Index      int    // the person's index when Found
	Candidates []int  // the equally good people when Ambiguous, ascending
	Via        string // "email", "name" or "initials"
}

// People is the one rule for the people of the firm — assignees, calendar
// owners, time-entry users — as the old system wrote them (name, initials
// or e-mail) against the Clio users: the check's user findings and the
// upload's automatic user matches both ask it, so a person the check passed
// is one the upload assigns.
//
// Forms are tried strongest first; the first that matches anyone decides,
// and two people at one form are Ambiguous, never guessed:
//   - e-mail: the same address (a value with an "@" is only an e-mail);
//   - name: folded as contacts' names are (case, accents, punctuation,
//     titles and suffixes, "Last, First", a middle name or initial one
//     side lacks; see nameTiers);
//   - initials: the value's letters ("HL", "h.l.") equal the person's
//     initials, their first and last names' or every name's.
type People struct {
	n        int
	email    map[string][]int
	names    *Resolver // the people as contacts, for their names only
	initials map[string][]int
}

// NewPeople indexes the people of the firm.
func NewPeople(ps []Person) *People {
	p := &People{n: len(ps), email: map[string][]int{}, names: New(), initials: map[string][]int{}}
	for i, x := range ps {
		if e := Email(x.Email); e != "" {
			p.email[e] = append(p.email[e], i)
		}
		// the name as shown (any order, as written) beside the name fields
		c := model.Contact{Type: "Person", FirstName: x.FirstName, LastName: x.LastName, Name: x.Name}
		p.names.Add(workspace.StoredRecord{Record: model.Record{Entity: model.Contacts, Key: personKey(i), Data: &c}})
		for _, ini := range personInitials(x) {
			if !slices.Contains(p.initials[ini], i) {
				p.initials[ini] = append(p.initials[ini], i)
			}
		}
	}
	return p
}

// personKey is a person's key among the names: the NUL keeps the key and
// legacy-id forms from ever equalling a value as written.
func personKey(i int) string { return "person\x00" + strconv.Itoa(i) }

// personInitials are the initials a person may be written by.
func personInitials(x Person) []string {
	var out []string
	if ini := strings.Join(words(x.Initials), ""); ini != "" {
		out = append(out, ini)
	}
	first, last := personWords(words(x.FirstName)), personWords(words(x.LastName))
	if len(first)+len(last) == 0 {
		ws := personWords(words(x.Name))
		if len(ws) < 2 {
			return out
		}
		first, last = ws[:len(ws)-1], ws[len(ws)-1:]
	}
	if len(first) == 0 || len(last) == 0 {
		return out
	}
	all := strings.Join(initials(append(slices.Clip(first), last...)), "")
	firstLast := strings.Join(initials([]string{first[0], last[len(last)-1]}), "")
	return append(out, firstLast, all)
}

// valueInitials is a value read as initials: one word ("HL", "H.L.") or
// single letters ("H L"); "" when it is not.
func valueInitials(v string) string {
	ws := words(v)
	if len(ws) == 1 {
		return ws[0]
	}
	for _, w := range ws {
		if len([]rune(w)) != 1 {
			return ""
		}
	}
	return strings.Join(ws, "")
}

// Match resolves a legacy value to the people it could be.
func (p *People) Match(legacy string) PersonMatch {
	v := strings.TrimSpace(legacy)
	if v == "" {
		return PersonMatch{Status: Empty}
	}
	decide := func(via string, hits []int) (PersonMatch, bool) {
		switch len(hits) {
		case 0:
			return PersonMatch{}, false
		case 1:
			return PersonMatch{Status: Found, Index: hits[0], Via: via}, true
		}
		hits = slices.Clone(hits)
		slices.Sort(hits)
		return PersonMatch{Status: Ambiguous, Candidates: hits, Via: via}, true
	}
	if strings.Contains(v, "@") {
		if m, ok := decide("email", p.email[Email(v)]); ok {
			return m
		}
		return PersonMatch{Status: Missing}
	}
	var byName []int
	switch res := p.names.Contact(model.Ref{Kind: "name", Value: v}); res.Status {
	case Found:
		byName = []int{personIndex(res.Key)}
	case Ambiguous:
		for _, k := range res.Candidates {
			byName = append(byName, personIndex(k))
		}
	}
	if m, ok := decide("name", byName); ok {
		return m
	}
	if m, ok := decide("initials", p.initials[valueInitials(v)]); ok {
		return m
	}
	return PersonMatch{Status: Missing}
}

func personIndex(key string) int {
	i, _ := strconv.Atoi(strings.TrimPrefix(key, "person\x00"))
	return i
}
