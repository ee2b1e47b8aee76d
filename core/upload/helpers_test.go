package upload

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"handover/assets"
	"handover/core/check"
	"handover/core/clio"
	"handover/core/readiness"
	"handover/core/workspace"
	"handover/importers/ingest"
	"handover/internal/fakeclio"
)

func init() { settleDelay = 0 }

var (
	demoOnce sync.Once
	demoPath string
	demoDir  string
	demoErr  error
)

// demoProject builds the demo firm's project once per test binary (as
// `handover demo` does) with the cut-off acknowledged, and returns a fresh
// copy of it for the caller.
func demoProject(t testing.TB) string {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "handover-upload-test-")
		if demoErr != nil {
			return
		}
		ctx := context.Background()
		exports, err := assets.ExtractDemo(demoDir)
		if err != nil {
			demoErr = err
			return
		}
		demoPath = filepath.Join(demoDir, "template.handover")
		ws, err := workspace.Create(demoPath)
		if err != nil {
			demoErr = err
			return
		}
		defer ws.Close()
		ws.SetSetting(ctx, workspace.SettingFirmName, "Harbor & Lane LLP")
		ws.SetSetting(ctx, workspace.SettingCountry, "US")
		if _, err := ingest.Run(ctx, ws, []string{exports}, ingest.Options{}); err != nil {
			demoErr = err
			return
		}
		if _, err := check.Run(ctx, ws, check.Options{Country: "US"}, nil); err != nil {
			demoErr = err
			return
		}
		demoErr = readiness.Acknowledge(ctx, ws, "Test Office Manager", time.Now(), time.Now())
	})
	if demoErr != nil {
		t.Fatalf("building the demo project: %v", demoErr)
	}
	dst := filepath.Join(t.TempDir(), "firm.handover")
	copyFile(t, demoPath, dst)
	return dst
}

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

func openWS(t testing.TB, path string) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

type fake struct {
	srv    *fakeclio.Server
	url    string
	token  string
	client *clio.Client
}

func startFake(t testing.TB, o fakeclio.Options) *fake {
	t.Helper()
	if o.RateLimit == 0 {
		o.RateLimit = 100000
	}
	if o.Window == 0 {
		o.Window = time.Second
	}
	if len(o.Users) == 0 {
		o.Users = fakeclio.DemoUsers()
	}
	o.ValidateSpec = true
	srv, err := fakeclio.New(o)
	if err != nil {
		t.Fatal(err)
	}
	u, err := srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	tok, _ := srv.IssueToken("handover-test")
	f := &fake{srv: srv, url: u, token: tok}
	f.client = f.newClient(t)
	// The firm keeps one trust account (a precondition for trust balances).
	faults := o.Faults
	srv.SetFaults(fakeclio.Faults{})
	if _, err := f.client.CreateBankAccount(context.Background(), clio.BankAccountInput{Type: "Trust", Currency: "USD", Name: "IOLTA Trust"}); err != nil {
		t.Fatal(err)
	}
	srv.SetFaults(faults)
	return f
}

func (f *fake) newClient(t testing.TB, opts ...clio.Option) *clio.Client {
	t.Helper()
	opts = append([]clio.Option{clio.WithRetry(8, time.Millisecond, 20*time.Millisecond), clio.WithRequestTimeout(3 * time.Second)}, opts...)
	c, err := clio.New(f.url, clio.StaticToken(f.token), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func specViolations(t testing.TB, f *fake) {
	t.Helper()
	st := f.srv.Snapshot()
	for i, v := range st.SpecViolations {
		if i > 10 {
			break
		}
		t.Errorf("spec violation: %s", v)
	}
}

// content renders the records of the collections an upload writes, without
// ids, etags or times, so two Clio states can be compared by what they hold.
func content(st fakeclio.State) map[string][]string {
	colls := []string{"contacts", "matters", "relationships", "tasks", "notes", "calendar_entries", "communications",
		"activities", "bank_transactions", "documents", "practice_areas", "activity_descriptions"}
	// map ids to stable labels so links compare by content too
	label := map[string]string{}
	for _, c := range []string{"contacts", "matters"} {
		for _, r := range st.Resources[c] {
			label[fmt.Sprint(r["id"])] = c + ":" + fmt.Sprint(r["name"], r["description"])
		}
	}
	out := map[string][]string{}
	for _, c := range colls {
		var rows []string
		for _, r := range st.Resources[c] {
			rows = append(rows, render(r, label))
		}
		sort.Strings(rows)
		out[c] = rows
	}
	return out
}

func render(v any, label map[string]string) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			switch k {
			case "etag", "created_at", "updated_at", "display_number", "uuid", "put_url", "latest_document_version", "number":
				continue
			case "id":
				continue
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("{")
		for _, k := range keys {
			b.WriteString(k + ":" + render(x[k], label) + ",")
		}
		if id, ok := x["id"]; ok && len(keys) == 0 || ok && (len(x) <= 3) {
			if l, ok := label[fmt.Sprint(id)]; ok {
				b.WriteString("ref=" + l)
			}
		}
		b.WriteString("}")
		return b.String()
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, render(e, label))
		}
		sort.Strings(parts)
		return "[" + strings.Join(parts, ";") + "]"
	}
	return fmt.Sprint(v)
}

// diffContent reports collections whose content differs.
func diffContent(t testing.TB, want, got map[string][]string) {
	t.Helper()
	for c, w := range want {
		g := got[c]
		if len(w) != len(g) {
			t.Errorf("%s: %d records, want %d", c, len(g), len(w))
			continue
		}
		for i := range w {
			if w[i] != g[i] {
				t.Errorf("%s differs:\n got %s\nwant %s", c, g[i], w[i])
				break
			}
		}
	}
}
