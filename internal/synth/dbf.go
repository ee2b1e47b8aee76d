package synth

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"handover/core/model"
)

// DBFField describes one column of a Visual FoxPro table.
type DBFField struct {
	Name   string // at most 10 characters
	Type   byte   // 'C' character, 'D' date (YYYYMMDD), 'N' numeric, 'L' logical, 'M' memo
	Length uint8  // bytes; memo fields are 4 (block number)
	Dec    uint8
}

// DBFWriter streams a Visual FoxPro table (.DBF, version 0x30) with an
// optional memo file (.FPT, 512-byte blocks). Text is stored as Windows-1252
// (code-page mark 0x03). The record count is patched into the header on Close.
type DBFWriter struct {
	dbf, fpt   *os.File
	dbfw, fptw *outFile
	fields     []DBFField
	recLen     int
	count      uint32
	nextBlock  uint32
	modified   time.Time
}

const (
	fptBlockSize = 512
	vfpBacklink  = 263
)

// NewDBFWriter creates path (".DBF") and, if a field is a memo, the ".FPT" beside it.
func NewDBFWriter(path string, fields []DBFField, modified time.Time) (*DBFWriter, error) {
	w := &DBFWriter{fields: fields, recLen: 1, nextBlock: 1, modified: modified}
	memo := false
	for _, f := range fields {
		if len(f.Name) > 10 {
			return nil, fmt.Errorf("dbf: field name %q longer than 10", f.Name)
		}
		w.recLen += int(f.Length)
		memo = memo || f.Type == 'M'
	}
	if err := ensureDir(path); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w.dbf = f
	w.dbfw = &outFile{rel: filepath.Base(path), f: f, w: newBuf(f)}
	w.dbfw.Write(w.header())
	if memo {
		fp := strings.TrimSuffix(path, filepath.Ext(path)) + ".FPT"
		ff, err := os.Create(fp)
		if err != nil {
			f.Close()
			return nil, err
		}
		w.fpt = ff
		w.fptw = &outFile{rel: filepath.Base(fp), f: ff, w: newBuf(ff)}
		w.fptw.Write(make([]byte, fptBlockSize)) // header, rewritten on Close
	}
	return w, nil
}

func (w *DBFWriter) header() []byte {
	hl := 32 + 32*len(w.fields) + 1 + vfpBacklink
	h := make([]byte, hl)
	h[0] = 0x30 // Visual FoxPro
	h[1] = byte(w.modified.Year() % 100)
	h[2] = byte(w.modified.Month())
	h[3] = byte(w.modified.Day())
	binary.LittleEndian.PutUint32(h[4:], w.count)
	binary.LittleEndian.PutUint16(h[8:], uint16(hl))
	binary.LittleEndian.PutUint16(h[10:], uint16(w.recLen))
	if w.fpt != nil || w.hasMemo() {
		h[28] = 0x02 // table has a memo file
	}
	h[29] = 0x03 // code page: Windows-1252
	pos := 1
	for i, f := range w.fields {
		d := h[32+32*i : 64+32*i]
		copy(d[:11], f.Name)
		d[11] = f.Type
		binary.LittleEndian.PutUint32(d[12:], uint32(pos))
		d[16] = f.Length
		d[17] = f.Dec
		if f.Type == 'M' {
			d[18] = 0x04 // binary column (memo block number stored as an integer)
		}
		pos += int(f.Length)
	}
	h[32+32*len(w.fields)] = 0x0D
	return h
}

func (w *DBFWriter) hasMemo() bool {
	for _, f := range w.fields {
		if f.Type == 'M' {
			return true
		}
	}
	return false
}

// Write appends one record. Values are strings: C is padded, D is YYYYMMDD,
// M is the memo text (stored in the .FPT; "" stores no block).
func (w *DBFWriter) Write(deleted bool, values ...string) error {
	if len(values) != len(w.fields) {
		return fmt.Errorf("dbf: %d values for %d fields", len(values), len(w.fields))
	}
	rec := make([]byte, w.recLen)
	rec[0] = ' '
	if deleted {
		rec[0] = '*'
	}
	pos := 1
	for i, f := range w.fields {
		cell := rec[pos : pos+int(f.Length)]
		switch f.Type {
		case 'M':
			if values[i] != "" {
				blk, err := w.memo(values[i])
				if err != nil {
					return err
				}
				binary.LittleEndian.PutUint32(cell, blk)
			}
		case 'N':
			v := values[i]
			if len(v) > len(cell) {
				return fmt.Errorf("dbf: %s value %q too long", f.Name, v)
			}
			for k := range cell {
				cell[k] = ' '
			}
			copy(cell[len(cell)-len(v):], v)
		default:
			enc, err := cp1252.String(values[i])
			if err != nil {
				return fmt.Errorf("dbf: %s: %w", f.Name, err)
			}
			if len(enc) > len(cell) {
				enc = enc[:len(cell)]
			}
			for k := range cell {
				cell[k] = ' '
			}
			copy(cell, enc)
		}
		pos += int(f.Length)
	}
	w.dbfw.Write(rec)
	w.count++
	return w.dbfw.err
}

func (w *DBFWriter) memo(text string) (uint32, error) {
	enc, err := cp1252.String(text)
	if err != nil {
		return 0, err
	}
	blk := w.nextBlock
	hdr := make([]byte, 8)
	binary.BigEndian.PutUint32(hdr, 1) // text
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(enc)))
	w.fptw.Write(hdr)
	w.fptw.WriteString(enc)
	n := 8 + len(enc)
	blocks := (n + fptBlockSize - 1) / fptBlockSize
	w.fptw.Write(make([]byte, blocks*fptBlockSize-n))
	w.nextBlock += uint32(blocks)
	return blk, w.fptw.err
}

// Close writes the end-of-file mark and patches the headers.
func (w *DBFWriter) Close() error {
	w.dbfw.Write([]byte{0x1A})
	err := w.dbfw.w.Flush()
	if err == nil {
		_, err = w.dbf.WriteAt(w.header()[:32], 0)
	}
	if cerr := w.dbfw.Close(); err == nil {
		err = cerr
	}
	if w.fpt != nil {
		ferr := w.fptw.w.Flush()
		if ferr == nil {
			var h [8]byte
			binary.BigEndian.PutUint32(h[:4], w.nextBlock)
			binary.BigEndian.PutUint16(h[6:], fptBlockSize)
			_, ferr = w.fpt.WriteAt(h[:], 0)
		}
		if cerr := w.fptw.Close(); ferr == nil {
			ferr = cerr
		}
		if err == nil {
			err = ferr
		}
	}
	return err
}

// Abacus slots: records flagged deleted.
const (
	aslotDeleted1 = 3
	aslotDeleted2 = 6
)

var abacusNotes = []string{
	"", "", "Referred by Helen Lane.", "Prefers e-mail. Spanish speaker - confirm interpreter for meetings.",
	"Former client (2014 real estate closing).\r\nCheck conflicts before opening a new matter.",
	"Opposing party in Smith v. Reyes - DO NOT CONTACT directly.", "Café owner; call after 3 pm.", "Notes: résumé on file.",
}

// AbacusNamesFields is the layout of the AbacusLaw-style NAMES table the
// demo and the benchmarks write.
var AbacusNamesFields = []DBFField{
	{Name: "ID", Type: 'C', Length: 8},
	{Name: "NAME", Type: 'C', Length: 40},
	{Name: "FIRST", Type: 'C', Length: 20},
	{Name: "LAST", Type: 'C', Length: 25},
	{Name: "COMPANY", Type: 'C', Length: 40},
	{Name: "PHONE", Type: 'C', Length: 20},
	{Name: "EMAIL", Type: 'C', Length: 50},
	{Name: "ADDED", Type: 'D', Length: 8},
	{Name: "NOTES", Type: 'M', Length: 4},
}

func (g *gen) abacusNames() error {
	const rel = "abacus/NAMES.DBF"
	fields := AbacusNamesFields
	w, err := NewDBFWriter(filepath.Join(g.dir, filepath.FromSlash(rel)), fields, asOf)
	if err != nil {
		return err
	}
	deleted, notes := 0, 0
	for a := 0; a < g.nAbacus; a++ {
		r := g.rng("abacus", a)
		p := g.abacusPerson(a)
		name, company := p.Last+", "+p.First, ""
		if p.IsCompany {
			name, company = p.Company, p.Company
			p.First, p.Last = "", ""
		}
		del := a%period == aslotDeleted1 || a%period == aslotDeleted2
		if del {
			deleted++
		}
		added := day(epochOpen, -r.IntN(2000)).Format("20060102")
		note := abacusNotes[r.IntN(len(abacusNotes))]
		if a == 0 {
			note = abacusNotes[4]
		}
		if note != "" && !del {
			notes++
		}
		if err := w.Write(del, fmt.Sprintf("N%05d", a+1), name, p.First, p.Last, company, p.Phone, p.Email, added, note); err != nil {
			w.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.Contacts, Format: "abacus-dbf", Encoding: EncCP1252, Header: false,
		Rows: g.nAbacus, Records: g.nAbacus - deleted, Excluded: map[model.Reason]int{model.DeletedInSource: deleted},
		Also: map[model.Entity]int{model.Notes: notes},
		Note: "Visual FoxPro table (0x30, code page 0x03) with memo file NAMES.FPT (512-byte blocks); fields ID, NAME (\"Last, First\"), FIRST, LAST, COMPANY, PHONE, EMAIL, ADDED (date), NOTES (memo; non-empty on a live record → a contact note, also.notes); row = record number incl. deleted records"})
	return nil
}

// abacusPerson is record a of NAMES.DBF (record 2 of every block has an
// accented name outside the generated name lists).
func (g *gen) abacusPerson(a int) person {
	p := g.personAt(g.nClients + g.nOutlook + a)
	if a%period == 1 {
		p.IsCompany, p.Company = false, ""
		p.First, p.Last = "Søren", "Ångström"
		if a >= period {
			p.Last = "Ångström-" + p.Last
		}
		p.Email = fmt.Sprintf("soren.angstrom%d@example.se", a/period+1)
		p.Title = "Mr."
	}
	return p
}
