package mapping

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"handover/core/model"
	"handover/importers/profiles"
)

// profileFile is the JSON layout of one embedded profile (importers/profiles/*.json).
//
//	name, system, description   shown to the user
//	entity                      what each row becomes (model.Entity), or
//	ledger                      "ar" | "trust" for accounting-history tables
//	detect.required             alternatives: each a set of headers that must all be present
//	detect.headerless           for exports without a header row: exact column count and
//	                            per-column (1-based) regexps most sample values must match
//	detect.file_hints           words in the file/table name that make this profile likelier
//	detect.value_hints          target → words expected in that column's sample values
//	names                       column names to show for a headerless export (by position)
//	columns                     target → header aliases (case/space/punctuation-insensitive;
//	                            "{n}" expands to 1..9 in both the alias and the target)
//	values                      target → source word (normalised) → value (merged over the defaults)
//	history                     target → words that mark a row as billed history ("*" = any value)
//	date_order                  MDY | DMY | YMD used when a date column cannot tell by itself
//	decimal_comma               amounts are written 1.234,50
//	keys                        targets whose values form the legacy id (default: id, or matter for matters)
type profileFile struct {
	Name        string       `json:"name"`
	System      string       `json:"system"`
	Entity      model.Entity `json:"entity"`
	Ledger      string       `json:"ledger"`
	Description string       `json:"description"`
	Detect      struct {
		Required   [][]string `json:"required"`
		Headerless *struct {
			Columns  int               `json:"columns"`
			Patterns map[string]string `json:"patterns"`
		} `json:"headerless"`
		FileHints  []string            `json:"file_hints"`
		ValueHints map[string][]string `json:"value_hints"`
	} `json:"detect"`
	Names        []string                     `json:"names"`
	Columns      map[string][]string          `json:"columns"`
	Values       map[string]map[string]string `json:"values"`
	History      map[string][]string          `json:"history"`
	DateOrder    string                       `json:"date_order"`
	DecimalComma bool                         `json:"decimal_comma"`
	Keys         []string                     `json:"keys"`
}

type profile struct {
	profileFile
	aliases  map[string]string // normalised alias → target
	patterns map[int]*regexp.Regexp
	required [][]string // normalised
}

// kind is the entity key used for grouping aliases: the entity, or "ledger:ar"/"ledger:trust".
func (p *profile) kind() string {
	if p.Ledger != "" {
		return "ledger:" + p.Ledger
	}
	return string(p.Entity)
}

// ProfileInfo describes one profile for the UI and `--profile`.
type ProfileInfo struct {
	Name        string
	System      string
	Entity      model.Entity     // "" for ledgers and for generic
	Ledger      model.LedgerKind // default ledger kind for ledger tables
	Description string
}

var (
	loadOnce   sync.Once
	loadErr    error
	allProfile []*profile
	byName     map[string]*profile
	kindAlias  map[string]map[string]string // kind → normalised alias → target (union over profiles)
	kindValues map[string]map[string]map[string]string
	kindCands  map[string][]string // sorted aliases per kind, for fuzzy matching
	exactNames map[string][]string // Normalize(target) → targets
)

func load() error {
	loadOnce.Do(func() { loadErr = loadFrom(profiles.FS) })
	return loadErr
}

func loadFrom(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return err
	}
	sort.Strings(names)
	byName = map[string]*profile{}
	kindAlias = map[string]map[string]string{}
	kindValues = map[string]map[string]map[string]string{}
	allProfile = nil
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		var pf profileFile
		if err := json.Unmarshal(b, &pf); err != nil {
			return fmt.Errorf("profile %s: %w", n, err)
		}
		p, err := compile(pf)
		if err != nil {
			return fmt.Errorf("profile %s: %w", n, err)
		}
		if byName[p.Name] != nil {
			return fmt.Errorf("profile %s: duplicate name %q", n, p.Name)
		}
		byName[p.Name] = p
		allProfile = append(allProfile, p)
		if p.Name == "generic" {
			continue
		}
		k := p.kind()
		if kindAlias[k] == nil {
			kindAlias[k] = map[string]string{}
			kindValues[k] = map[string]map[string]string{}
		}
		for a, t := range p.aliases {
			if _, ok := kindAlias[k][a]; !ok {
				kindAlias[k][a] = t
			}
		}
		for t, m := range p.Values {
			if kindValues[k][t] == nil {
				kindValues[k][t] = map[string]string{}
			}
			for w, v := range m {
				kindValues[k][t][Normalize(w)] = v
			}
		}
	}
	kindCands = map[string][]string{}
	for k, m := range kindAlias {
		for a := range m {
			kindCands[k] = append(kindCands[k], a)
		}
		sort.Strings(kindCands[k])
	}
	exactNames = map[string][]string{}
	for t := range simpleTargets {
		exactNames[Normalize(t)] = append(exactNames[Normalize(t)], t)
	}
	for _, ts := range exactNames {
		sort.Strings(ts)
	}
	if byName["generic"] == nil {
		return fmt.Errorf("no generic profile")
	}
	buildAbbrev()
	return nil
}

func compile(pf profileFile) (*profile, error) {
	if pf.Name == "" || strings.Contains(pf.Name, ":") {
		return nil, fmt.Errorf("bad name %q", pf.Name)
	}
	if pf.Entity != "" && !pf.Entity.Valid() {
		return nil, fmt.Errorf("unknown entity %q", pf.Entity)
	}
	if pf.Ledger != "" && pf.Ledger != "ar" && pf.Ledger != "trust" {
		return nil, fmt.Errorf("ledger must be ar or trust, not %q", pf.Ledger)
	}
	switch pf.DateOrder {
	case "", "MDY", "DMY", "YMD":
	default:
		return nil, fmt.Errorf("bad date_order %q", pf.DateOrder)
	}
	p := &profile{profileFile: pf, aliases: map[string]string{}, patterns: map[int]*regexp.Regexp{}}
	add := func(alias, target string) error {
		if !validTarget(target) {
			return fmt.Errorf("unknown target %q", target)
		}
		na := Normalize(alias)
		if na == "" {
			return fmt.Errorf("empty alias for %q", target)
		}
		if old, ok := p.aliases[na]; ok && old != target {
			return fmt.Errorf("alias %q maps to both %q and %q", alias, old, target)
		}
		p.aliases[na] = target
		return nil
	}
	for target, aliases := range pf.Columns {
		for _, a := range aliases {
			if strings.Contains(a, "{n}") || strings.Contains(target, "{n}") {
				for i := 1; i <= 9; i++ {
					n := strconv.Itoa(i)
					if err := add(strings.ReplaceAll(a, "{n}", n), strings.ReplaceAll(target, "{n}", n)); err != nil {
						return nil, err
					}
				}
				continue
			}
			if err := add(a, target); err != nil {
				return nil, err
			}
		}
	}
	for _, n := range pf.Names {
		if _, ok := p.aliases[Normalize(n)]; !ok {
			return nil, fmt.Errorf("headerless name %q has no alias", n)
		}
	}
	if h := pf.Detect.Headerless; h != nil {
		if h.Columns != len(pf.Names) {
			return nil, fmt.Errorf("headerless columns %d but %d names", h.Columns, len(pf.Names))
		}
		for k, v := range h.Patterns {
			i, err := strconv.Atoi(k)
			if err != nil || i < 1 || i > h.Columns {
				return nil, fmt.Errorf("bad pattern column %q", k)
			}
			re, err := regexp.Compile(v)
			if err != nil {
				return nil, err
			}
			p.patterns[i-1] = re
		}
	}
	for _, set := range pf.Detect.Required {
		var ns []string
		for _, h := range set {
			ns = append(ns, Normalize(h))
		}
		p.required = append(p.required, ns)
	}
	return p, nil
}

// Normalize folds a header for matching: lower case, accents removed, and
// only letters and digits kept ("E-Mail-Adresse" → "emailadresse",
// "Straße geschäftlich" → "straßegeschaftlich"). Memory keys use it too.
func Normalize(s string) string {
	if ascii, n := asciiAlnum(s); ascii { // no accents to strip: the letters and digits, lower-cased
		b := make([]byte, 0, n)
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c >= 'A' && c <= 'Z':
				b = append(b, c+'a'-'A')
			case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
				b = append(b, c)
			}
		}
		return string(b)
	}
	if f, ok := foldByTable(s); ok { // accented Latin, Greek, Cyrillic (fold.go)
		return f
	}
	return foldNFD(s)
}

// asciiAlnum reports whether s is all ASCII, and how many letters and digits it has.
func asciiAlnum(s string) (bool, int) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return false, 0
		}
		if c|0x20 >= 'a' && c|0x20 <= 'z' || c >= '0' && c <= '9' {
			n++
		}
	}
	return true, n
}

// Profiles lists the embedded profiles, generic last.
func Profiles() []ProfileInfo {
	if load() != nil {
		return nil
	}
	var out []ProfileInfo
	var gen ProfileInfo
	for _, p := range allProfile {
		pi := ProfileInfo{Name: p.Name, System: p.System, Entity: p.Entity, Description: p.Description}
		switch p.Ledger {
		case "ar":
			pi.Ledger = model.LedgerInvoice
		case "trust":
			pi.Ledger = model.LedgerTrustDeposit
		}
		if p.Name == "generic" {
			gen = pi
			continue
		}
		out = append(out, pi)
	}
	return append(out, gen)
}
