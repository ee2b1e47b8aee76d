package firmgen

import (
	"bytes"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	_ "modernc.org/sqlite" // driver "sqlite"

	"handover/internal/synth"
)

// gen writes one firm: the tables go through sinks, and every row written
// records where it landed, so the truth names rows as the importers count them.
type gen struct {
	dir   string // the export folder
	st    Style
	truth *Truth
	locs  map[string]Loc // record id → where it was written
	later *rand.Rand     // for parts added after the first corpus, so earlier files stay as they were
	quirk *rand.Rand     // for the widened range's quirks (Style.Q), so a firm's other draws stay as they were
}

func (g *gen) path(rel string) (string, error) {
	p := filepath.Join(g.dir, filepath.FromSlash(rel))
	return p, os.MkdirAll(filepath.Dir(p), 0o755)
}

// place records the truth of row i of t, written at loc.
func (g *gen) place(t *table, i int, loc Loc) {
	m := t.meta[i]
	if m.id != "" {
		g.truth.Records = append(g.truth.Records, Record{ID: m.id, Entity: m.entity, Loc: loc, Values: m.values, User: m.user})
		g.locs[m.id] = loc
		g.truth.Links = append(g.truth.Links, m.links...)
		for _, rule := range m.planted {
			g.truth.Planted = append(g.truth.Planted, Planted{ID: m.id, Rule: rule})
		}
	} else if m.excl != "" {
		g.truth.Excluded = append(g.truth.Excluded, Excluded{Loc: loc, Reason: m.excl})
	}
	for _, d := range m.derived {
		d.Loc = loc
		g.truth.Records = append(g.truth.Records, d)
		g.locs[d.ID] = loc
	}
}

// headers names t's columns in the firm's style, each name once.
func (g *gen) headers(t *table, maxLen int) []string {
	seen := map[string]int{}
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		if c.sameHeaderAs != "" {
			out[i] = g.st.headerFor(c.sameHeaderAs, maxLen)
			continue
		}
		h := g.st.headerFor(c.concept, maxLen)
		k := strings.ToLower(h)
		if n := seen[k]; n > 0 {
			suffix := fmt.Sprint(n + 1)
			if maxLen > 0 && len(h)+len(suffix) > maxLen {
				h = cutBytes(h, maxLen-len(suffix))
			}
			h += suffix
		}
		seen[k]++
		out[i] = h
	}
	return out
}

// text writes a cell as text in the firm's style.
func (g *gen) text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return fmt.Sprint(x)
	case day:
		return g.st.date(time.Time(x))
	case moment:
		return g.st.dateTime(time.Time(x))
	case cents:
		return g.st.withCurrency(g.st.money(int64(x)))
	case secs:
		return g.st.duration(int64(x))
	case flag:
		return g.st.flag(bool(x))
	}
	panic(fmt.Sprintf("firmgen: cell type %T", v))
}

// ---- CSV ----

func (g *gen) csv(rel string, t *table) error {
	delim := g.st.Delim
	hdr := g.headers(t, 0)
	var b strings.Builder
	eol := "\r\n"
	if g.st.Encoding == "utf-8" && g.st.Delim != "\t" {
		eol = "\n"
	}
	writeLine := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				b.WriteString(delim)
			}
			if strings.ContainsAny(c, delim+"\"\r\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString(eol)
	}
	top := int64(1) // the header's line
	if g.st.Q.Title {
		for n, line := range g.titleLines(t) {
			writeLine([]string{line})
			g.truth.Excluded = append(g.truth.Excluded, Excluded{Loc: Loc{File: rel, Row: int64(n + 1)}, Reason: "report_title"})
			top++
		}
		b.WriteString(eol)
		top++
	}
	writeLine(hdr)
	for i, row := range t.rows {
		cells := make([]string, len(row))
		for j, v := range row {
			cells[j] = g.text(v)
			if d, ok := v.(day); ok && g.st.Q.MixedDates && i%4 == 3 {
				cells[j] = g.st.altDate(d)
			}
		}
		// A firm's export that drops a row's trailing empty fields.
		if g.st.Short && i%3 == 1 {
			for len(cells) > 1 && cells[len(cells)-1] == "" {
				cells = cells[:len(cells)-1]
			}
		}
		writeLine(cells)
		g.place(t, i, Loc{File: rel, Row: top + int64(i) + 1})
	}
	data, err := encode(b.String(), g.st.Encoding)
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	p, err := g.path(rel)
	if err != nil {
		return err
	}
	g.truth.Files = append(g.truth.Files, FileTruth{File: rel, Format: "csv", Rows: len(t.rows) + int(top-1) - blankAbove(g.st), Encoding: g.st.Encoding,
		Delimiter: delim, HeaderRow: true})
	return os.WriteFile(p, data, 0o644)
}

func encode(s, enc string) ([]byte, error) {
	switch enc {
	case "utf-8-bom":
		return append([]byte("\xEF\xBB\xBF"), s...), nil
	case "windows-1252":
		return charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	case "utf-16le":
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	}
	return []byte(s), nil
}

// Decode reads bytes written in enc back to UTF-8 (for tests).
func Decode(b []byte, enc string) (string, error) {
	switch enc {
	case "utf-8-bom":
		return string(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))), nil
	case "windows-1252":
		out, err := charmap.Windows1252.NewDecoder().Bytes(b)
		return string(out), err
	case "utf-16le":
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(b)
		return string(out), err
	}
	return string(b), nil
}

// ---- xlsx: one workbook, a sheet per table; dates are date cells, money
// and hours numbers, as a firm's spreadsheet holds them ----

func (g *gen) xlsx(rel string, tables []*table) error {
	f := excelize.NewFile()
	defer f.Close()
	dateFmt := "yyyy-mm-dd"
	switch g.st.Date {
	case "us":
		dateFmt = "mm/dd/yyyy"
	case "dmy", "dotted":
		dateFmt = "dd.mm.yyyy"
	case "monthname":
		dateFmt = "d mmm yyyy"
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	moneyFmt := "#,##0.00"
	moneyStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &moneyFmt})
	if err != nil {
		return err
	}
	for n, t := range tables {
		sheet := g.st.tableName(t.base)
		if n == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		hdr := g.headers(t, 0)
		cells := make([]any, len(hdr))
		for i, h := range hdr {
			cells[i] = h
		}
		top := 1 // the header's row
		if g.st.Q.Title {
			for n, line := range g.titleLines(t) {
				if err := sw.SetRow(fmt.Sprintf("A%d", n+1), []any{line}); err != nil {
					return err
				}
				g.truth.Excluded = append(g.truth.Excluded, Excluded{Loc: Loc{File: rel, Table: sheet, Row: int64(n + 1)}, Reason: "report_title"})
				top++
			}
			top++ // a blank row under the title
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", top), cells); err != nil {
			return err
		}
		for i, row := range t.rows {
			out := make([]any, len(row))
			for j, v := range row {
				switch x := v.(type) {
				case nil:
					out[j] = nil
				case day:
					out[j] = excelize.Cell{StyleID: dateStyle, Value: time.Time(x)}
				case cents:
					if g.st.Money == "cents" {
						out[j] = int64(x)
					} else {
						out[j] = excelize.Cell{StyleID: moneyStyle, Value: float64(x) / 100}
					}
				case secs:
					if g.st.Duration == "hmm" {
						out[j] = g.text(x)
					} else {
						out[j] = numberOr(g.text(x))
					}
				case int:
					out[j] = x
				default:
					out[j] = g.text(x)
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, top+i+1)
			if err := sw.SetRow(cell, out); err != nil {
				return err
			}
			g.place(t, i, Loc{File: rel, Table: sheet, Row: int64(top + i + 1)})
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		g.truth.Files = append(g.truth.Files, FileTruth{File: rel, Table: sheet, Format: "xlsx", Rows: len(t.rows) + top - 1 - blankAbove(g.st), HeaderRow: true})
	}
	p, err := g.path(rel)
	if err != nil {
		return err
	}
	return f.SaveAs(p)
}

func numberOr(s string) any {
	var f float64
	if _, err := fmt.Sscan(strings.Replace(s, ",", ".", 1), &f); err == nil {
		return f
	}
	return s
}

// ---- SQLite: an in-house database, with or without declared foreign keys ----

// staffRefConcepts are columns holding a person of the firm by initials.
var staffRefConcepts = map[string]bool{"staff": true, "attorney": true, "author": true, "assignee": true, "for": true}

func (g *gen) sqlite(rel string, tables []*table, declareFKs bool) error {
	p, err := g.path(rel)
	if err != nil {
		return err
	}
	os.Remove(p)
	db, err := sql.Open("sqlite", p)
	if err != nil {
		return err
	}
	defer db.Close()
	names := map[string]string{}
	pkCol := map[string]string{}
	for _, t := range tables {
		names[t.base] = g.st.tableName(t.base)
		if t.pk != "" {
			pkCol[t.base] = g.st.headerFor(t.pk, 0)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range tables {
		hdr := g.headers(t, 0)
		var defs, fks []string
		for i, c := range t.cols {
			typ := g.sqlType(t, i)
			def := fmt.Sprintf("%q %s", hdr[i], typ)
			if c.concept == t.pk {
				def += " PRIMARY KEY"
			} else if t.base == "matters" && c.concept == "matter_no" {
				def += " UNIQUE"
			}
			defs = append(defs, def)
			if !declareFKs {
				continue
			}
			parent := t.fks[c.concept]
			if staffRefConcepts[c.concept] {
				parent = "staff"
			}
			if c.concept == "status" && names["status_codes"] != "" {
				parent = "status_codes"
			}
			target := pkCol[parent]
			if c.concept == "matter_no" && parent == "matters" {
				target = g.st.headerFor("matter_no", 0) // a key by number: the parent's unique number column
			}
			if parent != "" && names[parent] != "" && target != "" {
				fks = append(fks, fmt.Sprintf("FOREIGN KEY (%q) REFERENCES %q(%q)", hdr[i], names[parent], target))
			}
		}
		ddl := fmt.Sprintf("CREATE TABLE %q (%s)", names[t.base], strings.Join(append(defs, fks...), ", "))
		if _, err := tx.Exec(ddl); err != nil {
			return fmt.Errorf("%s: %w", ddl, err)
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(hdr)), ", ")
		ins, err := tx.Prepare(fmt.Sprintf("INSERT INTO %q VALUES (%s)", names[t.base], marks))
		if err != nil {
			return err
		}
		for i, row := range t.rows {
			vals := make([]any, len(row))
			for j, v := range row {
				vals[j] = g.sqlValue(v)
			}
			if _, err := ins.Exec(vals...); err != nil {
				ins.Close()
				return fmt.Errorf("%s row %d: %w", t.base, i+1, err)
			}
			g.place(t, i, Loc{File: rel, Table: names[t.base], Row: int64(i + 1)})
		}
		ins.Close()
		g.truth.Files = append(g.truth.Files, FileTruth{File: rel, Table: names[t.base], Format: "sqlite", Rows: len(t.rows)})
	}
	return tx.Commit()
}

// sqlType is the declared type an in-house database would give column i.
func (g *gen) sqlType(t *table, i int) string {
	for _, row := range t.rows {
		switch row[i].(type) {
		case int:
			return "INTEGER"
		case day, moment:
			switch g.st.Date {
			case "unix", "unixms", "julian", "excel", "yyyymmdd":
				return "INTEGER"
			}
			return "TEXT"
		case cents:
			if g.st.Money == "cents" {
				return "INTEGER"
			}
			return "REAL"
		case secs:
			if g.st.Duration == "hmm" {
				return "TEXT"
			}
			return "NUMERIC"
		case flag:
			if g.st.Flag == "01" {
				return "INTEGER"
			}
			return "TEXT"
		case string:
			return "TEXT"
		}
	}
	return "TEXT"
}

func (g *gen) sqlValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int:
		return x
	case day, moment:
		s := g.text(x)
		switch g.st.Date {
		case "unix", "unixms", "julian", "excel", "yyyymmdd":
			var n int64
			fmt.Sscan(s, &n)
			return n
		}
		return s
	case cents:
		if g.st.Money == "cents" {
			return int64(x)
		}
		return float64(x) / 100
	case secs:
		if g.st.Duration == "hmm" {
			return g.text(x)
		}
		return numberOr(g.text(x))
	case flag:
		if g.st.Flag == "01" {
			if x {
				return 1
			}
			return 0
		}
		return g.text(x)
	}
	return g.text(v)
}

// ---- DBF: a set of FoxPro tables, upper-case names of at most ten
// characters, native date and numeric fields ----

func (g *gen) dbf(dir string, tables []*table) error {
	for _, t := range tables {
		name := strings.ToUpper(asciiFold(t.base))
		if len(name) > 8 {
			name = name[:8]
		}
		rel := dir + "/" + name + ".DBF"
		hdr := g.headers(t, 10)
		fields := make([]synth.DBFField, len(t.cols))
		for i := range t.cols {
			fields[i] = g.dbfField(t, i, strings.ToUpper(hdr[i]))
		}
		p, err := g.path(rel)
		if err != nil {
			return err
		}
		w, err := synth.NewDBFWriter(p, fields, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return err
		}
		for i, row := range t.rows {
			vals := make([]string, len(row))
			for j, v := range row {
				vals[j] = g.dbfValue(fields[j], v)
			}
			if err := w.Write(false, vals...); err != nil {
				w.Close()
				return fmt.Errorf("%s: %w", rel, err)
			}
			g.place(t, i, Loc{File: rel, Row: int64(i + 1)})
		}
		if err := w.Close(); err != nil {
			return err
		}
		g.truth.Files = append(g.truth.Files, FileTruth{File: rel, Format: "dbf", Rows: len(t.rows)})
	}
	return nil
}

func (g *gen) dbfField(t *table, i int, name string) synth.DBFField {
	for _, row := range t.rows {
		switch row[i].(type) {
		case int:
			return synth.DBFField{Name: name, Type: 'N', Length: 8}
		case day:
			return synth.DBFField{Name: name, Type: 'D', Length: 8}
		case cents:
			if g.st.Money == "cents" {
				return synth.DBFField{Name: name, Type: 'N', Length: 12}
			}
			return synth.DBFField{Name: name, Type: 'N', Length: 12, Dec: 2}
		case secs:
			if g.st.Duration == "hours" {
				return synth.DBFField{Name: name, Type: 'N', Length: 6, Dec: 2}
			}
			if g.st.Duration == "hmm" {
				return synth.DBFField{Name: name, Type: 'C', Length: 6}
			}
			return synth.DBFField{Name: name, Type: 'N', Length: 6}
		case flag:
			return synth.DBFField{Name: name, Type: 'L', Length: 1}
		case string:
			if t.cols[i].concept == "text" {
				return synth.DBFField{Name: name, Type: 'M', Length: 4}
			}
		}
	}
	return synth.DBFField{Name: name, Type: 'C', Length: 40}
}

func (g *gen) dbfValue(f synth.DBFField, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case day:
		return time.Time(x).Format("20060102")
	case flag:
		if x {
			return "T"
		}
		return "F"
	case cents:
		if f.Dec == 2 {
			return fmt.Sprintf("%.2f", float64(x)/100)
		}
		return fmt.Sprint(int64(x))
	case secs:
		s := g.text(x)
		return strings.Replace(s, ",", ".", 1)
	}
	return g.text(v)
}

// blankAbove is the number of blank lines above the header (not rows: no
// reader counts them).
func blankAbove(st Style) int {
	if st.Q.Title {
		return 1
	}
	return 0
}
