package check

import (
	"encoding/json"
	"fmt"
	"strings"

	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
)

// firstRowsShown is how many rejected row numbers a finding lists.
const firstRowsShown = 5

// rejectedLedger is one ledger table of a source with rows rejected at
// ingest. The balances of its kind were worked out without those rows, so
// the ones the rows could touch may be wrong: a wrong figure in Clio is
// worse than none, so they are held back.
type rejectedLedger struct {
	source  string
	entity  model.Entity // model.ARBalances or model.TrustBalances
	rows    int64
	first   []int64 // the first few rejected row numbers
	reason  string  // the first rejected row's reason
	touched int     // balances given a finding

	// Which balances: every balance of the kind when a rejected row names
	// no matter that can be read (all); else the matters the rows name,
	// as written (values) and, once the matters are known, as record keys.
	all      bool
	values   []string
	keys     map[string]bool
	folded   map[string]bool
	resolved bool
}

// detectedTable is what check reads of a source's mapping plan (the
// importer's ingest.Table, written as JSON in sources.detection).
type detectedTable struct {
	Name    string           `json:"name"`
	Ledger  model.LedgerKind `json:"ledger"`
	Columns []struct {
		Index  int
		Target string
	} `json:"columns"`
}

// ledgerEntity is the balance a ledger table's lines go into.
func ledgerEntity(k model.LedgerKind) model.Entity {
	switch k {
	case model.LedgerInvoice, model.LedgerPayment, model.LedgerCredit:
		return model.ARBalances
	case model.LedgerTrustDeposit, model.LedgerTrustWithdrawal:
		return model.TrustBalances
	}
	return ""
}

// loadRejectedLedgers finds the ledger tables with rejected rows, with the
// matter each rejected row names (the column the mapping read as the
// matter, from the row's raw values).
func (c *checker) loadRejectedLedgers(srcs []workspace.Source) error {
	for _, s := range srcs {
		if s.Counts.Rejected == 0 || len(s.Detection) == 0 {
			continue
		}
		var det struct {
			Tables []detectedTable `json:"tables"`
		}
		if json.Unmarshal(s.Detection, &det) != nil {
			continue
		}
		byName := map[string]*rejectedLedger{}
		matterCol := map[string]int{}
		var order []*rejectedLedger
		for _, t := range det.Tables {
			ent := ledgerEntity(t.Ledger)
			if ent == "" {
				continue
			}
			l := &rejectedLedger{source: s.Name, entity: ent}
			byName[t.Name] = l
			matterCol[t.Name] = -1
			for _, col := range t.Columns {
				if col.Target == "matter" {
					matterCol[t.Name] = col.Index
				}
			}
			order = append(order, l)
		}
		if len(byName) == 0 {
			continue
		}
		if err := c.readRejectedRows(s.ID, byName, matterCol); err != nil {
			return err
		}
		for _, l := range order {
			if l.rows > 0 {
				c.rejected = append(c.rejected, l)
			}
		}
	}
	return nil
}

func (c *checker) readRejectedRows(sourceID int64, byName map[string]*rejectedLedger, matterCol map[string]int) error {
	rows, err := c.ws.DB().QueryContext(c.ctx, `SELECT row_no, locator, coalesce(raw, ''), reason FROM rows
		WHERE source_id = ? AND outcome = 'rejected' ORDER BY row_no`, sourceID)
	if err != nil {
		return fmt.Errorf("reading rejected ledger rows: %w", err)
	}
	defer rows.Close()
	seen := map[*rejectedLedger]map[string]bool{}
	for rows.Next() {
		var no int64
		var loc, raw, reason string
		if err := rows.Scan(&no, &loc, &raw, &reason); err != nil {
			return err
		}
		l := byName[loc]
		if l == nil {
			continue // a rejected row of a table that is not a ledger
		}
		l.rows++
		if len(l.first) < firstRowsShown {
			l.first = append(l.first, no)
		}
		if l.reason == "" {
			l.reason = reason
		}
		if l.all {
			continue
		}
		var vals []string
		_ = json.Unmarshal([]byte(raw), &vals) // unreadable raw values: no matter, so every balance
		m := ""
		if i := matterCol[loc]; i >= 0 && i < len(vals) {
			m = strings.TrimSpace(vals[i])
		}
		if m == "" {
			l.all, l.values = true, nil
			continue
		}
		if seen[l] == nil {
			seen[l] = map[string]bool{}
		}
		if !seen[l][m] {
			seen[l][m] = true
			l.values = append(l.values, m)
		}
	}
	return rows.Err()
}

// matterForms are the readings of a matter value as written in a ledger
// row: whole, then its first part ("2025/0011: Dubois - Debt collection"
// names matter 2025/0011), as the importers' link decoding would.
func matterForms(v string) []string {
	forms := []string{v}
	if i := strings.IndexByte(v, ':'); i > 0 {
		forms = append(forms, strings.TrimSpace(v[:i]))
	}
	if f := strings.Fields(v); len(f) > 1 {
		forms = append(forms, strings.TrimRight(f[0], ":,;"))
	}
	return forms
}

// resolveMatters turns the rejected rows' matter values into matter keys,
// once every matter is in the index. A value that names no matter exactly
// widens the rule to every balance of the kind: it cannot be told which
// balance the row would have gone into.
func (c *checker) resolveMatters(l *rejectedLedger) {
	l.resolved = true
	if l.all {
		return
	}
	l.keys, l.folded = map[string]bool{}, map[string]bool{}
	for _, v := range l.values {
		found := false
		for _, f := range matterForms(v) {
			if f == "" {
				continue
			}
			l.folded[strings.ToLower(f)] = true
			if res := c.ix.Matter(model.Ref{Kind: "number", Value: f}); res.Status == resolve.Found && res.Via != "description" {
				l.keys[res.Key] = true
				found = true
				break
			}
		}
		if !found {
			l.all = true
			return
		}
	}
}

// touches says whether a balance (its matter) could have taken one of the
// rejected rows.
func (c *checker) touches(l *rejectedLedger, matter model.Ref) bool {
	if !l.resolved {
		c.resolveMatters(l)
	}
	if l.all {
		return true
	}
	if matter.IsZero() {
		return false // a trust balance per contact: the rows named matters
	}
	if l.folded[strings.ToLower(strings.TrimSpace(matter.Value))] {
		return true
	}
	res := c.ix.Matter(matter)
	return res.Status == resolve.Found && l.keys[res.Key]
}

// balanceWithRejects holds a balance back when ledger rows that could go
// into it were rejected at ingest: one blocker per source, on the balance
// record, so the upload does not send it.
func (c *checker) balanceWithRejects(r workspace.StoredRecord, matter, contact model.Ref) error {
	for _, l := range c.rejected {
		if l.entity != r.Entity || !c.touches(l, matter) {
			continue
		}
		l.touched++
		at := r
		at.Prov.Source, at.Prov.Row = l.source, l.first[0]
		what, leave := "receivables", "enter the receivables in Clio yourself"
		if l.entity == model.TrustBalances {
			what, leave = "trust", "enter the trust balances in Clio yourself"
		}
		who := "matter " + matter.Value
		if matter.IsZero() {
			who = "client " + contact.Value
		}
		msg := fmt.Sprintf("%s of %s could not be read (%s), so the %s balance of %s, worked out without them, may be wrong: it is not sent to Clio",
			plural(l.rows, "row", "rows"), l.source, rowList(l.first, l.rows), what, who)
		fix := fmt.Sprintf("Open the rows of %s on the Clean screen to see why each was refused, correct them in %s and import the file again; or leave this balance out and %s",
			l.source, c.em.system(r), leave)
		if err := c.em.add(at, model.RuleBalanceRejectedRows, B, "amount", "", msg, fix,
			map[string]any{"rejected_rows": l.rows, "first_rows": l.first, "reason": l.reason}); err != nil {
			return err
		}
	}
	return nil
}

// rejectedUntouched says, once the balances are checked, where rejected
// ledger rows went into no balance at all (their matters have none): no
// figure is sent, but the matters' receivables or trust are missing.
func (c *checker) rejectedUntouched() error {
	for _, l := range c.rejected {
		if l.touched > 0 {
			continue
		}
		what := "receivables"
		if l.entity == model.TrustBalances {
			what = "trust money"
		}
		rec := workspace.StoredRecord{Record: model.Record{Entity: l.entity, Prov: model.Provenance{Source: l.source, Row: l.first[0]}}}
		msg := fmt.Sprintf("%s of %s could not be read (%s): the %s they record are in no balance sent to Clio",
			plural(l.rows, "row", "rows"), l.source, rowList(l.first, l.rows), what)
		fix := fmt.Sprintf("Open the rows of %s on the Clean screen to see why each was refused, correct them and import the file again", l.source)
		if err := c.em.add(rec, model.RuleBalanceRejectedRows, W, "", "", msg, fix,
			map[string]any{"rejected_rows": l.rows, "first_rows": l.first, "reason": l.reason}); err != nil {
			return err
		}
	}
	return nil
}

// rowList is "row 7" or "rows 7, 8, 9, 10, 11 and 19 more".
func rowList(first []int64, total int64) string {
	parts := make([]string, len(first))
	for i, n := range first {
		parts[i] = fmt.Sprint(n)
	}
	s := "row " + parts[0]
	if len(parts) > 1 || total > 1 {
		s = "rows " + strings.Join(parts, ", ")
	}
	if more := total - int64(len(first)); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}
