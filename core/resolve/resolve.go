// Package resolve is the one place a legacy reference (a matter number, a
// contact's id, name, e-mail or phone, as the old system wrote it) is turned
// into a record of the project. Readiness, the package's Clio CSVs, cleaning
// and upload all ask it, so what Readiness passes is what upload finds.
//
// It holds no record, only a 64-bit hash of each of a record's reference
// forms with the record's ordinal (12 bytes a form, in sorted slices the
// garbage collector does not scan) and the records' keys in one byte buffer.
// A reference is folded the same way and looked up form by form, strongest
// first; the first form that matches decides. Two different records at that
// form are Ambiguous: the resolver never guesses.
package resolve

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"handover/core/model"
	"handover/core/workspace"
)

// Status says how a reference resolved.
type Status int

const (
	Empty     Status = iota // the reference is empty
	Found                   // exactly one record
	Missing                 // no record matches
	Ambiguous               // two or more equally good candidates: never guessed
)

func (s Status) String() string {
	switch s {
	case Empty:
		return "empty"
	case Found:
		return "found"
	case Missing:
		return "missing"
	case Ambiguous:
		return "ambiguous"
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// Result is the answer for one reference.
type Result struct {
	Status     Status
	Key        string   // the record's project key when Found
	Candidates []string // keys of the equally good candidates when Ambiguous
	Via        string   // which form matched: "key", "id", "number", "email", "phone", "name", "description"
	Confidence float64  // 1 for exact forms; < 1 for description matches
}

// DescriptionConfidence is how sure a match by a matter's description is:
// descriptions are free text, so such a link deserves a look.
const DescriptionConfidence = 0.6

// Reference forms. The form is part of the hash, so an e-mail can never
// match a name.
const (
	fKey byte = iota + 1
	fID
	fEmail
	fPhone
	fName     // every word of a person's name, in any order
	fInitials // a person's name with the middle names as initials
	fShort    // a person's first and last names, no middle
	fNumber   // matter number, case and spacing folded
	fNumberFolded
	fDescription
	// a name as written, folded as a company's (order kept, trailing legal
	// forms dropped): its own form, so a company's "jones smith" is never
	// the sorted words of a person or of "Smith Jones LLP" short of its form
	fCompany
)

var viaName = map[byte]string{fKey: "key", fID: "id", fEmail: "email", fPhone: "phone", fName: "name", fInitials: "name",
	fShort: "name", fNumber: "number", fNumberFolded: "number", fDescription: "description", fCompany: "name"}

func hash(form byte, s string) uint64 {
	h := uint64(14695981039346656037) ^ uint64(form)
	h *= 1099511628211
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	// finalise (splitmix64) so forms that differ in one byte spread out
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// entry is one form of one record: the hash in two halves so the entry is
// 12 bytes (a uint64 field would pad it to 16).
type entry struct {
	hi, lo uint32
	ord    uint32
}

func mkEntry(h uint64, ord uint32) entry { return entry{uint32(h >> 32), uint32(h), ord} }

func (e entry) hash() uint64 { return uint64(e.hi)<<32 | uint64(e.lo) }

// table indexes one record type.
type table struct {
	keys  []byte   // every record's key, one after another
	ends  []uint32 // where record i's key ends in keys
	forms []entry
	// runs are where sorted runs of forms end, sizes halving (a binary
	// counter): adds between lookups cost O(log n) each, not a full sort.
	runs []int
}

func (t *table) add(key string) uint32 {
	t.keys = append(t.keys, key...)
	t.ends = append(t.ends, uint32(len(t.keys)))
	return uint32(len(t.ends) - 1)
}

func (t *table) form(f byte, s string, ord uint32) {
	if s != "" {
		t.forms = append(t.forms, mkEntry(hash(f, s), ord))
	}
}

func cmpEntry(a, b entry) int {
	switch {
	case a.hash() < b.hash():
		return -1
	case a.hash() > b.hash():
		return 1
	case a.ord < b.ord:
		return -1
	case a.ord > b.ord:
		return 1
	}
	return 0
}

func (t *table) runStart(i int) int {
	if i == 0 {
		return 0
	}
	return t.runs[i-1]
}

// seal sorts the forms added since the last lookup into a run and merges
// runs while the newer is as large as the older.
func (t *table) seal() {
	end := 0
	if n := len(t.runs); n > 0 {
		end = t.runs[n-1]
	}
	if end == len(t.forms) {
		return
	}
	slices.SortFunc(t.forms[end:], cmpEntry)
	t.runs = append(t.runs, len(t.forms))
	for n := len(t.runs); n >= 2; n = len(t.runs) {
		a, b, c := t.runStart(n-2), t.runs[n-2], t.runs[n-1]
		if c-b < b-a {
			break
		}
		merged := make([]entry, 0, c-a)
		x, y := a, b
		for x < b || y < c {
			if y == c || x < b && cmpEntry(t.forms[x], t.forms[y]) <= 0 {
				merged, x = append(merged, t.forms[x]), x+1
			} else {
				merged, y = append(merged, t.forms[y]), y+1
			}
		}
		copy(t.forms[a:c], merged)
		t.runs = append(t.runs[:n-2], c)
	}
}

// keyBytes is record ord's key, without copying it.
func (t *table) keyBytes(ord uint32) []byte {
	start := uint32(0)
	if ord > 0 {
		start = t.ends[ord-1]
	}
	return t.keys[start:t.ends[ord]]
}

// find appends the keys of the records with form f = s to into (no repeats).
func (t *table) find(f byte, s string, into []string) []string {
	if s == "" {
		return into
	}
	h := hash(f, s)
	for r := range t.runs {
		run := t.forms[t.runStart(r):t.runs[r]]
		// the first entry whose hash is not below h (a run is sorted by hash, then ord)
		lo, hi := 0, len(run)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if run[m].hash() < h {
				lo = m + 1
			} else {
				hi = m
			}
		}
		for i := lo; i < len(run) && run[i].hash() == h; i++ {
			k := t.keyBytes(run[i].ord)
			if !slices.ContainsFunc(into, func(x string) bool { return x == string(k) }) {
				into = append(into, string(k))
			}
		}
	}
	return into
}

// Resolver answers references to the project's contacts and matters.
// Lookups are safe from one goroutine at a time (the first after an Add
// sorts).
type Resolver struct {
	contacts, matters table
}

// New returns an empty resolver; Add records to it. Build does both.
func New() *Resolver { return &Resolver{} }

// Build streams the project's contacts and matters once (memory: a few
// hashes a record). Records merged into another while cleaning resolve to
// the record they were merged into; records left out by the user do not
// resolve.
func Build(ctx context.Context, ws *workspace.Workspace) (*Resolver, error) {
	r := New()
	for _, e := range []model.Entity{model.Contacts, model.Matters} {
		err := ws.EachRecord(ctx, workspace.RecordFilter{Entity: e, IncludeOff: true}, func(rec workspace.StoredRecord) error {
			r.Add(rec)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// AddMerged adds the contacts and matters merged into others while cleaning,
// for a caller that streamed only the active records into Add (the check):
// with them the resolver answers as Build's does.
func (r *Resolver) AddMerged(ctx context.Context, ws *workspace.Workspace) error {
	rows, err := ws.DB().QueryContext(ctx, `SELECT entity, key, coalesce(effective, data), coalesce(merged_into, '') FROM rows
		WHERE outcome = 'record' AND state = 'merged' AND entity IN (?, ?) ORDER BY id`, string(model.Contacts), string(model.Matters))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rec workspace.StoredRecord
		var data string
		if err := rows.Scan(&rec.Entity, &rec.Key, &data, &rec.MergedInto); err != nil {
			return err
		}
		if rec.Data, err = model.Decode(rec.Entity, []byte(data)); err != nil {
			return err
		}
		rec.State = "merged"
		r.Add(rec)
	}
	return rows.Err()
}

// Add indexes a contact or a matter (other records are ignored). A merged
// record resolves to the record it was merged into; an excluded one is not
// added.
func (r *Resolver) Add(rec workspace.StoredRecord) {
	target := rec.Key
	switch rec.State {
	case "", "active":
	case "merged":
		if rec.MergedInto == "" {
			return
		}
		target = rec.MergedInto
	default:
		return
	}
	switch d := rec.Data.(type) {
	case *model.Contact:
		t := &r.contacts
		ord := t.add(target)
		t.form(fKey, rec.Key, ord)
		t.form(fID, LegacyID(rec.Key), ord)
		for _, e := range d.Emails {
			t.form(fEmail, Email(e.Address), ord)
		}
		for _, p := range d.Phones {
			t.form(fPhone, Phone(p.Number), ord)
		}
		contactNames(d, func(f byte, s string) { t.form(f, s, ord) })
	case *model.Matter:
		t := &r.matters
		ord := t.add(target)
		t.form(fKey, rec.Key, ord)
		t.form(fID, LegacyID(rec.Key), ord)
		t.form(fNumber, exactNumber(d.DisplayNumber), ord)
		t.form(fNumberFolded, Number(d.DisplayNumber), ord)
		t.form(fDescription, description(d.Description), ord)
	}
}

func exactNumber(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }

// contactNames emits a contact's name forms: the name as written (a
// company's, or a person known by it), and a person's words with the
// middle names, with them as initials and without them. A person's
// surname particles stay on the surname; a name with a legal form or an
// "and" in it is no person's, whatever its type says.
func contactNames(c *model.Contact, emit func(byte, string)) {
	if c.Name != "" {
		emit(fCompany, companyName(c.Name))
	}
	if strings.EqualFold(c.Type, "Company") {
		return
	}
	first, middle, last := personWords(words(c.FirstName)), personWords(words(c.MiddleName)), personWords(words(c.LastName))
	if len(first)+len(last) == 0 {
		// a person known only by a full name: first part, last part, middle between
		parts := nameParts(c.Name)
		if len(parts) == 0 || notAPerson(flat(parts)) {
			return
		}
		middle = nil
		first, last = parts[0], flat(parts[1:])
		if n := len(parts); n > 2 {
			middle, last = flat(parts[1:n-1]), parts[n-1]
		}
	}
	middle, last = particlesToSurname(middle, last)
	emit(fName, bag(first, middle, last))
	if len(middle) > 0 {
		emit(fInitials, bag(first, initials(middle), last))
		emit(fShort, bag(first, last))
	}
}

// tier is one strength of match: the lookups made at it.
type tier struct {
	via   string
	conf  float64
	finds []find
}

type find struct {
	form byte
	s    string
}

func (r *Resolver) resolve(t *table, tiers []tier) Result {
	t.seal()
	for _, tr := range tiers {
		var keys []string
		for _, f := range tr.finds {
			keys = t.find(f.form, f.s, keys)
		}
		switch len(keys) {
		case 0:
			continue
		case 1:
			return Result{Status: Found, Key: keys[0], Via: tr.via, Confidence: tr.conf}
		default:
			slices.Sort(keys)
			return Result{Status: Ambiguous, Candidates: keys, Via: tr.via, Confidence: tr.conf}
		}
	}
	return Result{Status: Missing}
}

func one(form byte, s string) tier {
	return tier{via: viaName[form], conf: 1, finds: []find{{form, s}}}
}

// Matter resolves a matter reference. The order of forms: for a "key" or
// "id" reference that form first; then the number exactly as written (case
// and spacing folded), the number folded (separators, leading zeros), the
// legacy id and, last, the description (Confidence < 1).
func (r *Resolver) Matter(ref model.Ref) Result {
	v := strings.TrimSpace(ref.Value)
	if v == "" {
		return Result{Status: Empty}
	}
	key, id := one(fKey, v), one(fID, v)
	numbers := []tier{one(fNumber, exactNumber(v)), one(fNumberFolded, Number(v))}
	var tiers []tier
	switch ref.Kind {
	case "id":
		tiers = append([]tier{id, key}, numbers...)
	default:
		// a number is tried as a number before as a legacy id: a database's
		// id 17 and a matter numbered 17 are usually different matters
		tiers = append(append([]tier{key}, numbers...), id)
	}
	if res := r.resolve(&r.matters, tiers); res.Status != Missing {
		return res
	}
	// last, the description (folded only when it comes to that)
	return r.resolve(&r.matters, []tier{{via: "description", conf: DescriptionConfidence, finds: []find{{fDescription, description(v)}}}})
}

// Contact resolves a contact reference: by key, legacy id, e-mail, phone,
// then by name — every word, then middle names as initials, then without
// middle names — whatever the reference's kind says (an "id" column may
// hold names, a "name" column e-mails).
func (r *Resolver) Contact(ref model.Ref) Result {
	v := strings.TrimSpace(ref.Value)
	if v == "" {
		return Result{Status: Empty}
	}
	tiers := []tier{one(fKey, v), one(fID, v), one(fEmail, Email(v))}
	if ref.Kind != "id" && ref.Kind != "key" {
		// an id is not a phone number however many digits it has
		tiers = append(tiers, one(fPhone, Phone(v)))
	}
	if res := r.resolve(&r.contacts, tiers); res.Status != Missing {
		return res
	}
	// then the name (its forms worked out only when it comes to that)
	return r.resolve(&r.contacts, nameTiers(v))
}

// nameTiers are the lookups for a name as written: "Ana M. Ruiz", "Ruiz,
// Ana M.", "Dr Ana Ruiz Jr", "Acme, Inc.". Middle names are matched
// loosely, but only where one side does not say: an initial stands for a
// middle name with that initial ("Ana M. Ruiz" is "Ana Maria Ruiz"), a
// name without middle names is one with any ("Ana Ruiz" is "Ana Maria
// Ruiz", when no closer one is there), but two middle names both written
// out must be the same ("Ana Maria Ruiz" is not "Ana Mario Ruiz"), as must
// two initials. A firm's or a couple's name (notAPerson) is matched only
// whole.
func nameTiers(v string) []tier {
	all := personWords(words(v))
	full := tier{via: "name", conf: 1, finds: []find{{fName, bag(all)}, {fCompany, companyName(v)}}}
	if notAPerson(all) {
		return []tier{full}
	}
	// the written name with middle names: its initials are the other's
	// (fInitials); the other has no middle names (short)
	ini := tier{via: "name", conf: 1, finds: []find{{fInitials, bag(all)}}}
	short := tier{via: "name", conf: 1, finds: []find{{fShort, bag(all)}}}
	for _, s := range nameSplits(v) {
		ini.finds = append(ini.finds, find{fName, bag(s.first, initials(s.middle), s.last)})
		if !s.surnameFirst {
			short.finds = append(short.finds, find{fName, bag(s.first, s.last)})
		}
	}
	return []tier{full, ini, short}
}

// split is one reading of a written name as first, middle and last names.
type split struct {
	first, middle, last []string
	surnameFirst        bool // read as "Ruiz Ana Maria", without a comma
}

// nameSplits reads a written person's name as first, middle and last
// names, both ways round when no comma says which word is the surname;
// only readings with middle names are returned. A hyphenated surname is one
// part, surname particles belong to the surname.
func nameSplits(v string) []split {
	var out []split
	add := func(s split) {
		s.middle, s.last = particlesToSurname(s.middle, s.last)
		if len(s.middle) > 0 && len(s.first) > 0 && len(s.last) > 0 {
			out = append(out, s)
		}
	}
	if i := strings.IndexByte(v, ','); i >= 0 && !isCompanyTail(v[i+1:]) {
		last, rest := flat(nameParts(v[:i])), nameParts(v[i+1:])
		if len(last) > 0 {
			if len(rest) > 1 {
				add(split{first: rest[0], middle: flat(rest[1:]), last: last})
			}
			return out
		}
		// "Jr., Ana Maria Ruiz": nothing before the comma is a name
	}
	parts := nameParts(v)
	n := len(parts)
	if n < 3 {
		return nil
	}
	add(split{first: parts[0], middle: flat(parts[1 : n-1]), last: parts[n-1]}) // First Middle Last
	// Last First Middle: the surname with its leading particles
	k := 0
	for k < n-2 && len(parts[k]) == 1 && particles[parts[k][0]] {
		k++
	}
	add(split{first: parts[k+1], middle: flat(parts[k+2:]), last: flat(parts[:k+1]), surnameFirst: true})
	return out
}

// isCompanyTail: "Acme, Inc." has a comma that is not "Last, First".
func isCompanyTail(s string) bool {
	ws := words(s)
	if len(ws) == 0 {
		return true
	}
	for _, w := range ws {
		if !companyForms[w] {
			return false
		}
	}
	return true
}

// Counts says how many contacts and matters (including merged ones) the
// resolver knows.
func (r *Resolver) Counts() (contacts, matters int) { return len(r.contacts.ends), len(r.matters.ends) }
