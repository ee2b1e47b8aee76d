package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"filippo.io/age"

	"handover/core/lease"
	"handover/core/model"
	"handover/core/pack"
	"handover/core/send"
)

func init() {
	register(&command{
		name:    "package",
		summary: "write the migration package: Clio import CSVs, full data, excluded rows, report, manifest",
		usage:   "package -w PROJECT.handover -o OUT.zip [--passphrase-file F | --recipient age1… ...] [--allow-blockers] [--no-documents] [--json]",
		run:     runPackage,
	})
	register(&command{
		name:    "verify",
		summary: "check a migration package: every checksum and count against its manifest",
		usage:   "verify OUT.zip[.age] [--passphrase-file F] [--identity-file F] [--json]",
		run:     runVerify,
	})
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// readPassphrase reads a passphrase file: the first line, without its line
// end. The passphrase is never printed.
func readPassphrase(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cannot read the passphrase file: %w", err)
	}
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	if len(b) == 0 {
		return "", usagef("the passphrase file %s is empty", path)
	}
	return string(b), nil
}

// packageJSON is what `package --json` prints.
type packageJSON struct {
	Path      string                 `json:"path"`
	Encrypted bool                   `json:"encrypted"`
	Bytes     int64                  `json:"bytes"`
	Counts    map[model.Entity]int64 `json:"counts"`
	Excluded  map[model.Reason]int64 `json:"excluded"`
	Rejected  int64                  `json:"rejected"`
	LeftOut   int64                  `json:"left_out_rows"`
	Balances  pack.Balances          `json:"balances"`
	Blockers  *pack.Blockers         `json:"blockers,omitempty"`
	Documents pack.Documents         `json:"documents"`
	Files     int                    `json:"files"`
	// Recipients are whom the package is encrypted to (their keys and names).
	Recipients []pack.Recipient `json:"recipients,omitempty"`
	// Checked: the written file was opened and verified before the command
	// ended (packages for recipients' keys, which their maker cannot open
	// later; see pack.WriteFileChecked).
	Checked bool `json:"checked_after_writing"`
}

func runPackage(e *env, args []string) error {
	fs := flag.NewFlagSet("package", flag.ContinueOnError)
	wsPath := fs.String("w", "", "project file")
	out := fs.String("o", "", "the package to write (.zip; encrypted packages get .age appended)")
	passFile := fs.String("passphrase-file", "", "encrypt with the passphrase in this file (first line)")
	var recipients multiFlag
	fs.Var(&recipients, "recipient", `encrypt to this age public key: age1… or "Name <age1…>" (kept in the project, so verify and send name them); repeatable`)
	allow := fs.Bool("allow-blockers", false, "package even with blockers, listing them in the manifest")
	noDocs := fs.Bool("no-documents", false, "leave the document files out (their records stay in data/)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("-o OUT.zip is required")
	}
	pass, err := readPassphrase(*passFile)
	if err != nil {
		return err
	}
	if pass != "" && len(recipients) > 0 {
		return usagef("use --passphrase-file or --recipient, not both")
	}
	var named []send.Recipient
	for _, r := range recipients {
		rc, err := send.ParseRecipient(r)
		if err != nil {
			return usagef("--recipient: %v", err)
		}
		named = append(named, rc)
	}
	path := *out
	encrypted := pass != "" || len(recipients) > 0
	if encrypted && !strings.HasSuffix(strings.ToLower(path), ".age") {
		path += ".age" // an encrypted file named .zip would not open as one
	}
	// Packaging may check the project again first: that writes findings.
	ws, ctx, done, err := openToChange(*wsPath, false, lease.Packaging)
	if err != nil {
		return err
	}
	defer done()
	if len(named) > 0 {
		// A key given without a name keeps the name the project has for it.
		saved, err := send.Recipients(ctx, ws)
		if err != nil {
			return err
		}
		for i, r := range named {
			if r.Name == "" {
				named[i] = send.RecipientsFor(saved, []string{r.Key})[0]
			}
		}
	}
	opts := pack.Options{AppVersion: Version, Passphrase: pass, AllowBlockers: *allow, SkipDocuments: *noDocs, RecipientNames: map[string]string{}}
	for _, r := range named {
		opts.Recipients = append(opts.Recipients, r.Key)
		if r.Name != "" {
			opts.RecipientNames[r.Key] = r.Name
		}
	}
	if isTerminal(e.stderr) && !*asJSON {
		opts.Progress = func(done, total int64) { fmt.Fprintf(e.stderr, "\rPackaging… %d of %d", done, total) }
	}
	// A package for the team's keys is one its maker cannot open again, so
	// it is verified now, through a one-time key (pack.WriteFileChecked).
	// Others can be verified any time with `handover verify`, and a large
	// package is not read twice unasked.
	var m pack.Manifest
	var rep *pack.VerifyReport
	if len(named) > 0 {
		var r pack.VerifyReport
		m, r, err = pack.WriteFileChecked(ctx, ws, path, opts)
		rep = &r
	} else {
		m, err = pack.WriteFile(ctx, ws, path, opts)
	}
	if opts.Progress != nil {
		fmt.Fprintln(e.stderr)
	}
	if err != nil {
		var be *pack.BlockersError
		if errors.As(err, &be) || errors.Is(err, pack.ErrCutoff) {
			return fmt.Errorf("not packaged: %w", err)
		}
		if rep != nil && m.Format != "" { // written, but it could not be opened again
			return fmt.Errorf("%s: %w", path, err)
		}
		return fmt.Errorf("not packaged (nothing was written to %s): %w", path, err)
	}
	if rep != nil && !rep.OK {
		var probs []string
		for _, p := range rep.Problems {
			probs = append(probs, p.String())
		}
		return fmt.Errorf("%s was written but is not intact — package again: %s", path, strings.Join(probs, "; "))
	}
	if len(named) > 0 {
		if err := send.KeepPackageRecipients(ctx, ws, path, named); err != nil {
			return fmt.Errorf("packaged, but the recipients could not be kept in the project: %w", err)
		}
	}
	var size int64
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	if *asJSON {
		return printJSON(e.stdout, packageJSON{Path: path, Encrypted: encrypted, Bytes: size, Counts: m.Counts, Excluded: m.Excluded,
			Rejected: m.Rejected, LeftOut: m.LeftOutRows, Balances: m.Balances, Blockers: m.Blockers, Documents: m.Documents, Files: len(m.Files) + 1,
			Recipients: m.Recipients, Checked: rep != nil})
	}
	w := e.stdout
	fmt.Fprintf(w, "Wrote %s (%d bytes, %d files", path, size, len(m.Files)+1)
	if encrypted {
		fmt.Fprint(w, ", encrypted with age")
	}
	fmt.Fprintln(w, ")")
	for _, r := range m.Recipients {
		fmt.Fprintf(w, "  encrypted to %s\n", r)
	}
	if rep != nil {
		fmt.Fprintf(w, "  checked after writing: all %d files intact (only the keys above open it from now on)\n", rep.Files)
	}
	for _, en := range model.Entities {
		if n := m.Counts[en]; n > 0 {
			fmt.Fprintf(w, "  %-24s %7d\n", en.Label(), n)
		}
	}
	fmt.Fprintf(w, "Left out: %d rows (see excluded/rows.csv). A/R brought forward %s on %d matters; trust %s on %d lines.\n",
		m.LeftOutRows, m.Balances.AR.Formatted, m.Balances.ARLines, m.Balances.Trust.Formatted, m.Balances.TrustLines)
	if n := len(m.Documents.Missing); n > 0 {
		fmt.Fprintf(w, "! %d documents could not be packaged: they are listed in manifest.json (documents.missing).\n", n)
	}
	if m.Blockers != nil {
		fmt.Fprintf(w, "! Packaged with %d blockers (--allow-blockers): they are listed in report/blockers.jsonl.\n", m.Blockers.Total)
	}
	fmt.Fprintln(w, "Import the CSVs in the order given in clio-import/README.txt.")
	return nil
}

func runVerify(e *env, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	passFile := fs.String("passphrase-file", "", "the passphrase of an encrypted package (first line of this file)")
	idFile := fs.String("identity-file", "", "age identity file (AGE-SECRET-KEY-…) for a package encrypted to a recipient")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give exactly one package to verify")
	}
	pass, err := readPassphrase(*passFile)
	if err != nil {
		return err
	}
	var ids []age.Identity
	if *idFile != "" {
		f, err := os.Open(*idFile)
		if err != nil {
			return fmt.Errorf("cannot read the identity file: %w", err)
		}
		ids, err = age.ParseIdentities(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("the identity file holds no age identity: %w", err)
		}
	}
	ctx, cancel := interruptible()
	defer cancel()
	rep, err := pack.VerifyFile(ctx, pos[0], pass, ids...)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := printJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		w := e.stdout
		enc := ""
		if rep.Encrypted {
			enc = " (encrypted)"
		}
		fmt.Fprintf(w, "Package %s%s: %s, made by Handover %s, cut-off %s acknowledged by %s.\n", pos[0], enc, rep.FirmName,
			rep.AppVersion, rep.Cutoff.Cutoff, rep.Cutoff.AcknowledgedBy)
		fmt.Fprintf(w, "Checked %d files (%d bytes).\n", rep.Files, rep.Bytes)
		for _, r := range rep.Recipients {
			fmt.Fprintf(w, "Encrypted to %s.\n", r)
		}
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  ! %s\n", p)
		}
	}
	if !rep.OK {
		return fmt.Errorf("the package is not intact: %d problems (files missing, added, changed or miscounted)", len(rep.Problems))
	}
	if !*asJSON {
		fmt.Fprintln(e.stdout, "Intact: every file matches the manifest.")
	}
	return nil
}
