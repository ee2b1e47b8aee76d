package workspace

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"handover/core/model"
)

// verifies tells whether opening path now would read it through with
// quick_check, and fails the test if inspect refuses it.
func verifies(t *testing.T, path string) bool {
	t.Helper()
	in, err := inspect(path)
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	return in.verified
}

// closedProject is a project with a few hundred rows, closed by Close.
func closedProject(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "firm.handover")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.BeginSource(ctx, SourceInfo{Path: "/x/contacts.csv", Name: "contacts.csv", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := st.Header(ctx, "", []string{"id", "name"})
	for i := range 600 {
		key := "p:contacts:" + strings.Repeat("k", i%50) + string(rune('a'+i%26))
		if err := st.Stage(ctx, Row{Num: int64(i + 2), Header: h, Raw: []string{key, strings.Repeat("x", 200)},
			Records: []model.Record{contact(key+string(rune('0'+i%10))+strings.Repeat("z", i/260), "Ann", "Lee")}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

// A project Handover closed cleanly and nothing touched since opens without
// quick_check; every way the file can have changed since makes the next
// open read it through again, and a damaged file is still refused.
func TestOpenVerifiesUnlessClosedCleanly(t *testing.T) {
	path := closedProject(t)
	if verifies(t, path) {
		t.Fatal("a project closed cleanly and untouched is read through again")
	}
	// open it, change it, close it: still clean, and the data is there
	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetSetting(context.Background(), SettingFirmName, "Harbor & Lane"); err != nil {
		t.Fatal(err)
	}
	// while it is open (as a kill -9 would leave it: WAL mode, a -wal beside it)
	if !verifies(t, path) {
		t.Error("a project that is open (or was never closed) is not verified")
	}
	w.Close()
	if verifies(t, path) {
		t.Error("a project closed cleanly after a change is read through again")
	}

	// a copy made while the project was open: main file and -wal as they were
	crashed := filepath.Join(t.TempDir(), "crashed.handover")
	w, _ = Open(path)
	w.SetSetting(context.Background(), SettingFirmName, "Lane & Harbor")
	copyFile(t, path, crashed)
	copyFile(t, path+"-wal", crashed+"-wal")
	w.Close()
	if !verifies(t, crashed) {
		t.Error("a project left in WAL mode (a crash) is not verified")
	}
	if w, err := Open(crashed); err != nil {
		t.Errorf("a crashed project does not open: %v", err)
	} else {
		got, _ := w.Setting(context.Background(), SettingFirmName)
		w.Close()
		if got != "Lane & Harbor" {
			t.Errorf("the crashed project's last commit was lost: firm name %q", got)
		}
	}

	// a plain copy: a new modification time
	plain := filepath.Join(t.TempDir(), "copy.handover")
	copyFile(t, path, plain)
	if !verifies(t, plain) {
		t.Error("a copy is not verified on its first open")
	}

	// a copy cut short, even one that kept the modification time
	st, _ := os.Stat(path)
	mtime := st.ModTime()
	short := filepath.Join(t.TempDir(), "short.handover")
	copyFile(t, path, short)
	os.Truncate(short, st.Size()-16384)
	os.Chtimes(short, time.Time{}, mtime)
	if _, err := Open(short); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a truncated copy with the original's time: Open = %v, want ErrCorrupt", err)
	}

	// bytes written by another program: the time moves
	other := filepath.Join(t.TempDir(), "other.handover")
	copyFile(t, path, other)
	os.Chtimes(other, time.Time{}, mtime)
	if verifies(t, other) {
		t.Fatal("a byte-identical copy with the same time should open as clean")
	}
	b, _ := os.ReadFile(other)
	for i := 16384 * 2; i < 16384*4; i++ {
		b[i] ^= 0x5a
	}
	os.WriteFile(other, b, 0o600)
	if _, err := Open(other); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "backup") {
		t.Errorf("a file damaged by another program: Open = %v, want ErrCorrupt", err)
	}
}

// A disk that changes bytes by itself leaves the time alone: a clean file
// is still read through once reverifyAfter has passed since its last
// verification, and refused if damaged.
func TestCleanProjectIsVerifiedAgainAfterAWhile(t *testing.T) {
	path := closedProject(t)
	in, err := inspect(path)
	if err != nil || in.verified {
		t.Fatalf("clean project: verified %v, %v", in.verified, err)
	}
	st, _ := os.Stat(path)
	db, err := openRaw(path)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-reverifyAfter - time.Hour)
	if _, err := db.Exec(`UPDATE meta SET value = ? WHERE key = ?`, markValue(st.ModTime(), old), metaCleanClose); err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.Chtimes(path, time.Time{}, st.ModTime())
	if !verifies(t, path) {
		t.Fatal("a clean project last verified over a week ago is not verified")
	}
	// verified now: the next close carries the new date, the next open skips
	w, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if verifies(t, path) {
		t.Error("verified at the last open, closed cleanly, yet read through again")
	}
}

// Two connections: the first Close cannot fold the WAL back while the other
// is open, so it leaves no mark; the last one does.
func TestOnlyTheLastCloseMarks(t *testing.T) {
	path := closedProject(t)
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a.SetSetting(context.Background(), SettingFirmName, "A")
	a.Close()
	if !verifies(t, path) {
		t.Error("a project still open elsewhere opens as clean")
	}
	b.Close()
	if verifies(t, path) {
		t.Error("the last close left no mark")
	}
}
