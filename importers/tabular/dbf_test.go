package tabular

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/Valentin-Kaiser/go-dbase/dbase"
	"golang.org/x/text/encoding/charmap"
)

func TestDBFFoxProTable(t *testing.T) {
	p := filepath.Join(dbaseDir, "table", "TEST.DBF")
	if f, _ := Detect(p); f != FormatDBF {
		t.Fatalf("Detect = %q", f)
	}
	info, rows := readAll(t, p, Options{})
	if info.Format != "dbf" || info.Encoding != "windows-1252" || !strings.Contains(info.Guessed["encoding"], "0x03") {
		t.Fatalf("info %+v", info)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	wantHeader := []string{"PRODUCTID", "PRODNAME", "PRICE", "DOUBLE", "DATE", "DATETIME", "INTEGER", "FLOAT", "ACTIVE", "DESC", "TAX", "INSTOCK", "BLOB", "VARBIN_NIL", "VAR_NIL", "VAR"}
	if !reflect.DeepEqual(rows[0].Table.Header, wantHeader) || rows[0].Table.Name != "TEST" {
		t.Fatalf("header %q (the hidden _NullFlags field must not show)", rows[0].Table.Header)
	}
	want1 := []string{"1", "TEST PRODUCT", "12.3456", "78.9", "2022-04-10", "2022-04-10T00:00:00", "4.56", "123", "true", "PRODUCT DESCRIPTION", "19.99", "1", "", "112233445566778899aa", "Test value with variable length", ""}
	if !reflect.DeepEqual(rows[0].Values, want1) {
		t.Errorf("record 1\n got %q\nwant %q", rows[0].Values, want1)
	}
	if rows[1].Values[5] != "2022-10-10T21:04:25" || rows[1].Values[9] != "PRODUCT_DESCRIPTION" || rows[1].Values[2] != "12.34" {
		t.Errorf("record 2 %q", rows[1].Values)
	}
	if rows[2].Kind != Deleted || rows[2].Num != 3 || rows[2].Values[1] != "Test_2" || rows[2].Values[15] != "Test" || !strings.Contains(rows[2].Reason, "record 3") {
		t.Errorf("record 3 %+v", rows[2])
	}
	for _, r := range rows[:2] {
		if r.Kind != Data {
			t.Errorf("record %d kind %v", r.Num, r.Kind)
		}
	}

	// Cross-check the plain fields against go-dbase (it agrees on these types).
	tb, err := dbase.OpenTable(&dbase.Config{Filename: p, Untested: true, ReadOnly: true, TrimSpaces: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	rec, err := tb.Next()
	if err != nil {
		t.Fatal(err)
	}
	if v := rec.Values()[1]; v != rows[0].Values[1] {
		t.Errorf("PRODNAME differs from go-dbase: %v vs %q", v, rows[0].Values[1])
	}
	if v := rec.Values()[9]; v != rows[0].Values[9] {
		t.Errorf("memo differs from go-dbase: %v vs %q", v, rows[0].Values[9])
	}
}

func TestDBFEmployeesWithMemo(t *testing.T) {
	p := filepath.Join(dbaseDir, "database", "employees.dbf")
	_, rows := readAll(t, p, Options{})
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	h := rows[0].Table.Header
	col := func(r Row, name string) string {
		for i, n := range h {
			if n == name {
				return r.Values[i]
			}
		}
		t.Fatalf("no column %s in %q", name, h)
		return ""
	}
	if col(rows[0], "FIRSTNAME") != "Nancy" || col(rows[0], "LASTNAME") != "Davolio" || col(rows[0], "ADDRESS") != "908 W. Capital Way" || col(rows[0], "EMPLOYEENU") != "11-11-1112" {
		t.Errorf("record 1 %q", rows[0].Values)
	}
	if col(rows[2], "ADDRESS") != "4726 - 11th Ave. N.E." || col(rows[2], "CITY") != "Seattle" || rows[2].Num != 3 {
		t.Errorf("record 3 %q", rows[2].Values)
	}
}

// dbfField for the test builder.
type tf struct {
	name string
	typ  byte
	len  int
}

// buildDBF writes a dBase III table (+ .DBT memo) with the given code page mark.
func buildDBF(t *testing.T, dir string, ldid byte, fields []tf, recs [][]string, deleted map[int]bool, memos []string) string {
	t.Helper()
	var h bytes.Buffer
	recLen := 1
	for _, f := range fields {
		recLen += f.len
	}
	hdrLen := 32 + 32*len(fields) + 1
	version := byte(0x03)
	if len(memos) > 0 {
		version = 0x83
	}
	hb := make([]byte, 32)
	hb[0], hb[1], hb[2], hb[3] = version, 124, 3, 15
	binary.LittleEndian.PutUint32(hb[4:], uint32(len(recs)))
	binary.LittleEndian.PutUint16(hb[8:], uint16(hdrLen))
	binary.LittleEndian.PutUint16(hb[10:], uint16(recLen))
	hb[29] = ldid
	h.Write(hb)
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d, f.name)
		d[11] = f.typ
		d[16] = byte(f.len)
		h.Write(d)
	}
	h.WriteByte(0x0D)
	for i, r := range recs {
		if deleted[i] {
			h.WriteByte('*')
		} else {
			h.WriteByte(' ')
		}
		for j, f := range fields {
			v := []byte(r[j])
			cell := bytes.Repeat([]byte(" "), f.len)
			if f.typ == 'N' || f.typ == 'M' {
				copy(cell[f.len-len(v):], v)
			} else {
				copy(cell, v)
			}
			h.Write(cell)
		}
	}
	h.WriteByte(0x1A)
	p := filepath.Join(dir, "LAWNAMES.DBF")
	mustNil(t, os.WriteFile(p, h.Bytes(), 0o644))
	if len(memos) > 0 {
		m := make([]byte, 512)
		binary.LittleEndian.PutUint32(m, uint32(len(memos)+1))
		for _, s := range memos {
			blk := make([]byte, 512)
			copy(blk, s)
			blk[len(s)], blk[len(s)+1] = 0x1A, 0x1A
			m = append(m, blk...)
		}
		mustNil(t, os.WriteFile(filepath.Join(dir, "lawnames.dbt"), m, 0o644))
	}
	return p
}

func TestDBFDBaseIIICodePagesAndDBT(t *testing.T) {
	enc := func(cm *charmap.Charmap, s string) string {
		b, err := cm.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	fields := []tf{{"NAME", 'C', 20}, {"OPENED", 'D', 8}, {"FEE", 'N', 10}, {"ACTIVE", 'L', 1}, {"NOTES", 'M', 10}}
	for _, c := range []struct {
		ldid byte
		cm   *charmap.Charmap
		name string
	}{{0x02, charmap.CodePage850, "cp850"}, {0x01, charmap.CodePage437, "cp437"}, {0x57, charmap.Windows1252, "windows-1252"}} {
		dir := t.TempDir()
		recs := [][]string{
			{enc(c.cm, "Müller, José"), "20240315", "1234.010", "T", "1"},
			{enc(c.cm, "Gone"), "        ", "", "F", ""},
			{enc(c.cm, "Señora Ñúñez"), "19991231", "-5.5", "?", "2"},
		}
		p := buildDBF(t, dir, c.ldid, fields, recs, map[int]bool{1: true}, []string{enc(c.cm, "Première note\r\nsecond line"), enc(c.cm, "Zweite Notiz für Köln")})
		if f, _ := Detect(p); f != FormatDBF {
			t.Fatalf("Detect = %q", f)
		}
		info, rows := readAll(t, p, Options{})
		if info.Encoding != c.name {
			t.Errorf("encoding %q want %q", info.Encoding, c.name)
		}
		want := [][]string{
			{"Müller, José", "2024-03-15", "1234.010", "true", "Première note\r\nsecond line"},
			{"Gone", "", "", "false", ""},
			{"Señora Ñúñez", "1999-12-31", "-5.5", "", "Zweite Notiz für Köln"},
		}
		kinds := []RowKind{Data, Deleted, Data}
		if len(rows) != 3 {
			t.Fatalf("%s: %d rows", c.name, len(rows))
		}
		for i, r := range rows {
			if !reflect.DeepEqual(r.Values, want[i]) || r.Kind != kinds[i] || r.Num != int64(i+1) {
				t.Errorf("%s record %d: %v %q, want %v %q", c.name, i+1, r.Kind, r.Values, kinds[i], want[i])
			}
		}
	}
}

func TestDBFDamaged(t *testing.T) {
	dir := t.TempDir()
	p := buildDBF(t, dir, 0x03, []tf{{"NAME", 'C', 10}, {"NOTES", 'M', 10}}, [][]string{{"a", "1"}, {"b", "7"}, {"c", ""}}, nil, []string{"only memo"})
	b, _ := os.ReadFile(p)

	// Header length beyond the file.
	bad := append([]byte(nil), b...)
	binary.LittleEndian.PutUint16(bad[8:], 60000)
	bp := writeFile(t, "bad.dbf", bad)
	if _, err := Open(bp, Options{}); err == nil || !errors.Is(err, ErrBadDBF) {
		t.Errorf("broken header: %v", err)
	}
	// Fields longer than the record.
	bad = append([]byte(nil), b...)
	binary.LittleEndian.PutUint16(bad[10:], 3)
	bp = writeFile(t, "bad2.dbf", bad)
	if _, err := Open(bp, Options{}); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("record length: %v", err)
	}

	// Memo pointer past the end of the .DBT, and a file cut in the middle of record 3.
	_, rows := readAll(t, p, Options{})
	if rows[0].Kind != Data || rows[0].Values[1] != "only memo" {
		t.Errorf("record 1 %+v", rows[0])
	}
	if rows[1].Kind != Rejected || !strings.Contains(rows[1].Reason, "past the end of the memo file") {
		t.Errorf("record 2 %+v", rows[1])
	}
	cut := writeFile(t, "cut.dbf", b[:len(b)-8])
	info, rows := readAll(t, cut, Options{})
	if len(rows) != 3 || rows[2].Kind != Rejected || !strings.Contains(rows[2].Reason, "cut off") || len(info.Notes) == 0 {
		t.Errorf("cut file: %+v %q", rows, info.Notes)
	}
}

// The memo window answers every read exactly as the file does: the same
// bytes, and an error where the file ends first; so does a view of it.
func TestMemoWindowReadsAsTheFile(t *testing.T) {
	data := make([]byte, 3*memoWindow+777)
	rng := rand.New(rand.NewSource(1))
	rng.Read(data)
	p := filepath.Join(t.TempDir(), "m.fpt")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := &memoFile{f: f, size: int64(len(data))}
	off := int64(0)
	for i := 0; i < 5000; i++ {
		switch rng.Intn(4) {
		case 0:
			off = rng.Int63n(int64(len(data)) + 10) // anywhere, past the end too
		default:
			off += int64(rng.Intn(2000)) // onwards, as memos are read
		}
		n := rng.Intn(4000)
		if rng.Intn(50) == 0 {
			n = memoWindow + rng.Intn(1000) // larger than the window
		}
		want, got := make([]byte, n), make([]byte, n)
		wn, werr := f.ReadAt(want, off)
		gn, gerr := m.readAt(got, off)
		if wn != gn || (werr == nil) != (gerr == nil) || !bytes.Equal(want[:wn], got[:gn]) {
			t.Fatalf("read of %d at %d: file %d, %v; window %d, %v", n, off, wn, werr, gn, gerr)
		}
		v, verr := m.view(off, int64(n))
		if (werr == nil) != (verr == nil) || werr == nil && !bytes.Equal(want, v) {
			t.Fatalf("view of %d at %d: file %d, %v; view %d, %v", n, off, wn, werr, len(v), verr)
		}
	}
}

// ASCII text skips decoding only where the decoder would leave it as it is:
// the DOS and Windows code pages, never UTF-16 (which the user may choose).
func TestASCIIShortcutOnlyForCodePagesThatKeepASCII(t *testing.T) {
	for _, cp := range dbfCodePages {
		if cp.cm != nil && !keepsASCII(cp.cm.NewDecoder()) {
			t.Errorf("%s: ASCII should decode to itself", cp.name)
		}
	}
	for _, name := range []string{"utf-16le", "utf-16be"} {
		e, _ := encodingByName(name)
		if keepsASCII(e.NewDecoder()) {
			t.Errorf("%s must not take the ASCII shortcut", name)
		}
	}
}

// The reader's shortcuts give the general path's answers: dates of eight
// digits as time.Parse and Format read them, padding trimmed as
// bytes.TrimRight does, and a code page's text through its byte table as
// through its decoder.
func TestDBFShortcutsMatchTheGeneralPath(t *testing.T) {
	for y := 0; y <= 2400; y += 1 {
		if y > 30 && y < 1580 && y%97 != 0 {
			continue
		}
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				checkDateDigits(t, []byte(fmt.Sprintf("%04d%02d%02d", y, m, d)))
			}
		}
	}
	for _, s := range []string{"", "2024031", "2024-3-9", " 2024031", "20240309 ", "2024030\x00", "+2024030", "99991231", "00000000", "00000229"} {
		checkDateDigits(t, []byte(s))
	}
	for _, s := range []string{"", " ", "\x00", "a", "a \x00 \x00", " a", "\x00a\x00", "a\t"} {
		if got, want := trimPad([]byte(s)), bytes.TrimRight([]byte(s), " \x00"); !bytes.Equal(got, want) {
			t.Errorf("trimPad(%q) = %q, want %q", s, got, want)
		}
	}
	rng := rand.New(rand.NewSource(1))
	cms := []*charmap.Charmap{charmap.Windows1252, charmap.CodePage437, charmap.CodePage850}
	for _, cp := range dbfCodePages {
		if cp.cm != nil {
			cms = append(cms, cp.cm)
		}
	}
	for _, cm := range cms {
		r := &dbfReader{dec: cm.NewDecoder(), byteText: byteTable(cm)}
		if r.byteText == nil {
			t.Fatalf("%v: no byte table", cm)
		}
		for i := 0; i < 2000; i++ {
			b := make([]byte, rng.Intn(30))
			rng.Read(b)
			want, err := cm.NewDecoder().Bytes(b)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.text(b); got != string(want) {
				t.Errorf("%v: text(%q) = %q, the decoder %q", cm, b, got, want)
			}
		}
	}
}

func checkDateDigits(t *testing.T, raw []byte) {
	t.Helper()
	got, ok := dateDigits(raw)
	tm, err := time.Parse("20060102", string(raw))
	if ok != (err == nil) || ok && got != tm.Format("2006-01-02") {
		t.Errorf("dateDigits(%q) = %q, %v; time.Parse: %v, %v", raw, got, ok, tm, err)
	}
}

func FuzzDBFDateDigits(f *testing.F) {
	for _, s := range []string{"20240309", "20230229", "20240229", "00000000", "1999 231", "99991231"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if got, ok := dateDigits(raw); ok {
			tm, err := time.Parse("20060102", string(raw))
			if err != nil || got != tm.Format("2006-01-02") {
				t.Errorf("dateDigits(%q) = %q; time.Parse: %v, %v", raw, got, tm, err)
			}
		} else if len(raw) == 8 && asciiDigits(raw) {
			if _, err := time.Parse("20060102", string(raw)); err == nil {
				t.Errorf("dateDigits(%q) refused a date time.Parse reads", raw)
			}
		}
	})
}

func asciiDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
