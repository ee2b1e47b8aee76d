package synth

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"

	"handover/core/model"
)

// arLine is one row of the A/R ledger.
type arLine struct {
	Date   time.Time
	Type   string // Invoice, Payment, Credit
	Ref    string
	Amount model.Cents
}

// arLines are matter j's receivable transactions (none for most closed-out matters).
func (g *gen) arLines(j int) []arLine {
	r := g.rng("ar", j)
	if j%period == slotMangled || r.IntN(10) >= 6 {
		return nil
	}
	m := g.matterAt(j)
	d := day(m.Open, 20+r.IntN(60))
	if d.After(asOf) {
		d = day(asOf, -30)
	}
	var out []arLine
	for k := 0; k < 1+r.IntN(3); k++ {
		amt := model.Cents(50000 + 2500*r.IntN(400))
		out = append(out, arLine{d, "Invoice", fmt.Sprintf("INV-%05d", 10000+j*4+k), amt})
		switch x := r.IntN(10); {
		case x < 5:
			out = append(out, arLine{day(d, 10+r.IntN(40)), "Payment", fmt.Sprintf("CHK %d", 1000+r.IntN(9000)), amt})
		case x < 8:
			out = append(out, arLine{day(d, 10+r.IntN(40)), "Payment", fmt.Sprintf("CHK %d", 1000+r.IntN(9000)), amt / 2})
		case x < 9:
			out = append(out, arLine{day(d, 20+r.IntN(40)), "Credit", fmt.Sprintf("CR-%05d", 10000+j*4+k), amt / 10})
		}
		d = day(d, 30+r.IntN(30))
	}
	return out
}

func (g *gen) pclawAR() error {
	const rel = "pclaw/ar-ledger.xlsx"
	const sheet = "A-R Ledger"
	f := excelize.NewFile()
	defer f.Close()
	fixed := "2026-11-20T17:30:00Z"
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "PCLaw", LastModifiedBy: "PCLaw", Created: fixed, Modified: fixed, Title: "Accounts Receivable Ledger"}); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	dateFmt := "mm/dd/yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	moneyStyle, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return err
	}
	boldStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	row := 0
	put := func(vals ...any) error {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, vals)
	}
	if err := put(excelize.Cell{StyleID: boldStyle, Value: Firm}); err != nil {
		return err
	}
	if err := put("Accounts Receivable Ledger as of " + mdy(asOf)); err != nil {
		return err
	}
	hdr := []any{}
	for _, h := range []string{"Date", "Matter", "Type", "Reference", "Amount"} {
		hdr = append(hdr, excelize.Cell{StyleID: boldStyle, Value: h})
	}
	if err := put(hdr...); err != nil {
		return err
	}
	var inv, pay, cred model.Cents
	lines := 0
	for j := 0; j < g.nMatters; j++ {
		ls := g.arLines(j)
		if len(ls) == 0 {
			continue
		}
		num := matterNumber(j)
		var bal model.Cents
		for _, l := range ls {
			if err := put(excelize.Cell{StyleID: dateStyle, Value: notAfter(l.Date, asOf)}, num, l.Type, l.Ref,
				excelize.Cell{StyleID: moneyStyle, Value: float64(l.Amount) / 100}); err != nil {
				return err
			}
			lines++
			switch l.Type {
			case "Invoice":
				bal += l.Amount
				inv += l.Amount
			case "Payment":
				bal -= l.Amount
				pay += l.Amount
			default:
				bal -= l.Amount
				cred += l.Amount
			}
		}
		if bal != 0 {
			g.truth.ARBalances[num] = bal
		}
	}
	if err := put(excelize.Cell{StyleID: boldStyle, Value: "Total"}, nil, nil, nil,
		excelize.Cell{StyleID: moneyStyle, Value: float64(inv-pay-cred) / 100}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet("Summary"); err != nil {
		return err
	}
	summary := [][]any{
		{Firm, nil},
		{"A/R summary as of " + mdy(asOf), nil},
		{"Total invoiced", float64(inv) / 100},
		{"Total payments", float64(pay) / 100},
		{"Total credits", float64(cred) / 100},
		{"Outstanding", float64(inv-pay-cred) / 100},
	}
	for i, r := range summary {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Summary", cell, &r); err != nil {
			return err
		}
	}
	p := filepath.Join(g.dir, filepath.FromSlash(rel))
	if err := ensureDir(p); err != nil {
		return err
	}
	out, err := os.Create(p)
	if err != nil {
		return err
	}
	if _, err := f.WriteTo(out); err != nil {
		out.Close()
		return fmt.Errorf("synth: write %s: %w", rel, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.ARBalances, Format: "pclaw-ar-ledger", Encoding: EncBinary, Header: true,
		Rows: lines + 3 + len(summary), Records: 0, Excluded: map[model.Reason]int{model.AccountingHistory: lines, model.NotData: 3 + len(summary)},
		Note: "sheet \"A-R Ledger\": rows 1-2 report title, row 3 header Date|Matter|Type|Reference|Amount, data from row 4 (dates are date cells, matter numbers text cells, amounts numbers, all positive), last row \"Total\"; not_data = the 2 title rows + Total + the 6 rows of sheet \"Summary\" (rows counts every non-header row of the workbook); A/R = Invoice - Payment - Credit per matter, derived balances only where non-zero"})
	return nil
}
