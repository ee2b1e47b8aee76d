package send

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"handover/core/secrets"
	"handover/core/workspace"
)

func newProject(t *testing.T) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "firm.handover"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func TestReceiptInProjectAndBesideThePackage(t *testing.T) {
	ctx := context.Background()
	ws := newProject(t)
	pkg := filepath.Join(t.TempDir(), "pkg.zip.age")
	os.WriteFile(pkg, []byte("x"), 0o644)
	res := Result{Name: "pkg.zip.age", Destination: "sftp://u@h:2222/in", RemotePath: "/in/pkg.zip.age", Size: 1,
		SHA256: "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881", Checked: "read back", HostKey: "SHA256:abc",
		Recipients: []string{"Migration Team <age1xyz>"}, SentAt: time.Date(2026, 12, 7, 0, 1, 2, 0, time.UTC)}
	for i := 0; i < 2; i++ {
		if _, _, err := Record(ctx, ws, pkg, res); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := Receipts(ctx, ws)
	if err != nil || len(rs) != 2 {
		t.Fatalf("%d receipts, %v", len(rs), err)
	}
	if r := rs[0]; r.SHA256 != res.SHA256 || r.Destination != res.Destination || r.Recipients[0] != "Migration Team <age1xyz>" || !r.SentAt.Equal(res.SentAt) {
		t.Fatalf("receipt %+v", r)
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(pkg), "receipt.txt"))
	if err != nil {
		t.Fatal(err)
	}
	txt := string(b)
	for _, want := range []string{res.SHA256, "sftp://u@h:2222/in", "2026-12-07T00:01:02Z", "Migration Team <age1xyz>", "SHA256:abc", "(1 bytes)"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("receipt.txt lacks %q:\n%s", want, txt)
		}
	}
	if strings.Count(txt, "package sent to the migration team") != 2 {
		t.Fatalf("the second receipt replaced the first instead of being added:\n%s", txt)
	}
}

func TestHostKeysAndRecipientsLiveInTheProject(t *testing.T) {
	ctx := context.Background()
	ws := newProject(t)
	hk := ProjectHostKeys(ctx, ws)
	if fp, _ := hk.Pinned("h:22"); fp != "" {
		t.Fatalf("pinned before first use: %q", fp)
	}
	hk.Pin("h:22", "SHA256:k")
	if fp, _ := hk.Pinned("h:22"); fp != "SHA256:k" {
		t.Fatalf("pinned %q", fp)
	}
	if ok, _ := ForgetHostKey(ctx, ws, "h:22"); !ok {
		t.Fatal("forget found nothing")
	}
	if fp, _ := hk.Pinned("h:22"); fp != "" {
		t.Fatalf("still pinned: %q", fp)
	}
	const key = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
	r, err := ParseRecipient("Clio Migrations <" + key + ">")
	if err != nil || r.Name != "Clio Migrations" || r.Key != key {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := ParseRecipient("age1notakey"); err == nil {
		t.Fatal("a bad key was accepted")
	}
	if err := SetRecipients(ctx, ws, []Recipient{r}); err != nil {
		t.Fatal(err)
	}
	got, err := Recipients(ctx, ws)
	if err != nil || len(got) != 1 || got[0] != r {
		t.Fatalf("%+v %v", got, err)
	}
	if named := RecipientsFor(got, []string{key, "age1other"}); named[0].Name != "Clio Migrations" || named[1].Name != "" {
		t.Fatalf("%+v", named)
	}
}

func TestParseDestination(t *testing.T) {
	for in, want := range map[string]string{
		"sftp://firm@files.example.com/incoming":              "sftp://firm@files.example.com/incoming",
		"sftp://firm@files.example.com:2222/in/":              "sftp://firm@files.example.com:2222/in",
		"https://dav.example.com/remote.php/dav/files/u/drop": "https://dav.example.com/remote.php/dav/files/u/drop",
		"https://u@dav.example.com:8443/drop":                 "https://u@dav.example.com:8443/drop",
	} {
		d, err := Parse(in)
		if err != nil || d.String() != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, d.String(), err, want)
		}
	}
	for _, bad := range []string{"sftp://host/in", "http://dav.example.com/x", "ftp://u@h/x", "sftp://u:secret@h/x", "nonsense", "sftp://u@h:99999/x"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

// Destinations are typed by people: parsing never panics, and what parses
// prints back to an address that parses to the same destination.
func FuzzParseDestination(f *testing.F) {
	for _, s := range []string{"sftp://u@h:22/x", "https://h/a/b", "sftp://u@[::1]:2222/", "https://u@h:0/", "sftp://@/", "https://h/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(d.String())
		if err != nil || again != d {
			t.Fatalf("%q → %q → %+v, %v; want %+v", s, d.String(), again, err, d)
		}
	})
}

func TestPackageRecipientsFromTheAgeHeader(t *testing.T) {
	ctx := context.Background()
	ws := newProject(t)
	dir := t.TempDir()
	a, _ := age.GenerateX25519Identity()
	b, _ := age.GenerateX25519Identity()
	once, _ := age.GenerateX25519Identity()
	pass, _ := age.NewScryptRecipient("p")
	pass.SetWorkFactor(10)
	write := func(name string, rs ...age.Recipient) string {
		p := filepath.Join(dir, name)
		f, _ := os.Create(p)
		w, err := age.Encrypt(f, rs...)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("PK"))
		w.Close()
		f.Close()
		return p
	}
	teamA := Recipient{Name: "Team A", Key: a.Recipient().String()}
	teamB := Recipient{Name: "Team B", Key: b.Recipient().String()}

	// Packaged here: the recipients kept for that very file, although its
	// header also holds the one-time check key's stanza.
	kept := write("kept.age", a.Recipient(), once.Recipient())
	if err := KeepPackageRecipients(ctx, ws, kept, []Recipient{teamA}); err != nil {
		t.Fatal(err)
	}
	if got, _ := PackageRecipients(ctx, ws, kept); len(got) != 1 || got[0] != teamA {
		t.Fatalf("a package kept with its recipients: %v", got)
	}
	// Another file with the same count of stanzas is not that package.
	if got, _ := PackageRecipients(ctx, ws, write("other.age", a.Recipient(), b.Recipient())); len(got) != 1 || !strings.Contains(got[0].String(), "does not list") {
		t.Fatalf("a package not kept, with a count that differs from the project's list, must not name its people: %v", got)
	}

	// Packaged elsewhere: named from the project's list when the count agrees.
	SetRecipients(ctx, ws, []Recipient{teamA, teamB})
	if got, _ := PackageRecipients(ctx, ws, write("two.age", a.Recipient(), b.Recipient())); len(got) != 2 || got[0].Name != "Team A" {
		t.Fatalf("two recipients: %v", got)
	}
	if got, _ := PackageRecipients(ctx, ws, write("one.age", a.Recipient())); len(got) != 1 || !strings.Contains(got[0].String(), "does not list") {
		t.Fatalf("a count that differs from the project's list must not name its people: %v", got)
	}
	if got, _ := PackageRecipients(ctx, ws, kept); len(got) != 1 || got[0] != teamA {
		t.Fatalf("the kept package after the project's list changed: %v", got)
	}
	if got, _ := PackageRecipients(ctx, ws, write("pass.age", pass)); got != nil {
		t.Fatalf("a passphrase package has no recipients: %v", got)
	}
	plain := filepath.Join(dir, "plain.zip")
	os.WriteFile(plain, []byte("PK\x03\x04"), 0o644)
	if got, _ := PackageRecipients(ctx, ws, plain); got != nil {
		t.Fatalf("a plain package has no recipients: %v", got)
	}
}

func TestSavedSecretRoundTrip(t *testing.T) {
	store := secrets.Memory()
	d, _ := Parse("https://u@dav.example.com/drop")
	if _, ok, err := LoadSaved(store, d); ok || err != nil {
		t.Fatalf("found a secret before saving one: %v", err)
	}
	if err := Save(store, d, Saved{Password: "tok"}); err != nil {
		t.Fatal(err)
	}
	if s, ok, err := LoadSaved(store, d); !ok || err != nil || s.Password != "tok" {
		t.Fatalf("%+v %v %v", s, ok, err)
	}
	other, _ := Parse("https://u@dav.example.com/other")
	if _, ok, _ := LoadSaved(store, other); ok {
		t.Fatal("another folder got this folder's password")
	}
	if had, err := Forget(store, d); !had || err != nil {
		t.Fatalf("forget: %v %v", had, err)
	}
	if had, _ := Forget(store, d); had {
		t.Fatal("forgot twice")
	}
}
