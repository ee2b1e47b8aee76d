package tabular

// xmlScan tokenizes the XML of an .xlsx part (worksheets, shared strings)
// without allocating per token.
//
// encoding/xml's Decoder copies every name, attribute and text into new
// strings and slices: on a 3 MB worksheet (28 MB of XML) that was ~1 GB of
// garbage and most of the read's CPU. xmlScan follows the Decoder's grammar
// byte for byte as the reader used it (Strict, no CharsetReader, no custom
// entities): the same input is accepted or rejected at the same token, text
// is decoded the same way (entities, numeric references, CDATA, "\r\n" to
// "\n", the same UTF-8 and character-range checks), and names are split into
// prefix and local part the same way. xlsx_oracle_test.go keeps the
// Decoder-based reader and fuzzes the two against each other.
//
// It keeps only what the xlsx reader asks for: the element's local name, the
// attributes r, t and s (the first of each, matched by local name, as
// xml.Attr.Name.Local was), and text. With matchTags it also checks that end
// tags close the open element, as Decoder.Token does (RawToken does not).

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

type xmlTok uint8

const (
	tokStart xmlTok = iota + 1
	tokEnd
	tokText  // character data or CDATA; in xmlScan.text
	tokOther // comment, processing instruction, directive
)

// The attributes kept from a start element.
const (
	attrR = iota // a row's number, a cell's reference
	attrT        // a cell's type
	attrS        // a cell's style
	nAttrs
)

var attrNames = [nAttrs]string{"r", "t", "s"}

type xmlScanError struct {
	msg string
	off int64
}

func (e *xmlScanError) Error() string {
	return fmt.Sprintf("XML syntax error at byte %d: %s", e.off, e.msg)
}

type xmlScan struct {
	src    io.Reader
	srcErr error // the reader's error, returned once the bytes before it are used
	buf    []byte
	r, w   int
	base   int64 // stream offset of buf[0]
	err    error // sticky: io.EOF, a read error or a syntax error

	matchTags bool
	open      []byte // matchTags: the open elements' qualified names, one after another
	openEnds  []int

	name      []byte // qualified name of the last start or end element
	local     []byte // its local part (within name)
	attr      [nAttrs][]byte
	hasAttr   [nAttrs]bool
	text      []byte // tokText: the decoded text
	needClose bool   // the last start element was self-closing: its end comes next

	aname   []byte // scratch: an attribute's name
	scratch []byte // scratch: values and text nobody keeps
}

func newXMLScan(r io.Reader, matchTags bool) *xmlScan {
	return &xmlScan{src: r, buf: make([]byte, 1<<16), matchTags: matchTags}
}

func (s *xmlScan) syntax(msg string) error {
	return &xmlScanError{msg: msg, off: s.base + int64(s.r)}
}

func (s *xmlScan) getc() (byte, bool) {
	if s.r < s.w {
		b := s.buf[s.r]
		s.r++
		return b, true
	}
	return s.fill()
}

func (s *xmlScan) fill() (byte, bool) {
	if s.err != nil {
		return 0, false
	}
	if s.srcErr != nil {
		s.err = s.srcErr
		return 0, false
	}
	s.base += int64(s.w)
	s.r, s.w = 0, 0
	for tries := 0; ; tries++ {
		n, err := s.src.Read(s.buf)
		if err != nil {
			s.srcErr = err
		}
		if n > 0 {
			s.w, s.r = n, 1
			return s.buf[0], true
		}
		if err != nil {
			s.err = err
			return 0, false
		}
		if tries >= 100 {
			s.err = io.ErrNoProgress
			return 0, false
		}
	}
}

// ungetc gives back the byte the last getc returned.
func (s *xmlScan) ungetc() { s.r-- }

// mustgetc is getc where the end of the input is a syntax error.
func (s *xmlScan) mustgetc() (byte, bool) {
	b, ok := s.getc()
	if !ok && s.err == io.EOF {
		s.err = s.syntax("unexpected EOF")
	}
	return b, ok
}

func (s *xmlScan) space() {
	for {
		for s.r < s.w && xmlSpace[s.buf[s.r]] {
			s.r++
		}
		if s.r < s.w {
			return
		}
		b, ok := s.getc()
		if !ok {
			return
		}
		switch b {
		case ' ', '\r', '\n', '\t':
		default:
			s.ungetc()
			return
		}
	}
}

// next reads the next token.
func (s *xmlScan) next() (xmlTok, error) {
	tok, err := s.rawNext()
	if s.matchTags && tok == 0 && err == io.EOF && len(s.openEnds) > 0 {
		return 0, s.syntax("unexpected EOF")
	}
	return tok, err
}

func (s *xmlScan) rawNext() (xmlTok, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.needClose {
		s.needClose = false
		return s.endTag()
	}
	b, ok := s.getc()
	if !ok {
		return 0, s.err
	}
	if b != '<' {
		s.ungetc()
		if s.text, ok = s.readText(s.text[:0], -1, false); !ok {
			return 0, s.err
		}
		return tokText, nil
	}
	if b, ok = s.mustgetc(); !ok {
		return 0, s.err
	}
	switch b {
	case '/':
		if !s.nsname(&s.name, &s.local) {
			return 0, s.fail("expected element name after </")
		}
		s.space()
		if b, ok = s.mustgetc(); !ok {
			return 0, s.err
		}
		if b != '>' {
			return 0, s.fail("invalid characters between </" + string(s.local) + " and >")
		}
		return s.endTag()
	case '?':
		return s.procInst()
	case '!':
		return s.bang()
	}
	s.ungetc()
	return s.startTag()
}

// fail sets msg as the error unless a more precise one is set already.
func (s *xmlScan) fail(msg string) error {
	if s.err == nil || s.err == io.EOF {
		s.err = s.syntax(msg)
	}
	return s.err
}

func (s *xmlScan) endTag() (xmlTok, error) {
	if s.matchTags {
		if len(s.openEnds) == 0 {
			return 0, s.fail("unexpected end element </" + string(s.local) + ">")
		}
		from := 0
		if len(s.openEnds) > 1 {
			from = s.openEnds[len(s.openEnds)-2]
		}
		if top := s.open[from:]; !bytes.Equal(top, s.name) {
			return 0, s.fail("element <" + string(top) + "> closed by </" + string(s.name) + ">")
		}
		s.open = s.open[:from]
		s.openEnds = s.openEnds[:len(s.openEnds)-1]
	}
	return tokEnd, nil
}

func (s *xmlScan) startTag() (xmlTok, error) {
	if !s.nsname(&s.name, &s.local) {
		return 0, s.fail("expected element name after <")
	}
	s.hasAttr = [nAttrs]bool{}
	for i := range s.attr {
		s.attr[i] = s.attr[i][:0]
	}
	empty := false
	for {
		s.space()
		b, ok := s.mustgetc()
		if !ok {
			return 0, s.err
		}
		if b == '/' {
			if b, ok = s.mustgetc(); !ok {
				return 0, s.err
			}
			if b != '>' {
				return 0, s.fail("expected /> in element")
			}
			empty = true
			break
		}
		if b == '>' {
			break
		}
		s.ungetc()
		var alocal []byte
		if !s.nsname(&s.aname, &alocal) {
			return 0, s.fail("expected attribute name in element")
		}
		s.space()
		if b, ok = s.mustgetc(); !ok {
			return 0, s.err
		}
		if b != '=' {
			return 0, s.fail("attribute name without = in element")
		}
		s.space()
		if b, ok = s.mustgetc(); !ok {
			return 0, s.err
		}
		if b != '"' && b != '\'' {
			return 0, s.fail("unquoted or missing attribute value in element")
		}
		keep := -1
		for i, n := range attrNames {
			if !s.hasAttr[i] && string(alocal) == n {
				keep = i
			}
		}
		if keep >= 0 {
			s.hasAttr[keep] = true
			s.attr[keep], ok = s.readText(s.attr[keep][:0], int(b), false)
		} else {
			s.scratch, ok = s.readText(s.scratch[:0], int(b), false)
		}
		if !ok {
			return 0, s.err
		}
	}
	if s.matchTags {
		s.open = append(s.open, s.name...)
		s.openEnds = append(s.openEnds, len(s.open))
	}
	s.needClose = empty
	return tokStart, nil
}

// procInst reads <?target ...?>; only the <?xml?> declaration is checked.
func (s *xmlScan) procInst() (xmlTok, error) {
	if !s.name1(&s.aname) {
		return 0, s.fail("expected target name after <?")
	}
	isDecl := string(s.aname) == "xml"
	s.space()
	s.scratch = s.scratch[:0]
	var b0 byte
	for {
		b, ok := s.mustgetc()
		if !ok {
			return 0, s.err
		}
		if isDecl {
			s.scratch = append(s.scratch, b)
		}
		if b0 == '?' && b == '>' {
			break
		}
		b0 = b
	}
	if isDecl {
		content := string(s.scratch[:len(s.scratch)-2])
		if ver := procInstParam("version", content); ver != "" && ver != "1.0" {
			s.err = fmt.Errorf("xml: unsupported version %q; only version 1.0 is supported", ver)
			return 0, s.err
		}
		if enc := procInstParam("encoding", content); enc != "" && !strings.EqualFold(enc, "utf-8") {
			s.err = fmt.Errorf("xml: encoding %q declared but Decoder.CharsetReader is nil", enc)
			return 0, s.err
		}
	}
	return tokOther, nil
}

// bang reads what starts with <!: a comment, CDATA or a directive.
func (s *xmlScan) bang() (xmlTok, error) {
	b, ok := s.mustgetc()
	if !ok {
		return 0, s.err
	}
	switch b {
	case '-':
		if b, ok = s.mustgetc(); !ok {
			return 0, s.err
		}
		if b != '-' {
			return 0, s.fail("invalid sequence <!- not part of <!--")
		}
		var b0, b1 byte
		for {
			if b, ok = s.mustgetc(); !ok {
				return 0, s.err
			}
			if b0 == '-' && b1 == '-' {
				if b != '>' {
					return 0, s.fail(`invalid sequence "--" not allowed in comments`)
				}
				return tokOther, nil
			}
			b0, b1 = b1, b
		}
	case '[':
		for i := 0; i < 6; i++ {
			if b, ok = s.mustgetc(); !ok {
				return 0, s.err
			}
			if b != "CDATA["[i] {
				return 0, s.fail("invalid <![ sequence")
			}
		}
		if s.text, ok = s.readText(s.text[:0], -1, true); !ok {
			return 0, s.err
		}
		return tokText, nil
	}
	// A directive (<!DOCTYPE ...>): skipped up to its '>', counting nested
	// angle brackets outside quotes and skipping comments, as the Decoder does.
	var inquote byte
	depth := 0
	for {
		if b, ok = s.mustgetc(); !ok {
			return 0, s.err
		}
		if inquote == 0 && b == '>' && depth == 0 {
			return tokOther, nil
		}
	handleB:
		switch {
		case b == inquote:
			inquote = 0
		case inquote != 0:
		case b == '\'' || b == '"':
			inquote = b
		case b == '>':
			depth--
		case b == '<':
			const open = "!--"
			for i := 0; i < len(open); i++ {
				if b, ok = s.mustgetc(); !ok {
					return 0, s.err
				}
				if b != open[i] {
					depth++
					goto handleB
				}
			}
			var b0, b1 byte
			for {
				if b, ok = s.mustgetc(); !ok {
					return 0, s.err
				}
				if b0 == '-' && b1 == '-' && b == '>' {
					break
				}
				b0, b1 = b1, b
			}
		}
	}
}

// readText appends character data to dst: up to the next '<' (quote < 0),
// up to the closing quote (an attribute value), or up to "]]>" (cdata).
// ok is false when the text is malformed (s.err says why); the end of the
// input ends plain text without an error, as in the Decoder.
func (s *xmlScan) readText(dst []byte, quote int, cdata bool) ([]byte, bool) {
	start := len(dst)
	var b0, b1 byte
	trunc := 0
	for {
		// Runs of plain bytes are copied at once; the bytes that need a look
		// (markup, entities, "]]>", "\r\n", quotes) go one at a time below.
		if i := s.r; i < s.w && !textStop[s.buf[i]] && b1 != '\r' {
			for i < s.w && !textStop[s.buf[i]] {
				i++
			}
			dst = append(dst, s.buf[s.r:i]...)
			s.r = i
			b0, b1 = 0, 0 // neither was ']' or '\r': the same as the real ones
			continue
		}
		b, ok := s.getc()
		if !ok {
			if cdata {
				if s.err == io.EOF {
					s.err = s.syntax("unexpected EOF in CDATA section")
				}
				return dst, false
			}
			break
		}
		if quote < 0 && b0 == ']' && b1 == ']' && b == '>' {
			if cdata {
				trunc = 2
				break
			}
			s.err = s.syntax("unescaped ]]> not in CDATA section")
			return dst, false
		}
		if b == '<' && !cdata {
			if quote >= 0 {
				s.err = s.syntax("unescaped < inside quoted string")
				return dst, false
			}
			s.ungetc()
			break
		}
		if quote >= 0 && b == byte(quote) {
			break
		}
		if b == '&' && !cdata {
			r, ok := s.entity()
			if !ok {
				return dst, false
			}
			dst = utf8.AppendRune(dst, r)
			b0, b1 = 0, 0
			continue
		}
		switch {
		case b == '\r':
			dst = append(dst, '\n')
		case b1 == '\r' && b == '\n':
		default:
			dst = append(dst, b)
		}
		b0, b1 = b1, b
	}
	dst = dst[:len(dst)-trunc]
	if msg := badXMLChars(dst[start:]); msg != "" {
		s.err = s.syntax(msg)
		return dst, false
	}
	return dst, true
}

// badXMLChars says what is wrong with decoded text: invalid UTF-8 or a
// character outside XML's Char production; "" when nothing is.
func badXMLChars(b []byte) string {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Sprintf("illegal character code %U", rune(c))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return "invalid UTF-8"
		}
		if !(r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return fmt.Sprintf("illegal character code %U", r)
		}
		i += size
	}
	return ""
}

// entity reads a character reference after '&': &lt; &gt; &amp; &apos;
// &quot;, &#N; or &#xH; up to U+10FFFF. Anything else is an error, as it is
// for a strict Decoder without an Entity map.
func (s *xmlScan) entity() (rune, bool) {
	b, ok := s.mustgetc()
	if !ok {
		return 0, false
	}
	if b == '#' {
		if b, ok = s.mustgetc(); !ok {
			return 0, false
		}
		base := rune(10)
		if b == 'x' {
			base = 16
			if b, ok = s.mustgetc(); !ok {
				return 0, false
			}
		}
		var n rune
		digits, tooBig := 0, false
		for {
			var d rune
			switch {
			case '0' <= b && b <= '9':
				d = rune(b - '0')
			case base == 16 && 'a' <= b && b <= 'f':
				d = rune(b-'a') + 10
			case base == 16 && 'A' <= b && b <= 'F':
				d = rune(b-'A') + 10
			default:
				d = -1
			}
			if d < 0 {
				break
			}
			digits++
			if !tooBig {
				n = n*base + d
				tooBig = n > utf8.MaxRune
			}
			if b, ok = s.mustgetc(); !ok {
				return 0, false
			}
		}
		if b != ';' || digits == 0 || tooBig {
			if b != ';' {
				s.ungetc()
			}
			s.err = s.syntax("invalid character entity &#...")
			return 0, false
		}
		return n, true
	}
	// A name: read like Decoder.readName (name bytes and any non-ASCII byte).
	var name [4]byte
	n := 0
	for first := true; ; first = false {
		if b < utf8.RuneSelf && !isNameByte(b) {
			if first {
				break
			}
			if b == ';' {
				if r, known := predefinedEntity(string(name[:min(n, len(name))]), n); known {
					return r, true
				}
			}
			break
		}
		if n < len(name) {
			name[n] = b
		}
		n++
		if b, ok = s.mustgetc(); !ok {
			return 0, false
		}
	}
	s.err = s.syntax("invalid character entity &" + string(name[:min(n, len(name))]) + "...")
	return 0, false
}

func predefinedEntity(name string, n int) (rune, bool) {
	if n > 4 {
		return 0, false
	}
	switch name {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	return 0, false
}

var xmlSpace, textStop, nameByteOrHigh [256]bool

func init() {
	for _, c := range " \r\n\t" {
		xmlSpace[c] = true
	}
	for _, c := range "<&]>\r\"'" {
		textStop[c] = true
	}
	for c := range 256 {
		nameByteOrHigh[c] = c >= utf8.RuneSelf || isNameByte(byte(c))
	}
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// name1 reads a name into *dst; false when there is none (s.err is set if
// the name is not a valid XML name or the input ended).
func (s *xmlScan) name1(dst *[]byte) bool {
	name := (*dst)[:0]
	ascii := true
	for {
		if i := s.r; i < s.w && nameByteOrHigh[s.buf[i]] {
			for i < s.w && nameByteOrHigh[s.buf[i]] {
				ascii = ascii && s.buf[i] < utf8.RuneSelf
				i++
			}
			name = append(name, s.buf[s.r:i]...)
			s.r = i
			continue
		}
		b, ok := s.mustgetc()
		if !ok {
			*dst = name
			return false
		}
		if b < utf8.RuneSelf && !isNameByte(b) {
			s.ungetc()
			break
		}
		ascii = ascii && b < utf8.RuneSelf
		name = append(name, b)
	}
	*dst = name
	if len(name) == 0 {
		return false
	}
	if ascii {
		// ASCII name bytes other than letters, '_' and ':' may not start a name.
		if c := name[0]; c >= '0' && c <= '9' || c == '.' || c == '-' {
			s.err = s.syntax("invalid XML name: " + string(name))
			return false
		}
		return true
	}
	if !isXMLNameSlow(name) {
		s.err = s.syntax("invalid XML name: " + string(name))
		return false
	}
	return true
}

// isXMLNameSlow asks encoding/xml whether a name with non-ASCII characters
// is a valid XML name (its Unicode tables are not exported). Such names do
// not occur in real workbooks.
func isXMLNameSlow(name []byte) bool {
	probe := make([]byte, 0, len(name)+3)
	probe = append(probe, '<')
	for _, c := range name {
		if c == ':' { // both start names: the probe stays valid iff the name is
			c = '_'
		}
		probe = append(probe, c)
	}
	probe = append(probe, '/', '>')
	_, err := xml.NewDecoder(bytes.NewReader(probe)).RawToken()
	return err == nil
}

// nsname reads a qualified name into *dst and points *local at its local
// part: "x:row" is row; "row", ":row" and "row:" are themselves; a name
// with two colons is not a name.
func (s *xmlScan) nsname(dst *[]byte, local *[]byte) bool {
	if !s.name1(dst) {
		return false
	}
	name := *dst
	i := bytes.IndexByte(name, ':')
	switch {
	case i < 0:
		*local = name
	case bytes.IndexByte(name[i+1:], ':') >= 0:
		return false
	case i == 0 || i == len(name)-1:
		*local = name
	default:
		*local = name[i+1:]
	}
	return true
}

// richText appends the text of an <si> or <is> element to dst, skipping
// phonetic runs, and reads up to the end tag whose local name is end.
func (s *xmlScan) richText(dst []byte, end string) ([]byte, error) {
	inT, skip := 0, 0
	for {
		tok, err := s.next()
		if err != nil {
			return dst, err
		}
		switch tok {
		case tokStart:
			switch string(s.local) {
			case "t":
				inT++
			case "rPh", "phoneticPr":
				skip++
			}
		case tokEnd:
			switch string(s.local) {
			case "t":
				inT--
			case "rPh", "phoneticPr":
				skip--
			case end:
				return dst, nil
			}
		case tokText:
			if inT > 0 && skip == 0 {
				dst = append(dst, s.text...)
			}
		}
	}
}

// procInstParam is encoding/xml's procInst: the value of param="..." or
// param='...' in a processing instruction, "" if there is none.
func procInstParam(param, s string) string {
	param = param + "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}
