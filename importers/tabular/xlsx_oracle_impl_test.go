package tabular

// The xlsx sheet and shared-string readers as they were before xlsxscan.go,
// built on encoding/xml's token stream: the oracle the scanner must agree
// with, value for value and error for error (xlsx_oracle_test.go).

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// oracleReadRichText collects the text of an <si> or <is> element, skipping phonetic
// runs. next is the decoder's Token or RawToken, whichever the caller reads with.
func oracleReadRichText(next func() (xml.Token, error), end string) (string, error) {
	var b strings.Builder
	inT, skip := 0, 0
	for {
		tok, err := next()
		if err != nil {
			return b.String(), err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inT++
			case "rPh", "phoneticPr":
				skip++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT--
			case "rPh", "phoneticPr":
				skip--
			case end:
				return oracleUnescapeOOXML(b.String()), nil
			}
		case xml.CharData:
			if inT > 0 && skip == 0 {
				b.Write(t)
			}
		}
	}
}

func oracleLoadSharedStrings(zr *zip.Reader, part string) (*sharedStrings, error) {
	s := &sharedStrings{}
	zf := findZipFile(zr, part)
	if zf == nil {
		return s, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var w *bufio.Writer
	var off int64
	if zf.UncompressedSize64 > sstInMemory {
		f, err := os.CreateTemp("", "handover-sst-*")
		if err != nil {
			return nil, err
		}
		s.f = f
		w = bufio.NewWriterSize(f, 1<<20)
	}
	dec := xml.NewDecoder(bufio.NewReaderSize(rc, 1<<16))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			s.close()
			return nil, fmt.Errorf("the shared strings are damaged: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "si" {
			continue
		}
		text, err := oracleReadRichText(dec.Token, "si")
		if err != nil {
			s.close()
			return nil, fmt.Errorf("the shared strings are damaged: %v", err)
		}
		if w == nil {
			s.mem = append(s.mem, text)
			continue
		}
		s.offs = append(s.offs, off)
		n, err := w.WriteString(text)
		if err != nil {
			s.close()
			return nil, err
		}
		off += int64(n)
	}
	if w != nil {
		s.offs = append(s.offs, off)
		if err := w.Flush(); err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

// oracleGeneralNumber shows a number the way the General format does (15 significant digits).
func oracleGeneralNumber(raw string) string {
	v, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil {
		return raw
	}
	s := strconv.FormatFloat(v, 'g', 15, 64)
	if strings.ContainsAny(s, "e") {
		if r, err := strconv.ParseFloat(s, 64); err == nil && r == v && len(raw) < 22 {
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return s
	}
	return s
}

var oracleReXEscape = regexp.MustCompile(`_x[0-9A-Fa-f]{4}_`)

// oracleUnescapeOOXML turns Excel's _xHHHH_ escapes (e.g. _x000D_ for CR) back into characters.
func oracleUnescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	return oracleReXEscape.ReplaceAllStringFunc(s, func(m string) string {
		n, err := strconv.ParseUint(m[2:6], 16, 32)
		if err != nil {
			return m
		}
		return string(rune(n))
	})
}

type oracleSheetStream struct {
	rc       io.ReadCloser
	dec      *xml.Decoder
	sst      *sharedStrings
	styles   []styleInfo
	fm       *numFormatter
	date1904 bool

	lastRow  int64    // row number of the last <row> parsed
	pending  []string // cells of the parsed row not yet returned
	pendNum  int64
	havePend bool
	emitted  int64 // last row number returned
	done     bool
}

func oracleColIndex(ref string) int {
	col := 0
	for i := 0; i < len(ref); i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > maxColumns {
			return -1
		}
	}
	return col - 1
}

// next returns the next physical row; rows missing from the XML come back empty.
func (s *oracleSheetStream) next() (int64, []string, bool, error) {
	if !s.havePend && !s.done {
		if err := s.readRow(); err != nil {
			return 0, nil, false, err
		}
	}
	if !s.havePend {
		return 0, nil, false, nil
	}
	if s.pendNum > s.emitted+1 {
		s.emitted++
		return s.emitted, nil, true, nil
	}
	s.havePend = false
	s.emitted = s.pendNum
	return s.pendNum, s.pending, true, nil
}

func (s *oracleSheetStream) readRow() error {
	for {
		tok, err := s.dec.RawToken()
		if err == io.EOF {
			s.done = true
			return nil
		}
		if err != nil {
			s.done = true
			return fmt.Errorf("after row %d the sheet is damaged: %v", s.lastRow, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "row" {
			continue
		}
		num := s.lastRow + 1
		if v := attr(se, "r"); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > s.lastRow && n <= 1<<20 {
				num = n
			}
		}
		s.lastRow = num
		cells, err := s.readCells()
		if err != nil {
			s.done = true
			return fmt.Errorf("row %d is damaged: %v", num, err)
		}
		s.pending, s.pendNum, s.havePend = cells[:filledWidth(cells)], num, true
		return nil
	}
}

func (s *oracleSheetStream) readCells() ([]string, error) {
	var cells []string
	col := -1
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			return cells, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if t.Name.Local == "row" {
				return cells, nil
			}
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			col++
			if ref := attr(t, "r"); ref != "" {
				if c := oracleColIndex(ref); c >= 0 {
					col = c
				}
			}
			typ := attr(t, "t")
			sid, _ := strconv.Atoi(attr(t, "s"))
			v, inline, err := s.readCell(typ == "inlineStr")
			if err != nil {
				return cells, err
			}
			if col >= maxColumns {
				continue
			}
			val := s.cellText(typ, sid, v, inline)
			if val == "" {
				continue
			}
			for len(cells) <= col {
				cells = append(cells, "")
			}
			cells[col] = val
		}
	}
}

// readCell reads a <c> element's <v> text (or inline string) up to </c>.
func (s *oracleSheetStream) readCell(inlineType bool) (v, inline string, err error) {
	var vb strings.Builder
	inV := false
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			return "", "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				inV = true
			case "is":
				if inline, err = oracleReadRichText(s.dec.RawToken, "is"); err != nil {
					return "", "", err
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "c":
				return vb.String(), inline, nil
			}
		case xml.CharData:
			if inV {
				vb.Write(t)
			}
		}
	}
}

func (s *oracleSheetStream) cellText(typ string, sid int, v, inline string) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return ""
		}
		str, _ := s.sst.get(i)
		return str
	case "inlineStr":
		return inline
	case "str", "e":
		return oracleUnescapeOOXML(v)
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE"
		}
		if strings.TrimSpace(v) == "0" {
			return "FALSE"
		}
		return v
	case "d":
		return v
	}
	return oracleNumberText(s.styles, s.fm, s.date1904, sid, v)
}

// oracleNumberText shows a numeric cell as Excel does: a date (ISO) when its style
// is a date format, else through its number format (General when it has none).
// The .xls reader shares it, so both formats read the same.
func oracleNumberText(styles []styleInfo, fm *numFormatter, date1904 bool, sid int, v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	if sid >= 0 && sid < len(styles) {
		st := styles[sid]
		if st.kind != notDate {
			if iso, ok := excelDate(v, st.kind, date1904); ok {
				return iso
			}
		}
		if st.numFmtID != 0 || st.code != "" {
			if st.code == "" && st.numFmtID == 49 { // "@" text
				return v
			}
			return fm.format(v, sid, st)
		}
	}
	return oracleGeneralNumber(v)
}

func (s *oracleSheetStream) close() {
	if s.rc != nil {
		s.rc.Close()
		s.rc = nil
	}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
