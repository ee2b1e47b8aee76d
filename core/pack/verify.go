package pack

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"filippo.io/age"

	"handover/core/model"
)

// VerifyReport is what Verify found.
type VerifyReport struct {
	OK         bool                   `json:"ok"` // intact: every file present, unchanged, and counted as the manifest says
	Encrypted  bool                   `json:"encrypted"`
	Format     int                    `json:"format_version,omitempty"`
	AppVersion string                 `json:"app_version,omitempty"`
	FirmName   string                 `json:"firm_name,omitempty"`
	Cutoff     Cutoff                 `json:"cutoff"`
	Counts     map[model.Entity]int64 `json:"counts,omitempty"`
	Files      int                    `json:"files"`    // entries checked
	Bytes      int64                  `json:"bytes"`    // uncompressed bytes hashed
	Blockers   int64                  `json:"blockers"` // blockers recorded in the manifest
	Missing    int                    `json:"missing_documents"`
	Problems   []Problem              `json:"problems"`
	Recipients []Recipient            `json:"recipients,omitempty"` // whom it is encrypted to, as its manifest says
}

// Problem is one thing wrong with a package, naming the file.
type Problem struct {
	File    string `json:"file"`
	Problem string `json:"problem"` // missing | extra | changed | damaged | count
	Detail  string `json:"detail"`
}

func (p Problem) String() string { return p.File + ": " + p.Detail }

// ErrPassphrase is returned when the passphrase (or identity) does not
// decrypt the package.
var ErrPassphrase = errors.New("the passphrase does not open this package")

// ErrNeedPassphrase is returned for an encrypted package opened without a
// passphrase or identity.
var ErrNeedPassphrase = errors.New("this package is encrypted: give its passphrase (--passphrase-file) or the age identity it was encrypted to")

const ageMagic = "age-encryption.org/v1\n"

// VerifyFile verifies the package at path.
func VerifyFile(ctx context.Context, path, passphrase string, identities ...age.Identity) (VerifyReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return VerifyReport{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return VerifyReport{}, err
	}
	return Verify(ctx, f, st.Size(), passphrase, identities...)
}

// Verify re-reads a package: it decrypts it if needed (in place, chunk by
// chunk, through age's random-access reader: no plaintext is written
// anywhere), recomputes every entry's SHA-256, size and record count, and
// compares them with the manifest. A package that cannot be opened at all
// is an error; a damaged or altered one is a report with OK false and the
// problems, each naming the file.
func Verify(ctx context.Context, r io.ReaderAt, size int64, passphrase string, identities ...age.Identity) (VerifyReport, error) {
	var rep VerifyReport
	head := make([]byte, len(ageMagic))
	n, _ := r.ReadAt(head, 0)
	if string(head[:n]) == ageMagic {
		rep.Encrypted = true
		if passphrase != "" {
			id, err := age.NewScryptIdentity(passphrase)
			if err != nil {
				return rep, err
			}
			identities = append(identities, id)
		}
		if len(identities) == 0 {
			return rep, ErrNeedPassphrase
		}
		ra, psize, err := age.DecryptReaderAt(r, size, identities...)
		if err != nil {
			var nm *age.NoIdentityMatchError
			if errors.As(err, &nm) {
				return rep, ErrPassphrase
			}
			return rep, fmt.Errorf("the package cannot be decrypted (damaged or truncated): %w", err)
		}
		r, size = ra, psize
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return rep, fmt.Errorf("not a readable Handover package (damaged, truncated, or not a zip): %w", err)
	}
	problem := func(file, kind, format string, a ...any) {
		rep.Problems = append(rep.Problems, Problem{File: file, Problem: kind, Detail: fmt.Sprintf(format, a...)})
	}
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		if _, dup := entries[f.Name]; dup {
			problem(f.Name, "extra", "appears twice in the zip")
			continue
		}
		entries[f.Name] = f
	}
	mf := entries["manifest.json"]
	if mf == nil {
		problem("manifest.json", "missing", "the manifest is missing: this is not a Handover package or it was altered")
		return finish(rep), nil
	}
	var m Manifest
	if err := readJSON(mf, &m); err != nil {
		problem("manifest.json", "damaged", "the manifest cannot be read: %v", err)
		return finish(rep), nil
	}
	if m.Format != FormatName {
		problem("manifest.json", "damaged", "not a Handover package manifest (format %q)", m.Format)
		return finish(rep), nil
	}
	if m.FormatVersion > FormatVersion {
		return rep, fmt.Errorf("this package was made by a newer Handover (format %d): update Handover to verify it", m.FormatVersion)
	}
	rep.Format, rep.AppVersion, rep.FirmName, rep.Cutoff, rep.Counts = m.FormatVersion, m.AppVersion, m.FirmName, m.Cutoff, m.Counts
	rep.Recipients = m.Recipients
	rep.Missing = len(m.Documents.Missing)
	if m.Blockers != nil {
		rep.Blockers = m.Blockers.Total
	}
	listed := map[string]File{}
	for _, f := range m.Files {
		listed[f.Path] = f
	}
	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if zf.Name == "manifest.json" || entries[zf.Name] != zf {
			continue
		}
		want, ok := listed[zf.Name]
		if !ok {
			problem(zf.Name, "extra", "is in the package but not in the manifest: it was added after packaging")
			continue
		}
		rep.Files++
		got, err := measure(ctx, zf)
		rep.Bytes += got.Size
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return rep, err
			}
			problem(zf.Name, "damaged", "cannot be read back: %v", err)
			continue
		}
		if got.SHA256 != want.SHA256 || got.Size != want.Size {
			problem(zf.Name, "changed", "its content changed since packaging (SHA-256 %s, %d bytes; the manifest says %s, %d bytes)",
				short(got.SHA256), got.Size, short(want.SHA256), want.Size)
			continue
		}
		if want.Records != nil && got.Records != nil && *want.Records != *got.Records {
			problem(zf.Name, "count", "has %d records; the manifest says %d", *got.Records, *want.Records)
		}
	}
	for _, f := range m.Files {
		if entries[f.Path] == nil {
			problem(f.Path, "missing", "is listed in the manifest but not in the package: it was removed")
		}
	}
	// The per-type counts must agree with the data files.
	for _, e := range model.Entities {
		path := "data/" + string(e) + ".jsonl"
		f, ok := listed[path]
		if !ok || f.Records == nil {
			problem(path, "missing", "the manifest does not list the %s data file", e)
			continue
		}
		if *f.Records != m.Counts[e] {
			problem(path, "count", "has %d records; the manifest counts %d %s", *f.Records, m.Counts[e], e)
		}
	}
	if f, ok := listed["excluded/rows.jsonl"]; ok && f.Records != nil && *f.Records != m.LeftOutRows {
		problem("excluded/rows.jsonl", "count", "has %d rows; the manifest counts %d left out", *f.Records, m.LeftOutRows)
	}
	return finish(rep), nil
}

func finish(rep VerifyReport) VerifyReport {
	sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].File < rep.Problems[j].File })
	if rep.Problems == nil {
		rep.Problems = []Problem{}
	}
	rep.OK = len(rep.Problems) == 0
	return rep
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12] + "…"
	}
	return sha
}

func readJSON(zf *zip.File, v any) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := json.NewDecoder(io.LimitReader(rc, 1<<30))
	return dec.Decode(v)
}

// countingHash hashes, sizes and (for JSONL) counts lines of what passes.
type countingHash struct {
	n     int64
	lines int64
	last  byte
	h     interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func (c *countingHash) Write(p []byte) (int, error) {
	c.h.Write(p)
	c.n += int64(len(p))
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	if len(p) > 0 {
		c.last = p[len(p)-1]
	}
	return len(p), nil
}

// measure reads one entry once: SHA-256, size and its record count (JSONL
// lines; CSV records below the header, multi-line cells counted once). The
// zip reader also checks the entry's CRC-32.
func measure(ctx context.Context, zf *zip.File) (File, error) {
	f := File{Path: zf.Name}
	rc, err := zf.Open()
	if err != nil {
		return f, err
	}
	defer rc.Close()
	ch := &countingHash{h: sha256.New()}
	src := io.Reader(io.TeeReader(rc, ch))
	isCSV := strings.HasSuffix(zf.Name, ".csv")
	var rows int64
	var rerr error
	if isCSV {
		cr := csv.NewReader(bufio.NewReaderSize(src, 64<<10))
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		for {
			if rows%4096 == 0 && ctx.Err() != nil {
				return f, ctx.Err()
			}
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				var pe *csv.ParseError
				if !errors.As(err, &pe) {
					rerr = err
					break
				}
			}
			rows++
		}
		if rerr == nil {
			_, rerr = io.Copy(io.Discard, src) // the rest (nothing, for a well-formed file)
		}
	} else {
		buf := make([]byte, 256<<10)
		for {
			if err := ctx.Err(); err != nil {
				return f, err
			}
			_, err := src.Read(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				rerr = err
				break
			}
		}
	}
	f.Size, f.SHA256 = ch.n, hex.EncodeToString(ch.h.Sum(nil))
	if rerr != nil {
		return f, rerr
	}
	switch {
	case isCSV:
		r := max(rows-1, 0)
		f.Records = &r
	case strings.HasSuffix(zf.Name, ".jsonl"):
		l := ch.lines
		if ch.n > 0 && ch.last != '\n' {
			l++
		}
		f.Records = &l
	}
	return f, nil
}
