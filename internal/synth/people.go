package synth

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Lawyer is a member of the firm.
type Lawyer struct {
	Initials, First, Last, Email string
}

// Name is "First Last".
func (l Lawyer) Name() string { return l.First + " " + l.Last }

// Firm is the fictional firm's name.
const Firm = "Harbor & Lane LLP"

// FirmDomain is the firm's e-mail domain.
const FirmDomain = "harborlane.example.com"

// Lawyers of the firm. Time entries use their initials.
var Lawyers = []Lawyer{
	{"HL", "Helen", "Lane", "hlane@" + FirmDomain},
	{"JH", "James", "Harbor", "jharbor@" + FirmDomain},
	{"MP", "María", "Peña", "mpena@" + FirmDomain},
	{"DK", "David", "Kim", "dkim@" + FirmDomain},
	{"SO", "Sue", "Ortiz", "sortiz@" + FirmDomain}, // paralegal
}

// UnknownInitials is the time-entry user that matches no lawyer.
const UnknownInitials = "XX"

// firstNames and lastNames are disjoint from the names used by planted rows
// (Smith, Chen, Walsh, Müller, Núñez, ...). len(firstNames)+1 and
// len(lastNames) are coprime, so person(i) is unique for i < F×L.
var firstNames = []string{
	"Aaron", "Abigail", "Adrian", "Alice", "Amir", "Ana", "Andrea", "Anthony", "Beatriz", "Benjamin",
	"Bianca", "Caleb", "Camila", "Carlos", "Chloé", "Claire", "Daniel", "Diana", "Elena", "Elijah",
	"Emma", "Ethan", "Fatima", "Felix", "Gabriel", "Grace", "Hannah", "Hugo", "Isabel", "Ivan",
	"Jacob", "Jasmine", "Julia", "Kevin", "Laura", "Leah", "Lucas", "Lucía", "Marcus", "Mia",
	"Nadia", "Nathan", "Noah", "Olivia", "Omar", "Paula", "Priya", "Rafael", "Rebecca", "Renée",
	"Samuel", "Sara", "Sofia", "Stefan", "Tara", "Thomas", "Valeria", "Victor", "Yusuf", "Zara",
}

var lastNames = []string{
	"Abbott", "Alvarez", "Anderson", "Bauer", "Bennett", "Brooks", "Carter", "Castillo", "Collins", "Cooper",
	"Dawson", "Delgado", "Ellis", "Evans", "Fischer", "Fleming", "Foster", "García", "Gibson", "Gómez",
	"Grant", "Hayes", "Hoffmann", "Hughes", "Ibáñez", "Jansen", "Jenkins", "Keller", "Kowalski", "Larsen",
	"Lefèvre", "Lindqvist", "Lopez", "Marshall", "Meyer", "Mitchell", "Moreau", "Murphy", "Nakamura", "Novak",
	"O'Brien", "Olsen", "Owens", "Patel", "Perry", "Pierce", "Quinn", "Ramírez", "Reyes", "Richter",
	"Rossi", "Russell", "Schäfer", "Schneider", "Shaw", "Silva", "Sullivan", "Tanaka", "Thompson", "Torres",
	"Turner", "Vasquez", "Vogel", "Wagner", "Wallace", "Weber", "Wheeler", "Yamamoto", "Young", "Zimmermann",
	"Åberg", "Bergström", "Costa", "Dubois", "Ferreira", "Hansen", "Ivanova", "Jovanovic", "Kaplan", "Lambert",
	"Mendoza",
}

var companyWords = []string{
	"Atlantic", "Beacon", "Cedar", "Harborview", "Granite", "Summit", "Northfield", "Riverside", "Bay State", "Pioneer",
	"Lighthouse", "Commonwealth", "Maple", "Seaport", "Charles River", "Quarry", "Minuteman", "Pilgrim", "Tidewater", "Back Bay",
}

var companySuffixes = []string{"LLC", "Inc.", "Corp.", "Partners LLP", "Holdings LLC", "& Co.", "Group, Inc.", "Realty Trust"}

var streets = []string{"Main St", "Washington St", "Beacon St", "Elm St", "Harbor Rd", "Summer St", "Maple Ave", "High St", "Park Dr", "Water St", "Congress St", "Atlantic Ave"}

type cityState struct{ City, State, Zip string }

var cities = []cityState{
	{"Boston", "MA", "02108"}, {"Cambridge", "MA", "02139"}, {"Quincy", "MA", "02169"}, {"Salem", "MA", "01970"},
	{"Worcester", "MA", "01608"}, {"Providence", "RI", "02903"}, {"Portsmouth", "NH", "03801"}, {"Newton", "MA", "02458"},
	{"Brookline", "MA", "02445"}, {"Plymouth", "MA", "02360"}, {"Lowell", "MA", "01852"}, {"Hartford", "CT", "06103"},
}

var areaCodes = []string{"617", "508", "781", "978", "857", "339", "413"}

var emailDomains = []string{"example.com", "example.org", "example.net", "mail.example.com"}

// person is a generated individual or company.
type person struct {
	First, Middle, Last string
	Company             string // company name for a company; employer for a person (may be empty)
	IsCompany           bool
	Title               string // Mr., Ms., Dr.
	Street, City, State string
	Zip                 string
	Phone               string // (617) 555-0123
	Email               string
}

// Display is "First Last" or the company name.
func (p person) Display() string {
	if p.IsCompany {
		return p.Company
	}
	return strings.TrimSpace(p.First + " " + p.Last)
}

// personAt returns the idx-th generated person. Indexes are allocated in
// disjoint ranges per source so that no two sources invent the same person
// by accident (below len(firstNames)×len(lastNames) people).
func (g *gen) personAt(idx int) person {
	r := g.rng("person", idx)
	F, L := len(firstNames), len(lastNames)
	off := int(g.opts.Seed % uint64(F*L))
	k := (idx + off) % (F * L)
	a, q := k%F, k/F
	b := (q*(F+1) + a) % L
	p := person{First: firstNames[a], Last: lastNames[b]}
	cs := cities[r.IntN(len(cities))]
	p.Street = fmt.Sprintf("%d %s", 10+r.IntN(990), streets[r.IntN(len(streets))])
	p.City, p.State, p.Zip = cs.City, cs.State, cs.Zip
	p.Phone = phoneFor(idx)
	p.Email = strings.ToLower(asciiFold(p.First)+"."+asciiFold(strings.ReplaceAll(p.Last, "'", ""))) + "@" + emailDomains[idx%len(emailDomains)]
	if r.IntN(3) > 0 {
		p.Title = titleFor(p.First)
	}
	if idx%9 == 4 { // every ninth entry is a company
		p.IsCompany = true
		p.Company = companyName(idx)
		p.Email = "info@" + strings.ToLower(strings.ReplaceAll(asciiFold(companyWords[(idx/9)%len(companyWords)]), " ", "")) + fmt.Sprint(idx/9/len(companyWords)+1) + ".example.com"
		p.Title = ""
	}
	return p
}

func companyName(idx int) string {
	n := idx / 9
	w := companyWords[n%len(companyWords)]
	s := companySuffixes[(n/len(companyWords))%len(companySuffixes)]
	if round := n / (len(companyWords) * len(companySuffixes)); round > 0 {
		return fmt.Sprintf("%s %d %s", w, round+1, s)
	}
	return w + " " + s
}

// phoneFor gives a unique (617) 555-01xx style number per index.
func phoneFor(idx int) string {
	ac := areaCodes[idx%len(areaCodes)]
	k := idx / len(areaCodes)
	line := 100 + k%100
	exch := 555
	if k >= 100 {
		exch = 200 + (k/100)%750
		if exch >= 555 {
			exch++
		}
	}
	return fmt.Sprintf("(%s) %03d-%04d", ac, exch, line)
}

// asciiFold strips accents: "Müller" → "Muller".
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if r < 0x80 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdy formats a date as MM/DD/YYYY.
func mdy(t time.Time) string { return t.Format("01/02/2006") }

// notAfter caps t at limit (ledgers end at the export cut-off).
func notAfter(t, limit time.Time) time.Time {
	if t.After(limit) {
		return limit
	}
	return t
}

// day returns a date n days after base.
func day(base time.Time, n int) time.Time { return base.AddDate(0, 0, n) }

var (
	epochOpen = time.Date(2016, 1, 4, 0, 0, 0, 0, time.UTC)
	asOf      = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC) // the export cut-off
)

var femaleFirst = map[string]bool{}

func init() {
	for _, n := range []string{"Abigail", "Alice", "Ana", "Andrea", "Beatriz", "Bianca", "Camila", "Chloé", "Claire", "Diana",
		"Elena", "Emma", "Fatima", "Grace", "Hannah", "Isabel", "Jasmine", "Julia", "Laura", "Leah", "Lucía", "Mia", "Nadia",
		"Olivia", "Paula", "Priya", "Rebecca", "Renée", "Sara", "Sofia", "Tara", "Valeria", "Zara",
		"Zoë", "Françoise", "Jennifer", "Karen", "María", "Helen", "Sue"} {
		femaleFirst[n] = true
	}
}

// titleFor is "Ms." or "Mr." by first name.
func titleFor(first string) string {
	if femaleFirst[first] {
		return "Ms."
	}
	return "Mr."
}
