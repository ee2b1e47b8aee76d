package cli

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gokeyring "github.com/zalando/go-keyring"

	"handover/core/clio"
	"handover/core/secrets"
	"handover/internal/fakeclio"
)

// syncBuffer is a bytes.Buffer safe to write from one goroutine while another reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSecretsOnlyInTheKeyring signs in to a local Clio, uploads the demo
// firm and packages it, then searches everything Handover wrote — the project
// file, the package (every entry, decompressed), everything printed, and
// every file under HOME (where preferences live) — for any token Clio
// issued or the app's client secret. None may appear; the refresh token
// must be found in the keyring, which proves the search looked for the right
// strings. With HANDOVER_REAL_KEYRING=1 (make test) the keyring is the real
// gnome-keyring over D-Bus; otherwise go-keyring's in-memory mock.
func TestSecretsOnlyInTheKeyring(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end")
	}
	if os.Getenv("HANDOVER_REAL_KEYRING") != "1" {
		gokeyring.MockInit()
	}
	home := t.TempDir()
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"} {
		t.Setenv(k, home)
	}
	t.Setenv("HANDOVER_CLIO_BASE_URL", "")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	users := fakeclio.DemoUsers()
	fake, err := fakeclio.New(fakeclio.Options{AutoApprove: true, RotateRefresh: true, RateLimit: 100000, Users: users,
		AccessTokenTTL: 2 * time.Second}) // short: the upload must refresh (and rotate) mid-run
	if err != nil {
		t.Fatal(err)
	}
	base, err := fake.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	const clientSecret = "s3cret-client-value-7f1e"
	fake.RegisterClient("handover-test", clientSecret, fmt.Sprintf("http://127.0.0.1:%d/callback", port))

	dir := t.TempDir()
	if _, err := RunDemo(context.Background(), dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(dir, "harbor-lane.handover")
	secretFile := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(secretFile, []byte(clientSecret), 0o600)

	var printed strings.Builder
	// Sign in: act as the browser, following the printed address.
	pr, pw := io.Pipe()
	var errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		code := Main([]string{"login", "--base-url", base, "--client-id", "handover-test", "--client-secret-file", secretFile,
			"--port", fmt.Sprint(port), "--no-browser"}, pw, &errOut)
		pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		printed.WriteString(line + "\n")
		if strings.Contains(line, "/oauth/authorize") {
			go func(u string) {
				resp, err := http.Get(strings.TrimSpace(u))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}(line)
		}
	}
	if code := <-done; code != 0 {
		t.Fatalf("login exit %d: %s", code, errOut.String())
	}
	printed.WriteString(errOut.String())

	for _, args := range [][]string{
		{"upload", "-w", project, "--base-url", base, "--dry-run", "--json"},
		{"upload", "-w", project, "--base-url", base, "--allow-blockers", "--json"},
		{"package", "-w", project, "-o", filepath.Join(dir, "out.zip"), "--allow-blockers", "--json"},
	} {
		code, out, errs := run(args...)
		printed.WriteString(out + errs)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", args[0], code, errs)
		}
	}

	tokens := fake.IssuedTokens()
	if len(tokens) < 3 {
		t.Fatalf("only %d tokens issued: the short token life should have forced refreshes", len(tokens))
	}
	store, warn := secrets.Open(secrets.Service)
	if warn != "" {
		t.Fatalf("keyring: %s", warn)
	}
	refresh, err := store.Get(clio.KeyRefreshToken(base))
	if err != nil || !contains(tokens, refresh) {
		t.Fatalf("the current refresh token is not in the keyring (%v)", err)
	}
	needles := append(tokens, clientSecret)

	check := func(where string, data []byte) {
		for _, n := range needles {
			if bytes.Contains(data, []byte(n)) {
				t.Errorf("a secret (%.8s…) was written to %s", n, where)
			}
		}
	}
	check("the command output", []byte(printed.String()))
	for _, p := range []string{project, project + "-wal", project + "-shm"} {
		if b, err := os.ReadFile(p); err == nil {
			check(filepath.Base(p), b)
		}
	}
	zr, err := zip.OpenReader(filepath.Join(dir, "out.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		check("the package's "+f.Name, b)
	}
	filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, err := os.ReadFile(p); err == nil {
				check(p, b)
			}
		}
		return nil
	})

	if code, _, errs := run("logout", "--base-url", base); code != 0 {
		t.Fatalf("logout: %s", errs)
	}
	if _, err := store.Get(clio.KeyRefreshToken(base)); err == nil {
		t.Error("logout left the refresh token in the keyring")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
