package synth

import (
	"fmt"
	"strings"
	"time"

	"handover/core/model"
)

// Client slots: within every block of `period` PCLaw clients these rows hold
// the people other sources duplicate (and the accented names).
const (
	slotMuller = iota
	slotNunez
	slotZoe
	slotFrancoise
	slotSmith
	slotAcme
	slotJSmith
	slotChen
	slotWalsh
	numClientSpecials
)

// special returns the planted client for a block and slot. Block 0 uses the
// canonical names; later blocks reuse the first names with unique surnames so
// that a large firm does not gain accidental same-name pairs.
func (g *gen) special(block, slot int) person {
	base := g.nClients + g.nOutlook + g.nAbacus + 16
	idx := base + block*numClientSpecials + slot
	p := g.personAt(idx)
	p.IsCompany, p.Company, p.Middle = false, "", ""
	p.Phone = phoneFor(idx)
	last := p.Last
	set := func(first, canonLast string) {
		p.First = first
		p.Title = titleFor(first)
		p.Last = last
		if block == 0 {
			p.Last = canonLast
		}
		p.Email = strings.ToLower(asciiFold(p.First)+"."+asciiFold(p.Last)) + "@example.com"
	}
	switch slot {
	case slotMuller:
		set("Harald", "Müller")
		if block == 0 {
			p.Email = "harald.mueller@example.de"
		}
	case slotNunez:
		set("José", "Núñez")
	case slotZoe:
		set("Zoë", "Hartmann")
	case slotFrancoise:
		set("Françoise", "Lemaire")
	case slotSmith:
		set("Robert", "Smith")
	case slotAcme:
		p.IsCompany = true
		p.First, p.Last, p.Title = "", "", ""
		p.Company = "Acme Holdings Inc."
		if block > 0 {
			p.Company = "Acme " + last + " Holdings Inc."
		}
		p.Email = "office@" + strings.ToLower(asciiFold(strings.ReplaceAll(strings.TrimSuffix(p.Company, " Inc."), " ", ""))) + ".example.com"
	case slotJSmith:
		set("Jennifer", "Smith")
		p.Email = "J" + asciiFold(p.Last) + "@Example.com"
	case slotChen:
		set("Michael", "Chen")
	case slotWalsh:
		set("Karen", "Walsh")
	}
	return p
}

func clientNumber(i int) string { return fmt.Sprint(1001 + i) }

// pclawClient is client i as PCLaw holds it.
func (g *gen) pclawClient(i int) person {
	b, s := i/period, i%period
	if s < numClientSpecials {
		return g.special(b, s)
	}
	return g.personAt(i)
}

func (g *gen) pclawClients() error {
	const rel = "pclaw/clients.csv"
	t, err := g.table(rel, EncCP1252, ',', true, false)
	if err != nil {
		return err
	}
	for i := 0; i < g.nClients; i++ {
		p := g.pclawClient(i)
		first, last, firm, display := p.First, p.Last, "", ""
		if p.IsCompany {
			firm, display = p.Company, p.Company
		} else {
			display = p.Last + ", " + p.First
		}
		row := t.Rec(clientNumber(i), first, last, firm, p.Title, display, p.Street, "", p.City, p.State, p.Zip, p.Phone, p.Email)
		if b, s := i/period, i%period; s < numClientSpecials {
			g.dup(fmt.Sprintf("%d-%d", b, s), ref(rel, row))
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.Contacts, Format: "pclaw-clients", Encoding: EncCP1252, Delimiter: ",", Header: false,
		Rows: g.nClients, Records: g.nClients,
		Note: "no header row; columns CLIENT, FIRST NAME, LAST NAME, FIRM NAME, TITLE, DISPLAY AS, ADDRESS LINE1, ADDRESS LINE2, CITY, STATE, ZIP, PHONE, EMAIL; CRLF"})
	return nil
}

// Matter slots with planted problems.
const (
	slotMangled     = 9 // a YY-NNNN number turned into a date by Excel
	slotCloseBefore = 10
	slotOrphan      = 11
	slotNoDesc      = 12
	slotDormant     = 13
	slotTrustNeg    = 20 // trust ledger drives this matter's balance below zero
)

// matterNumber is matter j's legacy number: 16-1001, 0042 or 1234.010 styles.
func matterNumber(j int) string {
	switch (j % period) % 3 {
	case 0:
		return fmt.Sprintf("%02d-%04d", 16+(j/3)%10, 1001+j)
	case 1:
		return fmt.Sprintf("%04d", 41+j)
	default:
		return fmt.Sprintf("%d.%03d", 1232+j, 10)
	}
}

// goodMatter maps any index to a matter other files may reference (not the
// one whose number Excel mangled, which no other file could match).
func (g *gen) goodMatter(j int) int {
	j %= g.nMatters
	if j%period == slotMangled {
		j--
	}
	return j
}

type matter struct {
	Number, Client, Type, Desc string
	Open, Close                time.Time
	Assign, Respon, Status     string
	ClientIdx                  int
}

var practiceAreas = []string{"Family Law", "Real Estate", "Estate Planning", "Litigation", "Corporate", "Employment", "Personal Injury", "Immigration"}

func (g *gen) matterAt(j int) matter {
	r := g.rng("matter", j)
	m := matter{Number: matterNumber(j)}
	m.ClientIdx = r.IntN(g.nClients)
	if j < g.nClients && j%2 == 0 {
		m.ClientIdx = j // most low-numbered clients get a matter, the specials among them
	}
	m.Client = clientNumber(m.ClientIdx)
	cl := g.pclawClient(m.ClientIdx)
	m.Type = practiceAreas[r.IntN(len(practiceAreas))]
	name := cl.Last
	if cl.IsCompany {
		name = cl.Company
	}
	switch m.Type {
	case "Family Law":
		m.Desc = fmt.Sprintf("%s - divorce and custody", name)
	case "Real Estate":
		m.Desc = fmt.Sprintf("%s - purchase of %s", name, g.personAt(j+7).Street)
	case "Estate Planning":
		m.Desc = fmt.Sprintf("%s - wills and trusts", name)
	case "Litigation":
		m.Desc = fmt.Sprintf("%s v. %s", name, g.personAt(j+13).Last)
	case "Corporate":
		m.Desc = fmt.Sprintf("%s - shareholder agreement", name)
	case "Employment":
		m.Desc = fmt.Sprintf("%s - wrongful termination", name)
	case "Personal Injury":
		m.Desc = fmt.Sprintf("%s - auto accident claim", name)
	default:
		m.Desc = fmt.Sprintf("%s - visa application", name)
	}
	m.Open = day(epochOpen, r.IntN(3900))
	if j == 0 {
		m.Open = time.Date(2016, 3, 14, 0, 0, 0, 0, time.UTC) // day > 12: the column is unambiguous
	}
	m.Assign = Lawyers[r.IntN(4)].Initials
	m.Respon = Lawyers[r.IntN(2)].Initials
	switch x := r.IntN(20); {
	case x < 13:
		m.Status = "Active"
	case x < 15:
		m.Status = "Inactive"
	case x < 19:
		m.Status = "Closed"
	default:
		m.Status = "On Hold"
	}
	if j%period == 1 {
		m.Status = "Closed" // guarantees a closed matter with a day > 12 close date
		m.Close = time.Date(2024, 6, 28, 0, 0, 0, 0, time.UTC)
		if !m.Open.Before(m.Close) {
			m.Open = time.Date(2021, 2, 17, 0, 0, 0, 0, time.UTC)
		}
	} else if m.Status == "Closed" {
		m.Close = day(m.Open, 30+r.IntN(900))
		if m.Close.After(asOf) {
			m.Close = day(asOf, -1) // openings end in 2026-09, so still after the opening
		}
	}
	return m
}

func (g *gen) pclawMatters() error {
	const rel = "pclaw/matters.csv"
	t, err := g.table(rel, EncCP1252, ',', true, false)
	if err != nil {
		return err
	}
	for j := 0; j < g.nMatters; j++ {
		m := g.matterAt(j)
		num, desc, status, client := m.Number, m.Desc, m.Status, m.Client
		closeDate := ""
		if !m.Close.IsZero() {
			closeDate = mdy(m.Close)
		}
		b := j / period
		var p *Planted
		switch j % period {
		case slotMangled:
			var yy, nnnn int
			fmt.Sscanf(num, "%d-%d", &yy, &nnnn)
			num = fmt.Sprintf("%d/%d/%d", 1, yy, 2000+nnnn%100)
			p = &Planted{Rule: model.RuleExcelMangled, Field: "display_number", Value: num,
				Note: fmt.Sprintf("matter number %s was turned into a date when the export was opened and saved in Excel", m.Number)}
		case slotCloseBefore:
			status = "Closed"
			closeDate = mdy(day(m.Open, -45))
			p = &Planted{Rule: model.RuleMatterCloseBeforeOpen, Field: "close_date", Value: closeDate, Note: "closed 45 days before it was opened"}
		case slotOrphan:
			client = fmt.Sprint(9900000 + b)
			p = &Planted{Rule: model.RuleOrphanClient, Field: "client", Value: client, Note: "client number not in clients.csv"}
		case slotNoDesc:
			desc = ""
			p = &Planted{Rule: model.RuleMatterMissingDesc, Field: "description", Value: num}
		case slotDormant:
			status = "Dormant"
			p = &Planted{Rule: model.RuleMatterInvalidStatus, Field: "status", Value: status, Note: "not Active/Inactive/Closed/On Hold: no value map gives Open/Pending/Closed"}
		}
		if status != "Closed" {
			closeDate = ""
		}
		row := t.Rec(num, client, m.Type, desc, mdy(m.Open), m.Assign, m.Respon, status, closeDate)
		if p != nil {
			p.File, p.Row, p.Entity = rel, row, model.Matters
			g.plant(*p)
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.Matters, Format: "pclaw-matters", Encoding: EncCP1252, Delimiter: ",", Header: false,
		Rows: g.nMatters, Records: g.nMatters,
		Note: "no header row; columns MATTER, CLIENT, TYPE_OF_LAW, MATTER DESCRIPTION, DATE OPENED (MM/DD/YYYY), ASSIGN. LAWYER, RESPON. LAWYER, STATUS, DATE CLOSED; CRLF; STATUS Active/Inactive/Closed/On Hold are all valid after value maps (Active→Open, Closed→Closed, On Hold→Pending, Inactive→Closed or Pending); Dormant is not"})
	return nil
}

// Time-entry slots with planted problems (all unbilled, so they are records).
const (
	slotTimeXX       = 5
	slotTimeNegative = 15
	slotTimeAbsurd   = 25
	slotTimeOrphan   = 35
	slotTimeNoUser   = 45
)

var rates = map[string]int64{"HL": 45000, "JH": 42500, "MP": 35000, "DK": 30000, "SO": 15000, UnknownInitials: 25000, "": 25000}

var activities = []string{
	"Telephone conference with client", "Draft correspondence to opposing counsel", "Review documents",
	"Prepare for hearing", "Court appearance", "Research case law", "Draft motion", "Meeting with client",
	"Review and revise agreement", "E-mail exchange re: scheduling", "Prepare closing documents", "Attend deposition",
}

func (g *gen) pclawTime() error {
	const rel = "pclaw/time.csv"
	t, err := g.table(rel, EncUTF8, ',', true, false)
	if err != nil {
		return err
	}
	t.Rec("Date", "Lawyer", "Matter", "Hours", "Rate", "Amount", "Description", "Billed", "Invoice")
	r := g.rng(rel, 0)
	billed, unbilled := 0, 0
	start := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < g.nTime; i++ {
		d := day(start, r.IntN(354))
		if i == 0 {
			d = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
		}
		lw := Lawyers[r.IntN(len(Lawyers))].Initials
		mat := matterNumber(g.goodMatter(r.IntN(g.nMatters)))
		tenths := int64(1 + r.IntN(60))
		act := activities[r.IntN(len(activities))]
		isBilled := r.IntN(10) < 6
		var p *Planted
		switch i % period {
		case slotTimeXX:
			lw = UnknownInitials
			p = &Planted{Rule: model.RuleUserUnmatched, Field: "user", Value: lw, Note: "initials match no lawyer of the firm"}
		case slotTimeNegative:
			tenths = -15
			p = &Planted{Rule: model.RuleTimeBadDuration, Field: "quantity", Value: "-1.50", Note: "negative hours"}
		case slotTimeAbsurd:
			tenths = 300
			p = &Planted{Rule: model.RuleTimeBadDuration, Field: "quantity", Value: "30.00", Note: "30 hours in one entry"}
		case slotTimeOrphan:
			mat = "99-9999"
			p = &Planted{Rule: model.RuleOrphanMatter, Field: "matter", Value: mat, Note: "no such matter in matters.csv"}
		case slotTimeNoUser:
			lw = ""
			p = &Planted{Rule: model.RuleTimeMissingUser, Field: "user", Value: act, Note: "Lawyer column empty"}
		}
		if p != nil {
			isBilled = false
		}
		rate := rates[lw]
		amount := tenths * rate / 10
		bill, inv := "N", ""
		if isBilled {
			bill, inv = "Y", fmt.Sprintf("INV-%05d", 10001+r.IntN(90000))
			billed++
		} else {
			unbilled++
		}
		row := t.Rec(mdy(d), lw, mat, fmt.Sprintf("%.2f", float64(tenths)/10), model.Cents(rate).String(), model.Cents(amount).String(), act, bill, inv)
		if p != nil {
			p.File, p.Row, p.Entity = rel, row, model.TimeEntries
			g.plant(*p)
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.TimeEntries, Format: "pclaw-time", Encoding: EncUTF8, Delimiter: ",", Header: true,
		Rows: g.nTime, Records: unbilled, Excluded: map[model.Reason]int{model.BilledHistory: billed},
		Note: "Billed=Y rows are history (excluded billed_history); Hours decimal; Rate and Amount in dollars; CRLF"})
	return nil
}

// trustLine is one trust-ledger transaction.
type trustLine struct {
	Date   time.Time
	Type   string
	Amount model.Cents
	Ref    string
}

func (g *gen) pclawTrust() error {
	const rel = "pclaw/trust-ledger.csv"
	t, err := g.table(rel, EncUTF8BOM, ';', true, false)
	if err != nil {
		return err
	}
	t.Rec("Date", "Matter", "Client", "Type", "Amount", "Reference")
	lines := 0
	firstDate := true
	for j := 0; j < g.nMatters; j++ {
		if j%period == slotMangled {
			continue
		}
		r := g.rng("trust", j)
		neg := j%period == slotTrustNeg
		if !neg && r.IntN(10) >= 3 {
			continue
		}
		m := g.matterAt(j)
		cl := g.pclawClient(m.ClientIdx).Display()
		d := day(m.Open, 5+r.IntN(30))
		if d.After(asOf) {
			d = day(asOf, -20)
		}
		if firstDate {
			d, firstDate = time.Date(d.Year(), d.Month(), 23, 0, 0, 0, 0, time.UTC), false
		}
		var bal model.Cents
		var ls []trustLine
		dep := model.Cents(50000 * (1 + r.IntN(20)))
		ls = append(ls, trustLine{d, "Deposit", dep, fmt.Sprintf("RCPT %d", 3000+j)})
		bal += dep
		if neg {
			w := dep + 25000
			ls = append(ls, trustLine{day(d, 12), "Withdrawal", w, fmt.Sprintf("CHK %d", 7000+j)})
			bal -= w
		} else {
			for k := 0; k < r.IntN(4); k++ {
				d = day(d, 7+r.IntN(40))
				switch r.IntN(3) {
				case 0:
					dep := model.Cents(10000 * (1 + r.IntN(30)))
					ls = append(ls, trustLine{d, "Deposit", dep, fmt.Sprintf("RCPT %d-%d", 3000+j, k)})
					bal += dep
				case 1:
					w := model.Cents(int64(bal) * int64(1+r.IntN(4)) / 4)
					if w == 0 {
						continue
					}
					ls = append(ls, trustLine{d, "Transfer to Operating", w, fmt.Sprintf("TRF %d-%d", 5000+j, k)})
					bal -= w
				default:
					w := model.Cents(int64(bal) / 3)
					if w == 0 {
						continue
					}
					ls = append(ls, trustLine{d, "Withdrawal", w, fmt.Sprintf("CHK %d-%d", 7000+j, k)})
					bal -= w
				}
			}
		}
		var run model.Cents
		for _, l := range ls {
			l.Date = notAfter(l.Date, asOf)
			row := t.Rec(mdy(l.Date), m.Number, cl, l.Type, l.Amount.String(), l.Ref)
			lines++
			if l.Type == "Deposit" {
				run += l.Amount
			} else {
				run -= l.Amount
			}
			if neg && run < 0 {
				g.plant(Planted{Rule: model.RuleBalanceNegative, File: rel, Row: row, Entity: model.TrustBalances, Field: "amount", Value: m.Number,
					Note: fmt.Sprintf("withdrawal exceeds the funds held: trust balance %s", run)})
				neg = false
			}
		}
		if bal != 0 {
			g.truth.TrustBalances[m.Number] = bal
		}
	}
	if err := t.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.TrustBalances, Format: "pclaw-trust-ledger", Encoding: EncUTF8BOM, Delimiter: ";", Header: true,
		Rows: lines, Records: 0, Excluded: map[model.Reason]int{model.AccountingHistory: lines},
		Note: "ledger lines are history; trust balances (one per matter, non-zero only) are derived: Deposit raises, Withdrawal and Transfer to Operating lower; amounts positive, dot decimal; CRLF"})
	return nil
}
