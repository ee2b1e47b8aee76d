// Package namecases is the one table of how a contact's name, as a legacy
// file writes it, must resolve among contacts already known: the resolver's
// own test (what the check finds inside the project) and upload's test of
// Clio's existing contacts both run it, so the two cannot drift apart.
package namecases

import "handover/core/model"

// Outcomes besides the index of the known contact it is.
const (
	NoMatch   = -1
	Ambiguous = -2
)

// Case is one legacy name and the contacts it is looked for among.
type Case struct {
	Why     string
	Written string        // the contact as a legacy file names it
	Firm    model.Contact // the same contact as the importer keeps it (no Type: a Person)
	Known   []model.Contact
	Want    int // index into Known, NoMatch or Ambiguous
}

// Person is a person with first, middle and last name fields.
func Person(first, middle, last string) model.Contact {
	return model.Contact{Type: "Person", FirstName: first, MiddleName: middle, LastName: last}
}

// Company is a company's contact.
func Company(name string) model.Contact { return model.Contact{Type: "Company", Name: name} }

// NameOnly is a person known by a full name only (no name fields).
func NameOnly(name string) model.Contact { return model.Contact{Type: "Person", Name: name} }

// Cases: must match, must not match, must not choose.
var Cases = []Case{
	// ---- the same contact ----
	{"title, suffix, accents and a hyphen", "Dr. José García-López Jr.",
		model.Contact{Prefix: "Dr.", FirstName: "José", MiddleName: "García-López", LastName: "Jr."}, // as the importer splits it
		[]model.Contact{Person("Jose", "", "Garcia-Lopez")}, 0},
	{"surname first, middle initial", "Ruiz, Ana M.",
		Person("Ana", "M.", "Ruiz"), []model.Contact{Person("Ana", "Maria", "Ruiz")}, 0},
	{"an initial for the full middle name", "Ana M. Ruiz",
		Person("Ana", "M.", "Ruiz"), []model.Contact{Person("Ana", "Maria", "Ruiz")}, 0},
	{"the full middle name for an initial", "Ana Maria Ruiz",
		Person("Ana", "Maria", "Ruiz"), []model.Contact{Person("Ana", "M", "Ruiz")}, 0},
	{"middle name the other does not have", "Ana Maria Ruiz",
		Person("Ana", "Maria", "Ruiz"), []model.Contact{Person("Ana", "", "Ruiz")}, 0},
	{"no middle name, the other has one", "Ana Ruiz",
		Person("Ana", "", "Ruiz"), []model.Contact{Person("Ana", "Maria", "Ruiz")}, 0},
	{"surname first, full middle name", "Ruiz, Ana Maria",
		Person("Ana", "Maria", "Ruiz"), []model.Contact{Person("Ana", "Maria", "Ruiz")}, 0},
	{"surname first, middle name the other does not have", "Ruiz, Ana Maria",
		Person("Ana", "Maria", "Ruiz"), []model.Contact{Person("Ana", "", "Ruiz")}, 0},
	{"surname first without a comma, middle initial", "RUIZ ANA M",
		Person("RUIZ", "ANA", "M"), // as the importer splits it
		[]model.Contact{Person("Ana", "Maria", "Ruiz")}, 0},
	{"several middle names as initials", "José L. A. Núñez",
		Person("José", "L. A.", "Núñez"), []model.Contact{Person("Jose", "Luis Alberto", "Nunez")}, 0},
	{"several middle names the other does not have", "Jose Luis Alberto Nunez",
		Person("Jose", "Luis Alberto", "Nunez"), []model.Contact{Person("José", "", "Núñez")}, 0},
	{"a middle initial Y is no particle", "Zoë Y. Walsh",
		Person("Zoë", "Y.", "Walsh"), []model.Contact{Person("Zoe", "", "Walsh")}, 0},
	{"apostrophe", "Sean O'Brien",
		Person("Sean", "", "O'Brien"), []model.Contact{Person("Sean", "", "OBrien")}, 0},
	{"capitals, order and umlaut", "MÜLLER, HARALD",
		Person("HARALD", "", "MÜLLER"), []model.Contact{Person("Harald", "", "Muller")}, 0},
	{"particle surname", "Juan de la Cruz",
		Person("Juan", "de la", "Cruz"), // the importer reads the particles as a middle name
		[]model.Contact{Person("Juan", "", "de la Cruz")}, 0},
	{"particle surname first", "De La Cruz, Juan",
		Person("Juan", "", "De La Cruz"), []model.Contact{Person("Juan", "", "de la Cruz")}, 0},
	{"particles after the given name (catalogue order)", "Berg, Jan van der",
		Person("Jan", "van der", "Berg"), []model.Contact{Person("Jan", "", "van der Berg")}, 0},
	{"particle surname, middle initial", "Ana M. de la Cruz",
		Person("Ana", "M. de la", "Cruz"), []model.Contact{Person("Ana", "Maria", "de la Cruz")}, 0},
	{"hyphenated surname, middle name the other does not have", "Ana Maria García-López",
		Person("Ana", "Maria", "García-López"), []model.Contact{Person("Ana", "", "Garcia-Lopez")}, 0},
	{"hyphenated surname known by the full name only", "Ana García-López",
		Person("Ana", "", "García-López"), []model.Contact{NameOnly("Ana Garcia-Lopez")}, 0},
	{"company: leading The, legal forms", "The Acme Company, Inc.",
		Company("The Acme Company, Inc."), []model.Contact{Company("Acme Co.")}, 0},
	{"company: & is and", "Smith & Jones LLP",
		Company("Smith & Jones LLP"), []model.Contact{Company("Smith and Jones")}, 0},
	{"company: accents and GmbH", "Müller GmbH",
		Company("Müller GmbH"), []model.Contact{Company("Muller")}, 0},
	{"company: a dotted legal form", "Smith Jones LLP",
		Company("Smith Jones LLP"), []model.Contact{Company("Smith Jones, L.L.P.")}, 0},
	{"the closest form wins over a looser one", "Ana Maria Ruiz",
		Person("Ana", "Maria", "Ruiz"), []model.Contact{Person("Ana", "", "Ruiz"), Person("Ana", "Maria", "Ruiz")}, 1},
	{"the full middle name wins over its initial", "Ana Maria Ruiz",
		Person("Ana", "Maria", "Ruiz"), []model.Contact{Person("Ana", "M.", "Ruiz"), Person("Ana", "Maria", "Ruiz")}, 1},
	{"an initial wins over no middle name", "Ana M. Ruiz",
		Person("Ana", "M.", "Ruiz"), []model.Contact{Person("Ana", "", "Ruiz"), Person("Ana", "Maria", "Ruiz")}, 1},

	// ---- someone else ----
	{"a longer surname is someone else", "Ana Ruiz",
		Person("Ana", "", "Ruiz"), []model.Contact{Person("Ana", "", "Ruiz-Perez")}, NoMatch},
	{"another first name", "John Smith",
		Person("John", "", "Smith"), []model.Contact{Person("Jane", "", "Smith")}, NoMatch},
	{"nicknames are not folded", "Robert Smith",
		Person("Robert", "", "Smith"), []model.Contact{Person("Bob", "", "Smith")}, NoMatch},
	{"two different middle names with one initial", "Ana Maria Ruiz",
		Person("Ana", "Maria", "Ruiz"), []model.Contact{Person("Ana", "Mario", "Ruiz")}, NoMatch},
	{"two different middle names", "Ana Maria Ruiz",
		Person("Ana", "Maria", "Ruiz"), []model.Contact{Person("Ana", "Beatriz", "Ruiz")}, NoMatch},
	{"an initial that is not the middle name's", "Ana M. Ruiz",
		Person("Ana", "M.", "Ruiz"), []model.Contact{Person("Ana", "Beatriz", "Ruiz")}, NoMatch},
	{"two different initials", "Ana M. Ruiz",
		Person("Ana", "M.", "Ruiz"), []model.Contact{Person("Ana", "B.", "Ruiz")}, NoMatch},
	{"surname first, another middle name", "Ruiz, Ana Maria",
		Person("Ana", "Maria", "Ruiz"), []model.Contact{Person("Ana", "Mario", "Ruiz")}, NoMatch},
	{"several middle names, one differs", "José Luis Alberto Núñez",
		Person("José", "Luis Alberto", "Núñez"), []model.Contact{Person("Jose", "Luis Antonio", "Nunez")}, NoMatch},
	{"the last word written is no middle name to drop", "Thomas Henry Wilson",
		Person("Thomas", "Henry", "Wilson"), []model.Contact{Person("Henry", "", "Thomas")}, NoMatch},
	{"particles are part of the surname", "Juan de la Cruz",
		Person("Juan", "de la", "Cruz"), []model.Contact{Person("Juan", "", "Cruz")}, NoMatch},
	{"a surname without its particles", "Juan Cruz",
		Person("Juan", "", "Cruz"), []model.Contact{Person("Juan", "de la", "Cruz")}, NoMatch},
	{"Dutch particles are part of the surname", "Jan van der Berg",
		Person("Jan", "van der", "Berg"), []model.Contact{Person("Jan", "", "Berg")}, NoMatch},
	{"half of a hyphenated surname", "Ana García-López",
		Person("Ana", "", "García-López"), []model.Contact{Person("Ana", "", "Lopez")}, NoMatch},
	{"half of a hyphenated surname known by the full name only", "Ana López",
		Person("Ana", "", "López"), []model.Contact{NameOnly("Ana Garcia-Lopez")}, NoMatch},
	{"company: another word is another company", "Acme Holdings, Inc.",
		Company("Acme Holdings, Inc."), []model.Contact{Company("Acme Inc.")}, NoMatch},
	{"company: the words' order matters", "Jones & Smith",
		Company("Jones & Smith"), []model.Contact{Company("Smith & Jones")}, NoMatch},
	{"company: the words' order matters with a legal form", "Smith Jones LLP",
		Company("Smith Jones LLP"), []model.Contact{Company("Jones Smith LLP")}, NoMatch},
	{"company: a legal form is no middle name", "Smith Jones LLP",
		Company("Smith Jones LLP"), []model.Contact{Person("Jones", "", "Smith")}, NoMatch},
	{"company: a company's name kept as a person's", "Smith Jones LLP",
		Company("Smith Jones LLP"), []model.Contact{NameOnly("Jones Smith LLP")}, NoMatch},
	{"company: a legal form inside the name", "Acme Ltd Services",
		Company("Acme Ltd Services"), []model.Contact{Company("Services Acme Ltd")}, NoMatch},

	// ---- never chosen between ----
	{"twice, accents apart", "Ana Ruiz",
		Person("Ana", "", "Ruiz"), []model.Contact{Person("Ana", "", "Ruiz"), Person("Ana", "", "Ruíz")}, Ambiguous},
	{"names that differ only in order", "John Paul",
		Person("John", "", "Paul"), []model.Contact{Person("John", "", "Paul"), Person("Paul", "", "John")}, Ambiguous},
	{"an initial two middle names share", "Ana M. Ruiz",
		Person("Ana", "M.", "Ruiz"), []model.Contact{Person("Ana", "Maria", "Ruiz"), Person("Ana", "Marta", "Ruiz")}, Ambiguous},
	{"no middle name, two with different ones", "Ana Ruiz",
		Person("Ana", "", "Ruiz"), []model.Contact{Person("Ana", "Maria", "Ruiz"), Person("Ana", "Beatriz", "Ruiz")}, Ambiguous},
	{"company twice", "Acme, Inc.",
		Company("Acme, Inc."), []model.Contact{Company("Acme LLC"), Company("ACME")}, Ambiguous},
}

// StaffMember is a Clio user as the account lists them.
type StaffMember struct {
	Name, FirstName, LastName, Initials, Email string
}

// Staff are the Clio users the StaffCases are matched against.
var Staff = []StaffMember{
	{"Helen Lane", "Helen", "Lane", "HL", "hlane@firm.example"},
	{"Harry Long", "Harry", "Long", "HL", "hlong@firm.example"},
	{"James Harbor", "James", "Harbor", "JH", "jharbor@firm.example"},
	{"María Peña", "María", "Peña", "MP", "mpena@firm.example"},
	{"Tom O'Neil", "Tom", "O'Neil", "TO", "toneil@firm.example"},
	{"Daniel Kim", "Daniel", "Kim", "DK", "dkim@firm.example"},
	{"Daniel Kim", "Daniel", "Kim", "DK", "daniel.kim@firm.example"},
	{"Ana Ruiz-Gómez", "Ana", "Ruiz-Gómez", "ARG", "aruiz@firm.example"},
	{"Catherine Wu", "Catherine", "Wu", "KW", "cwu@firm.example"}, // goes by Kate
}

// StaffCase is a person of the firm as a legacy record writes them
// (assignee, calendar owner, time-entry user) and the Clio user it is.
type StaffCase struct {
	Why    string
	Legacy string
	Want   int // index into Staff, NoMatch or Ambiguous
}

// StaffCases: must match, must not match, must not choose.
var StaffCases = []StaffCase{
	{"e-mail", "hlane@firm.example", 0},
	{"e-mail in capitals with spaces", " HLane@Firm.Example ", 0},
	{"e-mail settles a name two users share", "daniel.kim@firm.example", 6},
	{"name", "Helen Lane", 0},
	{"name, surname first", "Lane, Helen", 0},
	{"name in capitals, surname first without a comma", "LANE HELEN", 0},
	{"name with a title", "Dr. Helen Lane", 0},
	{"name with a middle initial Clio does not have", "Helen M. Lane", 0},
	{"name without accents", "Maria Pena", 3},
	{"name surname first, accents", "Peña, María", 3},
	{"name without the apostrophe", "Tom ONeil", 4},
	{"hyphenated surname without the hyphen", "Ana Ruiz Gómez", 7},
	{"initials", "JH", 2},
	{"initials in lower case with dots", "j.h.", 2},
	{"initials of every name", "ARG", 7},
	{"initials of first and last name", "AG", 7},
	{"initials in Clio's own field", "TO", 4},
	{"initials only Clio's own field gives", "KW", 8},

	{"initials two users share", "HL", Ambiguous},
	{"initials two users share, with dots", "H. L.", Ambiguous},
	{"a name two users share", "Daniel Kim", Ambiguous},
	{"a first name alone", "Helen", NoMatch},
	{"a surname alone", "Lane", NoMatch},
	{"unknown initials", "XX", NoMatch},
	{"not a person", "Front Desk", NoMatch},
	{"an e-mail nobody has", "someone@firm.example", NoMatch},
	{"an e-mail's local part is no name", "hlane", NoMatch},
	{"another first name", "Helena Lane", NoMatch},
	{"half of a hyphenated surname", "Ana Gómez", NoMatch},
}
