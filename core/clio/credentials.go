package clio

import (
	"os"
	"strings"

	"handover/core/secrets"
)

// The build's Clio app credentials, stamped at build time
// (-ldflags "-X handover/core/clio.BuildClientID=… -X handover/core/clio.BuildClientSecret=…").
var (
	BuildClientID     = ""
	BuildClientSecret = ""
)

// Environment variables that override the saved and built-in app credentials.
const (
	EnvClientID     = "HANDOVER_CLIO_CLIENT_ID"
	EnvClientSecret = "HANDOVER_CLIO_CLIENT_SECRET"
)

// AppCredentials is the Clio app id and secret to sign in to baseURL with,
// the same for the desktop app and the command line. Each is taken from the
// first place that has one, from the most explicit to the least:
//
//  1. given: what the person typed now (login's --client-id / --client-secret-file);
//  2. the environment (HANDOVER_CLIO_CLIENT_ID / HANDOVER_CLIO_CLIENT_SECRET),
//     set by whoever runs Handover for a rehearsal or a consultant's own app;
//  3. the keyring, where an earlier sign-in to that host saved them;
//  4. the build's defaults (BuildClientID / BuildClientSecret).
//
// store may be nil (no keyring reachable): step 3 is skipped.
func AppCredentials(store secrets.Store, baseURL, givenID, givenSecret string) (id, secret string) {
	saved := func(key string) string {
		if store == nil {
			return ""
		}
		v, _ := store.Get(key)
		return v
	}
	id = first(givenID, os.Getenv(EnvClientID), saved(KeyClientID(baseURL)), BuildClientID)
	secret = first(givenSecret, os.Getenv(EnvClientSecret), saved(KeyClientSecret(baseURL)), BuildClientSecret)
	return id, secret
}

func first(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
