// Package pack writes the migration package — one zip with Clio-ready CSVs
// (Clio's own import templates), the full-fidelity cleaned records, every
// excluded or rejected row with its reason, the readiness report and a
// manifest of counts and SHA-256 checksums — and verifies one.
//
// Same project, same bytes: entries are written in a fixed order with fixed
// timestamps (the acknowledged cut-off) and a fixed compression level, JSON
// keys come from structs (maps are key-sorted), and nothing depends on the
// clock or on map iteration. Everything streams: entries are hashed while
// written, the large ones on a few goroutines at once into compressed,
// encrypted spools that are copied into the zip in its fixed order (run.go);
// the name indexes the Clio files need live in a temporary SQLite database,
// so memory stays flat as firms grow.
//
// A package may be encrypted with age (a passphrase, or X25519 recipients):
// the zip is written straight into the age writer, so the plaintext never
// touches the disk. Encrypted packages are not byte-identical (age picks a
// fresh file key), but their plaintext is.
package pack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"filippo.io/age"

	"handover/core/check"
	"handover/core/model"
	"handover/core/workspace"
)

// FormatVersion is the package layout version written in the manifest.
// Verify refuses packages made by a newer layout.
const FormatVersion = 1

// FormatName identifies a Handover package's manifest.
const FormatName = "handover-migration-package"

// Options steer Write.
type Options struct {
	AppVersion    string
	Passphrase    string   // encrypt with this passphrase (age scrypt); never logged or stored
	Recipients    []string // or encrypt to these age X25519 public keys (age1…)
	AllowBlockers bool     // package even with blockers, listing them in the manifest
	SkipDocuments bool     // leave documents/ out (the records stay in data/documents.jsonl)
	// Progress, if not nil, is called now and then with items written
	// (records, left-out rows, documents) and the total expected.
	Progress func(done, total int64)
	// CheckProgress, if not nil, follows the check that runs first when the
	// project changed since its last check (see check.EnsureFresh).
	CheckProgress func(stage string, done, total int64)
	// RecipientNames names the owners of Recipients' keys (key → name), so
	// the manifest, verify and the send receipt say whom the package is for.
	RecipientNames map[string]string
	// CheckRecipient, if not nil, is one more age recipient the package is
	// encrypted to but that the manifest does not list: the one-time key
	// WriteFileChecked verifies the written file with (see there).
	CheckRecipient age.Recipient
}

// Recipient is an age public key a package is encrypted to, and its owner.
type Recipient struct {
	Name string `json:"name,omitempty"`
	Key  string `json:"key"`
}

func (r Recipient) String() string {
	if r.Name == "" {
		return r.Key
	}
	return r.Name + " <" + r.Key + ">"
}

// Encrypted reports whether the options ask for an encrypted package.
func (o Options) Encrypted() bool { return o.Passphrase != "" || len(o.Recipients) > 0 }

// Manifest describes a package: manifest.json.
type Manifest struct {
	Format        string                 `json:"format"`
	FormatVersion int                    `json:"format_version"`
	AppVersion    string                 `json:"app_version"`
	FirmName      string                 `json:"firm_name"`
	Sources       []Source               `json:"sources"`
	Cutoff        Cutoff                 `json:"cutoff"`
	Counts        map[model.Entity]int64 `json:"counts"` // records per Clio type in data/
	Excluded      map[model.Reason]int64 `json:"excluded"`
	Rejected      int64                  `json:"rejected"`
	Rows          int64                  `json:"rows"`          // input rows read, all sources
	LeftOutRows   int64                  `json:"left_out_rows"` // lines in excluded/rows.jsonl
	Balances      Balances               `json:"balances"`
	Blockers      *Blockers              `json:"blockers,omitempty"`
	Documents     Documents              `json:"documents"`
	CSV           string                 `json:"csv"`
	Files         []File                 `json:"files"` // every other entry, in zip order
	// Recipients are the age public keys the package was encrypted to, with
	// their owners' names (none for a passphrase or no encryption).
	Recipients []Recipient `json:"recipients,omitempty"`
}

// Source is one file the data came from.
type Source struct {
	Name       string `json:"name"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	Format     string `json:"format"`
	Encoding   string `json:"encoding,omitempty"`
	System     string `json:"system,omitempty"`
	Profile    string `json:"profile,omitempty"`
	ExportedAt string `json:"exported_at,omitempty"`
	Rows       int64  `json:"rows"`
	Records    int64  `json:"records"`
	Excluded   int64  `json:"excluded"`
	Rejected   int64  `json:"rejected"`
}

// Cutoff is the acknowledged "stop using the old system" moment.
type Cutoff struct {
	AcknowledgedBy string `json:"acknowledged_by"`
	AcknowledgedAt string `json:"acknowledged_at"`
	Cutoff         string `json:"cutoff"`
}

// Money is an amount in cents and as Clio's CSV writes it.
type Money struct {
	Cents     model.Cents `json:"cents"`
	Formatted string      `json:"formatted"`
}

// Balances are the totals of the balance lines in the package.
type Balances struct {
	AR         Money `json:"ar_total"`
	ARLines    int64 `json:"ar_lines"`
	Trust      Money `json:"trust_total"`
	TrustLines int64 `json:"trust_lines"`
}

// Blockers are the blockers that remained when packaging with AllowBlockers.
type Blockers struct {
	Total    int64            `json:"total"`
	ByRule   map[string]int64 `json:"by_rule"`
	ListedIn string           `json:"listed_in"`
}

// Documents says which document files are inside and which are not.
type Documents struct {
	Included bool          `json:"included"`
	Files    int64         `json:"files"` // distinct files in documents/
	Bytes    int64         `json:"bytes"`
	Missing  []MissingFile `json:"missing,omitempty"`
}

// MissingFile is a document whose bytes could not be packaged as recorded.
type MissingFile struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Path   string `json:"path,omitempty"`
	Reason string `json:"reason"`
}

// File is one entry of the zip other than manifest.json.
type File struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
	Records *int64 `json:"records,omitempty"` // JSONL lines, or CSV rows below the header
}

// ErrCutoff is returned when the cut-off has not been acknowledged.
var ErrCutoff = errors.New("the cut-off is not acknowledged: confirm that nobody uses the old system since the export — run handover cutoff -w PROJECT --by NAME, or acknowledge it on the Readiness screen")

// BlockersError is returned when blockers remain and AllowBlockers is off.
type BlockersError struct {
	Total  int64
	ByRule map[string]int64
}

func (e *BlockersError) Error() string {
	rules := make([]string, 0, len(e.ByRule))
	for r := range e.ByRule {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool {
		a, b := e.ByRule[rules[i]], e.ByRule[rules[j]]
		return a > b || (a == b && rules[i] < rules[j])
	})
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = fmt.Sprintf("%s %d", r, e.ByRule[r])
	}
	s := "s remain"
	if e.Total == 1 {
		s = " remains"
	}
	return fmt.Sprintf("%d blocker%s (%s): fix them on the Clean screen, or leave those records out, or pass --allow-blockers to record them in the manifest",
		e.Total, s, strings.Join(parts, ", "))
}

// fixedTime is the entries' timestamp when no cut-off time can be read.
var fixedTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// scryptWorkFactor is age's default (2^18); tests lower it.
var scryptWorkFactor = 18

// preflight checks that the project may be packaged and gathers what the
// manifest needs up front, and how many items (records, left-out rows) the
// package will hold, for progress: the counts walk every row, so once.
func preflight(ctx context.Context, ws *workspace.Workspace, opts Options) (*Manifest, int64, error) {
	if opts.Passphrase != "" && len(opts.Recipients) > 0 {
		return nil, 0, errors.New("use either a passphrase or recipients, not both (age cannot mix them)")
	}
	for _, r := range opts.Recipients {
		if _, err := age.ParseX25519Recipient(strings.TrimSpace(r)); err != nil {
			return nil, 0, fmt.Errorf("recipient %q is not an age public key (age1…): %w", r, err)
		}
	}
	m := &Manifest{Format: FormatName, FormatVersion: FormatVersion, AppVersion: opts.AppVersion,
		CSV: "UTF-8 without BOM, CRLF, RFC 4180; excluded/rows.csv has a BOM for spreadsheets"}
	for _, r := range opts.Recipients {
		k := strings.TrimSpace(r)
		m.Recipients = append(m.Recipients, Recipient{Name: opts.RecipientNames[k], Key: k})
	}
	get := func(k string) string { v, _ := ws.Setting(ctx, k); return v }
	m.Cutoff = Cutoff{AcknowledgedBy: get(workspace.SettingCutoffAckBy), AcknowledgedAt: get(workspace.SettingCutoffAckAt),
		Cutoff: get(workspace.SettingCutoff)}
	if m.Cutoff.AcknowledgedBy == "" {
		return nil, 0, ErrCutoff
	}
	// The package's findings must describe the data as it is now: a fix made
	// since the last check counts, and so does a new problem. An unchanged
	// project is not checked twice.
	if _, err := check.EnsureFresh(ctx, ws, check.Options{}, opts.CheckProgress); err != nil {
		return nil, 0, fmt.Errorf("checking the project before packaging: %w", err)
	}
	m.FirmName = get(workspace.SettingFirmName)
	sum, err := ws.SummarizeFindings(ctx, workspace.FindingFilter{Severity: model.Blocker})
	if err != nil {
		return nil, 0, err
	}
	if sum.Total > 0 {
		if !opts.AllowBlockers {
			return nil, 0, &BlockersError{Total: sum.Total, ByRule: sum.ByRule}
		}
		m.Blockers = &Blockers{Total: sum.Total, ByRule: sum.ByRule, ListedIn: "report/blockers.jsonl"}
	}
	srcs, err := ws.Sources(ctx)
	if err != nil {
		return nil, 0, err
	}
	m.Sources = []Source{}
	for _, s := range srcs {
		m.Sources = append(m.Sources, Source{Name: s.Name, Size: s.Size, SHA256: s.SHA256, Format: s.Format, Encoding: s.Encoding,
			System: s.System, Profile: s.Profile, ExportedAt: s.ExportedAt, Rows: s.Counts.Rows, Records: s.Counts.Records,
			Excluded: s.Counts.Excluded, Rejected: s.Counts.Rejected})
	}
	// Every row is one item written: a record, a left-out row or a reject.
	// The counts by type and reason (a walk of every row) are read once, by
	// the readiness summary beside the rest, and fill the manifest at the end.
	items, err := ws.CountRows(ctx)
	if err != nil {
		return nil, 0, err
	}
	m.Counts = map[model.Entity]int64{}
	return m, items, nil
}

// Write packages the project into w. It refuses (before writing a byte)
// while the cut-off is not acknowledged or blockers remain (unless
// AllowBlockers). With a passphrase or recipients the zip is encrypted with
// age as it is written.
func Write(ctx context.Context, ws *workspace.Workspace, w io.Writer, opts Options) (Manifest, error) {
	m, items, err := preflight(ctx, ws, opts)
	if err != nil {
		return Manifest{}, err
	}
	return write(ctx, ws, w, opts, m, items)
}

func write(ctx context.Context, ws *workspace.Workspace, w io.Writer, opts Options, m *Manifest, items int64) (Manifest, error) {
	var closer io.Closer
	if opts.Encrypted() {
		var rcpts []age.Recipient
		if opts.Passphrase != "" {
			r, err := age.NewScryptRecipient(opts.Passphrase)
			if err != nil {
				return Manifest{}, err
			}
			r.SetWorkFactor(scryptWorkFactor)
			rcpts = append(rcpts, r)
		}
		for _, s := range opts.Recipients {
			r, err := age.ParseX25519Recipient(strings.TrimSpace(s))
			if err != nil {
				return Manifest{}, err
			}
			rcpts = append(rcpts, r)
		}
		if opts.CheckRecipient != nil && len(opts.Recipients) > 0 {
			rcpts = append(rcpts, opts.CheckRecipient)
		}
		aw, err := age.Encrypt(w, rcpts...)
		if err != nil {
			return Manifest{}, fmt.Errorf("cannot start encryption: %w", err)
		}
		w, closer = aw, aw
	}
	mod := fixedTime
	if t, err := time.Parse(time.RFC3339, m.Cutoff.Cutoff); err == nil && t.Year() >= 1980 {
		mod = t.UTC().Truncate(time.Second)
	}
	z := newZipOut(w, mod)
	p := &packer{ctx: ctx, ws: ws, z: z, m: m, opts: opts, total: items}
	if err := p.run(); err != nil {
		return Manifest{}, err
	}
	m.Files = z.files
	var mb bytes.Buffer
	enc := json.NewEncoder(&mb)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return Manifest{}, err
	}
	if err := z.writeAll("manifest.json", mb.Bytes()); err != nil {
		return Manifest{}, err
	}
	if err := z.close(); err != nil {
		return Manifest{}, err
	}
	if closer != nil {
		if err := closer.Close(); err != nil {
			return Manifest{}, err
		}
	}
	return *m, nil
}

// WriteFile writes the package to path through a temporary file beside it
// (fsynced, then renamed): a failure or a cancel leaves nothing under path
// and removes the temporary file. The path is used as given; callers name
// an encrypted package (e.g. OUT.zip.age).
func WriteFile(ctx context.Context, ws *workspace.Workspace, path string, opts Options) (Manifest, error) {
	m, items, err := preflight(ctx, ws, opts)
	if err != nil {
		return Manifest{}, err
	}
	dir := filepath.Dir(path)
	// A package killed mid-write (power cut, kill -9) leaves its temporary
	// file; the next attempt at the same name clears them away.
	if old, _ := filepath.Glob(filepath.Join(dir, "."+globEscape(filepath.Base(path))+".*.partial")); len(old) > 0 {
		for _, o := range old {
			os.Remove(o)
		}
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.partial")
	if err != nil {
		return Manifest{}, fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	res, err := write(ctx, ws, tmp, opts, m, items)
	if err != nil {
		return Manifest{}, err
	}
	if err := tmp.Sync(); err != nil {
		return Manifest{}, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return Manifest{}, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return Manifest{}, fmt.Errorf("writing %s: %w", path, err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil { // make the rename itself durable
		d.Sync()
		d.Close()
	}
	return res, nil
}

// globEscape quotes the characters filepath.Match treats specially.
func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}
