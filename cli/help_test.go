package cli

import (
	"bytes"
	"strings"
	"testing"
)

// Help is not an error: `handover COMMAND --help` prints the usage and the
// options on stdout and exits 0, for every command; a wrong flag still exits 2.
func TestCommandHelpExitsZero(t *testing.T) {
	for name := range commands {
		for _, flagName := range []string{"--help", "-h"} {
			var out, errOut bytes.Buffer
			code := Main([]string{name, flagName}, &out, &errOut)
			if code != 0 {
				t.Errorf("handover %s %s: exit %d, want 0 (stderr %q)", name, flagName, code, errOut.String())
			}
			if !strings.HasPrefix(out.String(), "usage: handover "+name) {
				t.Errorf("handover %s %s: stdout %q does not start with the usage", name, flagName, out.String())
			}
			if errOut.Len() != 0 {
				t.Errorf("handover %s %s: wrote to stderr: %q", name, flagName, errOut.String())
			}
		}
	}
	var out, errOut bytes.Buffer
	if code := Main([]string{"login", "--no-such-flag"}, &out, &errOut); code != 2 {
		t.Errorf("an unknown flag: exit %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), "no-such-flag") {
		t.Errorf("an unknown flag is not named: %q", errOut.String())
	}
}
