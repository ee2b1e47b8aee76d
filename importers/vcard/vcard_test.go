package vcard

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"handover/core/model"
)

func readAll(t testing.TB, in string) []Item {
	t.Helper()
	var items []Item
	err := Read(context.Background(), strings.NewReader(in), Options{}, func(it Item) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return items
}

func contact(t *testing.T, it Item) *model.Contact {
	t.Helper()
	if it.Reject != "" || it.Empty || len(it.Records) == 0 {
		t.Fatalf("item %d: reject=%q empty=%v records=%d", it.Num, it.Reject, it.Empty, len(it.Records))
	}
	r := it.Records[0]
	if r.Entity != model.Contacts || r.Key == "" {
		t.Fatalf("item %d: first record %s key %q", it.Num, r.Entity, r.Key)
	}
	return r.Data.(*model.Contact)
}

// An Outlook 2003-style vCard 2.1: Windows-1252 quoted-printable with soft
// line breaks, bare TYPE parameters, CRLF line ends.
const outlook21 = "BEGIN:VCARD\r\n" +
	"VERSION:2.1\r\n" +
	"N;LANGUAGE=de;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;Jos=E9;;Dr.\r\n" +
	"FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Dr. Jos=E9 M=FCller\r\n" +
	"ORG;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252:M=FCller & Partner;Recht\r\n" +
	"TITLE:Partner\r\n" +
	"TEL;WORK;VOICE:+49 30 1234567\r\n" +
	"TEL;CELL;VOICE:+49 170 7654321\r\n" +
	"TEL;WORK;FAX:+49 30 1234568\r\n" +
	"ADR;WORK;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:;;Stra=DFe des 17. Juni 1;Berlin;;10623;Deutschland\r\n" +
	"NOTE;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Mandant seit 2009.=0D=0AZahlt p=FCnktlich, bevorzugt Anrufe vor=\r\n" +
	" 10 Uhr.\r\n" +
	"EMAIL;PREF;INTERNET:jose.mueller@example.de\r\n" +
	"BDAY:19650412\r\n" +
	"URL;WORK:http://www.example.de\r\n" +
	"REV:20090101T120000Z\r\n" +
	"END:VCARD\r\n"

func TestOutlook21QuotedPrintableWindows1252(t *testing.T) {
	items := readAll(t, outlook21)
	if len(items) != 1 {
		t.Fatalf("got %d items", len(items))
	}
	it := items[0]
	if it.Num != 1 || it.Locator != "line 1" || !strings.HasPrefix(it.Raw, "BEGIN:VCARD\r\nVERSION:2.1") {
		t.Fatalf("num %d locator %q raw %q", it.Num, it.Locator, it.Raw[:20])
	}
	c := contact(t, it)
	want := &model.Contact{
		Type: "Person", Prefix: "Dr.", FirstName: "José", LastName: "Müller",
		Company:     model.Ref{Kind: "name", Value: "Müller & Partner"},
		DateOfBirth: "1965-04-12",
		Emails:      []model.Email{{Name: "Other", Address: "jose.mueller@example.de", Default: true}},
		Phones: []model.Phone{
			{Name: "Work", Number: "+49 30 1234567", Default: true},
			{Name: "Mobile", Number: "+49 170 7654321"},
			{Name: "Fax", Number: "+49 30 1234568"},
		},
		Addresses: []model.Address{{Name: "Work", Street: "Straße des 17. Juni 1", City: "Berlin", PostalCode: "10623", Country: "Deutschland"}},
		WebSites:  []string{"http://www.example.de"},
		CustomFields: map[string]string{
			"Job title": "Partner",
			"Note":      "Mandant seit 2009.\r\nZahlt pünktlich, bevorzugt Anrufe vor 10 Uhr.",
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("contact\n got %+v\nwant %+v", c, want)
	}
	if len(it.Records) != 2 {
		t.Fatalf("want contact + note, got %d records", len(it.Records))
	}
	n := it.Records[1]
	note := n.Data.(*model.Note)
	if n.Entity != model.Notes || note.Type != "Contact" || note.Contact != (model.Ref{Kind: "key", Value: it.Records[0].Key}) ||
		note.Subject != "Note from vCard" || !strings.Contains(note.Detail, "pünktlich") || n.Key == it.Records[0].Key {
		t.Errorf("note record %+v %+v", n, note)
	}
	if !strings.HasPrefix(it.Records[0].Key, "vcard:") {
		t.Errorf("a card without UID gets a hash key, got %q", it.Records[0].Key)
	}
	// The key is stable across reads.
	again := readAll(t, outlook21)
	if again[0].Records[0].Key != it.Records[0].Key {
		t.Errorf("key not stable")
	}
}

// Without CHARSET, 8-bit bytes that are not UTF-8 are read as Windows-1252.
func TestNoCharsetFallsBackToWindows1252(t *testing.T) {
	items := readAll(t, "BEGIN:VCARD\nVERSION:2.1\nN:M\xfcller;J\xfcrgen\nEND:VCARD\n")
	c := contact(t, items[0])
	if c.LastName != "Müller" || c.FirstName != "Jürgen" {
		t.Errorf("got %q %q", c.FirstName, c.LastName)
	}
}

const card30 = `BEGIN:VCARD
VERSION:3.0
UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
N:Smith;Jane;Q.,R.;Ms.;Esq.
FN:Ms. Jane Q. R. Smith\, Esq.
ORG:Smith\, Jones & Co.;Litigation
TITLE:Senior Associate
EMAIL;TYPE=INTERNET,HOME:jane@home.example
EMAIL;TYPE=INTERNET,WORK,PREF:jane@smithjones.example
TEL;TYPE=CELL:(555) 555-0100
TEL;TYPE=HOME,VOICE:(555) 555-0101
TEL;TYPE=PAGER:(555) 555-0102
item1.ADR;TYPE=HOME:;Apt 4;12 Elm St\, Unit B;Springfield;IL;62701;USA
item1.X-ABADR:us
BDAY:1980-02-29
NOTE:Prefers email.\nReferred by John.
URL:https://smithjones.example
END:VCARD
`

func TestVCard30(t *testing.T) {
	items := readAll(t, card30)
	c := contact(t, items[0])
	if items[0].Records[0].Key != "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1" {
		t.Errorf("key %q", items[0].Records[0].Key)
	}
	if c.Type != "Person" || c.Prefix != "Ms." || c.FirstName != "Jane" || c.MiddleName != "Q. R." || c.LastName != "Smith" || c.CustomFields["Name suffix"] != "Esq." {
		t.Errorf("name %+v", c)
	}
	if c.Company != (model.Ref{Kind: "name", Value: "Smith, Jones & Co."}) {
		t.Errorf("company %+v", c.Company)
	}
	wantE := []model.Email{{Name: "Home", Address: "jane@home.example"}, {Name: "Work", Address: "jane@smithjones.example", Default: true}}
	if !reflect.DeepEqual(c.Emails, wantE) {
		t.Errorf("emails %+v", c.Emails)
	}
	wantP := []model.Phone{{Name: "Mobile", Number: "(555) 555-0100", Default: true}, {Name: "Home", Number: "(555) 555-0101"}, {Name: "Pager", Number: "(555) 555-0102"}}
	if !reflect.DeepEqual(c.Phones, wantP) {
		t.Errorf("phones %+v", c.Phones)
	}
	wantA := []model.Address{{Name: "Home", Street: "Apt 4\n12 Elm St, Unit B", City: "Springfield", Province: "IL", PostalCode: "62701", Country: "USA"}}
	if !reflect.DeepEqual(c.Addresses, wantA) {
		t.Errorf("addresses %+v", c.Addresses)
	}
	if c.DateOfBirth != "1980-02-29" || c.CustomFields["Note"] != "Prefers email.\nReferred by John." || c.CustomFields["Job title"] != "Senior Associate" {
		t.Errorf("bday/note/title %+v", c)
	}
}

const card40 = "BEGIN:VCARD\r\n" +
	"VERSION:4.0\r\n" +
	"UID:urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af\r\n" +
	"FN:Ahmed O'Neil\r\n" +
	"N:O'Neil;Ahmed;;;\r\n" +
	"EMAIL;TYPE=work;PREF=1:ahmed@example.com\r\n" +
	"TEL;VALUE=uri;TYPE=\"voice,work\":tel:+1-555-555-0199;ext=102\r\n" +
	"TEL;VALUE=uri;TYPE=\"fax\":tel:+1-555-555-0198\r\n" +
	"ADR;TYPE=work;LABEL=\"100 Main St\\nSuite 5\":;;100 Main St;Portland;OR;97204;U\r\n" +
	" SA\r\n" +
	"BDAY:19701231T000000Z\r\n" +
	"END:VCARD\r\n"

func TestVCard40(t *testing.T) {
	c := contact(t, readAll(t, card40)[0])
	if c.Type != "Person" || c.FirstName != "Ahmed" || c.LastName != "O'Neil" {
		t.Errorf("name %+v", c)
	}
	if len(c.Emails) != 1 || c.Emails[0] != (model.Email{Name: "Work", Address: "ahmed@example.com", Default: true}) {
		t.Errorf("emails %+v", c.Emails)
	}
	wantP := []model.Phone{{Name: "Work", Number: "+1-555-555-0199;ext=102", Default: true}, {Name: "Fax", Number: "+1-555-555-0198"}}
	if !reflect.DeepEqual(c.Phones, wantP) {
		t.Errorf("phones %+v", c.Phones)
	}
	if len(c.Addresses) != 1 || c.Addresses[0].Country != "USA" || c.Addresses[0].Name != "Work" || c.Addresses[0].City != "Portland" {
		t.Errorf("addresses %+v (folded line must unfold to USA)", c.Addresses)
	}
	if c.DateOfBirth != "1970-12-31" {
		t.Errorf("bday %q", c.DateOfBirth)
	}
}

func TestCompanyOnly(t *testing.T) {
	for _, in := range []string{
		"BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nFN:Acme Widgets Ltd\nORG:Acme Widgets Ltd\nTEL;TYPE=WORK:555-0100\nEND:VCARD\n",
		"BEGIN:VCARD\nVERSION:2.1\nORG:Acme Widgets Ltd;Sales\nEMAIL;INTERNET:info@acme.example\nEND:VCARD\n",
		"BEGIN:VCARD\nVERSION:4.0\nKIND:org\nFN:Acme Widgets Ltd\nEND:VCARD\n",
	} {
		c := contact(t, readAll(t, in)[0])
		if c.Type != "Company" || c.Name != "Acme Widgets Ltd" || c.FirstName != "" || c.LastName != "" || !c.Company.IsZero() {
			t.Errorf("%q: got %+v", in, c)
		}
	}
}

func TestFNFallback(t *testing.T) {
	cases := map[string][3]string{ // FN -> first, middle, last
		"John Smith":           {"John", "", "Smith"},
		"Smith, John Paul":     {"John", "Paul", "Smith"},
		"Mr. John Q Smith":     {"John", "Q", "Smith"},
		"Cher":                 {"", "", "Cher"},
		"John Smith, Jr.":      {"John", "", "Smith"},
		"  Mary   Ann  Jones ": {"Mary", "Ann", "Jones"},
	}
	for fn, want := range cases {
		c := contact(t, readAll(t, "BEGIN:VCARD\nVERSION:3.0\nFN:"+fn+"\nEND:VCARD\n")[0])
		if got := [3]string{c.FirstName, c.MiddleName, c.LastName}; got != want || c.Type != "Person" {
			t.Errorf("FN %q: got %q type %q", fn, got, c.Type)
		}
	}
}

// Broken quoted-printable is decoded leniently: the bad "=" sequence is kept
// as literal text and the rest of the card is read.
func TestBrokenQuotedPrintableDecodedLeniently(t *testing.T) {
	in := "BEGIN:VCARD\r\nVERSION:2.1\r\n" +
		"N;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller=ZZ;J=\r\n" +
		"=F6rg\r\n" +
		"NOTE;ENCODING=QUOTED-PRINTABLE:50=% off=\r\n" +
		"END:VCARD\r\n"
	it := readAll(t, in)[0]
	c := contact(t, it)
	if c.LastName != "Müller=ZZ" || c.FirstName != "Jörg" {
		t.Errorf("got last %q first %q", c.LastName, c.FirstName)
	}
	if c.CustomFields["Note"] != "50=% off" {
		t.Errorf("note %q", c.CustomFields["Note"])
	}
}

func TestMultipleCardsNumbering(t *testing.T) {
	in := outlook21 + "\r\n" + card30 + "junk between cards\n" +
		"BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n" + // empty
		"BEGIN:VCARD\nVERSION:3.0\nEMAIL:who@example.com\nEND:VCARD\n" + // no name
		card40 +
		"BEGIN:VCARD\nVERSION:3.0\nFN:Cut Off\n" // truncated at EOF
	items := readAll(t, in)
	if len(items) != 6 {
		t.Fatalf("got %d items", len(items))
	}
	for i, it := range items {
		if it.Num != int64(i+1) {
			t.Errorf("item %d has Num %d", i, it.Num)
		}
	}
	if items[1].Locator != "line 19" {
		t.Errorf("second card locator %q", items[1].Locator)
	}
	if !items[2].Empty || items[2].Reject != "" || len(items[2].Records) != 0 {
		t.Errorf("empty card: %+v", items[2])
	}
	if !strings.Contains(items[3].Reject, "no name") || !strings.Contains(items[3].Reject, "line ") {
		t.Errorf("nameless card reject %q", items[3].Reject)
	}
	if contact(t, items[4]).LastName != "O'Neil" {
		t.Errorf("fifth card")
	}
	if !strings.Contains(items[5].Reject, "no END:VCARD") || !strings.Contains(items[5].Raw, "Cut Off") {
		t.Errorf("truncated card: %+v", items[5])
	}
}

func TestMissingEndAndAgent(t *testing.T) {
	in := "BEGIN:VCARD\nVERSION:2.1\nN:First;Ann\n" + // no END:VCARD
		"BEGIN:VCARD\nVERSION:2.1\nN:Second;Bob\nAGENT:\nBEGIN:VCARD\nVERSION:2.1\nN:Assistant;Cy\nTEL:555\nEND:VCARD\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:3.0\nN:Third;Di\nEND:VCARD\n"
	items := readAll(t, in)
	if len(items) != 3 {
		t.Fatalf("%d items", len(items))
	}
	if r := items[0].Reject; !strings.Contains(r, "card 1 at line 1 has no END:VCARD: the next card begins at line 4") {
		t.Errorf("reject %q", r)
	}
	c := contact(t, items[1])
	if c.LastName != "Second" || c.FirstName != "Bob" || len(c.Phones) != 0 || items[1].Locator != "line 4" {
		t.Errorf("AGENT card: %+v (the embedded card's data must not leak in)", c)
	}
	if c := contact(t, items[2]); c.LastName != "Third" || items[2].Num != 3 {
		t.Errorf("third: %+v", c)
	}
}

func TestOversizedCardRejectedAndReadingContinues(t *testing.T) {
	big := "BEGIN:VCARD\nVERSION:3.0\nFN:Big Photo\nPHOTO;ENCODING=b:" + strings.Repeat("A", 5000) + "\nEND:VCARD\n"
	var items []Item
	err := Read(context.Background(), strings.NewReader(big+card30), Options{MaxItemBytes: 1000}, func(it Item) error {
		items = append(items, it)
		return nil
	})
	if err != nil || len(items) != 2 {
		t.Fatalf("err %v items %d", err, len(items))
	}
	if !strings.Contains(items[0].Reject, "larger than 1000 bytes") || len(items[0].Raw) > 100 {
		t.Errorf("oversized: %q raw %d", items[0].Reject, len(items[0].Raw))
	}
	contact(t, items[1])
}

func TestPanicBecomesReject(t *testing.T) {
	old := build
	build = func(*Item, []string, int64) { panic("library bug") }
	defer func() { build = old }()
	items := readAll(t, card30+card40)
	if len(items) != 2 {
		t.Fatalf("items %d", len(items))
	}
	for _, it := range items {
		if !strings.Contains(it.Reject, "internal error: library bug") || len(it.Records) != 0 {
			t.Errorf("item %d: %+v", it.Num, it)
		}
	}
}

func TestCancelAndEmitError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Read(ctx, strings.NewReader(card30), Options{}, func(Item) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	stop := errors.New("stop")
	if err := Read(context.Background(), strings.NewReader(card30+card40), Options{}, func(Item) error { return stop }); err != stop {
		t.Errorf("emit error: %v", err)
	}
}

func TestDetect(t *testing.T) {
	for in, want := range map[string]bool{
		"BEGIN:VCARD\r\nVERSION:2.1": true,
		"\ufeff\r\nbegin:vcard\n":    true,
		"BEGIN:VCALENDAR\n":          false,
		"From: a@b.c\n":              false,
		"":                           false,
		"Name,Email\nBEGIN:VCARD\n":  false,
		"  \n\tBEGIN:VCARD\nFN:x\n":  true,
	} {
		if got := Detect([]byte(in)); got != want {
			t.Errorf("Detect(%q) = %v", in, got)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{
		outlook21, card30, card40, "",
		"BEGIN:VCARD", "BEGIN:VCARD\nEND:VCARD", "END:VCARD\nBEGIN:VCARD\n",
		"BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:=\nEND:VCARD\n",
		"BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:abc=\n",
		"BEGIN:VCARD\nN;CHARSET=bogus-charset;ENCODING=QUOTED-PRINTABLE:=FF=FE\nEND:VCARD\n",
		"BEGIN:VCARD\nN;TYPE=\"unterminated:x;y\nEND:VCARD\n",
		"BEGIN:VCARD\nFN:\\\nN:\\;\\\nADR:;;;;;;;;;;\nBDAY:--0415\nEND:VCARD\n",
		"BEGIN:VCARD\nAGENT:\nBEGIN:VCARD\nFN:Inner\nEND:VCARD\nFN:Outer\nEND:VCARD\n",
		"BEGIN:VCARD\n\x00\xff\xfe:\n;;;:\n.:\nEND:VCARD\n",
		"BEGIN:VCARD\nPHOTO;ENCODING=BASE64:!!!\n =\nEND:VCARD\n",
		"BEGIN:VCARD\r\nVERSION:2.1\r\n \r\n\t\r\nEND:VCARD\r",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var last int64
		err := Read(context.Background(), strings.NewReader(in), Options{MaxItemBytes: 4096}, func(it Item) error {
			if it.Num != last+1 {
				t.Fatalf("Num %d after %d", it.Num, last)
			}
			last = it.Num
			if it.Reject == "" && !it.Empty && len(it.Records) == 0 {
				t.Fatalf("item %d: no records, not rejected, not empty", it.Num)
			}
			for _, r := range it.Records {
				if r.Key == "" || r.Data == nil {
					t.Fatalf("record without key or data: %+v", r)
				}
				if c, ok := r.Data.(*model.Contact); ok && !utf8.ValidString(c.FirstName+c.LastName+c.Name) {
					t.Fatalf("invalid UTF-8 in %+v", c)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
	})
}
