package firmgen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// Spec names a firm: its seed and the shape of what it hands over.
type Spec struct {
	Name  string
	Seed  int64
	Shape string
	// Widened: the firm also draws the quirks added after the first corpus
	// (Quirks: report titles and totals, currency codes, mixed dates, empty
	// and duplicated columns, abbreviated headers, matters by number and
	// description). Firms drawn from a seed are; the eight corpus firms keep
	// the shapes their per-firm targets were set on.
	Widened bool
}

// Shapes are the kinds of hand-over the corpus covers.
var Shapes = []string{
	"csv-folder",      // a folder of CSV exports, a documents tree and saved e-mails: every Clio type
	"xlsx-workbook",   // one workbook, a sheet per table
	"sqlite-declared", // an in-house SQLite database with declared foreign keys and lookup tables
	"sqlite-access",   // an Access-style database copied to SQLite, no declared keys
	"dbf-set",         // a set of FoxPro tables
	"desktop-mix",     // address book, calendar, saved e-mails, CSVs, documents
	"european-csv",    // semicolons, day-first dates, decimal commas, local headers
	"tab-utf16",       // tab or pipe separated, UTF-16 or Windows-1252, upper-case headers, a mailbox
}

// Firms is the corpus CI runs: eight firms of clearly different shapes.
func Firms() []Spec {
	return []Spec{
		{Name: "harbor-family-law", Seed: 101, Shape: "csv-folder"},
		{Name: "lumen-legal", Seed: 202, Shape: "xlsx-workbook"},
		{Name: "cedar-casebase", Seed: 303, Shape: "sqlite-declared"},
		{Name: "granite-access", Seed: 404, Shape: "sqlite-access"},
		{Name: "pioneer-foxpro", Seed: 505, Shape: "dbf-set"},
		{Name: "willow-solo", Seed: 606, Shape: "desktop-mix"},
		{Name: "meridian-avocats", Seed: 707, Shape: "european-csv"},
		{Name: "atlas-tabbed", Seed: 808, Shape: "tab-utf16"},
	}
}

// FromSeed is a firm of any shape drawn from a seed.
func FromSeed(seed int64) Spec {
	return Spec{Name: fmt.Sprintf("firm-%d", seed), Seed: seed, Shape: Shapes[int(uint64(seed)%uint64(len(Shapes)))], Widened: true}
}

// Generate writes the firm to dir/export and its truth to dir/truth.json,
// and returns the truth. dir/export is replaced.
func Generate(dir string, spec Spec) (*Truth, error) {
	r := rand.New(rand.NewPCG(uint64(spec.Seed), uint64(spec.Seed)*0x9E3779B97F4A7C15+1))
	st := drawStyle(r)
	st = constrain(st, spec.Shape, r)
	// Dimensions added later draw from their own stream, so a firm's
	// earlier draws (and so its files) stay what the team has seen.
	later := rand.New(rand.NewPCG(uint64(spec.Seed), 0xD1F7))
	st.Drift = later.IntN(2) == 0
	quirk := rand.New(rand.NewPCG(uint64(spec.Seed), 0x51DE))
	if spec.Widened {
		st.Q = drawQuirks(quirk, st, spec.Shape)
		if st.Q.MatterDesc {
			st.MatterRef = "number" // what names a matter by its description names it by its number too
		}
	}
	ledgers := rand.New(rand.NewPCG(uint64(spec.Seed), 0x1ED6))
	if spec.Widened {
		st.L = drawLedgers(ledgers, st)
	}
	sz := size{Staff: 2 + r.IntN(4), Clients: 15 + r.IntN(35), Matters: 20 + r.IntN(50), Parties: 5 + r.IntN(20)}
	base := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	w := newWorld(r, sz, base)
	relational := spec.Shape == "sqlite-declared" || spec.Shape == "sqlite-access" || spec.Shape == "dbf-set"
	plant(w, r, st.ClientRef == "id" || relational)
	out := exportDir(dir)
	if err := os.RemoveAll(out); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	g := &gen{dir: out, st: st, locs: map[string]Loc{}, later: later, quirk: quirk,
		truth: &Truth{Firm: spec.Name, Seed: spec.Seed, Shape: spec.Shape, Style: st.describe()}}
	b := &builder{w: w, st: st, r: r, lr: ledgers, staffByName: r.IntN(2) == 0}
	if err := g.shape(spec.Shape, b, r); err != nil {
		return nil, fmt.Errorf("firm %s: %w", spec.Name, err)
	}
	g.balances(w, st)
	for _, s := range w.staff {
		g.truth.Users = append(g.truth.Users, fmt.Sprintf("%s %s <%s>", s.First, s.Last, s.Email))
	}
	g.truth.sortStable()
	if err := g.truth.Write(filepath.Join(dir, TruthFile)); err != nil {
		return nil, err
	}
	return g.truth, nil
}

// ExportDir is where Generate put the firm's files.
func ExportDir(dir string) string { return exportDir(dir) }

// constrain fixes what a shape implies about its style.
func constrain(st Style, shape string, r *rand.Rand) Style {
	switch shape {
	case "csv-folder":
		st.Lang, st.Delim = "en", ","
		st.Encoding = pick(r, []string{"utf-8", "utf-8-bom"})
		if st.MatterNo == "slash" {
			st.MatterNo = "dash"
		}
	case "xlsx-workbook":
		st.Short = false
	case "sqlite-declared":
		st.Naming = pick(r, []string{"snake", "camel"})
		st.MatterRef = "id"
		st.Date = pick(r, []string{"iso", "unix"})
		st.Money = pick(r, []string{"plain", "cents"})
		st.Short, st.Extra = false, false
	case "sqlite-access":
		st.Naming = "access"
		st.MatterRef = pick(r, []string{"id", "number"})
		st.Date = pick(r, []string{"julian", "unix", "unixms", "excel", "yyyymmdd"})
		st.Money = "cents"
		st.Duration = pick(r, []string{"units", "minutes"})
		st.Flag = "01"
		st.Short = false
	case "dbf-set":
		st.Naming = "upper"
		st.MatterRef = pick(r, []string{"id", "number"})
		st.Money = pick(r, []string{"plain", "cents"})
		st.Short, st.Extra = false, false
	case "desktop-mix":
		st.Lang = "en"
		st.ClientRef = pick(r, []string{"lastfirst", "middle"})
		st.Delim = pick(r, []string{",", ";"})
		if st.MatterNo == "slash" {
			st.MatterNo = "dash"
		}
	case "european-csv":
		st.Lang = pick(r, []string{"fr", "es", "de"})
		st.Delim = ";"
		st.Date = pick(r, []string{"dmy", "dotted"})
		st.Money = "comma"
		st.Encoding = pick(r, []string{"windows-1252", "utf-8-bom"})
		st.MatterNo = "slash"
		st.Trust = "inout"
	case "tab-utf16":
		st.Naming = "upper"
		st.Delim = pick(r, []string{"\t", "|"})
		st.Encoding = pick(r, []string{"utf-16le", "windows-1252"})
		st.Date = pick(r, []string{"yyyymmdd", "excel", "monthname"})
		st.Duration = "hmm"
		st.Flag = "x"
		st.MatterNo = "mprefix"
	}
	return st
}

func (g *gen) shape(shape string, b *builder, r *rand.Rand) error {
	w, st := b.w, b.st
	all := func(withParties bool) []*table {
		ts := []*table{b.contacts(false), b.matters(false), b.time(r.IntN(2) == 0), b.invoices()}
		if st.AR == "payments" {
			ts = append(ts, b.paymentsShaped())
		}
		ts = append(ts, b.trust(), b.notes(), b.tasks())
		if withParties {
			clients := map[int]bool{}
			for i, c := range w.contacts {
				clients[i] = !c.party
			}
			ts = append(ts, b.parties(clients))
		}
		if st.L.Lines { // last, so the tables before it draw as they did
			ts = append(ts, b.invoiceLines())
		}
		return ts
	}
	csvs := func(dir string, ts []*table) error {
		for _, t := range ts {
			t.shape(r, st)
			g.widen(t, true)
			if err := g.csv(dir+st.tableName(t.base)+".csv", t); err != nil {
				return err
			}
		}
		return nil
	}
	switch shape {
	case "csv-folder":
		ts := append(all(true), b.events(), b.phone())
		if err := csvs("", ts); err != nil {
			return err
		}
		if err := g.documents("Documents", w, r, r.IntN(2) == 0); err != nil {
			return err
		}
		// saved e-mails too, so this firm holds every Clio type
		return g.emls("Mail", w, g.later)
	case "xlsx-workbook":
		ts := append(all(true), b.events())
		for _, t := range ts {
			t.shape(r, st)
			g.widen(t, true)
		}
		return g.xlsx("Firm data.xlsx", ts)
	case "sqlite-declared", "sqlite-access":
		b.relational = true
		ts := append([]*table{b.staffTable()}, all(true)...)
		declared := shape == "sqlite-declared"
		if declared {
			ts = append(ts, b.statusTable())
			ts[2] = b.matters(true)
		}
		ts = append(ts, b.events(), b.phone())
		for _, t := range ts {
			t.shape(r, st)
			g.widen(t, false)
		}
		name := "casebase.sqlite"
		if !declared {
			name = "Office.db"
		}
		return g.sqlite(name, ts, declared)
	case "dbf-set":
		b.relational = true
		ts := append([]*table{b.staffTable()}, all(false)...)
		for _, t := range ts {
			t.shape(r, st)
			g.widen(t, false)
		}
		return g.dbf("DATA", ts)
	case "desktop-mix":
		if err := g.vcf("Contacts.vcf", w); err != nil {
			return err
		}
		ts := []*table{b.matters(false), b.time(true), b.invoices()}
		if st.AR == "payments" {
			ts = append(ts, b.paymentsShaped())
		}
		ts = append(ts, b.trust(), b.phone())
		if st.L.Lines {
			ts = append(ts, b.invoiceLines())
		}
		if err := csvs("Exports/", ts); err != nil {
			return err
		}
		if err := g.ics("Calendar.ics", w, r); err != nil {
			return err
		}
		if err := g.emls("Mail", w, r); err != nil {
			return err
		}
		return g.documents("Client Files", w, r, true)
	case "european-csv":
		ts := append(all(true), b.events())
		return csvs("export/", ts)
	case "tab-utf16":
		ts := append(all(false), b.phone())
		if err := csvs("", ts); err != nil {
			return err
		}
		return g.mbox("Mail/Inbox.mbox", w, r)
	}
	return fmt.Errorf("unknown shape %q", shape)
}

// balances writes the truth's balances: A/R per matter, trust per matter or
// per client as the ledger keeps it. Zero balances are not brought forward.
func (g *gen) balances(w *world, st Style) {
	ar := w.arByMatter()
	for mi := range w.matters {
		if ar[mi] != 0 {
			g.truth.Balances = append(g.truth.Balances, Balance{Kind: "ar", Owner: mid(mi), Cents: ar[mi]})
		}
	}
	tr := w.trustByMatter()
	if st.TrustBy == "client" {
		byClient := map[int]int64{}
		for mi, v := range tr {
			byClient[w.matters[mi].Client] += v
		}
		for ci := range w.contacts {
			if byClient[ci] != 0 {
				g.truth.Balances = append(g.truth.Balances, Balance{Kind: "trust", Owner: cid(ci), Cents: byClient[ci]})
			}
		}
		return
	}
	for mi := range w.matters {
		if tr[mi] != 0 {
			g.truth.Balances = append(g.truth.Balances, Balance{Kind: "trust", Owner: mid(mi), Cents: tr[mi]})
		}
	}
}

// widen lays a table out with the firm's quirks: empty and duplicated
// columns, and — in a report-style export (report) — a totals row under
// money and time listings.
func (g *gen) widen(t *table, report bool) {
	t.layout(g.quirk, g.st)
	if report && g.st.Q.Totals {
		switch t.base {
		case "time_entries", "invoices", "payments", "trust", g.st.L.LinesBase:
			t.totalsRow(g.quirk)
		}
	}
}
