package tabular

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"handover/importers/internal/bytescan"
)

const sniffSize = 64 << 10

var (
	magicZip    = []byte("PK\x03\x04")
	magicZipEmp = []byte("PK\x05\x06")
	magicCFB    = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicSQLite = []byte("SQLite format 3\x00")
)

// Detect tells the format from the file's content (magic bytes, structure),
// not from its extension. It returns "" and a nil error for files that are not
// tabular (vCard, iCalendar, mail, documents, images...).
func Detect(path string) (format string, err error) {
	defer func() {
		if p := recover(); p != nil {
			format, err = "", fmt.Errorf("%s: could not be examined (internal error: %v)", path, p)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, sniffSize)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	head = head[:n]
	return detectBytes(head, path), nil
}

func detectBytes(head []byte, path string) string {
	switch {
	case len(head) == 0:
		return ""
	case bytes.HasPrefix(head, magicSQLite):
		return FormatSQLite
	case len(head) >= 19 && (string(head[4:19]) == "Standard Jet DB" || string(head[4:19]) == "Standard ACE DB"):
		return FormatMDB
	case bytes.HasPrefix(head, magicZip) || bytes.HasPrefix(head, magicZipEmp):
		return detectZip(head, path)
	case bytes.HasPrefix(head, magicCFB):
		return detectOLE(head, path)
	case looksLikeDBF(head, fileSizeOr(path, int64(len(head)))):
		return FormatDBF
	}
	if looksLikeDelimitedText(head) {
		return FormatCSV
	}
	return ""
}

// detectOLE names an OLE compound file by its streams at the root: Workbook
// (Excel 97-2003) or Book (Excel 5/95) → xls, EncryptionInfo → a
// password-protected xlsx (Open explains). A Word .doc or an Outlook .msg is
// not a table even when its text says "Workbook". When the directory cannot
// be read (a damaged file, or no path), the stream names found in the bytes
// decide, so Open can say what is wrong with the workbook.
func detectOLE(head []byte, path string) string {
	if path != "" {
		if f, err := os.Open(path); err == nil {
			defer f.Close()
			if doc, err := mscfb.New(f); err == nil {
				format := ""
				for _, e := range doc.File {
					if len(e.Path) != 0 {
						continue
					}
					switch {
					case e.Name == "EncryptionInfo" || e.Name == "EncryptedPackage":
						return FormatXLSX
					case strings.EqualFold(e.Name, "Workbook") || strings.EqualFold(e.Name, "Book"):
						format = FormatXLS
					}
				}
				return format
			}
		}
	}
	if bytes.Contains(head, utf16le("EncryptionInfo")) || bytes.Contains(head, utf16le("EncryptedPackage")) {
		return FormatXLSX
	}
	if bytes.Contains(head, utf16le("Workbook")) || bytes.Contains(head, utf16le("Book")) ||
		bytes.Contains(head, biff8GlobalsBOF) || bytes.Contains(head, biff5GlobalsBOF) {
		return FormatXLS
	}
	if path != "" {
		// The directory may sit beyond the first 64 KiB.
		if b, err := os.ReadFile(path); err == nil && len(b) < 64<<20 {
			if bytes.Contains(b, utf16le("EncryptionInfo")) {
				return FormatXLSX
			}
			if bytes.Contains(b, utf16le("Workbook")) {
				return FormatXLS
			}
		}
	}
	return ""
}

// The BOF record that opens an Excel 97-2003 (BIFF8) or Excel 5/95 (BIFF5)
// workbook's globals: a cut or damaged .xls whose directory is lost still
// shows it near the start, so Open can say the workbook is damaged.
var (
	biff8GlobalsBOF = []byte{0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00}
	biff5GlobalsBOF = []byte{0x09, 0x08, 0x08, 0x00, 0x00, 0x05, 0x05, 0x00}
)

func fileSizeOr(path string, def int64) int64 {
	if path == "" {
		return def
	}
	if s := fileSize(path); s >= 0 {
		return s
	}
	return def
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, c := range []byte(s) {
		b = append(b, c, 0)
	}
	return b
}

func detectZip(head []byte, path string) string {
	if path != "" {
		if zr, err := zip.OpenReader(path); err == nil {
			defer zr.Close()
			for _, f := range zr.File {
				if strings.EqualFold(f.Name, "xl/workbook.xml") || strings.EqualFold(f.Name, "xl/workbook.bin") {
					return FormatXLSX
				}
			}
			return "" // docx, odt, plain zip ...
		}
	}
	// A damaged zip: call it xlsx only if the local headers name Excel parts,
	// so Open can explain that the workbook is damaged.
	if bytes.Contains(head, []byte("xl/")) {
		return FormatXLSX
	}
	return ""
}

// dbfVersions are the first bytes of dBase III/IV/5, FoxBase, FoxPro and Visual FoxPro tables.
var dbfVersions = map[byte]bool{
	0x02: true, 0x03: true, 0x04: true, 0x05: true, 0x30: true, 0x31: true, 0x32: true,
	0x43: true, 0x63: true, 0x7B: true, 0x83: true, 0x8B: true, 0x8E: true, 0xCB: true,
	0xF5: true, 0xFB: true,
}

func looksLikeDBF(head []byte, size int64) bool {
	if len(head) < 44 || !dbfVersions[head[0]] {
		return false
	}
	month, day := head[2], head[3]
	if month > 12 || day > 31 {
		return false
	}
	// Header and record lengths are not checked here: a table with a damaged
	// header is still a DBF, and Open explains what is wrong with it.
	_ = size
	// The first field descriptor has a printable name and a known type.
	name := head[32:43]
	if name[0] < 0x20 || name[0] > 0x7E {
		return false
	}
	return strings.IndexByte("CNFDLMBGIYTP0VQW@+O", head[43]) >= 0
}

// looksLikeDelimitedText says whether the first bytes are text laid out in
// lines (and not vCard/iCalendar/mail, which other importers own).
func looksLikeDelimitedText(head []byte) bool {
	enc, _ := sniffEncoding(head)
	text, err := decodeSample(head, enc)
	if err != nil || len(strings.TrimSpace(text)) == 0 {
		return false
	}
	if strings.ContainsRune(text, 0) {
		return false // binary
	}
	ctrl := 0
	for _, r := range text {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != 0x1A && r != '\f' {
			ctrl++
		}
	}
	if ctrl > len(text)/100+1 {
		return false
	}
	first := strings.ToUpper(strings.TrimSpace(firstLine(strings.TrimLeft(text, " \r\n\t"))))
	for _, p := range []string{"BEGIN:VCARD", "BEGIN:VCALENDAR", "BEGIN:VEVENT", "FROM ", "FROM:", "RETURN-PATH:", "RECEIVED:", "MIME-VERSION:", "DELIVERED-TO:", "X-", "MESSAGE-ID:", "<?XML", "<!DOCTYPE", "<HTML", "{", "%PDF"} {
		if strings.HasPrefix(first, p) {
			return false
		}
	}
	return !looksLikeMailHeader(first)
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

func looksLikeMailHeader(line string) bool {
	for _, h := range []string{"DATE:", "SUBJECT:", "TO:", "CC:", "REPLY-TO:", "CONTENT-TYPE:"} {
		if strings.HasPrefix(line, h) {
			return true
		}
	}
	return false
}

// ---- encodings ----

type encChoice struct {
	name   string
	bom    int // bytes of BOM to skip
	reason string
}

func encodingByName(name string) (encoding.Encoding, bool) {
	switch strings.ToLower(strings.ReplaceAll(name, "_", "-")) {
	case "utf-8", "utf8":
		return nil, true
	case "utf-16le", "utf16le":
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), true
	case "utf-16be", "utf16be":
		return xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), true
	case "windows-1252", "cp1252", "latin1", "iso-8859-1":
		return charmap.Windows1252, true
	case "cp437", "ibm437":
		return charmap.CodePage437, true
	case "cp850", "ibm850":
		return charmap.CodePage850, true
	}
	return nil, false
}

func normEncodingName(name string) string {
	switch strings.ToLower(strings.ReplaceAll(name, "_", "-")) {
	case "utf-8", "utf8":
		return "utf-8"
	case "utf-16le", "utf16le":
		return "utf-16le"
	case "utf-16be", "utf16be":
		return "utf-16be"
	case "windows-1252", "cp1252", "latin1", "iso-8859-1":
		return "windows-1252"
	case "cp437", "ibm437":
		return "cp437"
	case "cp850", "ibm850":
		return "cp850"
	}
	return name
}

// sniffEncoding guesses the text encoding of the sample and says why.
func sniffEncoding(b []byte) (encChoice, bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return encChoice{"utf-8", 3, "utf-8 (byte-order mark EF BB BF)"}, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return encChoice{"utf-16le", 2, "utf-16le (byte-order mark FF FE)"}, true
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return encChoice{"utf-16be", 2, "utf-16be (byte-order mark FE FF)"}, true
	}
	// UTF-16 without BOM: ASCII text has a NUL in every other byte.
	if len(b) >= 4 {
		n := min(len(b), 4096) &^ 1
		var evenNul, oddNul int
		for i := 0; i < n; i += 2 {
			if b[i] == 0 {
				evenNul++
			}
			if b[i+1] == 0 {
				oddNul++
			}
		}
		half := n / 2
		if oddNul*10 >= half*6 && evenNul*10 < half {
			return encChoice{"utf-16le", 0, fmt.Sprintf("utf-16le (no byte-order mark; %d of the first %d characters have a zero high byte)", oddNul, half)}, true
		}
		if evenNul*10 >= half*6 && oddNul*10 < half {
			return encChoice{"utf-16be", 0, fmt.Sprintf("utf-16be (no byte-order mark; %d of the first %d characters have a zero high byte)", evenNul, half)}, true
		}
	}
	// Valid UTF-8? (A rune cut by the end of the sample is fine.)
	valid := trimPartialRune(b)
	firstHigh := bytes.IndexFunc(b, func(r rune) bool { return r >= 0x80 })
	if utf8.Valid(valid) {
		if firstHigh < 0 {
			return encChoice{"utf-8", 0, "utf-8 (plain ASCII so far)"}, false
		}
		return encChoice{"utf-8", 0, fmt.Sprintf("utf-8 (valid UTF-8 multi-byte characters, first in line %d)", lineOf(b, firstHigh))}, true
	}
	// 8-bit: Windows-1252 vs DOS code pages 437 / 850.
	pos := firstInvalidUTF8(b)
	s1252 := wordScore(b, charmap.Windows1252) + smartPunctScore(b)
	s437 := wordScore(b, charmap.CodePage437) + boxScore(b)
	s850 := wordScore(b, charmap.CodePage850) + boxScore(b)
	where := fmt.Sprintf("byte 0x%02X in line %d", b[pos], lineOf(b, pos))
	switch {
	case s1252 >= s437 && s1252 >= s850:
		return encChoice{"windows-1252", 0, fmt.Sprintf("windows-1252 (not UTF-8: %s; reads as %q)", where, decodeByte(charmap.Windows1252, b[pos]))}, true
	case s850 > s437:
		return encChoice{"cp850", 0, fmt.Sprintf("cp850 (not UTF-8: %s; the high bytes read as DOS accented letters, e.g. %q)", where, decodeByte(charmap.CodePage850, b[pos]))}, true
	default:
		return encChoice{"cp437", 0, fmt.Sprintf("cp437 (not UTF-8: %s; the high bytes read as DOS letters or box drawing, e.g. %q)", where, decodeByte(charmap.CodePage437, b[pos]))}, true
	}
}

func decodeByte(cm *charmap.Charmap, c byte) string { return string(cm.DecodeByte(c)) }

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}

func lineOf(b []byte, pos int) int { return bytes.Count(b[:pos], []byte{'\n'}) + 1 }

// wordScore counts high bytes that decode to a letter sitting next to an
// ASCII letter (é in "Café", ñ in "Muñoz") under the given code page.
func wordScore(b []byte, cm *charmap.Charmap) int {
	score := 0
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		r := cm.DecodeByte(c)
		if !unicode.IsLetter(r) {
			continue
		}
		prev := i > 0 && (bytescan.Letter(b[i-1]) || b[i-1] >= 0x80)
		next := i+1 < len(b) && (bytescan.Letter(b[i+1]) || b[i+1] >= 0x80)
		if prev || next {
			score += 2
		}
		if unicode.IsLower(r) && (prev && i > 0 && bytescan.Letter(b[i-1])) {
			score++
		}
	}
	return score
}

// smartPunctScore rewards Windows-1252 punctuation (curly quotes, dashes, €, …)
// sitting next to spaces or letters.
func smartPunctScore(b []byte) int {
	score := 0
	for i, c := range b {
		switch c {
		case 0x80, 0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99:
			prev := i == 0 || b[i-1] == ' ' || bytescan.Letter(b[i-1]) || (b[i-1] >= '0' && b[i-1] <= '9')
			next := i+1 >= len(b) || b[i+1] == ' ' || bytescan.Letter(b[i+1]) || (b[i+1] >= '0' && b[i+1] <= '9')
			if prev || next {
				score += 2
			}
		}
	}
	return score
}

// boxScore rewards runs of DOS box-drawing characters (0xB0-0xDF).
func boxScore(b []byte) int {
	score := 0
	for i := 1; i < len(b); i++ {
		if b[i] >= 0xB0 && b[i] <= 0xDF && b[i-1] >= 0xB0 && b[i-1] <= 0xDF {
			score += 2
		}
	}
	return score
}

// decodeSample decodes a sniffed sample to UTF-8 text (for delimiter and
// header detection only; invalid bytes become U+FFFD).
func decodeSample(b []byte, enc encChoice) (string, error) {
	b = b[enc.bom:]
	e, ok := encodingByName(enc.name)
	if !ok {
		return "", fmt.Errorf("unknown encoding %q", enc.name)
	}
	if e == nil {
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	}
	if enc.name == "utf-16le" || enc.name == "utf-16be" {
		b = b[:len(b)&^1]
	}
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// trimPartialRune drops a multi-byte rune cut off by the end of a sample.
func trimPartialRune(b []byte) []byte {
	i := len(b) - 1
	for i >= 0 && i > len(b)-4 && b[i]&0xC0 == 0x80 {
		i--
	}
	if i >= 0 && b[i] >= 0xC0 && !utf8.FullRune(b[i:]) {
		return b[:i]
	}
	return b
}
