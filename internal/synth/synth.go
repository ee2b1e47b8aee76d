// Package synth generates a fictional small law firm ("Harbor & Lane LLP") as
// the legacy exports a real firm would hand over: PCLaw CSVs and an A/R
// workbook, Outlook contacts/calendar/vCards, an mbox mailbox, an AbacusLaw
// FoxPro table and a few generic spreadsheets. Every planted problem is
// recorded in a ground-truth file (truth.json) so importers and readiness
// checks can be tested against known answers.
//
// Output is deterministic: the same Options give byte-identical files. Rows are
// streamed to disk, so memory stays flat as Contacts grows (only per-matter
// balances and the planted list are kept).
package synth

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"handover/core/model"
)

// Format names accepted in Options.Formats.
const (
	FormatPCLaw   = "pclaw"   // pclaw/clients.csv, matters.csv, time.csv, ar-ledger.xlsx, trust-ledger.csv
	FormatOutlook = "outlook" // outlook/contacts.csv, calendar.ics, contacts.vcf
	FormatMail    = "mail"    // mail/matters.mbox
	FormatAbacus  = "abacus"  // abacus/NAMES.DBF + NAMES.FPT
	FormatOther   = "other"   // other/tasks.csv, notes.csv, phone-log.csv
)

// AllFormats lists every format in generation order.
var AllFormats = []string{FormatPCLaw, FormatOutlook, FormatMail, FormatAbacus, FormatOther}

// Options controls the size and content of the generated firm.
type Options struct {
	Seed uint64
	// Contacts is the scale knob: PCLaw clients ≈ Contacts/2, Outlook contacts
	// ≈ 0.4×Contacts, matters ≈ Contacts/2, time entries ≈ Contacts×10.
	// Values below 40 are raised to 40 so every kind of planted problem fits.
	Contacts int
	// Formats restricts output to a subset of AllFormats; empty (or "") = all.
	Formats []string
}

// Planted is one deliberately planted problem.
type Planted struct {
	Rule string `json:"rule"` // a model.Rule* id
	File string `json:"file"` // relative path, slash-separated
	// Row is the 1-based physical row/record/message number as the reader
	// reports it: for a CSV with a header the header is row 1; for headerless
	// files the first data row is row 1; xlsx: the sheet row; DBF: the record
	// number (deleted records count); ics: the VEVENT ordinal; vcf: the card
	// ordinal; mbox: the message ordinal. For CSV it is the physical line on
	// which the record starts, as importers/tabular reports it: after a quoted
	// field holding a line break (other/notes.csv) it runs ahead of the record
	// ordinal.
	Row    int64        `json:"row"`
	Entity model.Entity `json:"entity"`
	Field  string       `json:"field,omitempty"`
	Value  string       `json:"value,omitempty"` // the raw planted text as it appears in that row (UTF-8)
	Note   string       `json:"note,omitempty"`
}

// FileTruth describes one generated file and what an importer should make of
// it: Rows = Records + sum(Excluded) + Rejected.
type FileTruth struct {
	Entity    model.Entity `json:"entity"`
	Format    string       `json:"format"`              // source system / layout, e.g. "pclaw-clients"
	Encoding  string       `json:"encoding"`            // utf-8, utf-8-bom, windows-1252, binary
	Delimiter string       `json:"delimiter,omitempty"` // for CSVs
	Header    bool         `json:"header"`              // first row is a header row
	Rows      int          `json:"rows"`                // rows/records/cards/events/messages the reader reports, header row excluded (xlsx: title, Total and Summary rows too)
	Records   int          `json:"records"`             // records of Entity produced by the file
	// Also counts records of other types the same rows yield: a contact's
	// Notes column or memo becomes a contact Note, a mail attachment a Document.
	Also     map[model.Entity]int `json:"also,omitempty"`
	Excluded map[model.Reason]int `json:"excluded,omitempty"`
	Rejected int                  `json:"rejected"`
	Note     string               `json:"note,omitempty"`
}

// Truth is the ground truth of a generated firm.
type Truth struct {
	Seed     uint64               `json:"seed"`
	Contacts int                  `json:"contacts"`
	Files    map[string]FileTruth `json:"files"`
	// Counts is the expected number of records per type after ingest, including
	// the derived A/R and trust balances (one per matter with a non-zero balance).
	Counts  map[model.Entity]int `json:"counts"`
	Planted []Planted            `json:"planted"`
	// Duplicates are clusters of "file:row" references that are the same
	// person or company.
	Duplicates    [][]string             `json:"duplicates"`
	ARBalances    map[string]model.Cents `json:"ar_balances"`    // matter number → outstanding A/R (non-zero only)
	TrustBalances map[string]model.Cents `json:"trust_balances"` // matter number → trust balance (non-zero only)
}

// TruthFile is the name of the ground-truth file written next to the data.
const TruthFile = "truth.json"

// Generate writes the firm's files under dir and returns (and writes) the truth.
func Generate(dir string, opts Options) (*Truth, error) {
	if opts.Contacts < 40 {
		opts.Contacts = 40
	}
	want := map[string]bool{}
	for _, f := range opts.Formats {
		if f == "" {
			continue
		}
		if !slices.Contains(AllFormats, f) {
			return nil, fmt.Errorf("synth: unknown format %q (want one of %s)", f, strings.Join(AllFormats, ", "))
		}
		want[f] = true
	}
	if len(want) == 0 {
		for _, f := range AllFormats {
			want[f] = true
		}
	}
	g := newGen(dir, opts)
	g.want = want
	steps := []struct {
		format string
		fn     func() error
	}{
		{FormatPCLaw, g.pclawClients},
		{FormatPCLaw, g.pclawMatters},
		{FormatPCLaw, g.pclawTime},
		{FormatPCLaw, g.pclawAR},
		{FormatPCLaw, g.pclawTrust},
		{FormatOutlook, g.outlookContacts},
		{FormatOutlook, g.outlookVCF},
		{FormatOutlook, g.outlookCalendar},
		{FormatMail, g.mbox},
		{FormatAbacus, g.abacusNames},
		{FormatOther, g.otherTasks},
		{FormatOther, g.otherNotes},
		{FormatOther, g.otherPhoneLog},
	}
	for _, s := range steps {
		if !want[s.format] {
			continue
		}
		if err := s.fn(); err != nil {
			return nil, err
		}
	}
	if want[FormatPCLaw] {
		g.truth.Counts[model.ARBalances] = len(g.truth.ARBalances)
		g.truth.Counts[model.TrustBalances] = len(g.truth.TrustBalances)
	}
	keys := make([]string, 0, len(g.dupClusters))
	for k := range g.dupClusters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		g.truth.Duplicates = append(g.truth.Duplicates, g.dupClusters[k])
	}
	g.truth.finish()
	if err := g.truth.write(filepath.Join(dir, TruthFile)); err != nil {
		return nil, err
	}
	return g.truth, nil
}

func (t *Truth) finish() {
	slices.SortFunc(t.Planted, func(a, b Planted) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Row, b.Row), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Field, b.Field))
	})
	var dups [][]string
	for _, c := range t.Duplicates {
		if len(c) < 2 {
			continue
		}
		slices.Sort(c)
		dups = append(dups, c)
	}
	slices.SortFunc(dups, func(a, b []string) int { return slices.Compare(a, b) })
	t.Duplicates = dups
	for _, e := range model.Entities {
		if _, ok := t.Counts[e]; !ok {
			t.Counts[e] = 0
		}
	}
}

func (t *Truth) write(path string) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadTruth loads a truth.json written by Generate.
func ReadTruth(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("synth: %s: %w", path, err)
	}
	return &t, nil
}

// gen holds the state shared by the file writers.
type gen struct {
	dir   string
	opts  Options
	truth *Truth

	nClients, nOutlook, nAbacus, nMatters, nTime int
	nEvents, nMsgs, nTasks, nNotes, nPhone       int

	// duplicate clusters being assembled across files, by cluster key
	dupClusters map[string][]string
	want        map[string]bool // formats being written
}

func newGen(dir string, opts Options) *gen {
	c := opts.Contacts
	g := &gen{
		dir:  dir,
		opts: opts,
		truth: &Truth{
			Seed: opts.Seed, Contacts: c,
			Files:         map[string]FileTruth{},
			Counts:        map[model.Entity]int{},
			ARBalances:    map[string]model.Cents{},
			TrustBalances: map[string]model.Cents{},
			Planted:       []Planted{},
			Duplicates:    [][]string{},
		},
		nClients:    max(20, c/2),
		nOutlook:    max(20, c*2/5),
		nAbacus:     max(10, c/10),
		nMatters:    max(20, c/2),
		nTime:       max(200, c*10),
		nEvents:     max(16, c/4),
		nMsgs:       max(12, c/5),
		nTasks:      max(15, c/4),
		nNotes:      max(15, c/4),
		nPhone:      max(12, c/5),
		dupClusters: map[string][]string{},
	}
	return g
}

// rng returns a generator for one stream (a file, or one entity by index) so
// that values can be recomputed anywhere without keeping them in memory.
func (g *gen) rng(stream string, i int) *rand.Rand {
	h := uint64(14695981039346656037)
	for j := 0; j < len(stream); j++ {
		h ^= uint64(stream[j])
		h *= 1099511628211
	}
	return rand.New(rand.NewPCG(g.opts.Seed^h, uint64(i)*0x9E3779B97F4A7C15+h))
}

func (g *gen) plant(p Planted) { g.truth.Planted = append(g.truth.Planted, p) }

func (g *gen) dup(cluster, ref string) {
	g.dupClusters[cluster] = append(g.dupClusters[cluster], ref)
}

func (g *gen) addFile(path string, ft FileTruth) {
	g.truth.Files[path] = ft
	g.truth.Counts[ft.Entity] += ft.Records
	for e, n := range ft.Also {
		g.truth.Counts[e] += n
	}
}

func ref(file string, row int64) string { return fmt.Sprintf("%s:%d", file, row) }

// period is the block size of planted problems: each kind of problem is
// planted once per block of this many rows, so the rate is fixed at any scale.
const period = 1000
