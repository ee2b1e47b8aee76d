package tabular

// Test helpers that build .xls files: real ones through python3-xlwt (and the
// same workbook as .xlsx through excelize, to compare the two readers), and
// hand-made ones record by record for what xlwt never writes (BIFF5 code
// pages, FILEPASS, MULRK, strings split across CONTINUE records, cells out
// of order).

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// xlsSpec describes a workbook once, for write_xls.py and for excelize.
type xlsSpec struct {
	Date1904 bool           `json:"date1904"`
	Sheets   []xlsSpecSheet `json:"sheets"`
}

type xlsSpecSheet struct {
	Name   string   `json:"name"`
	Merges [][4]int `json:"merges,omitempty"` // r1, r2, c1, c2 (0-based, inclusive)
	Cells  [][5]any `json:"cells"`            // row, col, kind ("s","n","b","f","blank"), value, number format
}

// xlwtPython returns a python3 that has xlwt, or skips the test saying how to get it.
func xlwtPython(t testing.TB) string {
	t.Helper()
	if py := pythonWith("xlwt"); py != "" {
		return py
	}
	t.Skip("python3-xlwt is not installed (apt-get install python3-xlwt): the tests that write .xls files with it are skipped; the committed samples in testdata/xls are still read")
	return ""
}

// pythonWith returns a python3 that can import the module, or "". Debian's
// python3-* packages live in /usr/bin/python3, which may not be the python3
// first on PATH.
func pythonWith(module string) string {
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import "+module).Run() == nil {
			return py
		}
	}
	return ""
}

// writeXLSSpec writes the spec as a real .xls with python3-xlwt.
func writeXLSSpec(t testing.TB, spec xlsSpec, path string) {
	t.Helper()
	py := xlwtPython(t)
	js, err := json.Marshal(spec)
	mustNil(t, err)
	sp := filepath.Join(t.TempDir(), "spec.json")
	mustNil(t, os.WriteFile(sp, js, 0o644))
	out, err := exec.Command(py, filepath.Join("testdata", "xls", "write_xls.py"), sp, path).CombinedOutput()
	if err != nil {
		t.Fatalf("write_xls.py: %v\n%s", err, out)
	}
}

// writeXLSXSpec writes the same spec as .xlsx with excelize.
func writeXLSXSpec(t testing.TB, spec xlsSpec, path string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if spec.Date1904 {
		yes := true
		mustNil(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
	}
	styles := map[string]int{}
	for i, sh := range spec.Sheets {
		if i == 0 {
			mustNil(t, f.SetSheetName("Sheet1", sh.Name))
		} else {
			_, err := f.NewSheet(sh.Name)
			mustNil(t, err)
		}
		for _, c := range sh.Cells {
			row, col := int(c[0].(int)), int(c[1].(int))
			cell, err := excelize.CoordinatesToCellName(col+1, row+1)
			mustNil(t, err)
			switch c[2] {
			case "f":
				mustNil(t, f.SetCellFormula(sh.Name, cell, c[3].(string)))
			case "blank":
			default:
				mustNil(t, f.SetCellValue(sh.Name, cell, c[3]))
			}
			if code := c[4].(string); code != "" {
				id, ok := styles[code]
				if !ok {
					id, err = f.NewStyle(&excelize.Style{CustomNumFmt: &code})
					mustNil(t, err)
					styles[code] = id
				}
				mustNil(t, f.SetCellStyle(sh.Name, cell, cell, id))
			}
		}
		for _, m := range sh.Merges {
			a, _ := excelize.CoordinatesToCellName(m[2]+1, m[0]+1)
			b, _ := excelize.CoordinatesToCellName(m[3]+1, m[1]+1)
			mustNil(t, f.MergeCell(sh.Name, a, b))
		}
	}
	mustNil(t, f.SaveAs(path))
}

// ---- hand-made BIFF ----

func biffRec(id uint16, body ...[]byte) []byte {
	b := bytes.Join(body, nil)
	out := make([]byte, 4, 4+len(b))
	binary.LittleEndian.PutUint16(out, id)
	binary.LittleEndian.PutUint16(out[2:], uint16(len(b)))
	return append(out, b...)
}

func le16(v int) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(v)) }
func le32(v uint32) []byte {
	return binary.LittleEndian.AppendUint32(nil, v)
}

// cell is a cell record's row, col, xf preamble.
func cellHead(row, col, xf int) []byte {
	return bytes.Join([][]byte{le16(row), le16(col), le16(xf)}, nil)
}

// u16str is a BIFF8 string with a 16-bit length, stored as UTF-16.
func u16str(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := append(le16(len(u)), 0x01)
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b
}

// bof8 / bof5 are a BIFF8 / BIFF5 BOF of the given substream type.
func bof8(dt int) []byte {
	return biffRec(recBOF, le16(0x0600), le16(dt), le16(0x0DBB), le16(0x07CC), make([]byte, 8))
}
func bof5(dt int) []byte { return biffRec(recBOF, le16(0x0500), le16(dt), le16(0), le16(0)) }

// biffBook assembles globals + one sheet, patching the BOUNDSHEET position.
// boundsheet builds that record's body for a sheet at pos.
func biffBook(globals []byte, boundsheet func(pos uint32) []byte, sheet []byte) []byte {
	bs := biffRec(recBoundSheet, boundsheet(0))
	pos := uint32(len(globals) + len(bs) + 4) // + the globals' EOF
	bs = biffRec(recBoundSheet, boundsheet(pos))
	return bytes.Join([][]byte{globals, bs, biffRec(recEOF), sheet}, nil)
}

// cfbFile wraps one stream in a minimal OLE compound file (version 3, 512-byte
// sectors, one FAT sector). The stream is padded to 4096 bytes so it lives in
// regular sectors rather than the mini stream.
func cfbFile(name string, stream []byte) []byte {
	const sec = 512
	size := len(stream)
	if size < 4096 {
		stream = append(stream, make([]byte, 4096-size)...)
		size = 4096
	}
	n := (size + sec - 1) / sec
	if n > 125 {
		panic("cfbFile: stream too large for one FAT sector")
	}
	hdr := make([]byte, sec)
	copy(hdr, magicCFB)
	binary.LittleEndian.PutUint16(hdr[24:], 0x003E)
	binary.LittleEndian.PutUint16(hdr[26:], 3)
	binary.LittleEndian.PutUint16(hdr[28:], 0xFFFE)
	binary.LittleEndian.PutUint16(hdr[30:], 9)
	binary.LittleEndian.PutUint16(hdr[32:], 6)
	binary.LittleEndian.PutUint32(hdr[44:], 1)          // FAT sectors
	binary.LittleEndian.PutUint32(hdr[48:], 1)          // first directory sector
	binary.LittleEndian.PutUint32(hdr[56:], 4096)       // mini stream cutoff
	binary.LittleEndian.PutUint32(hdr[60:], 0xFFFFFFFE) // no mini FAT
	binary.LittleEndian.PutUint32(hdr[68:], 0xFFFFFFFE) // no DIFAT sectors
	for i := 0; i < 109; i++ {
		binary.LittleEndian.PutUint32(hdr[76+4*i:], 0xFFFFFFFF)
	}
	binary.LittleEndian.PutUint32(hdr[76:], 0) // the FAT is sector 0
	fat := make([]byte, sec)
	for i := 0; i < sec/4; i++ {
		binary.LittleEndian.PutUint32(fat[4*i:], 0xFFFFFFFF)
	}
	binary.LittleEndian.PutUint32(fat[0:], 0xFFFFFFFD) // FAT sector
	binary.LittleEndian.PutUint32(fat[4:], 0xFFFFFFFE) // directory: one sector
	for i := 0; i < n; i++ {
		next := uint32(2 + i + 1)
		if i == n-1 {
			next = 0xFFFFFFFE
		}
		binary.LittleEndian.PutUint32(fat[4*(2+i):], next)
	}
	dir := make([]byte, sec)
	entry := func(i int, name string, typ byte, child, start uint32, size uint32) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			binary.LittleEndian.PutUint16(e[2*j:], c)
		}
		binary.LittleEndian.PutUint16(e[64:], uint16(2*(len(u)+1)))
		e[66], e[67] = typ, 1
		binary.LittleEndian.PutUint32(e[68:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(e[72:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(e[76:], child)
		binary.LittleEndian.PutUint32(e[116:], start)
		binary.LittleEndian.PutUint32(e[120:], size)
	}
	entry(0, "Root Entry", 5, 1, 0xFFFFFFFE, 0)
	entry(1, name, 2, 0xFFFFFFFF, 2, uint32(size))
	for i := 2; i < 4; i++ {
		e := dir[128*i : 128*(i+1)]
		binary.LittleEndian.PutUint32(e[68:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(e[72:], 0xFFFFFFFF)
		binary.LittleEndian.PutUint32(e[76:], 0xFFFFFFFF)
	}
	data := make([]byte, n*sec)
	copy(data, stream)
	return bytes.Join([][]byte{hdr, fat, dir, data}, nil)
}
