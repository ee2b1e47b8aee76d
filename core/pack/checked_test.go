package pack

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

// A package for the migration team's key is checked after writing although
// its maker holds no key that opens it: the team's own identity opens the
// same file, the report names only the team, and the one-time key leaves no
// trace but one more anonymous X25519 stanza in the age header.
func TestWriteFileCheckedVerifiesAPackageOnlyTheTeamCanOpen(t *testing.T) {
	ctx := context.Background()
	ws := demoProject(t)
	team, _ := age.GenerateX25519Identity()
	key := team.Recipient().String()
	path := filepath.Join(t.TempDir(), "firm.zip.age")
	m, rep, err := WriteFileChecked(ctx, ws, path, Options{AllowBlockers: true, Recipients: []string{key},
		RecipientNames: map[string]string{key: "Clio Migrations"}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK || !rep.Encrypted || rep.Files != len(m.Files) {
		t.Fatalf("checked after writing: %+v", rep)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].String() != "Clio Migrations <"+key+">" {
		t.Fatalf("the check names %v, want only the team", rep.Recipients)
	}
	// The team opens the very file that was checked.
	byTeam, err := VerifyFile(ctx, path, "", team)
	if err != nil || !byTeam.OK || len(byTeam.Recipients) != 1 {
		t.Fatalf("the team's identity: %+v, %v", byTeam, err)
	}
	// Two anonymous stanzas (the team's and the one-time key's); neither
	// names a public key, and the team's key appears nowhere in the header.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(io.LimitReader(f, 4096))
	var stanzas int
	for {
		line, err := br.ReadString('\n')
		if strings.HasPrefix(line, "-> X25519 ") {
			stanzas++
		}
		if strings.Contains(line, key) {
			t.Fatal("the age header names the team's key")
		}
		if strings.HasPrefix(line, "---") || err != nil {
			break
		}
	}
	if stanzas != 2 {
		t.Fatalf("%d X25519 stanzas, want the team's and the one-time key's", stanzas)
	}
	// Someone else's key does not open it.
	other, _ := age.GenerateX25519Identity()
	if _, err := VerifyFile(ctx, path, "", other); err == nil {
		t.Fatal("an unrelated identity opened the package")
	}

	// A passphrase package is checked with its passphrase, and gets no
	// one-time key (age cannot mix a passphrase with other recipients).
	pp := filepath.Join(t.TempDir(), "firm-pass.zip.age")
	if _, rep, err := WriteFileChecked(ctx, ws, pp, Options{AllowBlockers: true, Passphrase: "copper lantern meadow violin"}); err != nil || !rep.OK || len(rep.Recipients) != 0 {
		t.Fatalf("passphrase package: %+v, %v", rep, err)
	}
}
