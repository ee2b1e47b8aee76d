package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"handover/core/model"
)

func read(t testing.TB, in string, opts Options) []Item {
	t.Helper()
	var items []Item
	if err := Read(context.Background(), strings.NewReader(in), opts, func(it Item) error {
		items = append(items, it)
		return nil
	}); err != nil {
		t.Fatalf("Read: %v", err)
	}
	return items
}

func email(t *testing.T, it Item) (*model.Communication, string) {
	t.Helper()
	if it.Reject != "" || it.Empty || len(it.Records) == 0 {
		t.Fatalf("item %d (%s): reject=%q empty=%v records=%d", it.Num, it.Locator, it.Reject, it.Empty, len(it.Records))
	}
	r := it.Records[0]
	if r.Entity != model.Emails || r.Key == "" {
		t.Fatalf("first record %s key %q", r.Entity, r.Key)
	}
	return r.Data.(*model.Communication), r.Key
}

// pdf is a fake but byte-exact attachment body, with bytes that are not text.
var pdf = append([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"), bytes.Repeat([]byte{0, 1, 2, 0xff, '\n'}, 300)...)

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	return b.String() + s + "\r\n"
}

func mbox3() string {
	msg1 := "From renee@example.fr Mon Jan  6 09:00:00 2020\n" +
		"From: =?ISO-8859-1?Q?Ren=E9e_Dupont?= <renee@example.fr>\n" +
		"To: Bob Law <bob@firm.example>, carol@firm.example\n" +
		"Subject: [16-1001] Garantie\n" +
		"Date: Mon, 6 Jan 2020 09:00:00 +0100\n" +
		"Message-ID: <msg1@example.fr>\n" +
		"MIME-Version: 1.0\n" +
		"Content-Type: text/plain; charset=ISO-8859-1\n" +
		"Content-Transfer-Encoding: quoted-printable\n" +
		"\n" +
		"Bonjour,\n" +
		"\n" +
		"Le d=E9lai expire le 15 f=E9vrier. Merci de r=E9pondre avant =\n" +
		"vendredi.\n" +
		"\n"
	msg2 := "From bob@firm.example Tue Jan  7 10:30:00 2020\n" +
		"From: Bob Law <bob@firm.example>\n" +
		"To: renee@example.fr\n" +
		"Subject: Re: [16-1001] Garantie - contract attached\n" +
		"Date: Tue, 07 Jan 2020 10:30:00 -0500\n" +
		"Message-ID: <msg2@firm.example>\n" +
		"MIME-Version: 1.0\n" +
		"Content-Type: multipart/mixed; boundary=\"XyZ\"\n" +
		"\n" +
		"This is a multi-part message in MIME format.\n" +
		"--XyZ\n" +
		"Content-Type: multipart/alternative; boundary=\"alt\"\n" +
		"\n" +
		"--alt\n" +
		"Content-Type: text/plain; charset=utf-8\n" +
		"\n" +
		"Please find the contract attached.\n" +
		"--alt\n" +
		"Content-Type: text/html; charset=utf-8\n" +
		"\n" +
		"<p>Please find the <b>contract</b> attached.</p>\n" +
		"--alt--\n" +
		"--XyZ\n" +
		"Content-Type: application/pdf; name=\"contract.pdf\"\n" +
		"Content-Disposition: attachment; filename*=UTF-8''Vertrag%20M%C3%BCller.pdf\n" +
		"Content-Transfer-Encoding: base64\n" +
		"\n" +
		wrap76(base64.StdEncoding.EncodeToString(pdf)) +
		"--XyZ--\n" +
		"\n"
	msg3 := "From carol@firm.example Wed Jan  8 11:00:00 2020\n" +
		"From: carol@firm.example\n" +
		"To: bob@firm.example\n" +
		"Subject: Notes\n" +
		"Date: Wed, 8 Jan 2020 11:00:00 +0000 (UTC)\n" +
		"Message-ID: <msg3@firm.example>\n" +
		"\n" +
		"Forwarded text follows.\n" +
		"\n" +
		">From the desk of the judge: granted.\n" +
		">>From here on, a quoted quote.\n" +
		"From the 2019 file at 10:00 we know little.\n" +
		"\n"
	return msg1 + msg2 + msg3
}

func TestMboxThreeMessages(t *testing.T) {
	dir := t.TempDir()
	items := read(t, mbox3(), Options{AttachmentDir: dir})
	if len(items) != 3 {
		t.Fatalf("%d items", len(items))
	}
	// 1: quoted-printable ISO-8859-1.
	c, key := email(t, items[0])
	if key != "msg1@example.fr" || c.MessageID != "msg1@example.fr" || items[0].Locator != "message 1 (offset 0)" || items[0].Num != 1 {
		t.Errorf("key %q locator %q", key, items[0].Locator)
	}
	if c.Body != "Bonjour,\n\nLe délai expire le 15 février. Merci de répondre avant vendredi." {
		t.Errorf("body %q", c.Body)
	}
	if c.From != "renee@example.fr" || strings.Join(c.To, ",") != "bob@firm.example,carol@firm.example" {
		t.Errorf("from %q to %q", c.From, c.To)
	}
	if c.ReceivedAt != "2020-01-06T09:00:00+01:00" || c.Matter != (model.Ref{Kind: "number", Value: "16-1001"}) || c.Subject != "[16-1001] Garantie" {
		t.Errorf("date %q matter %+v subject %q", c.ReceivedAt, c.Matter, c.Subject)
	}
	if !strings.HasPrefix(items[0].Raw, "From: =?ISO-8859-1?Q?Ren=E9e_Dupont?=") || !strings.Contains(items[0].Raw, "[body: ") || strings.Contains(items[0].Raw, "vendredi") {
		t.Errorf("raw %q", items[0].Raw)
	}

	// 2: multipart with a base64 PDF attachment.
	c, key = email(t, items[1])
	if c.Body != "Please find the contract attached." || c.ReceivedAt != "2020-01-07T10:30:00-05:00" {
		t.Errorf("body %q date %q", c.Body, c.ReceivedAt)
	}
	if want := strings.Index(mbox3(), "From bob@firm.example"); items[1].Locator != "message 2 (offset "+strconv.Itoa(want)+")" {
		t.Errorf("locator %q want offset %d", items[1].Locator, want)
	}
	if len(items[1].Records) != 2 {
		t.Fatalf("want email + 1 document, got %d records", len(items[1].Records))
	}
	dr := items[1].Records[1]
	d := dr.Data.(*model.Document)
	sum := sha256.Sum256(pdf)
	hexSum := hex.EncodeToString(sum[:])
	if dr.Entity != model.Documents || dr.Key != key+"#attachment-1" {
		t.Errorf("document record %s %q", dr.Entity, dr.Key)
	}
	if d.Name != "Vertrag Müller.pdf" || d.Size != int64(len(pdf)) || d.SHA256 != hexSum || d.ContentType != "application/pdf" ||
		d.Path != filepath.Join(dir, hexSum) || d.Email != (model.Ref{Kind: "key", Value: "msg2@firm.example"}) ||
		d.Matter != (model.Ref{Kind: "number", Value: "16-1001"}) || d.ReceivedAt != c.ReceivedAt {
		t.Errorf("document %+v", d)
	}
	got, err := os.ReadFile(d.Path)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("stored attachment differs (%v)", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("attachment dir should hold exactly the one file, has %d (temp files left?)", len(ents))
	}

	// 3: ">From " unquoted by one level (mboxrd); a body "From " line that is
	// not after an empty line and has no postmark date does not split.
	c, _ = email(t, items[2])
	want := "Forwarded text follows.\n\nFrom the desk of the judge: granted.\n>From here on, a quoted quote.\nFrom the 2019 file at 10:00 we know little."
	if c.Body != want {
		t.Errorf("body %q", c.Body)
	}
	if c.ReceivedAt != "2020-01-08T11:00:00Z" {
		t.Errorf("date with comment: %q", c.ReceivedAt)
	}

	// Same input again: the same keys, the attachment stored once.
	again := read(t, mbox3(), Options{AttachmentDir: dir})
	for i := range items {
		if again[i].Records[0].Key != items[i].Records[0].Key {
			t.Errorf("key of message %d not stable", i+1)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("re-import stored the attachment again: %d files", len(ents))
	}
}

func TestTruncatedMessageAtEOF(t *testing.T) {
	cut := mbox3()
	i := strings.Index(cut, "--XyZ--")
	in := cut + strings.Replace(cut[strings.Index(cut, "From bob@"):i], "msg2@", "msg4@", 1)[:600] // stops inside the base64
	items := read(t, in, Options{AttachmentDir: t.TempDir()})
	if len(items) != 4 {
		t.Fatalf("%d items", len(items))
	}
	for _, it := range items[:3] {
		email(t, it)
	}
	last := items[3]
	if !strings.Contains(last.Reject, "message 4 (offset ") || !strings.Contains(last.Reject, "truncated") || len(last.Records) != 0 {
		t.Errorf("truncated: %+v", last)
	}
	// A message cut inside its header.
	items = read(t, "From x Mon Jan  6 09:00:00 2020\nFrom: a@b.c\nSubject: cut", Options{})
	if len(items) != 1 || !strings.Contains(items[0].Reject, "ends inside its header") {
		t.Errorf("header cut: %+v", items)
	}
}

func TestEMLEncodedWordsCharsetsHTML(t *testing.T) {
	jp, _ := japanese.ISO2022JP.NewEncoder().String("会議の件")
	subject := mime.BEncoding.Encode("UTF-8", "Vergleich Müller ./. José") + " " +
		"=?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString([]byte(jp)) + "?="
	in := "Return-Path: <x@y>\r\n" +
		"From: =?windows-1252?Q?Jos=E9_Garc=EDa?= <jose@example.es>\r\n" +
		"To: =?utf-8?q?B=C3=B6b?= <bob@firm.example>\r\n" +
		"Subject: " + subject + "\r\n" +
		"Date: sometime last week\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/html; charset=windows-1252\r\n" +
		"\r\n" +
		"<html><head><style>p{color:red}</style><title>t</title></head><body><p>Estimado se\xf1or,</p>\r\n" +
		"<p>Adjunto&nbsp;el <b>acuerdo</b> &amp; la factura.<br>Saludos</p><ul><li>uno</li><li>dos</li></ul><script>alert(1)</script></body></html>\r\n"
	if !Detect([]byte(in)) {
		t.Errorf("Detect(.eml) false")
	}
	items := read(t, in, Options{})
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	c, key := email(t, items[0])
	if c.Subject != "Vergleich Müller ./. José会議の件" && c.Subject != "Vergleich Müller ./. José 会議の件" {
		t.Errorf("subject %q", c.Subject)
	}
	if c.From != "jose@example.es" || len(c.To) != 1 || c.To[0] != "bob@firm.example" {
		t.Errorf("from %q to %q", c.From, c.To)
	}
	// A garbled date: the email is kept, ReceivedAt stays empty for the readiness check.
	if c.ReceivedAt != "" {
		t.Errorf("garbled date gave %q", c.ReceivedAt)
	}
	if !strings.HasPrefix(key, "mail:") || c.MessageID != "" {
		t.Errorf("no Message-ID: key %q", key)
	}
	want := "Estimado señor,\n\nAdjunto el acuerdo & la factura.\nSaludos\n\n- uno\n- dos"
	if c.Body != want {
		t.Errorf("html body\n got %q\nwant %q", c.Body, want)
	}
	if items[0].Locator != "message 1 (offset 0)" {
		t.Errorf("locator %q", items[0].Locator)
	}
}

func TestDates(t *testing.T) {
	for in, want := range map[string]string{
		"Mon, 6 Jan 2020 09:00:00 +0100":        "2020-01-06T09:00:00+01:00",
		"Mon, 6 Jan 2020 09:00:00 EST":          "2020-01-06T09:00:00-05:00",
		"Mon, 6 Jan 2020 09:00:00 pdt":          "2020-01-06T09:00:00-07:00",
		"Mon, 6 Jan 2020 09:00:00 XYZT":         "", // an unknown zone name is not taken as UTC
		"Monday, 6 January 2020 09:00:00 -0500": "2020-01-06T09:00:00-05:00",
		"Mon, 6 Jan 2020 9:00:00 -0500 (EST)":   "2020-01-06T09:00:00-05:00",
		"6 Jan 2020 09:00:00 GMT":               "2020-01-06T09:00:00Z",
		"Mon, 06 Jan 2020 09:00:00 +0000 (GMT)": "2020-01-06T09:00:00Z",
		"Mon,6 Jan 2020 09:00:00 -0800":         "2020-01-06T09:00:00-08:00",
		"Mon, 6 Jan 98 09:00:00 -0000":          "1998-01-06T09:00:00Z",
		"Mon Jan  6 09:00:00 2020":              "2020-01-06T09:00:00Z",
		"":                                      "",
		"not a date":                            "",
		"Mon, 32 Jan 2020 09:00:00 +0000":       "",
	} {
		if got := parseDate(in); got != want {
			t.Errorf("parseDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMissingDateKept(t *testing.T) {
	items := read(t, "From: a@b.example\nSubject: No date\nMessage-ID: <nd@b>\n\nhello\n", Options{})
	c, _ := email(t, items[0])
	if c.ReceivedAt != "" || c.Subject != "No date" || c.Body != "hello" {
		t.Errorf("%+v", c)
	}
}

func TestOversizedMessageSkipped(t *testing.T) {
	items := read(t, mbox3(), Options{MaxItemBytes: 1500})
	if len(items) != 3 {
		t.Fatalf("%d items", len(items))
	}
	email(t, items[0])
	if !strings.Contains(items[1].Reject, "message 2 (offset") || !strings.Contains(items[1].Reject, "larger than") || len(items[1].Records) != 0 {
		t.Errorf("oversized: %+v", items[1])
	}
	if c, _ := email(t, items[2]); c.Subject != "Notes" || items[2].Num != 3 {
		t.Errorf("third after oversized: %q", c.Subject)
	}
}

// A big attachment streams through: nothing proportional to its size is kept.
func TestLargeAttachmentStreams(t *testing.T) {
	const size = 8 << 20
	head := "From: a@b.example\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	line := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xAB}, 57)) + "\r\n"
	n := size / 57
	body := io.MultiReader(strings.NewReader(head), &repeatReader{s: line, n: n}, strings.NewReader("--b--\r\n"))
	var items []Item
	dir := t.TempDir()
	if err := Read(context.Background(), body, Options{AttachmentDir: dir}, func(it Item) error { items = append(items, it); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || len(items[0].Records) != 2 {
		t.Fatalf("%+v", items)
	}
	d := items[0].Records[1].Data.(*model.Document)
	if d.Size != int64(n*57) || d.Name != "big.bin" {
		t.Errorf("size %d name %q", d.Size, d.Name)
	}
	if fi, err := os.Stat(d.Path); err != nil || fi.Size() != d.Size {
		t.Errorf("stored file: %v", err)
	}
	if len(items[0].Raw) > 1000 {
		t.Errorf("Raw holds more than the header: %d bytes", len(items[0].Raw))
	}
}

type repeatReader struct {
	s   string
	n   int
	cur string
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.cur == "" {
		if r.n == 0 {
			return 0, io.EOF
		}
		r.n--
		r.cur = r.s
	}
	k := copy(p, r.cur)
	r.cur = r.cur[k:]
	return k, nil
}

func TestPanicBecomesReject(t *testing.T) {
	old := parse
	parse = func(io.Reader, *Item, string, Options) (parsed, error) { panic("library bug") }
	defer func() { parse = old }()
	items := read(t, mbox3(), Options{})
	if len(items) != 3 {
		t.Fatalf("%d items: reading must go on after a panic", len(items))
	}
	for _, it := range items {
		if !strings.Contains(it.Reject, "internal error: library bug") || !strings.Contains(it.Reject, "message ") {
			t.Errorf("%+v", it.Reject)
		}
	}
}

func TestAttachmentDirFailureIsFatal(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	os.WriteFile(file, []byte("x"), 0o644)
	err := Read(context.Background(), strings.NewReader(mbox3()), Options{AttachmentDir: filepath.Join(file, "sub")}, func(Item) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "message 2") || !strings.Contains(err.Error(), "attachment folder") {
		t.Errorf("err %v", err)
	}
}

func TestCancelAndEmitError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Read(ctx, strings.NewReader(mbox3()), Options{}, func(Item) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	stop := errors.New("stop")
	if err := Read(context.Background(), strings.NewReader(mbox3()), Options{}, func(Item) error { return stop }); err != stop {
		t.Errorf("emit: %v", err)
	}
}

func TestEmptyAndBlankInput(t *testing.T) {
	if items := read(t, "", Options{}); len(items) != 0 {
		t.Errorf("empty file: %d items", len(items))
	}
	if items := read(t, "\n\n\r\n", Options{}); len(items) != 0 {
		t.Errorf("blank file: %d items", len(items))
	}
	items := read(t, "From a Mon Jan  6 09:00:00 2020\nFrom b Mon Jan  6 09:00:00 2020\nSubject: x\n\nbody\n", Options{})
	if len(items) != 2 || !items[0].Empty || items[0].Reject != "" || items[1].Locator != "message 2 (offset 32)" {
		t.Errorf("zero-byte message: %+v", items)
	}
	items = read(t, "From x Mon Jan  6 09:00:00 2020\n\n", Options{})
	if len(items) != 1 || !items[0].Empty {
		t.Errorf("empty message: %+v", items)
	}
}

func TestDetect(t *testing.T) {
	for in, want := range map[string]bool{
		"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n":                           true,
		"\ufeffReturn-Path: <a@b>\nReceived: from x\n\tby y\nSubject: hi\n\nbody": true,
		"Subject: hi\r\nFrom: a@b\r\n\r\n":                                        true,
		"X-Custom: 1\nX-Other: 2\n\nbody":                                         false,
		"BEGIN:VCALENDAR\nPRODID:x\nX-WR-CALNAME:Test\nSUBJECT:x\n":               false,
		"BEGIN:VCARD\nVERSION:3.0\n":                                              false,
		"BEGIN:VCALENDAR\n":                                                       false,
		"Name,Email\nJo,jo@x\n":                                                   false,
		"Hello: world\nthis is prose\n":                                           false,
		"":                                                                        false,
	} {
		if got := Detect([]byte(in)); got != want {
			t.Errorf("Detect(%q) = %v", in, got)
		}
	}
}

func TestHTMLToText(t *testing.T) {
	got := HTMLToText("<div>Line&#160;one</div><div>Line <i>two</i></div><!-- x --><table><tr><td>a</td><td>b</td></tr></table>")
	if got != "Line one\nLine two\n\na b" {
		t.Errorf("%q", got)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(mbox3())
	for _, s := range []string{
		"", "From ", "From \n", "From x Mon Jan  6 09:00:00 2020\n",
		"From x Mon Jan  6 09:00:00 2020\nSubject: x\n\n>From y\n>>>From z\nFrom \n",
		"Subject: =?UTF-8?B?!!!?= =?x-unknown?Q?=FF?=\n\nbody",
		"Content-Type: multipart/mixed; boundary=\n\n--\n--\n",
		"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/mixed; boundary=a\n\n--a\n--a--\n",
		"Content-Type: text/plain; charset=bogus\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n",
		"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\n\n====\n--b--\n",
		"From: \"unterminated <a@b\nTo: ,,,<>,@\nDate: Mon, 99 Foo 2020 99:99:99 +9999\n\n",
		" leading continuation\nSubject: x\n\n",
		"Subject: x\n" + strings.Repeat("X-Long: "+strings.Repeat("a", 1000)+"\n", 5) + "\n",
		"From x Mon Jan  6 09:00:00 2020\r\n\r\n\r\nFrom y Mon Jan  6 09:00:00 2020\r\nSubject: \xff\xfe\r\n\r\n\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var last int64
		err := Read(context.Background(), strings.NewReader(in), Options{MaxItemBytes: 1 << 16}, func(it Item) error {
			if it.Num != last+1 {
				t.Fatalf("Num %d after %d", it.Num, last)
			}
			last = it.Num
			if (it.Reject != "") == (len(it.Records) > 0) && !it.Empty {
				t.Fatalf("item %d: reject %q with %d records", it.Num, it.Reject, len(it.Records))
			}
			for _, r := range it.Records {
				if d, ok := r.Data.(*model.Document); ok && (strings.ContainsAny(d.Name, `/\`) || d.SHA256 == "") {
					t.Fatalf("bad document %+v", d)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// Old mail: an unknown top-level transfer encoding and 8-bit text with no
// charset. The message is kept; the bytes are read as Windows-1252.
func TestLegacyEncodingQuirks(t *testing.T) {
	in := "From: a@b.example\nSubject: Caf\xe9 [2020-17]\nDate: Thu, 1 Feb 2001 08:15:00 -0500\nContent-Transfer-Encoding: 8-bit\n\nR\xe9sum\xe9 \x93quoted\x94\n"
	c, _ := email(t, read(t, in, Options{})[0])
	if c.Subject != "Café [2020-17]" || c.Body != "Résumé “quoted”" || c.Matter.Value != "2020-17" || c.ReceivedAt != "2001-02-01T08:15:00-05:00" {
		t.Errorf("%+v", c)
	}
	// A part with an unknown transfer encoding inside a multipart is rejected, with words.
	in = "From: a@b.example\nSubject: uu\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 x\n--b--\n"
	it := read(t, in, Options{})[0]
	if !strings.Contains(it.Reject, "message 1 (offset 0)") || !strings.Contains(it.Reject, "MIME part") {
		t.Errorf("reject %q", it.Reject)
	}
}

func TestAttachmentFilenames(t *testing.T) {
	for cd, want := range map[string]string{
		`attachment; filename="=?UTF-8?Q?Gutachten_M=C3=BCller.docx?="`: "Gutachten Müller.docx",
		`attachment; filename*=iso-8859-1''Jos%E9.pdf`:                  "José.pdf",
		`attachment; filename=my scan (2).pdf; size=10`:                 "my scan (2).pdf",
		`attachment; filename="C:\Users\bob\Desktop\brief.doc"`:         "brief.doc",
		`attachment`: "attachment-1.txt",
	} {
		in := "From: a@b.example\nSubject: f\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nContent-Disposition: " + cd + "\n\nhello\n--b--\n"
		items := read(t, in, Options{})
		if len(items) != 1 || len(items[0].Records) != 2 {
			t.Errorf("%s: %+v", cd, items)
			continue
		}
		if d := items[0].Records[1].Data.(*model.Document); cleanName(d.Name) != want || d.Size != 5 {
			t.Errorf("%s: name %q size %d, want %q", cd, d.Name, d.Size, want)
		}
	}
}
