package clio

import (
	"testing"

	"handover/core/secrets"
)

// One order for the desktop app and the command line: what was typed, then
// the environment, then what an earlier sign-in saved, then the build's.
func TestAppCredentialsOrder(t *testing.T) {
	const base = "https://app.clio.com"
	store := secrets.Memory()
	BuildClientID, BuildClientSecret = "build-id", "build-secret"
	defer func() { BuildClientID, BuildClientSecret = "", "" }()
	t.Setenv(EnvClientID, "")
	t.Setenv(EnvClientSecret, "")

	check := func(what, givenID, givenSecret, wantID, wantSecret string) {
		t.Helper()
		id, secret := AppCredentials(store, base, givenID, givenSecret)
		if id != wantID || secret != wantSecret {
			t.Errorf("%s: got %q/%q, want %q/%q", what, id, secret, wantID, wantSecret)
		}
	}
	check("nothing saved or set", "", "", "build-id", "build-secret")
	store.Set(KeyClientID(base), "saved-id")
	store.Set(KeyClientSecret(base), "saved-secret")
	check("saved by an earlier sign-in", "", "", "saved-id", "saved-secret")
	if id, _ := AppCredentials(store, "https://eu.app.clio.com", "", ""); id != "build-id" {
		t.Errorf("another host's saved id was used: %q", id)
	}
	t.Setenv(EnvClientID, "env-id")
	t.Setenv(EnvClientSecret, "env-secret")
	check("the environment over the keyring", "", "", "env-id", "env-secret")
	check("typed over everything", "typed-id", " typed-secret\n", "typed-id", "typed-secret")
	if id, secret := AppCredentials(nil, base, "", ""); id != "env-id" || secret != "env-secret" {
		t.Errorf("no keyring: %q/%q", id, secret)
	}
}
