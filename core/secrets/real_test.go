package secrets

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRealKeyringRoundTrip talks to the real OS keyring (gnome-keyring over
// D-Bus on Linux). Run it with:
//
//	HOME=$(mktemp -d) HANDOVER_REAL_KEYRING=1 dbus-run-session -- scripts/with-keyring.sh go test -count=1 -run Real ./core/secrets/
func TestRealKeyringRoundTrip(t *testing.T) {
	if os.Getenv("HANDOVER_REAL_KEYRING") != "1" {
		t.Skip("set HANDOVER_REAL_KEYRING=1 and run under dbus-run-session -- scripts/with-keyring.sh to test the real keyring")
	}
	service := fmt.Sprintf("handover-realtest-%d", time.Now().UnixNano())
	if err := Probe(service); err != nil {
		t.Fatalf("Probe: %v", err)
	}
	s := Keyring(service)
	for _, size := range []int{2600, 64 * 1024} {
		key := fmt.Sprintf("clio:app.clio.com:refresh_token-%d", size)
		v := strings.Repeat("0123456789abcdef", size/16+1)[:size]
		if err := s.Set(key, v); err != nil {
			t.Fatalf("Set %d bytes: %v", size, err)
		}
		got, err := s.Get(key)
		if err != nil {
			t.Fatalf("Get %d bytes: %v", size, err)
		}
		if got != v {
			t.Fatalf("%d bytes: value changed (%d bytes back)", size, len(got))
		}
		if err := s.Delete(key); err != nil {
			t.Fatalf("Delete %d bytes: %v", size, err)
		}
		if _, err := s.Get(key); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get after Delete: %v", err)
		}
		if _, err := s.Get(key + "#0"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("chunk left after Delete: %v", err)
		}
	}
}
