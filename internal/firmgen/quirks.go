package firmgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Quirks are the shapes real firms' exports take that the first corpus did
// not draw: report layout (a title above the header, a totals row at the
// bottom), currency codes on amounts, a date column written two ways,
// empty and duplicated columns, abbreviated upper-case headers, and matters
// named by number and description together. Held-out firms draw them
// (Spec.Widened); the eight corpus firms keep the shapes the team has seen.
type Quirks struct {
	// Title: a report title and a printed-on line, then a blank line,
	// above the header (CSV and workbook exports printed as reports).
	Title bool
	// Totals: a totals row at the bottom of money and time listings.
	Totals bool
	// Currency: amounts carry an ISO currency code ("USD 1,234.50", "1.234,50 EUR").
	Currency string
	// MixedDates: a quarter of a date column's rows written in a second
	// format (rows entered after a system change, or pasted in).
	MixedDates bool
	// EmptyCols: columns the export carries that nobody ever filled.
	EmptyCols bool
	// DupHeader: two columns under the same name (address lines both "Address").
	DupHeader bool
	// Abbrev: upper-case abbreviated headers, CLNT_NO, MTR_DSC, TK_INIT.
	Abbrev bool
	// MatterDesc: a child row names its matter by number and description
	// in one cell ("2024-017 - Divorce"); MatterForm picks the layout.
	MatterDesc bool
	MatterForm int
}

// drawQuirks draws a widened firm's quirks from their own stream, as far
// as its shape can carry them.
func drawQuirks(r *rand.Rand, st Style, shape string) Quirks {
	text := shape == "csv-folder" || shape == "desktop-mix" || shape == "european-csv" || shape == "tab-utf16"
	sheet := text || shape == "xlsx-workbook"
	p := func() bool { return r.IntN(5) < 2 }
	var q Quirks
	q.Title = p() && sheet
	q.Totals = p() && sheet
	if p() && text && st.Money != "cents" {
		q.Currency = "USD"
		if st.Money == "comma" {
			q.Currency = pick(r, []string{"EUR", "CHF"})
		}
	}
	q.MixedDates = p() && text
	q.EmptyCols = p()
	q.DupHeader = p() && sheet
	q.Abbrev = p() && st.Lang == "en" && shape != "sqlite-access" && shape != "sqlite-declared"
	q.MatterDesc = p() && sheet
	q.MatterForm = r.IntN(3)
	return q
}

func (q Quirks) describe(m map[string]string) {
	m["title_rows"] = fmt.Sprint(q.Title)
	m["totals_row"] = fmt.Sprint(q.Totals)
	m["currency_code"] = q.Currency
	m["mixed_dates"] = fmt.Sprint(q.MixedDates)
	m["empty_columns"] = fmt.Sprint(q.EmptyCols)
	m["duplicate_header"] = fmt.Sprint(q.DupHeader)
	m["abbreviated_headers"] = fmt.Sprint(q.Abbrev)
	m["matter_by_number_and_description"] = fmt.Sprint(q.MatterDesc)
}

// abbreviations: how report writers of the DOS and early Windows era named
// columns (PCLaw, Tabs3, home-grown dBase systems).
var abbreviations = map[string]string{
	"client_id": "CLNT_NO", "contact_id": "CNTCT_ID", "first": "FRST_NM", "middle": "MID_INIT", "last": "LST_NM",
	"company": "CO_NM", "email": "EMAIL_ADDR", "phone": "PHN_NO", "street": "ADDR1", "city": "CTY", "zip": "ZIP_CD",
	"created": "CRT_DT", "client": "CLNT_NM", "matter_id": "MTR_ID", "matter_no": "MTR_NO", "matter": "MTR",
	"description": "MTR_DSC", "area": "PRAC_AREA", "status": "STAT", "opened": "OPN_DT", "closed": "CLS_DT",
	"attorney": "RESP_ATTY", "date": "TRAN_DT", "staff": "TK_INIT", "hours": "HRS", "minutes": "MINS", "units": "UNITS",
	"duration": "DUR", "rate": "RT", "billed": "BLD_FLG", "invoice_no": "INV_NO", "amount": "AMT", "paid": "PD_AMT",
	"balance": "BAL_DUE", "type": "TRAN_TYP", "deposit": "DEP_AMT", "withdrawal": "WD_AMT", "memo": "MEMO",
	"subject": "SUBJ", "text": "NOTE_TXT", "author": "AUTH", "task": "TASK_DSC", "due": "DUE_DT", "assignee": "ASGN_TO",
	"done": "CMPL_FLG", "priority": "PRTY", "title": "EVT_DSC", "start_date": "STRT_DT", "start_time": "STRT_TM",
	"end_time": "END_TM", "all_day": "ALL_DAY", "location": "LOC", "caller": "CALLER", "for": "MSG_FOR",
	"message": "MSG_TXT", "call_back": "CALL_BCK", "time": "TM", "role": "ROLE", "name": "NM", "party": "PTY_NM",
	"initials": "INIT", "code": "CD", "label": "DSC", "remarks": "RMKS", "old_ref": "OLD_REF", "id": "REC_ID",
	"entry_id": "ENTRY_NO", "work": "WRK_DSC", "fax": "FAX_NO", "user1": "USR_FLD1", "street2": "ADDR1",
}

// matterWithDesc is a matter named by number and description in one cell.
func (s Style) matterWithDesc(m matter, client contact) string {
	no := s.matterNumber(m)
	switch s.Q.MatterForm {
	case 1:
		return no + " " + m.Desc
	case 2:
		return no + ": " + client.lastOrCompany() + " - " + m.Desc
	}
	return no + " - " + m.Desc
}

// withCurrency writes an amount with the firm's currency code: in front in
// English exports, behind where the decimal mark is a comma.
func (s Style) withCurrency(amount string) string {
	if s.Q.Currency == "" {
		return amount
	}
	if s.Money == "comma" {
		return amount + " " + s.Q.Currency
	}
	return s.Q.Currency + " " + amount
}

// altDate is a date column's second format, for MixedDates.
func (s Style) altDate(d day) string {
	alt := s
	switch s.Date {
	case "iso":
		alt.Date = "monthname"
	default:
		alt.Date = "iso"
	}
	return alt.date(time.Time(d))
}

// layout adds the empty and duplicated columns a widened firm's export
// carries, once per table (after shape).
func (t *table) layout(r *rand.Rand, st Style) {
	if st.Q.DupHeader && t.base == "clients" {
		// the second address line under the same name, filled now and then
		for i, c := range t.cols {
			if c.concept != "street" {
				continue
			}
			t.cols = insertCol(t.cols, i+1, col{concept: "street2", sameHeaderAs: "street"})
			for j := range t.rows {
				var v any
				if r.IntN(4) == 0 {
					v = fmt.Sprintf("Suite %d", 100+r.IntN(400))
				}
				t.rows[j] = insertCell(t.rows[j], i+1, v)
			}
			break
		}
	}
	if st.Q.EmptyCols && len(t.cols) > 2 {
		for _, concept := range []string{"fax", "user1"} {
			at := 1 + r.IntN(len(t.cols)-1)
			t.cols = insertCol(t.cols, at, col{concept: concept})
			for j := range t.rows {
				t.rows[j] = insertCell(t.rows[j], at, nil)
			}
		}
	}
}

// totalsRow appends a report's totals line to a money or time listing:
// its first cell says Total, money and duration columns are summed.
func (t *table) totalsRow(r *rand.Rand) {
	sums := make([]any, len(t.cols))
	money := false
	for _, row := range t.rows {
		for j, v := range row {
			switch x := v.(type) {
			case cents:
				s, _ := sums[j].(cents)
				sums[j] = s + x
				money = true
			case secs:
				s, _ := sums[j].(secs)
				sums[j] = s + x
			}
		}
	}
	if !money || len(t.rows) == 0 {
		return
	}
	sums[0] = pick(r, []string{"Total", "TOTAL", "Grand Total", "Totals:"})
	t.add(rowMeta{excl: "report_total"}, sums...)
}

func insertCol(cs []col, at int, c col) []col {
	cs = append(cs, col{})
	copy(cs[at+1:], cs[at:])
	cs[at] = c
	return cs
}

func insertCell(row []any, at int, v any) []any {
	row = append(row, nil)
	copy(row[at+1:], row[at:])
	row[at] = v
	return row
}

// titleLines are a printed report's lines above its header.
func (g *gen) titleLines(t *table) []string {
	name := strings.ReplaceAll(t.base, "_", " ")
	return []string{strings.ToUpper(name[:1]) + name[1:] + " listing", "Printed 30 Nov 2026 16:05"}
}
