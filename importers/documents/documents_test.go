package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"handover/core/model"
)

func put(t *testing.T, root, rel, body string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestMatterNumberFromFolderNames(t *testing.T) {
	for name, want := range map[string]string{
		"2024-017 Ruiz v. Acme":     "2024-017",
		"16-1001":                   "16-1001",
		"1042 - Estate of Wong":     "1042",
		"[A-0042] Smith purchase":   "A-0042",
		"Smith, J (2023.101)":       "2023.101",
		"Ruiz v. Acme - 2024/017":   "2024/017",
		"SMI-001_Smith lease":       "SMI-001",
		"M-2 - Wrongful dismissal":  "M-2",
		"M3 - DUI defence":          "M3",
		"M12 - Appeal":              "M12",
		"Q1 reports":                "",
		"V2":                        "",
		"2025-7 - Severance review": "2025-7",
		"2024-16 Prenup":            "2024-16",
		"2024 Archive":              "",
		"Pleadings":                 "",
		"01 Pleadings":              "",
		"2 Drafts":                  "",
		"2024":                      "",
		"2024-03":                   "",
		"2024-03-15 hearing":        "",
		"Client 1001 Smith":         "",
		"":                          "",
	} {
		if got := MatterNumber(name); got != want {
			t.Errorf("MatterNumber(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestIsTreeFromStructure(t *testing.T) {
	// Subfolders named by matter numbers, whatever the files are.
	a := t.TempDir()
	put(t, a, "2024-017 Ruiz v. Acme/notes.txt", "call")
	put(t, a, "2024-018 Lee estate/will.txt", "text")
	put(t, a, "Templates/letter.dotx", "x")
	if !IsTree(a) {
		t.Error("folder of matter-numbered subfolders is not a tree")
	}
	// No matter numbers, but nothing but office files and PDFs below.
	b := t.TempDir()
	put(t, b, "Ruiz/complaint.pdf", "%PDF-1.4")
	put(t, b, "Ruiz/letter.docx", "PK")
	put(t, b, "Lee/scan.tif", "II*")
	if !IsTree(b) {
		t.Error("folder of office files is not a tree")
	}
	// An export folder: data files of its own, even with documents below.
	c := t.TempDir()
	put(t, c, "contacts.csv", "a,b\n1,2\n")
	put(t, c, "Documents/2024-017 Ruiz/complaint.pdf", "%PDF")
	if IsTree(c) {
		t.Error("export folder taken for a documents tree")
	}
	if !IsTree(filepath.Join(c, "Documents")) {
		t.Error("its Documents folder is not a tree")
	}
	// Text exports only: not documents.
	d := t.TempDir()
	put(t, d, "tasks.txt", "Task\tDue\nx\t1/1/2024\n")
	put(t, d, "2023/old.txt", "Task\tDue\n")
	if IsTree(d) {
		t.Error("folder of text exports taken for a documents tree")
	}
}

func TestReadAccountsForEveryFile(t *testing.T) {
	root := filepath.Join(t.TempDir(), "Documents")
	put(t, root, "2024-017 Ruiz v. Acme/Pleadings/complaint.pdf", "%PDF-1.4 complaint")
	put(t, root, "2024-017 Ruiz v. Acme/001 Correspondence/letter.txt", "Dear Sir,\tplease\n")
	put(t, root, "2024-017 Ruiz v. Acme/Thumbs.db", "junk")
	put(t, root, "2024-017 Ruiz v. Acme/Pleadings/~$mplaint.docx", "lock")
	put(t, root, "Lee (2023.101)/.DS_Store", "junk")
	put(t, root, "Lee (2023.101)/desktop.ini", "junk")
	put(t, root, "Lee (2023.101)/will.docx", "PK will")
	put(t, root, "unfiled.pdf", "%PDF unfiled")
	var items []Item
	if err := Read(context.Background(), root, Options{}, func(it Item) error { items = append(items, it); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(items) != 8 {
		t.Fatalf("%d items for 8 files", len(items))
	}
	docs := map[string]*model.Document{}
	junk := 0
	for _, it := range items {
		switch {
		case it.Excluded == model.NotData:
			junk++
		case len(it.Records) == 1 && it.Reject == "":
			docs[it.Locator] = it.Records[0].Data.(*model.Document)
		default:
			t.Errorf("%+v", it)
		}
	}
	if junk != 4 || len(docs) != 4 {
		t.Fatalf("junk %d, documents %d", junk, len(docs))
	}
	c := docs["2024-017 Ruiz v. Acme/Pleadings/complaint.pdf"]
	sum := sha256.Sum256([]byte("%PDF-1.4 complaint"))
	if c == nil || c.Matter != (model.Ref{Kind: "number", Value: "2024-017"}) || c.Size != 18 || c.SHA256 != hex.EncodeToString(sum[:]) || c.ContentType != "application/pdf" || !filepath.IsAbs(c.Path) {
		t.Errorf("complaint: %+v", c)
	}
	if l := docs["2024-017 Ruiz v. Acme/001 Correspondence/letter.txt"]; l == nil || l.Matter.Value != "2024-017" || l.ContentType != "text/plain" {
		t.Errorf("letter in a numbered section folder: %+v", l)
	}
	if w := docs["Lee (2023.101)/will.docx"]; w == nil || w.Matter.Value != "2023.101" {
		t.Errorf("will: %+v", w)
	}
	if u := docs["unfiled.pdf"]; u == nil || !u.Matter.IsZero() {
		t.Errorf("unfiled: %+v", u)
	}
	// One matter's own folder as the root: its files are that matter's.
	var one []Item
	Read(context.Background(), filepath.Join(root, "2024-017 Ruiz v. Acme"), Options{}, func(it Item) error { one = append(one, it); return nil })
	for _, it := range one {
		if len(it.Records) == 1 && it.Records[0].Data.(*model.Document).Matter.Value != "2024-017" {
			t.Errorf("%+v", it.Records[0].Data)
		}
	}
}

func FuzzMatterNumber(f *testing.F) {
	for _, s := range []string{"2024-017 Ruiz v. Acme", "[A-0042] x", "a (1.2.3)", "x - 99/1", "2024-03", "M3 - DUI", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := MatterNumber(s)
		// MatterNumber trims Unicode spaces (\v, NBSP) that the pattern's \s
		// does not cover, so the pattern is held to the trimmed name.
		if n != "" && !numberLike(n) && !reCodeThenDescription.MatchString(strings.TrimSpace(s)) {
			t.Errorf("%q gave %q", s, n)
		}
	})
}

func TestFolderOfSavedEmailsIsNotADocumentsTree(t *testing.T) {
	d := t.TempDir()
	put(t, d, "2024/a.eml", "From: a@b.c\r\n\r\nx")
	put(t, d, "2024/b.eml", "From: a@b.c\r\n\r\ny")
	if IsTree(d) {
		t.Error("a folder of .eml files is mail, not a documents tree")
	}
}

func TestFilesInAClientsFolderBelongToTheClient(t *testing.T) {
	root := t.TempDir()
	put(t, root, "O'Brien, Hugo/2024-009 - Dog bite/Affidavit.docx", "PK a")
	put(t, root, "O'Brien, Hugo/ID scan.pdf", "%PDF id")
	put(t, root, "Müller GmbH/Vollmacht.pdf", "%PDF v")
	put(t, root, "Templates/letter.dotx", "PK t")
	got := map[string]*model.Document{}
	if err := Read(context.Background(), root, Options{}, func(it Item) error {
		got[it.Locator] = it.Records[0].Data.(*model.Document)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if d := got["O'Brien, Hugo/2024-009 - Dog bite/Affidavit.docx"]; d.Matter.Value != "2024-009" || !d.Contact.IsZero() {
		t.Errorf("in a matter folder: %+v", d)
	}
	if d := got["O'Brien, Hugo/ID scan.pdf"]; d.Contact != (model.Ref{Kind: "name", Value: "O'Brien, Hugo"}) || !d.Matter.IsZero() {
		t.Errorf("in the client's folder: %+v", d)
	}
	if d := got["Müller GmbH/Vollmacht.pdf"]; d.Contact.Value != "Müller GmbH" {
		t.Errorf("in a company's folder: %+v", d)
	}
	if d := got["Templates/letter.dotx"]; !d.Contact.IsZero() || !d.Matter.IsZero() {
		t.Errorf("templates named no one: %+v", d)
	}
}

// A folder led by a short code ("M2 Fischer": letters and one digit, no
// description after a dash) is a matter's folder only when the project has
// a matter by that number; without that knowledge, or for a code it does
// not have ("Q1 reports"), the file stays with the client folder it is in.
func TestShortCodeFolderIsAMatterTheProjectHas(t *testing.T) {
	root := t.TempDir()
	put(t, root, "Fischer, Ann/M2 Fischer/lease.pdf", "%PDF-1.4 x")
	put(t, root, "Fischer, Ann/Q1 reports/summary.pdf", "%PDF-1.4 y")
	read := func(known func(string) bool) map[string]model.Ref {
		got := map[string]model.Ref{}
		err := Read(context.Background(), root, Options{Known: known}, func(it Item) error {
			if len(it.Records) == 1 {
				got[it.Locator] = it.Records[0].Data.(*model.Document).Matter
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	project := func(v string) bool { return strings.EqualFold(strings.ReplaceAll(v, "-", ""), "M2") }
	got := read(project)
	if m := got["Fischer, Ann/M2 Fischer/lease.pdf"]; m != (model.Ref{Kind: "number", Value: "M2"}) {
		t.Errorf("lease.pdf matter %+v, want M2", m)
	}
	if m := got["Fischer, Ann/Q1 reports/summary.pdf"]; !m.IsZero() {
		t.Errorf("summary.pdf matter %+v, want none (the project has no Q1)", m)
	}
	if m := read(nil)["Fischer, Ann/M2 Fischer/lease.pdf"]; !m.IsZero() {
		t.Errorf("without the project's matters a short code is not a matter: %+v", m)
	}
}
