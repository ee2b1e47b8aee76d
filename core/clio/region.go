// Package clio is Handover's Clio Manage API v4 client: OAuth sign-in for a
// desktop app (loopback redirect), tokens kept in the OS keyring, pacing by
// Clio's X-RateLimit-* headers, cursor paging, typed resources and the
// three-step document upload.
//
// Nothing here logs or returns a token or a client secret: every error and
// URL that leaves the package goes through Redact.
package clio

import (
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Region is a Clio data region. Each has its own host, its own accounts,
// and its own developer applications (client id/secret).
type Region string

const (
	US Region = "us"
	EU Region = "eu"
	CA Region = "ca"
	AU Region = "au"
)

// Regions lists every region in display order.
var Regions = []Region{US, EU, CA, AU}

// EnvBaseURL names the environment variable that replaces the region's
// host (e.g. http://127.0.0.1:PORT for a local fake Clio).
const EnvBaseURL = "HANDOVER_CLIO_BASE_URL"

// APIVersion is the Clio API minor version this client is written against;
// it is sent as X-API-VERSION on every API request.
const APIVersion = "4.0.13"

// ParseRegion accepts us|eu|ca|au (any case).
func ParseRegion(s string) (Region, error) {
	r := Region(strings.ToLower(strings.TrimSpace(s)))
	if r.Host() == "" {
		return "", fmt.Errorf("unknown Clio region %q: use us, eu, ca or au", s)
	}
	return r, nil
}

// Host is the Clio Manage host for the region (CLIO-API.md §1).
func (r Region) Host() string {
	switch r {
	case US:
		return "app.clio.com"
	case EU:
		return "eu.app.clio.com"
	case CA:
		return "ca.app.clio.com"
	case AU:
		return "au.app.clio.com"
	}
	return ""
}

// BaseURL returns the root URL of Clio for the region ("https://app.clio.com"),
// with no path. override (e.g. from --base-url) wins; otherwise the
// HANDOVER_CLIO_BASE_URL environment variable; otherwise the region's host.
// OAuth lives at BaseURL+"/oauth/…", the API at BaseURL+"/api/v4".
func BaseURL(r Region, override string) (string, error) {
	if override == "" {
		override = os.Getenv(EnvBaseURL)
	}
	if override != "" {
		return normalizeBase(override)
	}
	if r.Host() == "" {
		return "", fmt.Errorf("unknown Clio region %q: use us, eu, ca or au", r)
	}
	return "https://" + r.Host(), nil
}

// normalizeBase checks a base URL and strips a trailing slash and a trailing
// "/api/v4" so that either form can be passed.
func normalizeBase(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("the Clio base URL %q is not an http(s) URL", Redact(s))
	}
	p := strings.TrimSuffix(u.Path, "/")
	p = strings.TrimSuffix(p, "/api/v4")
	u.Path, u.RawQuery, u.Fragment = strings.TrimSuffix(p, "/"), "", ""
	return u.String(), nil
}

// HostOf returns host[:port] of a base URL: the key under which tokens for
// that Clio are kept (a token from one region is not valid in another).
func HostOf(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return baseURL
	}
	return u.Host
}

// Keyring entry names, keyed by host.
func KeyRefreshToken(baseURL string) string { return "clio:" + HostOf(baseURL) + ":refresh_token" }
func KeyClientID(baseURL string) string     { return "clio:" + HostOf(baseURL) + ":client_id" }
func KeyClientSecret(baseURL string) string { return "clio:" + HostOf(baseURL) + ":client_secret" }
