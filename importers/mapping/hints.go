package mapping

import (
	"fmt"
	"sort"
	"strings"

	"handover/core/model"
)

// ViaLink marks a column mapped as a link to another table's records: its
// values were found in that table's key column (see importers/relational).
const ViaLink Via = "link"

// RuleLinkQuestion is a column that may be a link to matters, contacts or
// people of the firm, which the mapper could not settle from its values:
// the Mapping screen asks (Plan.Questions) and the answer is remembered like
// any column choice.
const RuleLinkQuestion = "link.question"

// RuleLookupTable notes a table read as a lookup: its rows decode codes in
// the tables that refer to it and are not migrated as records.
const RuleLookupTable = "table.lookup"

// Hints are what a pre-pass over a whole source (a database's tables read
// together, a folder's files) knows about one table that its header and a
// sample cannot tell: what the table holds, which columns are links and how
// their values decode into the parent's reference form.
type Hints struct {
	Kind string // record type decided from the table's links and values ("" = let Choose decide)
	// KindIfUnknown applies Kind only when Choose could not tell the type
	// (files exported one table each, which profiles read well).
	KindIfUnknown bool
	Columns       map[string]ColumnHint // by header as read
	// Lookup, when set, says the table only decodes codes for the tables
	// that refer to it (status codes, staff by initials): its rows are not
	// migrated as records; the text is the reason shown with them.
	Lookup    string
	Questions []Question
	Why       string // what in the table's columns, links and values decided its type
	// Lines: an A/R table's rows are invoices' lines — billed history that
	// moves no balance (each row is excluded as accounting history).
	Lines bool
	// Settles: an A/R table's rows settle an invoice listing's invoices —
	// payments, and refunds of them — however their money flows (it is
	// never read as a trust account's, ledgerflow.go).
	Settles bool
	// TrustKeptIn names the table of the same source that keeps the firm's
	// trust money (typed trust by its name or columns), when the source
	// also lists invoices: a typed money table on matters beside them whose
	// words read as payments and their refunds is not a second trust
	// account, however its money flows (ledgerflow.go).
	TrustKeptIn string
}

// ColumnHint says where one column goes and how its values read.
type ColumnHint struct {
	Target string
	// Decode maps a legacy value (a foreign key) to the parent's reference
	// form: a matter's number, a contact's legacy id, a person's name or a
	// code's label. Values not in it are kept as written.
	Decode map[string]string
	// RefKind is the model.Ref kind the decoded value is ("id", "number",
	// "key"), for targets whose default kind differs (a note's contact).
	RefKind string
	// Values are value-map entries for the column's target (e.g. a 0/1 done
	// flag onto task statuses).
	Values map[string]string
	// Reading, when set, is how the column's values read (one of
	// ReadingChoices), decided from the whole source: amounts a database
	// keeps in integer cents everywhere.
	Reading string
	Link    *Link // set when the column is a link
	// Matters maps a ledger's invoice reference to the matter (its number)
	// the invoice listing gives that invoice: a payments list that names
	// only the invoice each row settles takes its matter from it.
	Matters map[string]string
}

// Link describes a column that refers to another table's records.
type Link struct {
	Column   string  `json:"column"`
	Parent   string  `json:"parent"`    // table referred to
	ParentOf string  `json:"parent_of"` // what it holds: matters, contacts, staff, lookup
	Key      string  `json:"key"`       // the parent's column the values are found in
	Declared bool    `json:"declared,omitempty"`
	Found    float64 `json:"found"` // share of the column's non-empty values found in Key
	Why      string  `json:"why"`
}

// Question asks the user about a column the mapper could not settle.
type Question struct {
	Rule    string   `json:"rule"`
	Column  string   `json:"column"`
	Message string   `json:"message"`
	Choices []Choice `json:"choices"`
}

// Choice is one answer to a Question: the column goes to Target.
type Choice struct {
	Label  string `json:"label"`
	Target string `json:"target"`
}

// ChooseWithHints is Choose for a table a pre-pass has read together with
// the rest of its source: the hinted record type and link columns win over
// what the header suggests, but never over the user's own choices (Memory).
func ChooseWithHints(file, table string, header []string, sample [][]string, mem Memory, force string, h Hints) (*Plan, error) {
	p, err := Choose(file, table, header, sample, mem, force)
	if err != nil || force != "" {
		return p, err
	}
	before := p.kind
	p.applyHints(h)
	if p.kind != before || h.Settles || h.TrustKeptIn != "" {
		// the hinted type's ledger kind, as Choose settles its own, and the
		// words Choose read before it knew the rows settle listed invoices
		p.shapeLedger(file, table, sample)
	}
	p.readAcrossColumns(sample) // on the hinted type, with the hinted amount column
	p.paymentsByLink(sample)
	return p, nil
}

// paymentsByLink: an A/R table whose invoice-number column points into
// another A/R table's invoice numbers lists what was paid against those
// invoices, not more invoices — whatever the table or its amount column is
// called. A table with a paid or balance column is an invoice listing
// itself; one with a type column says row by row (a remarks column a few
// type words made the type is not one: remarksNotType).
func (p *Plan) paymentsByLink(sample [][]string) {
	if p.kind != "ledger:ar" || p.Ledger != model.LedgerInvoice {
		return
	}
	ref := ""
	for _, c := range p.Columns {
		switch {
		case c.Target == "ledger.type" && c.Via == ViaValues && sparse(sample, c.Index):
		case c.Target == "ledger.paid", c.Target == "ledger.balance", c.Target == "ledger.type":
			return
		case c.Target == "ledger.reference":
			ref = c.Header
		}
	}
	for _, l := range p.Links {
		if ref != "" && l.Column == ref && l.ParentOf == "ledger:ar" {
			p.Ledger = model.LedgerPayment
			p.remarksNotType(sample)
			return
		}
	}
}

func (p *Plan) applyHints(h Hints) {
	if h.Lookup != "" {
		var keep []Warning
		for _, w := range p.Warnings {
			if w.Rule != RuleUnknownTable {
				keep = append(keep, w)
			}
		}
		p.Warnings = append(keep, Warning{Rule: RuleLookupTable, Message: h.Lookup})
		p.Lookup = h.Lookup
		return
	}
	p.settles = h.Settles
	p.trustKeptIn = h.TrustKeptIn
	if h.Kind != "" && h.Kind != p.kind && (!h.KindIfUnknown || p.kind == "") {
		if err := p.setEntity(h.Kind, !h.KindIfUnknown); err != nil {
			return
		}
	}
	if h.Kind != "" && h.Kind == p.kind {
		p.Why = h.Why
		p.BilledLines = h.Lines && p.kind == "ledger:ar"
	}
	var readings [][2]string // set once the targets are (a reading belongs to its target)
	headers := make([]string, 0, len(h.Columns))
	for hd := range h.Columns {
		headers = append(headers, hd)
	}
	sort.Strings(headers)
	for _, hd := range headers {
		ch := h.Columns[hd]
		for i := range p.Columns {
			c := &p.Columns[i]
			if c.Header != hd {
				continue
			}
			if (c.Via == ViaUser || c.Via == ViaRemembered) && c.Target != ch.Target {
				continue // the user's choice stands
			}
			if ch.Target != "" && targetFits(ch.Target, p.kind) && c.Via != ViaUser && c.Via != ViaRemembered {
				c.Target, c.Confidence = ch.Target, 1
				c.Via = ViaExact
				if ch.Link != nil {
					c.Via = ViaLink
				}
			}
			if len(ch.Decode) > 0 {
				if p.decode == nil {
					p.decode = map[int]map[string]string{}
				}
				p.decode[c.Index] = ch.Decode
			}
			if ch.RefKind != "" {
				if p.refKinds == nil {
					p.refKinds = map[string]string{}
				}
				p.refKinds[c.Target] = ch.RefKind
			}
			for src, v := range ch.Values {
				key := c.Target
				if key == "status" && p.kind == "tasks" {
					key = "task.status"
				}
				p.SetValue(key, src, v)
			}
			if ch.Link != nil {
				p.Links = append(p.Links, *ch.Link)
			}
			if len(ch.Matters) > 0 && c.Target == "ledger.reference" {
				p.matterOf = ch.Matters
			}
			if ch.Reading != "" {
				readings = append(readings, [2]string{c.Header, ch.Reading})
			}
		}
	}
	for _, q := range h.Questions {
		remembered := false
		for _, c := range p.Columns {
			if c.Header == q.Column && (c.Via == ViaUser || c.Via == ViaRemembered) {
				remembered = true // answered before
			}
		}
		if remembered {
			continue
		}
		p.Questions = append(p.Questions, q)
		rule := q.Rule // a link to confirm, or what a column's values mean (billed or billable)
		if rule == "" {
			rule = RuleLinkQuestion
		}
		p.Warnings = append(p.Warnings, Warning{Rule: rule, Column: q.Column, Message: q.Message})
	}
	p.refresh()
	for _, r := range readings {
		if _, answered := p.rd.user[r[0]]; !answered {
			p.SetReading(r[0], r[1]) // a target the reading does not fit keeps its own reading
		}
	}
}

// decodeRow returns row with its link columns decoded into the parents'
// reference forms; the row itself is not changed (the raw values are staged).
func (p *Plan) decodeRow(row []string) []string {
	if len(p.decode) == 0 {
		return row
	}
	out := append([]string(nil), row...)
	for i, m := range p.decode {
		if i < len(out) {
			if v, ok := m[strings.TrimSpace(out[i])]; ok {
				out[i] = v
			}
		}
	}
	return out
}

// refKind is the Ref kind for a link target's values: the hinted one, else def.
func (p *Plan) refKind(target, def string) string {
	if k := p.refKinds[target]; k != "" {
		return k
	}
	return def
}

// LinkSummary is one line per link column, for reports.
func (p *Plan) LinkSummary() []string {
	var out []string
	for _, l := range p.Links {
		out = append(out, fmt.Sprintf("%s → %s.%s (%s, %.0f%% found)", l.Column, l.Parent, l.Key, l.ParentOf, 100*l.Found))
	}
	return out
}
