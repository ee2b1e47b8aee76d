package mail

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset" // imported also for its side effect: every charset x/text knows, for bodies and encoded words
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding/charmap"

	"handover/core/model"
	"handover/importers/items"
)

// fatalError is an error that must end Read (the attachment directory cannot
// be written), as opposed to a message that cannot be read.
type fatalError struct{ err error }

func (f fatalError) Error() string { return f.err.Error() }
func (f fatalError) Unwrap() error { return f.err }

// readOne parses one message from m, drains the rest of it and builds its Item.
// postmark is the message's mbox "From " separator line ("" for an .eml).
func readOne(m *msgReader, num, off int64, postmark string, opts Options) (Item, error) {
	it := Item{Num: num, Locator: fmt.Sprintf("message %d (offset %d)", num, off)}
	res, perr := safeParse(m, &it, postmark, opts)
	if err := m.drain(); err != nil {
		return it, fmt.Errorf("mail: reading %s: %w", it.Locator, err)
	}
	if m.ioErr != nil {
		return it, fmt.Errorf("mail: reading %s: %w", it.Locator, m.ioErr)
	}
	var fe fatalError
	if errors.As(perr, &fe) {
		return it, fmt.Errorf("mail: %s: %w", it.Locator, fe.err)
	}
	body := m.total - m.hdrBytes
	if m.inHeader {
		body = 0
	}
	it.Raw = m.header.String()
	if m.header.Len() >= maxRawHeader {
		it.Raw += "[... header cut at 64 KiB ...]\n"
	}
	it.Raw += fmt.Sprintf("[body: %d bytes, not kept here]", body)
	switch {
	case m.tooBig:
		it.Reject = fmt.Sprintf("%s is larger than the %d MB limit (%d bytes): not read", it.Locator, m.limit>>20, m.total)
	case m.total == 0: // two "From " lines in a row
		it.Empty = true
	case m.inHeader && m.eof:
		it.Reject = fmt.Sprintf("%s is cut off: the file ends inside its header (truncated file?)", it.Locator)
	case m.inHeader:
		it.Reject = fmt.Sprintf("%s has no empty line after its header: the mailbox may be damaged here", it.Locator)
	case perr != nil:
		it.Reject = fmt.Sprintf("%s: %v", it.Locator, perr)
		if m.eof {
			it.Reject += " (the file ends inside this message: truncated?)"
		}
	default:
		it.Records = res.records
		it.Empty = res.empty
		it.Findings = res.findings
	}
	return it, nil
}

// openMessage is gomail.CreateReader, except that a top-level
// Content-Transfer-Encoding go-message does not know ("7-bit", "8-bit",
// "x-uuencode", ...) is dropped instead of failing the whole message: the
// body then comes through as it is written.
func openMessage(r io.Reader) (*gomail.Reader, error) {
	lr := &headerLimit{r: r, n: 1 << 20}
	br := bufio.NewReader(lr)
	th, err := textproto.ReadHeader(br)
	if err != nil {
		return nil, err
	}
	lr.n = -1
	h := message.Header{Header: th}
	switch cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))); cte {
	case "", "7bit", "8bit", "binary", "base64", "quoted-printable":
		if cte != "" {
			h.Set("Content-Transfer-Encoding", cte)
		}
	case "quoted printable", "qp":
		h.Set("Content-Transfer-Encoding", "quoted-printable")
	default:
		h.Del("Content-Transfer-Encoding")
	}
	e, err := message.New(h, br)
	if err != nil && !message.IsUnknownCharset(err) {
		return nil, err
	}
	return gomail.NewReader(e), nil
}

// headerLimit bounds the header block (as go-message does) but not the body.
type headerLimit struct {
	r io.Reader
	n int64 // -1: no limit
}

func (l *headerLimit) Read(p []byte) (int, error) {
	if l.n == 0 {
		return 0, errors.New("the message header is larger than 1 MB")
	}
	if l.n > 0 && int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	if l.n > 0 {
		l.n -= int64(n)
	}
	return n, err
}

type parsed struct {
	records  []model.Record
	empty    bool
	findings []items.Finding
}

// parse reads one message; a variable so a test can make it panic.
var parse = parseMessage

// safeParse turns a panic in go-message (or here) into a rejected message.
func safeParse(r io.Reader, it *Item, postmark string, opts Options) (res parsed, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = parsed{}, fmt.Errorf("could not be read (internal error: %v)", p)
		}
	}()
	return parse(r, it, postmark, opts)
}

func parseMessage(r io.Reader, it *Item, postmark string, opts Options) (parsed, error) {
	mr, err := openMessage(r)
	if err != nil {
		return parsed{}, fmt.Errorf("cannot read the message header: %v", err)
	}
	h := mr.Header
	c := &model.Communication{}
	if s, err := h.Subject(); err == nil {
		c.Subject = s
	} else {
		c.Subject = h.Get("Subject")
	}
	c.Subject = strings.TrimSpace(validUTF8(c.Subject))
	c.From = firstAddress(h, "From")
	if c.From == "" {
		c.From = firstAddress(h, "Sender")
	}
	c.To = addresses(h, "To")
	c.ReceivedAt = parseDate(h.Get("Date"))
	var findings []items.Finding
	if c.ReceivedAt == "" {
		if f := dateFallback(c, h.Get("Date"), postmark, opts); f != nil {
			findings = append(findings, *f)
		}
	}
	if id, err := h.MessageID(); err == nil && id != "" {
		c.MessageID = id
	} else {
		c.MessageID = strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	}
	c.MessageID = validUTF8(c.MessageID)
	// The matter: marked in the subject ("Our ref: 2024-017", "[2024-017]"),
	// else, for a single message, in its file name ("2024-017 letter.eml"),
	// else the matter folder the file is filed in.
	m := items.MatterRef(c.Subject, opts.KnownMatter)
	if m == "" && opts.FileName != "" {
		m = items.MatterRef(strings.TrimSuffix(opts.FileName, filepath.Ext(opts.FileName)), opts.KnownMatter)
	}
	if m == "" {
		m = opts.FolderMatter
	}
	if m != "" {
		c.Matter = model.Ref{Kind: "number", Value: m}
	}
	key := c.MessageID
	if key == "" {
		var fields []string
		for f := h.Fields(); f.Next(); {
			fields = append(fields, f.Key()+": "+f.Value())
		}
		sum := sha256.Sum256([]byte(strings.Join(fields, "\n")))
		key = "mail:" + hex.EncodeToString(sum[:12])
	}

	var plain, html string
	var haveHTML bool
	var docs []model.Record
	nPart := 0
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) {
			if errors.Is(err, errTooBig) {
				return parsed{}, err
			}
			return parsed{}, fmt.Errorf("cannot read MIME part %d: %v", nPart+1, err)
		}
		nPart++
		ct, _, _ := mimeType(p.Header)
		ih, inline := p.Header.(*gomail.InlineHeader)
		if inline && (ct == "text/plain" || ct == "text/html" || ct == "") && filenameOf(ih.Header) == "" {
			text, err := readText(p.Body)
			if err != nil {
				return parsed{}, fmt.Errorf("cannot read the text of MIME part %d: %v", nPart, err)
			}
			switch {
			case ct == "text/html" && !haveHTML:
				html, haveHTML = text, true
			case ct != "text/html" && plain == "":
				plain = text
			}
			continue
		}
		if inline && strings.HasPrefix(ct, "text/") && filenameOf(ih.Header) == "" {
			// Other inline text (text/calendar in an invitation, text/enriched):
			// not the body, and no file name to make a document of.
			if _, err := io.Copy(io.Discard, p.Body); err != nil {
				return parsed{}, fmt.Errorf("cannot read MIME part %d: %v", nPart, err)
			}
			continue
		}
		var hdr message.Header
		switch ph := p.Header.(type) {
		case *gomail.InlineHeader:
			hdr = ph.Header
		case *gomail.AttachmentHeader:
			hdr = ph.Header
		}
		doc, err := storeAttachment(p.Body, hdr, ct, len(docs)+1, opts.AttachmentDir)
		if err != nil {
			var fe fatalError
			if errors.As(err, &fe) {
				return parsed{}, err
			}
			return parsed{}, fmt.Errorf("cannot read attachment %q (MIME part %d): %v", doc.Name, nPart, err)
		}
		doc.Email = model.Ref{Kind: "key", Value: key}
		doc.Matter = c.Matter
		doc.ReceivedAt = c.ReceivedAt
		docs = append(docs, model.Record{Entity: model.Documents, Key: fmt.Sprintf("%s#attachment-%d", key, len(docs)+1), Data: doc})
	}
	switch {
	case strings.TrimSpace(plain) != "":
		c.Body = plain
	case haveHTML:
		c.Body = HTMLToText(html)
	default:
		c.Body = plain
	}
	c.Body = strings.TrimRight(c.Body, " \t\r\n")
	if c.Subject == "" && c.Body == "" && c.From == "" && len(c.To) == 0 && len(docs) == 0 {
		return parsed{empty: true}, nil
	}
	recs := append([]model.Record{{Entity: model.Emails, Key: key, Data: c}}, docs...)
	return parsed{records: recs, findings: findings}, nil
}

func mimeType(h gomail.PartHeader) (string, map[string]string, error) {
	var mh message.Header
	switch ph := h.(type) {
	case *gomail.InlineHeader:
		mh = ph.Header
	case *gomail.AttachmentHeader:
		mh = ph.Header
	default:
		return "", nil, nil
	}
	t, params, err := mh.ContentType()
	if err != nil {
		t = strings.ToLower(strings.TrimSpace(strings.SplitN(mh.Get("Content-Type"), ";", 2)[0]))
	}
	return t, params, err
}

func firstAddress(h gomail.Header, key string) string {
	if l := addresses(h, key); len(l) > 0 {
		return l[0]
	}
	return ""
}

// addresses returns the bare addresses of a header field; when the field does
// not parse as an address list, its decoded text is returned as one entry so
// that nothing is silently lost.
func addresses(h gomail.Header, key string) []string {
	raw := strings.TrimSpace(h.Get(key))
	if raw == "" {
		return nil
	}
	list, err := h.AddressList(key)
	if err == nil && len(list) > 0 {
		out := make([]string, 0, len(list))
		for _, a := range list {
			if a.Address != "" {
				out = append(out, validUTF8(a.Address))
			}
		}
		return out
	}
	if t, err := h.Text(key); err == nil {
		raw = t
	}
	return []string{validUTF8(raw)}
}

var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 MST",
	"Mon, 2 January 2006 15:04:05 -0700",
	"Monday, 2 January 2006 15:04:05 -0700",
	"Monday, 2 Jan 2006 15:04:05 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"Mon, 2 Jan 2006 15:04:05",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
}

var dateComment = regexp.MustCompile(`\s*\([^)]*\)\s*$`)

// parseDate reads the Date header. A missing or unreadable date gives "":
// the message is still migrated and the empty ReceivedAt is left for the
// readiness check to flag (guessing a date would put it in the wrong place
// in the matter's history without anyone noticing).
func parseDate(v string) string {
	v = dateComment.ReplaceAllString(strings.TrimSpace(v), "")
	v = strings.Join(strings.Fields(strings.ReplaceAll(v, ",", ", ")), " ")
	v = strings.ReplaceAll(v, ", ,", ",")
	if v == "" {
		return ""
	}
	// A zone written as a name: Go's time.Parse would silently take an
	// unknown name as UTC, so names are replaced by their offsets here and a
	// name we do not know makes the date unreadable rather than wrong.
	if i := strings.LastIndexByte(v, ' '); i > 0 {
		if z := strings.ToUpper(v[i+1:]); isAlpha(z) {
			off, ok := zoneNames[z]
			if !ok {
				return ""
			}
			v = v[:i+1] + off
		}
	}
	if t, err := gomailParseDate(v); err == nil {
		return t.Format(time.RFC3339)
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			if t.Year() < 100 {
				t = t.AddDate(1900, 0, 0)
			}
			return t.Format(time.RFC3339)
		}
	}
	return ""
}

// zoneNames are the zone names RFC 5322 §4.3 allows (obsolete syntax) and
// a few more that mail software wrote in their place.
var zoneNames = map[string]string{
	"UT": "+0000", "UTC": "+0000", "GMT": "+0000", "Z": "+0000",
	"EST": "-0500", "EDT": "-0400", "CST": "-0600", "CDT": "-0500",
	"MST": "-0700", "MDT": "-0600", "PST": "-0800", "PDT": "-0700",
	"AKST": "-0900", "AKDT": "-0800", "HST": "-1000",
	"WET": "+0000", "WEST": "+0100", "BST": "+0100", "CET": "+0100", "CEST": "+0200",
	"MET": "+0100", "MEST": "+0200", "EET": "+0200", "EEST": "+0300",
	"JST": "+0900", "AEST": "+1000", "AEDT": "+1100", "NZST": "+1200", "NZDT": "+1300",
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

func gomailParseDate(v string) (time.Time, error) {
	var h gomail.Header
	h.Set("Date", v)
	t, err := h.Date()
	if err == nil && t.IsZero() {
		err = errors.New("no date")
	}
	return t, err
}

// readText reads a text part, up to MaxBodyBytes, as valid UTF-8.
func readText(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes))
	if err != nil {
		return "", err
	}
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		return "", err
	}
	s := validUTF8(string(b))
	if n > 0 {
		s += fmt.Sprintf("\n\n[... %d more bytes of this message's text were not imported ...]", n)
	}
	return s, nil
}

// validUTF8 keeps valid UTF-8 and reads anything else as Windows-1252 (8-bit
// text without a declared charset, in practice from Outlook).
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	if d, err := charmap.Windows1252.NewDecoder().String(s); err == nil {
		return d
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

var filenameParam = regexp.MustCompile(`(?i)\b(?:file)?name\*?\s*=\s*("([^"]*)"|[^;]+)`)

// filenameOf returns the decoded file name from Content-Disposition, else
// Content-Type's name, tolerating headers mime.ParseMediaType rejects.
func filenameOf(h message.Header) string {
	ah := gomail.AttachmentHeader{Header: h}
	if name, err := ah.Filename(); err == nil && name != "" {
		return name
	}
	for _, k := range []string{"Content-Disposition", "Content-Type"} {
		if m := filenameParam.FindStringSubmatch(h.Get(k)); m != nil {
			v := strings.TrimSpace(m[1])
			if m[2] != "" {
				v = m[2]
			}
			if cs, rest, ok := strings.Cut(v, "''"); ok && strings.Contains(m[0], "*") {
				v = decode2231(cs, rest) // RFC 2231 in a charset mime.ParseMediaType does not decode
			} else if d, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
				v = d
			}
			if v = strings.Trim(v, `"' `); v != "" {
				return v
			}
		}
	}
	return ""
}

// decode2231 decodes an RFC 2231 extended value (charset”percent-encoded).
func decode2231(cs, v string) string {
	if i := strings.Index(cs, "'"); i >= 0 { // charset'language
		cs = cs[:i]
	}
	if u, err := url.PathUnescape(v); err == nil {
		v = u
	}
	if r, err := charset.Reader(cs, strings.NewReader(v)); err == nil {
		if b, err := io.ReadAll(r); err == nil {
			return string(b)
		}
	}
	return v
}

// cleanName keeps the last path element of a sender-supplied file name.
func cleanName(name string) string {
	name = validUTF8(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	return strings.TrimSpace(name)
}

var commonExt = map[string]string{
	"text/plain": ".txt", "text/html": ".html", "message/rfc822": ".eml", "image/jpeg": ".jpg",
	"application/pdf": ".pdf", "application/msword": ".doc", "text/calendar": ".ics",
	"application/octet-stream": "",
}

// storeAttachment streams body to opts.AttachmentDir/<sha256>: a temporary
// file is written while hashing, then renamed. The same content arriving
// twice is stored once.
func storeAttachment(body io.Reader, h message.Header, ct string, n int, dir string) (*model.Document, error) {
	doc := &model.Document{Name: cleanName(filenameOf(h)), ContentType: ct}
	if doc.Name == "" {
		ext, ok := commonExt[ct]
		if exts, _ := mime.ExtensionsByType(ct); !ok && len(exts) > 0 {
			ext = exts[0]
		}
		doc.Name = fmt.Sprintf("attachment-%d%s", n, ext)
	}
	hash := sha256.New()
	if dir == "" {
		size, err := io.Copy(hash, body)
		if err != nil {
			return doc, err
		}
		doc.Size, doc.SHA256 = size, hex.EncodeToString(hash.Sum(nil))
		return doc, nil
	}
	// A firm's attachments: readable by this user only.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return doc, fatalError{fmt.Errorf("cannot create the attachment folder: %w", err)}
	}
	f, err := os.CreateTemp(dir, ".incoming-*")
	if err != nil {
		return doc, fatalError{fmt.Errorf("cannot write to the attachment folder: %w", err)}
	}
	tmp := f.Name()
	size, err := io.Copy(io.MultiWriter(f, hash), body)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fatalError{fmt.Errorf("cannot write attachment: %w", cerr)}
	}
	if err != nil {
		os.Remove(tmp)
		var pe *os.PathError
		if errors.As(err, &pe) { // the write failed, not the message
			err = fatalError{fmt.Errorf("cannot write attachment: %w", err)}
		}
		return doc, err
	}
	sum := hex.EncodeToString(hash.Sum(nil))
	final := filepath.Join(dir, sum)
	if _, err := os.Stat(final); err == nil {
		os.Remove(tmp) // already stored from another message
	} else if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return doc, fatalError{fmt.Errorf("cannot store attachment: %w", err)}
	}
	doc.Size, doc.SHA256, doc.Path = size, sum, final
	return doc, nil
}
