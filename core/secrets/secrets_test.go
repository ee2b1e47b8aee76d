package secrets

import (
	"errors"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// These tests use go-keyring's process-wide mock provider: no t.Parallel.

func bigValue(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString("abcdefghij€0123456789"[i%21:]) // includes a 3-byte rune
	}
	return b.String()[:n-3] + "end"
}

func TestChunkingRoundTrip10KB(t *testing.T) {
	keyring.MockInit()
	s := Keyring("handover-test")
	v := bigValue(10 * 1024)
	if err := s.Set("tok", v); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("tok")
	if err != nil {
		t.Fatal(err)
	}
	if got != v {
		t.Fatalf("round trip changed the value (%d bytes in, %d out)", len(v), len(got))
	}
	// Every keyring entry stays under the chunk limit, and the header is small.
	n := 0
	for i := 0; ; i++ {
		c, err := keyring.Get("handover-test", chunkKey("tok", i))
		if errors.Is(err, keyring.ErrNotFound) {
			break
		}
		if len(c) > ChunkSize {
			t.Fatalf("chunk %d is %d bytes", i, len(c))
		}
		n++
	}
	if n < 6 {
		t.Fatalf("expected ≥6 chunks for 10 KB, got %d", n)
	}
	h, _ := keyring.Get("handover-test", "tok")
	if !strings.HasPrefix(h, headerPrefix) || len(h) > 200 {
		t.Fatalf("header entry = %q", h)
	}
}

func TestSmallValueStoredPlainAndShrinkCleansChunks(t *testing.T) {
	keyring.MockInit()
	s := Keyring("handover-test")
	if err := s.Set("k", bigValue(5000)); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("k", "short"); err != nil {
		t.Fatal(err)
	}
	if v, _ := keyring.Get("handover-test", "k"); v != "short" {
		t.Fatalf("plain value = %q", v)
	}
	if _, err := keyring.Get("handover-test", "k#0"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("old chunk left behind: %v", err)
	}
	// A small value that happens to look like a header is chunked, not misread.
	tricky := headerPrefix + "n=2 sha256=" + strings.Repeat("0", 64)
	if err := s.Set("k", tricky); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get("k"); err != nil || v != tricky {
		t.Fatalf("tricky value: %q %v", v, err)
	}
}

func TestTornWriteReadsAsNotFound(t *testing.T) {
	keyring.MockInit()
	s := Keyring("handover-test")
	v := bigValue(7000)
	if err := s.Set("tok", v); err != nil {
		t.Fatal(err)
	}
	// Missing chunk.
	if err := keyring.Delete("handover-test", "tok#2"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get("tok")
	var ce *CorruptError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &ce) || !strings.Contains(err.Error(), "part 3 of 4 is missing") {
		t.Fatalf("missing chunk: %v", err)
	}
	// Chunks from a newer, interrupted write: checksum mismatch.
	if err := s.Set("tok", v); err != nil {
		t.Fatal(err)
	}
	if err := keyring.Set("handover-test", "tok#1", strings.Repeat("x", 2000)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("tok")
	if got != "" || !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("checksum mismatch: %q %v", got, err)
	}
	// Garbled header.
	if err := keyring.Set("handover-test", "tok", headerPrefix+"n=zz"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("tok"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("garbled header: %v", err)
	}
}

func TestDeleteRemovesAllChunks(t *testing.T) {
	keyring.MockInit()
	s := Keyring("handover-test")
	if err := s.Set("tok", bigValue(9000)); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("other", "keep"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("tok"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"tok", "tok#0", "tok#1", "tok#4"} {
		if _, err := keyring.Get("handover-test", k); !errors.Is(err, keyring.ErrNotFound) {
			t.Fatalf("%s still there (%v)", k, err)
		}
	}
	if _, err := s.Get("tok"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if err := s.Delete("tok"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
	if v, _ := s.Get("other"); v != "keep" {
		t.Fatal("Delete touched another key")
	}
	// Leftover chunks without a header (torn write) are swept too.
	_ = keyring.Set("handover-test", "orphan#0", "a")
	_ = keyring.Set("handover-test", "orphan#1", "b")
	if err := s.Delete("orphan"); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get("handover-test", "orphan#1"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatal("orphan chunk left")
	}
}

func TestErrorsAreExplained(t *testing.T) {
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	err := Probe("handover-test")
	if !errors.Is(err, ErrNoService) || !strings.Contains(err.Error(), "gnome-keyring") {
		t.Fatalf("no service: %v", err)
	}
	st, warn := Open("handover-test")
	if _, ok := st.(*memStore); !ok || !strings.Contains(warn, "sign in again") || !strings.Contains(warn, "Secret Service") {
		t.Fatalf("Open fallback: %T %q", st, warn)
	}
	keyring.MockInitWithError(errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"))
	if err := Probe("handover-test"); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("locked: %v", err)
	}
	if _, err := Keyring("x").Get("k"); !errors.Is(err, ErrLocked) || errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on locked keyring: %v", err)
	}
	keyring.MockInit()
	if err := Probe("handover-test"); err != nil {
		t.Fatal(err)
	}
	if st, warn := Open("handover-test"); warn != "" {
		t.Fatalf("Open with keyring: %T %q", st, warn)
	}
}

func TestMemory(t *testing.T) {
	m := Memory()
	if _, err := m.Get("a"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	_ = m.Set("a", "1")
	if v, _ := m.Get("a"); v != "1" {
		t.Fatal(v)
	}
	if err := m.Delete("a"); err != nil {
		t.Fatal(err)
	}
	if err := m.Delete("a"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}
