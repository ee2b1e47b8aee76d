package firmgen

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// The world is the firm's data before any export format is chosen: who the
// clients are, their matters, the time, the money and the paperwork.

type staff struct {
	ID       int
	Initials string
	First    string
	Last     string
	Email    string
}

type contact struct {
	ID      int
	Company string // set for a company
	First   string
	Middle  string // an initial, sometimes
	Last    string
	Email   string
	Phone   string
	Street  string
	City    string
	Zip     string
	Created time.Time
	party   bool // named only in a parties list (no row in the contacts table)
	planted []string
}

type matter struct {
	ID       int
	Seq      int // number within its year
	Year     int
	Client   int // contact index
	Desc     string
	Area     string
	Status   string // Open, Pending, Closed
	Opened   time.Time
	Closed   time.Time
	Attorney int // staff index
	planted  []string
}

type timeEntry struct {
	ID      int
	Matter  int
	Staff   int
	Date    time.Time
	Seconds int64 // multiple of 360 (six minutes)
	Rate    int64 // cents per hour
	Desc    string
	Billed  bool
	Invoice string
}

type invoice struct {
	ID     int
	Number string
	Matter int
	Date   time.Time
	Amount int64
	Paid   int64
}

type payment struct {
	ID      int
	Matter  int
	Invoice string
	Date    time.Time
	Amount  int64
}

type trustLine struct {
	ID      int
	Matter  int
	Date    time.Time
	Deposit bool
	Amount  int64 // positive
	Memo    string
}

type note struct {
	ID      int
	Matter  int
	Date    time.Time
	Author  int
	Subject string
	Text    string
}

type task struct {
	ID       int
	Matter   int
	Name     string
	Due      time.Time
	Assignee int
	Done     bool
	Priority string
}

type event struct {
	ID       int
	Matter   int
	Title    string
	Start    time.Time
	Minutes  int
	AllDay   bool
	Location string
	Owner    int
}

type phoneMsg struct {
	ID      int
	Matter  int // -1: about no matter, linked to the caller contact
	Caller  int // contact index
	At      time.Time
	For     int // staff
	Message string
	Call    bool // call back wanted
}

type party struct {
	ID      int
	Matter  int
	Contact int
	Role    string
}

type email struct {
	ID      int
	Matter  int
	From    int // contact
	To      int // staff
	At      time.Time
	Subject string
	Body    string
}

type document struct {
	ID     int
	Matter int
	Name   string
	Date   time.Time
	Body   string
}

type world struct {
	staff    []staff
	contacts []contact
	matters  []matter
	time     []timeEntry
	invoices []invoice
	payments []payment
	trust    []trustLine
	notes    []note
	tasks    []task
	events   []event
	phone    []phoneMsg
	parties  []party
	emails   []email
	docs     []document
}

var (
	firstNames = []string{"Anna", "Ben", "Claire", "David", "Élodie", "Frank", "Grace", "Hugo", "Isabel", "James",
		"Karen", "Liam", "María", "Noah", "Olivia", "Peter", "Quinn", "Rosa", "Samuel", "Theresa", "Uwe",
		"Victoria", "William", "Yusuf", "Zoë", "José", "Françoise", "Jürgen", "Siobhán", "Tomás", "Aiko", "Chen"}
	lastNames = []string{"Abbott", "Brennan", "Castillo", "Dubois", "Evans", "Fischer", "García", "Hughes",
		"Ivanova", "Jensen", "Kowalski", "Lefèvre", "Müller", "Nuñez", "O'Brien", "Patel", "Quigley", "Rossi",
		"Schmidt", "Tanaka", "Underwood", "Vargas", "Walsh", "Xu", "Young", "Zimmermann", "Okafor", "Lindqvist",
		"Moreau", "Santos", "Becker", "Kelly"}
	companyWords = []string{"Harbor", "Northgate", "Bluefield", "Cedar", "Summit", "Riverside", "Oakline",
		"Lumen", "Granite", "Meridian", "Pioneer", "Willow", "Crescent", "Atlas", "Beacon"}
	companyKinds = []string{"Holdings Ltd", "LLC", "Construction Inc.", "Bakery", "Logistics GmbH", "Properties LLC",
		"Dental Group", "Software S.A.", "Partners", "Farms"}
	streets = []string{"Main St", "Oak Avenue", "Rue de la Paix", "Calle Mayor", "Hauptstraße", "Elm Road",
		"High Street", "Park Lane", "Bahnhofstraße", "Avenida del Sol"}
	areaCodes = []string{"212", "312", "415", "503", "617", "713", "206", "404"}
	cities    = []string{"Springfield", "Riverton", "Lyon", "Sevilla", "München", "Portland", "Dover", "Fairview"}
	areas     = []string{"Family", "Estate Planning", "Real Estate", "Litigation", "Employment", "Corporate",
		"Immigration", "Personal Injury", "Criminal"}
	matterDescs = map[string][]string{
		"Family":          {"Divorce", "Custody", "Prenuptial agreement", "Adoption"},
		"Estate Planning": {"Will and trust", "Probate", "Power of attorney"},
		"Real Estate":     {"Purchase of house", "Lease dispute", "Refinance closing"},
		"Litigation":      {"Contract dispute", "Debt collection", "Appeal"},
		"Employment":      {"Wrongful dismissal", "Severance review", "Harassment claim"},
		"Corporate":       {"Incorporation", "Share purchase", "Shareholder agreement"},
		"Immigration":     {"Work visa", "Family sponsorship", "Citizenship"},
		"Personal Injury": {"Car accident", "Slip and fall", "Dog bite"},
		"Criminal":        {"DUI defence", "Theft charge", "Assault defence"},
	}
	workDescs = []string{"Review documents", "Telephone call with client", "Draft letter to opposing counsel",
		"Prepare for hearing", "Attend court", "Research case law", "Meeting with client", "Revise agreement",
		"E-mail correspondence", "File motion"}
	roles      = []string{"Opposing Counsel", "Opposing Party", "Witness", "Expert", "Spouse", "Adjuster", "Judge"}
	taskNames  = []string{"File response", "Send engagement letter", "Call client back", "Prepare exhibits", "Serve documents", "Request records", "Calendar deadline", "Draft will"}
	eventNames = []string{"Hearing", "Client meeting", "Deposition", "Mediation", "Court date", "Closing", "Consultation"}
	noteSubjs  = []string{"Initial consultation", "Call summary", "Strategy", "Settlement discussion", "File review", "Status update"}
	docNames   = []string{"Engagement letter.docx", "Retainer agreement.pdf", "Statement of claim.pdf", "Correspondence.docx",
		"Notes.txt", "Invoice copy.pdf", "Affidavit.docx", "Photo 001.jpg", "Settlement offer.pdf", "Will draft.docx"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// size says how big a firm is.
type size struct {
	Staff, Clients, Matters, Parties int
}

// newWorld draws a firm's data. base is the firm's "today": nothing is later.
func newWorld(r *rand.Rand, sz size, base time.Time) *world {
	w := &world{}
	usedInit := map[string]bool{}
	for i := 0; i < sz.Staff; i++ {
		s := staff{ID: i + 1, First: pick(r, firstNames), Last: pick(r, lastNames)}
		s.Initials = initials(s.First, s.Last)
		for usedInit[s.Initials] {
			s.Last = pick(r, lastNames)
			s.Initials = initials(s.First, s.Last)
		}
		usedInit[s.Initials] = true
		s.Email = asciiLower(s.First) + "." + asciiLower(s.Last) + "@firm.example"
		w.staff = append(w.staff, s)
	}
	usedName := map[string]bool{}
	newContact := func(isParty bool) contact {
		c := contact{ID: len(w.contacts) + 1, party: isParty}
		for {
			if !isParty && r.IntN(5) == 0 {
				c.Company = pick(r, companyWords) + " " + pick(r, companyKinds)
				c.First, c.Last, c.Middle = "", "", ""
			} else {
				c.Company = ""
				c.First, c.Last = pick(r, firstNames), pick(r, lastNames)
				if r.IntN(3) == 0 {
					c.Middle = string(rune('A' + r.IntN(26)))
				}
			}
			name := c.Company + "|" + c.First + "|" + c.Last
			if !usedName[name] {
				usedName[name] = true
				break
			}
		}
		if c.Company != "" {
			c.Email = "info@" + asciiLower(c.Company) + ".example"
		} else {
			c.Email = asciiLower(c.First) + "." + asciiLower(c.Last) + fmt.Sprint(c.ID) + "@mail.example"
		}
		// Real, dialable-looking numbers: a US area code and an exchange
		// that is not 555 (fictional numbers are rightly flagged).
		c.Phone = fmt.Sprintf("(%s) %03d-%04d", pick(r, areaCodes), 201+r.IntN(350), r.IntN(10000))
		c.Street = fmt.Sprintf("%d %s", 1+r.IntN(300), pick(r, streets))
		c.City = pick(r, cities)
		c.Zip = fmt.Sprintf("%05d", 10000+r.IntN(89999))
		c.Created = base.AddDate(-4, 0, r.IntN(1200))
		return c
	}
	for i := 0; i < sz.Clients; i++ {
		w.contacts = append(w.contacts, newContact(false))
	}
	seqByYear := map[int]int{}
	for i := 0; i < sz.Matters; i++ {
		opened := base.AddDate(0, 0, -30-r.IntN(1400))
		area := pick(r, areas)
		m := matter{ID: i + 1, Year: opened.Year(), Client: r.IntN(sz.Clients), Area: area, Opened: opened,
			Attorney: r.IntN(sz.Staff), Status: "Open"}
		seqByYear[m.Year]++
		m.Seq = seqByYear[m.Year]
		m.Desc = pick(r, matterDescs[area])
		switch x := r.IntN(10); {
		case x < 3:
			m.Status = "Closed"
			m.Closed = opened.AddDate(0, 0, 20+r.IntN(200))
			if m.Closed.After(base) {
				m.Closed = base.AddDate(0, 0, -1)
			}
		case x < 4:
			m.Status = "Pending"
		}
		w.matters = append(w.matters, m)
	}
	// Every client has at least one matter: a client with none is still a
	// contact, which is fine, but keeps the world plainer.
	day := func(from time.Time) time.Time {
		span := int(base.Sub(from).Hours()/24) - 1
		if span < 1 {
			span = 1
		}
		return from.AddDate(0, 0, r.IntN(span))
	}
	invNo := 1000 + r.IntN(5000)
	for mi, m := range w.matters {
		// time: some billed (on an invoice), some not
		nt := r.IntN(6)
		var billedCents int64
		inv := ""
		if r.IntN(2) == 0 {
			invNo++
			inv = fmt.Sprint(invNo)
		}
		for k := 0; k < nt; k++ {
			st := m.Attorney
			if r.IntN(3) == 0 {
				st = r.IntN(sz.Staff)
			}
			te := timeEntry{ID: len(w.time) + 1, Matter: mi, Staff: st, Date: day(m.Opened), Seconds: int64(1+r.IntN(30)) * 360,
				Rate: int64(150+25*r.IntN(10)) * 100, Desc: pick(r, workDescs)}
			if inv != "" && r.IntN(2) == 0 {
				te.Billed, te.Invoice = true, inv
				billedCents += te.Seconds * te.Rate / 3600
			}
			w.time = append(w.time, te)
		}
		// invoices: the billed time's invoice plus maybe an earlier one
		if inv != "" {
			amt := billedCents
			if amt == 0 {
				amt = int64(200+r.IntN(3000))*100 + int64(r.IntN(100))
			}
			w.invoices = append(w.invoices, invoice{ID: len(w.invoices) + 1, Number: inv, Matter: mi, Date: day(m.Opened), Amount: amt})
		}
		if r.IntN(3) == 0 {
			invNo++
			w.invoices = append(w.invoices, invoice{ID: len(w.invoices) + 1, Number: fmt.Sprint(invNo), Matter: mi,
				Date: day(m.Opened), Amount: int64(100+r.IntN(5000))*100 + int64(r.IntN(100))})
		}
		// trust
		if r.IntN(3) == 0 {
			dep := int64(500+r.IntN(5000)) * 100
			bal := dep
			// a ledger in date order: the retainer first, transfers after it
			last := day(m.Opened)
			w.trust = append(w.trust, trustLine{ID: len(w.trust) + 1, Matter: mi, Date: last, Deposit: true, Amount: dep, Memo: "Retainer"})
			for k := r.IntN(3); k > 0; k-- {
				out := int64(r.IntN(int(bal/100)+1)) * 100
				if r.IntN(4) == 0 {
					out = bal // emptied: a zero balance
				}
				if out == 0 {
					continue
				}
				bal -= out
				last = day(last)
				w.trust = append(w.trust, trustLine{ID: len(w.trust) + 1, Matter: mi, Date: last, Amount: out, Memo: "Transfer to operating"})
			}
		}
	}
	// payments against invoices: none, part, all
	for i := range w.invoices {
		switch r.IntN(3) {
		case 0:
		case 1:
			w.invoices[i].Paid = w.invoices[i].Amount / int64(2+r.IntN(3))
		default:
			w.invoices[i].Paid = w.invoices[i].Amount
		}
		if w.invoices[i].Paid > 0 {
			w.payments = append(w.payments, payment{ID: len(w.payments) + 1, Matter: w.invoices[i].Matter,
				Invoice: w.invoices[i].Number, Date: w.invoices[i].Date.AddDate(0, 0, 10+r.IntN(20)), Amount: w.invoices[i].Paid})
		}
	}
	// credit notes: a negative line in the invoice listing, against an
	// invoice still owed in part (a write-down)
	for i, n := 0, len(w.invoices); i < n; i++ {
		owed := w.invoices[i].Amount - w.invoices[i].Paid
		if owed < 200 || r.IntN(6) != 0 {
			continue
		}
		w.invoices = append(w.invoices, invoice{ID: len(w.invoices) + 1, Number: "CN-" + w.invoices[i].Number, Matter: w.invoices[i].Matter,
			Date: w.invoices[i].Date.AddDate(0, 0, 30), Amount: -(owed / 2)})
	}
	for i := 0; i < sz.Matters*3/4; i++ {
		mi := r.IntN(len(w.matters))
		w.notes = append(w.notes, note{ID: len(w.notes) + 1, Matter: mi, Date: day(w.matters[mi].Opened), Author: r.IntN(sz.Staff),
			Subject: pick(r, noteSubjs), Text: "Discussed " + lowerFirst(w.matters[mi].Desc) + " with the client; next steps agreed."})
	}
	for i := 0; i < sz.Matters/2+2; i++ {
		mi := r.IntN(len(w.matters))
		w.tasks = append(w.tasks, task{ID: len(w.tasks) + 1, Matter: mi, Name: pick(r, taskNames), Due: day(w.matters[mi].Opened).AddDate(0, 0, 14),
			Assignee: r.IntN(sz.Staff), Done: r.IntN(3) == 0, Priority: pick(r, []string{"High", "Normal", "Low"})})
	}
	for i := 0; i < sz.Matters/2+3; i++ {
		mi := r.IntN(len(w.matters))
		d := day(w.matters[mi].Opened)
		ev := event{ID: len(w.events) + 1, Matter: mi, Title: pick(r, eventNames), Owner: r.IntN(sz.Staff), Location: pick(r, []string{"", "Courtroom 4", "Office", "Video call"})}
		if r.IntN(5) == 0 {
			ev.AllDay, ev.Start = true, time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		} else {
			ev.Start = time.Date(d.Year(), d.Month(), d.Day(), 8+r.IntN(9), 15*r.IntN(4), 0, 0, time.UTC)
			ev.Minutes = 30 * (1 + r.IntN(4))
		}
		w.events = append(w.events, ev)
	}
	for i := 0; i < sz.Matters/3+2; i++ {
		mi := r.IntN(len(w.matters))
		d := day(w.matters[mi].Opened)
		w.phone = append(w.phone, phoneMsg{ID: len(w.phone) + 1, Matter: mi, Caller: w.matters[mi].Client,
			At: time.Date(d.Year(), d.Month(), d.Day(), 9+r.IntN(8), r.IntN(60), 0, 0, time.UTC), For: w.matters[mi].Attorney,
			Message: pick(r, []string{"Please call back", "Asked about the invoice", "Will send the documents", "Wants an update", "Running late for the meeting"}),
			Call:    r.IntN(2) == 0})
	}
	// parties: opposing counsel and others; some are clients of the firm
	// already, most are new people named only in the list.
	for i := 0; i < sz.Parties; i++ {
		mi := r.IntN(len(w.matters))
		ci := -1
		if r.IntN(4) == 0 {
			ci = r.IntN(sz.Clients)
			if ci == w.matters[mi].Client {
				ci = -1
			}
		}
		if ci < 0 {
			c := newContact(true)
			w.contacts = append(w.contacts, c)
			ci = len(w.contacts) - 1
		}
		w.parties = append(w.parties, party{ID: i + 1, Matter: mi, Contact: ci, Role: pick(r, roles)})
	}
	for i := 0; i < sz.Matters/3+2; i++ {
		mi := r.IntN(len(w.matters))
		d := day(w.matters[mi].Opened)
		w.emails = append(w.emails, email{ID: i + 1, Matter: mi, From: w.matters[mi].Client, To: w.matters[mi].Attorney,
			At:      time.Date(d.Year(), d.Month(), d.Day(), 8+r.IntN(10), r.IntN(60), 0, 0, time.UTC),
			Subject: pick(r, []string{"Documents", "Question about my case", "Signed agreement", "Meeting next week", "Invoice"}),
			Body:    "Hello,\r\n\r\nplease find my note about " + lowerFirst(w.matters[mi].Desc) + ".\r\n\r\nRegards"})
	}
	for mi := range w.matters {
		if r.IntN(2) == 0 {
			continue
		}
		for k := 1 + r.IntN(3); k > 0; k-- {
			d := day(w.matters[mi].Opened)
			w.docs = append(w.docs, document{ID: len(w.docs) + 1, Matter: mi, Name: pick(r, docNames), Date: d,
				Body: fmt.Sprintf("Document for matter %d (%s)\n", w.matters[mi].ID, w.matters[mi].Desc)})
		}
	}
	return w
}

// balances per matter: A/R = invoiced − paid; trust = deposits − withdrawals.
func (w *world) arByMatter() map[int]int64 {
	out := map[int]int64{}
	for _, in := range w.invoices {
		out[in.Matter] += in.Amount - in.Paid
	}
	return out
}

func (w *world) trustByMatter() map[int]int64 {
	out := map[int]int64{}
	for _, t := range w.trust {
		if t.Deposit {
			out[t.Matter] += t.Amount
		} else {
			out[t.Matter] -= t.Amount
		}
	}
	return out
}

func initials(first, last string) string {
	return string([]rune(asciiFold(first))[:1]) + string([]rune(asciiFold(last))[:1])
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	rs := []rune(s)
	if rs[0] >= 'A' && rs[0] <= 'Z' {
		rs[0] += 'a' - 'A'
	}
	return string(rs)
}
