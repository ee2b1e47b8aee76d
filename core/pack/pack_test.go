package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/xuri/excelize/v2"

	"handover/assets"
	"handover/core/check"
	"handover/core/clean"
	"handover/core/model"
	"handover/core/readiness"
	"handover/core/workspace"
	"handover/importers/ingest"
)

func init() { scryptWorkFactor = 10 } // age's 2^18 costs a second and 256 MB per test

var cutoff = time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)

// demoProject is the embedded demo firm read, cleaned a little (one edited
// contact, one left out), checked, and with the cut-off acknowledged.
func demoProject(t testing.TB) *workspace.Workspace {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	exports, err := assets.ExtractDemo(dir)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := workspace.Create(filepath.Join(dir, "demo.handover"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	ws.SetSetting(ctx, workspace.SettingFirmName, "Harbor & Lane LLP")
	if _, err := ingest.Run(ctx, ws, []string{exports}, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(r workspace.StoredRecord) error {
		keys = append(keys, r.Key)
		return nil
	})
	rc := clean.Open(ws, "US")
	if _, err := rc.Add(ctx, clean.Op{Kind: clean.Set, Entity: model.Contacts, Targets: keys[:1], Field: "last_name", Value: json.RawMessage(`"Silva-Jones"`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Add(ctx, clean.Op{Kind: clean.Exclude, Entity: model.Contacts, Targets: keys[1:2], Note: "moved away"}); err != nil {
		t.Fatal(err)
	}
	if _, err := check.Run(ctx, ws, check.Options{Country: "US", AsOf: "2026-11-20"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := readiness.Acknowledge(ctx, ws, "Pat Office", cutoff, cutoff.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return ws
}

func pkg(t testing.TB, ws *workspace.Workspace, opts Options) ([]byte, Manifest) {
	t.Helper()
	var buf bytes.Buffer
	opts.AllowBlockers = true
	m, err := Write(context.Background(), ws, &buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

func entries(t testing.TB, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	return out
}

func verifyBytes(t testing.TB, b []byte, pass string, ids ...age.Identity) VerifyReport {
	t.Helper()
	rep, err := Verify(context.Background(), bytes.NewReader(b), int64(len(b)), pass, ids...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func readCSV(t testing.TB, b []byte) [][]string {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestRoundTrip: data/*.jsonl read back is exactly what the project holds,
// field by field, with provenance, and original values where cleaning
// changed them; the manifest's counts agree with the project's.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	ws := demoProject(t)
	b, m := pkg(t, ws, Options{AppVersion: "test-1"})
	if rep := verifyBytes(t, b, ""); !rep.OK || rep.Files != len(m.Files) {
		t.Fatalf("fresh package does not verify: %+v", rep)
	}
	files := entries(t, b)
	counts, _ := ws.Counts(ctx)
	sawOriginal := false
	for _, e := range model.Entities {
		lines := bytes.Split(bytes.TrimSuffix(files["data/"+string(e)+".jsonl"], []byte("\n")), []byte("\n"))
		if len(lines) == 1 && len(lines[0]) == 0 {
			lines = nil
		}
		i := 0
		err := ws.EachRecord(ctx, workspace.RecordFilter{Entity: e}, func(r workspace.StoredRecord) error {
			if i >= len(lines) {
				return fmt.Errorf("%s: record %s is not in the package", e, r.Key)
			}
			var got struct {
				DataLine
				Data     json.RawMessage `json:"data"`
				Original json.RawMessage `json:"original"`
			}
			if err := json.Unmarshal(lines[i], &got); err != nil {
				return err
			}
			i++
			data, err := model.Decode(e, got.Data)
			if err != nil {
				return err
			}
			if got.Key != r.Key || got.ID != r.ID || got.Entity != e || got.Provenance != r.Prov || got.Derived != r.Derived {
				return fmt.Errorf("%s: header differs: got %+v want %+v", r.Key, got.DataLine, r.Record)
			}
			if !reflect.DeepEqual(data, r.Data) {
				return fmt.Errorf("%s: data differs:\n got %#v\nwant %#v", r.Key, data, r.Data)
			}
			if r.Cleaned != (len(got.Original) > 0) {
				return fmt.Errorf("%s: cleaned=%v but original=%s", r.Key, r.Cleaned, got.Original)
			}
			if r.Cleaned {
				sawOriginal = true
				orig, _ := model.Decode(e, got.Original)
				if c := orig.(*model.Contact); c.LastName != "Silva" || data.(*model.Contact).LastName != "Silva-Jones" {
					return fmt.Errorf("%s: original %q, cleaned %q", r.Key, c.LastName, data.(*model.Contact).LastName)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if i != len(lines) {
			t.Errorf("%s: %d lines in the package, %d records in the project", e, len(lines), i)
		}
		if m.Counts[e] != counts.Records[e] || m.Counts[e] != int64(i) {
			t.Errorf("%s: manifest counts %d, project %d, file %d", e, m.Counts[e], counts.Records[e], i)
		}
	}
	if !sawOriginal {
		t.Error("the edited contact carries no original values")
	}

	// Every left-out row (incl. the contact excluded while cleaning) is in excluded/.
	var left int64
	ws.EachLeftOut(ctx, func(workspace.OutcomeRow) error { left++; return nil })
	if m.LeftOutRows != left || int64(len(readCSV(t, files["excluded/rows.csv"])))-1 != left {
		t.Errorf("left out: manifest %d, project %d", m.LeftOutRows, left)
	}
	if !bytes.Contains(files["excluded/rows.jsonl"], []byte(`"reason":"excluded_by_user","detail":"moved away"`)) {
		t.Error("the contact left out while cleaning is not in excluded/rows.jsonl")
	}
	if !bytes.HasPrefix(files["excluded/rows.csv"], []byte("\ufeffsource,row,")) || bytes.HasPrefix(files["clio-import/01-contacts.csv"], []byte("\ufeff")) {
		t.Error("BOM: excluded/rows.csv (for spreadsheets) has one, clio-import/ files do not")
	}

	// The manifest says what is inside, and the figures are the project's.
	var mf Manifest
	if err := json.Unmarshal(files["manifest.json"], &mf); err != nil {
		t.Fatal(err)
	}
	if mf.FirmName != "Harbor & Lane LLP" || mf.AppVersion != "test-1" || mf.Cutoff.AcknowledgedBy != "Pat Office" ||
		mf.Cutoff.Cutoff != "2026-11-20T17:00:00Z" || len(mf.Sources) == 0 || mf.Sources[0].SHA256 == "" {
		t.Errorf("manifest header: %+v", mf)
	}
	if mf.Balances.AR.Cents != 7185500 || mf.Balances.AR.Formatted != "71855.00" || mf.Balances.ARLines != 15 ||
		mf.Balances.Trust.Cents != 2775001 || mf.Balances.TrustLines != 8 {
		t.Errorf("balances: %+v", mf.Balances)
	}
	if mf.Blockers == nil || mf.Blockers.Total == 0 || int64(bytes.Count(files["report/blockers.jsonl"], []byte("\n"))) != mf.Blockers.Total {
		t.Errorf("blockers: %+v", mf.Blockers)
	}
	if len(mf.Files)+1 != len(files) {
		t.Errorf("manifest lists %d files, the zip has %d (with the manifest)", len(mf.Files), len(files))
	}
	if !mf.Documents.Included || mf.Documents.Files != 1 {
		t.Errorf("documents: %+v", mf.Documents)
	}

	// The re-zipped workbook still opens, and the HTML report is there.
	xf, err := excelize.OpenReader(bytes.NewReader(files["report/readiness.xlsx"]))
	if err != nil || len(xf.GetSheetList()) < 2 {
		t.Fatalf("readiness.xlsx: %v", err)
	}
	if !bytes.Contains(files["report/readiness.html"], []byte("Harbor &amp; Lane LLP")) {
		t.Error("readiness.html does not name the firm")
	}

	// Clio CSVs: exact template headers, MM/DD/YYYY, decimal hours, balances forward.
	acts := readCSV(t, files["clio-import/03-activities.csv"])
	if strings.Join(acts[0], ",") != "matter,date,activity_description,note,price,quantity,type,activity_user,non_billable" {
		t.Errorf("activities header %v", acts[0])
	}
	if int64(len(acts)-1) != m.Counts[model.TimeEntries] {
		t.Errorf("activities: %d rows for %d time entries", len(acts)-1, m.Counts[model.TimeEntries])
	}
	for _, r := range acts[1:] {
		if _, err := time.Parse("01/02/2006", r[1]); r[1] != "" && err != nil {
			t.Errorf("activity date %q is not MM/DD/YYYY", r[1])
		}
	}
	bf := readCSV(t, files["clio-import/04-balances-forward.csv"])
	if len(bf)-1 != 15 || bf[1][2] != BalanceDescription || bf[1][5] != "1" || bf[1][1] != "11/20/2026" {
		t.Errorf("balances forward: %v", bf[:2])
	}
	mat := readCSV(t, files["clio-import/02-matters.csv"])
	con := readCSV(t, files["clio-import/01-contacts.csv"])
	people := map[string]bool{}
	for _, r := range con[1:] {
		people[r[2]+"|"+r[3]+"|"+r[4]] = true
	}
	matched := 0
	for _, r := range mat[1:] {
		if r[9]+r[10]+r[11] == "" {
			continue
		}
		if !people[r[9]+"|"+r[10]+"|"] && !people["||"+r[11]] {
			// a person client written with an employer in the contacts file
			found := false
			for k := range people {
				if strings.HasPrefix(k, r[9]+"|"+r[10]+"|") && r[9]+r[10] != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("matter %s: client %q %q %q is not in 01-contacts.csv", r[7], r[9], r[10], r[11])
			}
		}
		matched++
	}
	if matched < len(mat)-3 {
		t.Errorf("only %d of %d matters name their client", matched, len(mat)-1)
	}
	trust := readCSV(t, files["clio-import/trust-balances.csv"])
	neg := false
	for _, r := range trust[1:] {
		if r[4] == "-250.00" { // a negative amount stays a number Clio (and a spreadsheet) reads as one
			neg = true
		}
	}
	if !neg {
		t.Errorf("the demo's negative trust balance is not written as -250.00: %v", trust)
	}
}

func TestDeterministic(t *testing.T) {
	ws := demoProject(t)
	a, _ := pkg(t, ws, Options{AppVersion: "x"})
	// `handover package` checks again first, which recomputes the balances:
	// that must not change a byte either.
	if _, err := check.Run(context.Background(), ws, check.Options{}, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := pkg(t, ws, Options{AppVersion: "x"})
	if !bytes.Equal(a, b) {
		ea, eb := entries(t, a), entries(t, b)
		for n := range ea {
			if !bytes.Equal(ea[n], eb[n]) {
				t.Errorf("%s differs between two runs", n)
			}
		}
		t.Fatal("two packages of the same project differ")
	}
	zr, _ := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	prev := ""
	for i, f := range zr.File {
		if !f.Modified.Equal(cutoff) {
			t.Errorf("%s: timestamp %v, want the cut-off", f.Name, f.Modified)
		}
		if i == len(zr.File)-1 {
			if f.Name != "manifest.json" {
				t.Errorf("last entry %s, want manifest.json", f.Name)
			}
		} else if f.Name < prev {
			t.Errorf("entries not sorted: %s after %s", f.Name, prev)
		}
		prev = f.Name
	}
}

// rezip rebuilds a zip, letting edit drop (return nil) or change entries,
// and add extra ones.
func rezip(t *testing.T, b []byte, edit func(name string, data []byte) []byte, extra map[string]string) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for name, data := range entries(t, b) {
		if data = edit(name, data); data == nil {
			continue
		}
		w, _ := zw.Create(name)
		w.Write(data)
	}
	for name, data := range extra {
		w, _ := zw.Create(name)
		w.Write([]byte(data))
	}
	zw.Close()
	return out.Bytes()
}

func TestTamper(t *testing.T) {
	ws := demoProject(t)
	b, _ := pkg(t, ws, Options{})
	keep := func(_ string, d []byte) []byte { return d }
	cases := []struct {
		name, file, kind string
		pkg              []byte
	}{
		{"changed byte in a CSV", "clio-import/01-contacts.csv", "changed", rezip(t, b, func(n string, d []byte) []byte {
			if n == "clio-import/01-contacts.csv" {
				d = bytes.Replace(d, []byte("Thomas"), []byte("Thomaz"), 1)
			}
			return d
		}, nil)},
		{"removed file", "data/matters.jsonl", "missing", rezip(t, b, func(n string, d []byte) []byte {
			if n == "data/matters.jsonl" {
				return nil
			}
			return d
		}, nil)},
		{"added file", "clio-import/10-extra.csv", "extra", rezip(t, b, keep, map[string]string{"clio-import/10-extra.csv": "a,b\n1,2\n"})},
		{"line dropped and manifest re-hashed", "data/tasks.jsonl", "count", forgeDroppedLine(t, b, "data/tasks.jsonl")},
	}
	// A byte flipped in the raw package: the document is stored uncompressed.
	raw := append([]byte(nil), b...)
	doc := entries(t, b)
	for n, d := range doc {
		if strings.HasPrefix(n, "documents/") && strings.HasSuffix(n, ".pdf") {
			i := bytes.Index(raw, d)
			raw[i+len(d)/2] ^= 0x20
			cases = append(cases, struct {
				name, file, kind string
				pkg              []byte
			}{"flipped byte in the raw zip", n, "damaged", raw})
		}
	}
	if len(cases) != 5 {
		t.Fatal("the demo's document was not found in the package")
	}
	for _, c := range cases {
		rep := verifyBytes(t, c.pkg, "")
		if rep.OK {
			t.Errorf("%s: verify says intact", c.name)
			continue
		}
		found := false
		for _, p := range rep.Problems {
			if p.File == c.file && p.Problem == c.kind {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want a %q problem naming %s, got %+v", c.name, c.kind, c.file, rep.Problems)
		}
	}
	if rep := verifyBytes(t, rezip(t, b, keep, nil), ""); !rep.OK {
		t.Errorf("a faithful re-zip must verify: %+v", rep.Problems)
	}
}

// forgeDroppedLine drops a JSONL line and fixes the file's hash and size in
// the manifest (but not its record count): verify still catches it by
// counting.
func forgeDroppedLine(t *testing.T, b []byte, file string) []byte {
	es := entries(t, b)
	d := es[file]
	d = d[bytes.IndexByte(d, '\n')+1:]
	var m Manifest
	json.Unmarshal(es["manifest.json"], &m)
	for i, f := range m.Files {
		if f.Path == file {
			sum := sha256Hex(d)
			m.Files[i].SHA256, m.Files[i].Size = sum, int64(len(d))
		}
	}
	mb, _ := json.Marshal(m)
	return rezip(t, b, func(n string, x []byte) []byte {
		switch n {
		case file:
			return d
		case "manifest.json":
			return mb
		}
		return x
	}, nil)
}

func TestEncrypted(t *testing.T) {
	ctx := context.Background()
	ws := demoProject(t)
	plain, _ := pkg(t, ws, Options{AppVersion: "x"})
	enc, _ := pkg(t, ws, Options{AppVersion: "x", Passphrase: "correct horse battery staple"})
	if bytes.Contains(enc, []byte("Harbor")) || !bytes.HasPrefix(enc, []byte(ageMagic)) {
		t.Fatal("the encrypted package is not an age file, or shows plaintext")
	}
	rep := verifyBytes(t, enc, "correct horse battery staple")
	if !rep.OK || !rep.Encrypted || rep.FirmName != "Harbor & Lane LLP" {
		t.Fatalf("encrypted package: %+v", rep)
	}
	// Inside is exactly the unencrypted package.
	id, _ := age.NewScryptIdentity("correct horse battery staple")
	r, err := age.Decrypt(bytes.NewReader(enc), id)
	if err != nil {
		t.Fatal(err)
	}
	inner, _ := io.ReadAll(r)
	if !bytes.Equal(inner, plain) {
		t.Error("the decrypted package differs from the plain one")
	}
	if _, err := Verify(ctx, bytes.NewReader(enc), int64(len(enc)), "wrong"); !errors.Is(err, ErrPassphrase) || err.Error() != "the passphrase does not open this package" {
		t.Errorf("wrong passphrase: %v", err)
	}
	if _, err := Verify(ctx, bytes.NewReader(enc), int64(len(enc)), ""); !errors.Is(err, ErrNeedPassphrase) {
		t.Errorf("no passphrase: %v", err)
	}
	// Tampering with the ciphertext is caught (age authenticates every chunk).
	bad := append([]byte(nil), enc...)
	bad[len(bad)/2] ^= 1
	if rep, err := Verify(ctx, bytes.NewReader(bad), int64(len(bad)), "correct horse battery staple"); err == nil && rep.OK {
		t.Error("a flipped ciphertext byte verified")
	}

	// X25519 recipients.
	xid, _ := age.GenerateX25519Identity()
	enc2, _ := pkg(t, ws, Options{Recipients: []string{xid.Recipient().String()},
		RecipientNames: map[string]string{xid.Recipient().String(): "Migration Team"}})
	if rep := verifyBytes(t, enc2, "", xid); !rep.OK {
		t.Errorf("recipient package: %+v", rep)
	} else if len(rep.Recipients) != 1 || rep.Recipients[0].String() != "Migration Team <"+xid.Recipient().String()+">" {
		t.Errorf("verify names the recipients %v", rep.Recipients)
	}
	other, _ := age.GenerateX25519Identity()
	if _, err := Verify(ctx, bytes.NewReader(enc2), int64(len(enc2)), "", other); !errors.Is(err, ErrPassphrase) {
		t.Errorf("wrong identity: %v", err)
	}
	if _, err := Write(ctx, ws, io.Discard, Options{AllowBlockers: true, Passphrase: "p", Recipients: []string{xid.Recipient().String()}}); err == nil {
		t.Error("passphrase and recipients together must be refused")
	}
	if _, err := Write(ctx, ws, io.Discard, Options{AllowBlockers: true, Recipients: []string{"not-a-key"}}); err == nil {
		t.Error("a bad recipient must be refused")
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0", "@SUM(A1)": "'@SUM(A1)",
		"-2+3": "'-2+3", "\t=1": "'\t=1", "\r=1": "'\r=1", "-12.50": "-12.50", "+3": "+3", "Smith": "Smith", "": "",
		"a=b": "a=b", "-": "'-", "-.5": "'-.5",
	} {
		if got := neutralise(in, text); got != want {
			t.Errorf("text %q → %q, want %q", in, got, want)
		}
	}
	if got := neutralise("+1 508 555 0101", phone); got != "+1 508 555 0101" {
		t.Errorf("phone: %q", got)
	}
	if got := neutralise("+1 508 =cmd", phone); got != "'+1 508 =cmd" {
		t.Errorf("phone with a formula: %q", got)
	}
	if got := neutralise("+1 508 555 0101", text); got != "'+1 508 555 0101" {
		t.Errorf("text: %q", got)
	}

	// End to end: a project with formula-looking values.
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "f.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	st, _ := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/c.csv", Name: "c.csv", Format: "csv"})
	h, _ := st.Header(ctx, "", []string{"First", "Last", "Phone", "Amount"})
	evil := &model.Contact{Type: "Person", FirstName: "=HYPERLINK(\"http://x\",\"y\")", LastName: "@Evil",
		Phones: []model.Phone{{Name: "Work", Number: "+1 508 555 0101", Default: true}}, Emails: []model.Email{{Name: "Work", Address: "-x@example.com"}}}
	st.Stage(ctx, workspace.Row{Num: 2, Header: h, Raw: []string{evil.FirstName, evil.LastName, "+1 508 555 0101", ""},
		Records: []model.Record{{Entity: model.Contacts, Key: "x:contacts:1", Data: evil}}})
	st.Stage(ctx, workspace.Row{Num: 3, Header: h, Raw: []string{"=1+2", "x", "", "-12.50"}, Excluded: model.NotData, Detail: "+total"})
	st.Stage(ctx, workspace.Row{Num: 4, Header: h, Raw: []string{"a"}, Reject: "@only one column"})
	st.Stage(ctx, workspace.Row{Num: 5, Header: h, Raw: []string{"T", "E", "", ""}, Records: []model.Record{{Entity: model.TimeEntries, Key: "x:time:1",
		Data: &model.TimeEntry{Type: "TimeEntry", Date: "2026-01-05", Seconds: 5400, Price: -1250, Note: "-correction", User: "HL",
			Matter: model.Ref{Kind: "number", Value: "=M1"}}}}})
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	readiness.Acknowledge(ctx, ws, "Pat", cutoff, cutoff)
	var buf bytes.Buffer
	// The time entry's matter "=M1" is not in the project: a blocker the
	// package's own check finds, listed in the manifest.
	if _, err := Write(ctx, ws, &buf, Options{AllowBlockers: true}); err != nil {
		t.Fatal(err)
	}
	files := entries(t, buf.Bytes())
	con := readCSV(t, files["clio-import/01-contacts.csv"])
	if con[1][2] != "'=HYPERLINK(\"http://x\",\"y\")" || con[1][3] != "'@Evil" || con[1][9] != "'-x@example.com" || con[1][10] != "+1 508 555 0101" {
		t.Errorf("contacts row %q", con[1])
	}
	act := readCSV(t, files["clio-import/03-activities.csv"])
	if got := strings.Join(act[1], "|"); got != "'=M1|01/05/2026||'-correction|-12.50|1.5||HL|false" {
		t.Errorf("activity row %q", got)
	}
	ex := readCSV(t, files["excluded/rows.csv"])
	if len(ex) != 3 || ex[1][7] != "'+total" || !strings.HasPrefix(ex[1][8], "First: =1+2") || ex[2][5] != "'@only one column" {
		t.Errorf("excluded rows %q", ex)
	}
	// "First: =1+2" starts with F: safe. A value cell that starts with = is not:
	for _, r := range ex[1:] {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && !plainNumber(c) {
				t.Errorf("unneutralised cell %q", c)
			}
		}
	}
	// data/ keeps the exact values.
	if !bytes.Contains(files["data/contacts.jsonl"], []byte(`"first_name":"=HYPERLINK(\"http://x\",\"y\")","last_name":"@Evil"`)) {
		t.Errorf("data/contacts.jsonl: %s", files["data/contacts.jsonl"])
	}
	if !bytes.Contains(files["excluded/rows.jsonl"], []byte(`"raw":["=1+2","x","","-12.50"]`)) {
		t.Errorf("excluded/rows.jsonl: %s", files["excluded/rows.jsonl"])
	}
}

func TestRefusals(t *testing.T) {
	ctx := context.Background()
	ws := demoProject(t)
	var buf bytes.Buffer
	_, err := Write(ctx, ws, &buf, Options{})
	var be *BlockersError
	if !errors.As(err, &be) || be.Total == 0 || buf.Len() != 0 {
		t.Fatalf("blockers: %v (%d bytes written)", err, buf.Len())
	}
	for _, s := range []string{"blockers remain", "balance.negative 1", "fix them on the Clean screen", "leave those records out", "--allow-blockers"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("blocker message lacks %q: %s", s, err)
		}
	}
	ws.SetSetting(ctx, workspace.SettingCutoffAckBy, "")
	_, err = Write(ctx, ws, &buf, Options{AllowBlockers: true})
	if !errors.Is(err, ErrCutoff) || buf.Len() != 0 || !strings.Contains(err.Error(), "handover cutoff -w") || !strings.Contains(err.Error(), "Readiness screen") {
		t.Fatalf("cut-off: %v", err)
	}
	out := filepath.Join(t.TempDir(), "out.zip")
	if _, err := WriteFile(ctx, ws, out, Options{AllowBlockers: true}); !errors.Is(err, ErrCutoff) {
		t.Fatal(err)
	}
	assertOnly(t, filepath.Dir(out))
}

// failAfter accepts n bytes, then fails like a full disk.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n := f.n
		f.n = 0
		return n, errors.New("no space left on device")
	}
	f.n -= len(p)
	return len(p), nil
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}

func TestFailures(t *testing.T) {
	ctx := context.Background()
	ws := demoProject(t)
	full, _ := pkg(t, ws, Options{})
	for _, n := range []int{0, 100, len(full) / 2, len(full) - 10} {
		if _, err := Write(ctx, ws, &failAfter{n: n}, Options{AllowBlockers: true}); err == nil || !strings.Contains(err.Error(), "no space left") {
			t.Errorf("writer failing after %d bytes: %v", n, err)
		}
	}
	if _, err := Write(ctx, ws, &failAfter{n: len(full) - 10}, Options{AllowBlockers: true, Passphrase: "p"}); err == nil {
		t.Error("encrypted: a failing writer must fail the package")
	}

	// The folder disappears while packaging: nothing under the final name.
	dir := filepath.Join(t.TempDir(), "out")
	os.Mkdir(dir, 0o755)
	out := filepath.Join(dir, "pkg.zip")
	_, err := WriteFile(ctx, ws, out, Options{AllowBlockers: true, Progress: func(done, total int64) {
		if done == 0 {
			os.RemoveAll(dir)
		}
	}})
	if err == nil {
		t.Fatal("WriteFile succeeded into a removed folder")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s exists after a failure", out)
	}

	// Cancel midway: no final file, no temporary file.
	dir = t.TempDir()
	out = filepath.Join(dir, "pkg.zip")
	cctx, cancel := context.WithCancel(ctx)
	_, err = WriteFile(cctx, ws, out, Options{AllowBlockers: true, Progress: func(done, total int64) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: %v", err)
	}
	assertOnly(t, dir)

	// And the happy path leaves exactly the package, which verifies.
	m, err := WriteFile(ctx, ws, out, Options{AllowBlockers: true})
	if err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, "pkg.zip")
	rep, err := VerifyFile(ctx, out, "")
	if err != nil || !rep.OK || rep.Files != len(m.Files) {
		t.Fatalf("%v %+v", err, rep)
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, full) {
		t.Error("WriteFile and Write give different bytes")
	}
}

// TestDocuments: a document whose file vanished or changed is listed in the
// manifest; the others are streamed in, named by content.
func TestDocuments(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ws, err := workspace.Create(filepath.Join(dir, "d.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	write := func(name, body string) (string, string) {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p, sha256Hex([]byte(body))
	}
	p1, s1 := write("a.pdf", "%PDF-1.4 one")
	p2, s2 := write("b.txt", "two")
	p3, s3 := write("c.doc", "three")
	st, _ := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/m.mbox", Name: "m.mbox", Format: "mbox"})
	for i, d := range []*model.Document{
		{Name: "Contract.PDF", Path: p1, SHA256: s1, Size: 12},
		{Name: "copy.pdf", Path: p1, SHA256: s1, Size: 12}, // same file twice: stored once
		{Name: "gone.txt", Path: p2, SHA256: s2, Size: 3},
		{Name: "changed.doc", Path: p3, SHA256: s3, Size: 5},
		{Name: "not kept.bin", SHA256: s1},
	} {
		st.Stage(ctx, workspace.Row{Num: int64(i + 1), Raw: []string{d.Name}, Records: []model.Record{{Entity: model.Documents, Key: fmt.Sprint("doc:", i), Data: d}}})
	}
	st.Commit(ctx)
	readiness.Acknowledge(ctx, ws, "Pat", cutoff, cutoff)
	os.Remove(p2)
	os.WriteFile(p3, []byte("THREE"), 0o600)
	var buf bytes.Buffer
	m, err := Write(ctx, ws, &buf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := entries(t, buf.Bytes())
	if string(files["documents/"+s1+".pdf"]) != "%PDF-1.4 one" || m.Documents.Files != 2 {
		t.Errorf("documents: %+v; entries %v", m.Documents, len(files))
	}
	reasons := map[string]string{}
	for _, mf := range m.Documents.Missing {
		reasons[mf.Name] = mf.Reason
	}
	if len(reasons) != 3 || !strings.Contains(reasons["gone.txt"], "not on this computer") || !strings.Contains(reasons["changed.doc"], "changed") ||
		!strings.Contains(reasons["not kept.bin"], "not kept") {
		t.Errorf("missing: %+v", m.Documents.Missing)
	}
	idx := readCSV(t, files["documents/index.csv"])
	if len(idx) != 6 || idx[1][8] != "included" || idx[3][8] != "missing" || idx[4][8] != "changed" {
		t.Errorf("index: %q", idx)
	}
	if rep := verifyBytes(t, buf.Bytes(), ""); !rep.OK || rep.Missing != 3 {
		t.Errorf("verify: %+v", rep)
	}
}

func TestHours(t *testing.T) {
	for sec, want := range map[int64]string{0: "0", 3600: "1", 5400: "1.5", 100: "0.0278", 900: "0.25", 36000: "10", -1800: "-0.5"} {
		if got := hours(sec); got != want {
			t.Errorf("hours(%d) = %q, want %q", sec, got, want)
		}
	}
	for in, want := range map[string]string{"2026-01-05": "01/05/2026", "2026-09-04T14:30:00-04:00": "09/04/2026", "": "", "soon": "soon"} {
		if got := usDate(in); got != want {
			t.Errorf("usDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestWriteFileClearsPartialsOfAKilledRun(t *testing.T) {
	ws := demoProject(t)
	dir := t.TempDir()
	stale := filepath.Join(dir, ".firm.zip.123456.partial")
	os.WriteFile(stale, []byte("half a package"), 0o600)
	other := filepath.Join(dir, ".other.zip.1.partial")
	os.WriteFile(other, []byte("not ours"), 0o600)
	if _, err := WriteFile(context.Background(), ws, filepath.Join(dir, "firm.zip"), Options{AppVersion: "x", AllowBlockers: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the stale partial file of an earlier killed run is still there")
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("a partial file of another package name was removed")
	}
}

// A spool is unlinked while it is written and read (where the system lets
// an open file be removed): a package killed mid-write leaves none behind
// in the temporary folder.
func TestSpoolLeavesNothingOnDisk(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("an open file cannot be removed on Windows; remove deletes it instead")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s, err := newSpool("handover-entry-*.age")
	if err != nil {
		t.Fatal(err)
	}
	defer s.remove()
	want := bytes.Repeat([]byte("left-out row\n"), 50000)
	s.Write(want)
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the spool is on disk while in use: %v", left)
	}
	var got bytes.Buffer
	if err := s.copyTo(&got); err != nil || !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("read back %d bytes (%v), want %d", got.Len(), err, len(want))
	}
}
