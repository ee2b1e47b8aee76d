package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// The user map: a header line is skipped, and an empty e-mail (or "-")
// leaves the legacy user unassigned on purpose.
func TestReadUserMap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "users.csv")
	os.WriteFile(p, []byte("\ufefflegacy,clio_email\nXX,dkim@harborlane.example.com\nFront Desk,\nTemp,-\n\n"), 0o600)
	m, err := readUserMap(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"XX": "dkim@harborlane.example.com", "Front Desk": "", "Temp": ""}
	if len(m) != len(want) {
		t.Fatalf("got %v, want %v", m, want)
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%q → %q (%v), want %q", k, got, ok, v)
		}
	}
	// an unassigned first line is not taken for a header
	os.WriteFile(p, []byte("Front Desk,\n"), 0o600)
	if m, err := readUserMap(p); err != nil || len(m) != 1 {
		t.Errorf("first line unassigned: %v %v", m, err)
	}
	os.WriteFile(p, []byte("only-one-column\n"), 0o600)
	if _, err := readUserMap(p); err == nil {
		t.Error("a one-column line was accepted")
	}
}
