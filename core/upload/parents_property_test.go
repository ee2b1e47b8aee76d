package upload

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"handover/core/check"
	"handover/core/model"
	"handover/core/workspace"
	"handover/internal/fakeclio"
	"handover/internal/synth"
)

var (
	parentSeed  = flag.Uint64("parents.seed", 14, "seed of the generated projects of TestCheckParentsAreUploadSkips")
	parentCases = flag.Int("parents.cases", 1000, "how many generated projects TestCheckParentsAreUploadSkips checks")
)

// parentRules are the findings that say a record's parent does not resolve.
var parentRules = map[string]bool{
	model.RuleOrphanClient: true, model.RuleOrphanMatter: true, model.RuleOrphanContact: true,
	model.RuleParentAmbiguous: true, model.RuleMatterMissingClient: true, model.RuleNoteMissingParent: true,
}

// TestCheckParentsAreUploadSkips is the property behind "what Readiness
// passes, upload finds": over generated projects whose references are
// written in every form (names with and without middle names, "Last,
// First", titles, company forms, e-mails, phones, padded and re-separated
// matter numbers, descriptions) and include missing and ambiguous ones, the
// (record, parent) pairs the check reports as missing or ambiguous are
// exactly the pairs upload's own decision (engine.parentProblems, what
// build skips a record for) refuses. On the first cases the whole dry run
// against the local Clio is compared too, from the skips it lists.
//
//	go test ./core/upload -run CheckParents -parents.seed 7 -parents.cases 5000
func TestCheckParentsAreUploadSkips(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "gen.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetSetting(ctx, workspace.SettingCountry, "US")
	dryRuns := 40
	if testing.Short() {
		dryRuns = 5
	}
	var f *fake
	var tally [4]int // resolve statuses seen over all references, to show the generator covers them
	var pairs int
	for i := 0; i < *parentCases; i++ {
		seed := *parentSeed*1_000_003 + uint64(i)
		rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
		recs := genProject(rng)
		st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/generated/project.csv", Name: "project.csv", Format: "csv"})
		if err != nil {
			t.Fatal(err)
		}
		for n, r := range recs {
			if err := st.Stage(ctx, workspace.Row{Num: int64(n + 2), Raw: []string{r.Key}, Records: []model.Record{r}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := check.Run(ctx, ws, check.Options{Country: "US", SkipBalances: true}, nil); err != nil {
			t.Fatal(err)
		}
		checked := map[string]bool{}
		err = ws.EachFinding(ctx, workspace.FindingFilter{}, func(fd workspace.StoredFinding) error {
			if parentRules[fd.Rule] {
				checked[string(fd.Entity)+" "+fd.RecordKey+" "+fd.Field] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ix, err := buildIndex(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		e := &engine{ix: ix}
		skipped := map[string]bool{}
		err = ws.EachRecord(ctx, workspace.RecordFilter{}, func(r workspace.StoredRecord) error {
			for _, p := range e.parentProblems(&r) {
				skipped[string(r.Entity)+" "+r.Key+" "+p.field] = true
				tally[p.res.Status]++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		pairs += len(skipped)
		if d := setDiff(checked, skipped); d != "" {
			t.Fatalf("case %d (seed %d): check and upload disagree about parents:\n%s\nrecords:\n%s", i, seed, d, dump(recs))
		}
		if i < dryRuns {
			if f == nil {
				f = startFake(t, fakeclio.Options{})
			}
			dryRunAgrees(t, ctx, ws, f, i, seed, checked, recs)
		}
	}
	t.Logf("%d projects, %d (record, parent) pairs refused by both: %d empty, %d missing, %d ambiguous",
		*parentCases, pairs, tally[0], tally[2], tally[3])
	if *parentCases >= 100 && (tally[0] == 0 || tally[2] == 0 || tally[3] == 0) {
		t.Errorf("the generator does not make every kind of bad reference: %v", tally)
	}
}

// dryRunAgrees runs the real dry run (no findings, so nothing is skipped
// as a blocker: upload decides alone) and holds the records it skips for a
// reference of their own to the records the check named.
func dryRunAgrees(t *testing.T, ctx context.Context, ws *workspace.Workspace, f *fake, i int, seed uint64, checked map[string]bool, recs []model.Record) {
	t.Helper()
	want := map[string]bool{}
	for k := range checked {
		want[k[:strings.LastIndexByte(k, ' ')]] = true
	}
	if _, err := ws.DB().ExecContext(ctx, `DELETE FROM findings`); err != nil {
		t.Fatal(err)
	}
	rec, err := Run(ctx, ws, f.client, Options{DryRun: true, AllowBlockers: true})
	if err != nil {
		t.Fatalf("case %d: dry run: %v", i, err)
	}
	got := map[string]bool{}
	for _, s := range rec.Skips {
		if parentMessage(s.Message) {
			got[string(s.Entity)+" "+s.Key] = true
		}
	}
	if d := setDiff(want, got); d != "" {
		t.Fatalf("case %d (seed %d): the dry run skips other records for their parents than the check names:\n%s\nskips: %+v\nrecords:\n%s", i, seed, d, rec.Skips, dump(recs))
	}
}

// parentMessage: a skip for a reference of the record's own (not because its
// parent was itself skipped, and not for a user or a calendar).
func parentMessage(m string) bool {
	if strings.HasPrefix(m, "parent ") {
		return false
	}
	return strings.Contains(m, "is not in the project") || strings.Contains(m, "equally well") ||
		strings.HasPrefix(m, "no matter:") || strings.HasPrefix(m, "no client:") || strings.HasPrefix(m, "no contact:")
}

func setDiff(check, upload map[string]bool) string {
	var b strings.Builder
	var only []string
	for k := range check {
		if !upload[k] {
			only = append(only, "  check only:  "+k)
		}
	}
	for k := range upload {
		if !check[k] {
			only = append(only, "  upload only: "+k)
		}
	}
	slices.Sort(only)
	for _, s := range only {
		b.WriteString(s + "\n")
	}
	return b.String()
}

func dump(recs []model.Record) string {
	var b strings.Builder
	for _, r := range recs {
		fmt.Fprintf(&b, "  %s %s %+v\n", r.Entity, r.Key, r.Data)
	}
	return b.String()
}

// ---- the generator ----

var (
	genFirsts    = []string{"Ana", "José", "John", "Mary", "Wei", "Zoë", "Robert"}
	genLasts     = []string{"Ruiz", "Núñez", "Smith", "Lee", "Chen", "O'Brien", "de la Cruz"}
	genMiddles   = []string{"", "", "M.", "Maria", "Q", "Luis Alberto"}
	genTitles    = []string{"Mr.", "Ms.", "Dr.", "Mrs"}
	genSuffixes  = []string{"Jr.", "Sr", "III", "Esq."}
	genCompanies = []string{"Acme Holdings", "Smith & Jones", "Harbor Group", "Lee", "Núñez Imports"}
	genForms     = []string{"Inc.", "LLC", "L.L.C.", "Ltd", "Corp", "Co.", "LLP", "PC", ""}
	genDescs     = []string{"Estate of Ruiz", "Smith divorce", "Lease dispute", "Smith divorce", "Chen v. Lee", "Zoning appeal"}
)

type genContact struct {
	key, id       string
	c             *model.Contact
	email, phone  string
	first, middle string
	last, company string
}

type genMatter struct {
	key, id string
	year    int
	seq     int
	prefix  string
	desc    string
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func genProject(rng *rand.Rand) []model.Record {
	var recs []model.Record
	var contacts []genContact
	for i := 0; i < 2+rng.IntN(7); i++ {
		g := genContact{id: fmt.Sprintf("C%d", i+1)}
		g.key = "gen:contacts:" + g.id
		if rng.IntN(4) == 0 {
			g.company = pick(rng, genCompanies)
			g.c = &model.Contact{Type: "Company", Name: strings.TrimSpace(g.company + " " + pick(rng, genForms))}
		} else {
			g.first, g.middle, g.last = pick(rng, genFirsts), pick(rng, genMiddles), pick(rng, genLasts)
			g.c = &model.Contact{Type: "Person", FirstName: g.first, MiddleName: g.middle, LastName: g.last}
			if rng.IntN(5) == 0 {
				g.c.Prefix = pick(rng, genTitles)
			}
		}
		if rng.IntN(2) == 0 {
			g.email = fmt.Sprintf("person%d@example.com", rng.IntN(12)) // a few shared
			g.c.Emails = []model.Email{{Name: "Work", Address: g.email}}
		}
		if rng.IntN(3) == 0 {
			g.phone = fmt.Sprintf("555010%04d", rng.IntN(15))
			g.c.Phones = []model.Phone{{Name: "Work", Number: fmt.Sprintf("(%s) %s-%s", g.phone[:3], g.phone[3:6], g.phone[6:])}}
		}
		contacts = append(contacts, g)
		recs = append(recs, model.Record{Entity: model.Contacts, Key: g.key, Data: g.c})
	}
	var matters []genMatter
	nm := 1 + rng.IntN(6)
	for i := 0; i < nm; i++ {
		g := genMatter{id: fmt.Sprint(i + 1), year: 2023 + rng.IntN(2), seq: 1 + rng.IntN(9), desc: pick(rng, genDescs)}
		if rng.IntN(4) == 0 {
			g.prefix = "M"
		}
		g.key = "gen:matters:" + g.id
		matters = append(matters, g)
		number := fmt.Sprintf("%s%d-%0*d", g.prefix, g.year, 1+rng.IntN(4), g.seq)
		if rng.IntN(10) == 0 {
			number = "" // no number: only its key, id or description finds it
		}
		m := &model.Matter{DisplayNumber: number, Description: g.desc, Status: "Open",
			Client: contactRef(rng, contacts, true)}
		recs = append(recs, model.Record{Entity: model.Matters, Key: g.key, Data: m})
	}
	owner := synth.Lawyers[0].Email
	child := func(e model.Entity, n int, data any) {
		recs = append(recs, model.Record{Entity: e, Key: fmt.Sprintf("gen:%s:%d", e, n), Data: data})
	}
	for n := 0; n < 1+rng.IntN(12); n++ {
		switch rng.IntN(8) {
		case 0:
			child(model.Relationships, n, &model.Relationship{Matter: matterRef(rng, matters, true), Contact: contactRef(rng, contacts, true), Description: "Opposing counsel"})
		case 1:
			child(model.Tasks, n, &model.Task{Name: "Call back", Matter: matterRef(rng, matters, false), Assignee: owner})
		case 2:
			typ := pick(rng, []string{"Matter", "Contact", "contact", "matter"})
			note := &model.Note{Type: typ, Subject: "Note", Detail: "x", Date: "2024-01-02"}
			// the reference of the other kind is ignored by both
			note.Matter, note.Contact = matterRef(rng, matters, true), contactRef(rng, contacts, true)
			child(model.Notes, n, note)
		case 3:
			child(model.TimeEntries, n, &model.TimeEntry{Type: "TimeEntry", Date: "2024-01-02", Seconds: 3600, Price: 20000, User: owner, Matter: matterRef(rng, matters, false)})
		case 4:
			child(model.CalendarEvents, n, &model.CalendarEvent{Summary: "Hearing", StartAt: "2024-01-02T10:00:00Z", EndAt: "2024-01-02T11:00:00Z", Owner: owner, Matter: matterRef(rng, matters, false)})
		case 5:
			tb := &model.TrustBalance{Amount: 10000, AsOf: "2024-01-01"}
			switch rng.IntN(3) {
			case 0:
				tb.Matter = matterRef(rng, matters, false)
			case 1:
				tb.Contact = contactRef(rng, contacts, false)
			default:
				tb.Matter, tb.Contact = matterRef(rng, matters, false), contactRef(rng, contacts, false)
			}
			child(model.TrustBalances, n, tb)
		case 6:
			child(model.ARBalances, n, &model.ARBalance{Matter: matterRef(rng, matters, true), Amount: 5000, AsOf: "2024-01-01"})
		case 7:
			child(model.Emails, n, &model.Communication{Subject: "Re: the case", ReceivedAt: "2024-01-02T10:00:00Z", Matter: matterRef(rng, matters, false)})
		}
	}
	return recs
}

// contactRef writes a reference to one of the contacts in one of the forms
// people write, or to nobody.
func contactRef(rng *rand.Rand, cs []genContact, required bool) model.Ref {
	switch rng.IntN(14) {
	case 0:
		if !required || rng.IntN(2) == 0 {
			return model.Ref{}
		}
		return model.Ref{Kind: "name", Value: "  "}
	case 1:
		return model.Ref{Kind: "name", Value: pick(rng, []string{"Nobody Here", "Smith, Jane", "C99", "ghost@example.com"})}
	}
	g := pick(rng, cs)
	switch rng.IntN(12) {
	case 0:
		return model.Ref{Kind: "key", Value: g.key}
	case 1, 2:
		return model.Ref{Kind: "id", Value: g.id}
	case 3:
		if g.email != "" {
			return model.Ref{Kind: "email", Value: strings.ToUpper(g.email)}
		}
	case 4:
		if g.phone != "" {
			return model.Ref{Kind: "phone", Value: "+1 " + g.phone[:3] + "." + g.phone[3:6] + "." + g.phone[6:]}
		}
	}
	if g.company != "" {
		name := g.company
		switch rng.IntN(4) {
		case 0:
			name = strings.ReplaceAll(name, "&", "and")
		case 1:
			name = "The " + name + ", " + pick(rng, genForms)
		case 2:
			name = strings.ToUpper(name) + " " + pick(rng, genForms)
		}
		return model.Ref{Kind: "name", Value: name}
	}
	mid := g.middle
	switch rng.IntN(3) {
	case 0:
		mid = ""
	case 1:
		if mid != "" {
			mid = mid[:1] + "."
		}
	}
	first, last := g.first, g.last
	if rng.IntN(3) == 0 {
		first, last = stripAccents(first), stripAccents(last)
	}
	var v string
	switch rng.IntN(6) {
	case 0:
		v = strings.Join(strings.Fields(first+" "+mid+" "+last), " ")
	case 1:
		v = last + ", " + strings.TrimSpace(first+" "+mid)
	case 2:
		v = strings.ToUpper(last + ", " + first)
	case 3:
		v = pick(rng, genTitles) + " " + first + " " + last + ", " + pick(rng, genSuffixes)
	case 4:
		v = last + " " + first
	default:
		v = "  " + strings.ToLower(first) + "   " + strings.ToLower(last) + " "
	}
	return model.Ref{Kind: "name", Value: v}
}

func stripAccents(s string) string {
	return strings.NewReplacer("é", "e", "ú", "u", "ñ", "n", "Ñ", "N", "ë", "e").Replace(s)
}

// matterRef writes a reference to one of the matters, or to none.
func matterRef(rng *rand.Rand, ms []genMatter, required bool) model.Ref {
	switch rng.IntN(12) {
	case 0:
		if !required && rng.IntN(3) > 0 {
			return model.Ref{}
		}
		return model.Ref{Kind: "number", Value: ""}
	case 1:
		return model.Ref{Kind: "number", Value: pick(rng, []string{"2099-001", "Unknown matter", "X-1"})}
	}
	g := pick(rng, ms)
	switch rng.IntN(10) {
	case 0:
		return model.Ref{Kind: "key", Value: g.key}
	case 1:
		return model.Ref{Kind: "id", Value: g.id}
	case 2:
		return model.Ref{Kind: "number", Value: g.desc}
	}
	sep := pick(rng, []string{"-", "/", "_", ".", " ", "-"})
	prefix := g.prefix
	if rng.IntN(2) == 0 {
		prefix = strings.ToLower(prefix)
	}
	return model.Ref{Kind: "number", Value: fmt.Sprintf("%s%d%s%0*d", prefix, g.year, sep, 1+rng.IntN(4), g.seq)}
}
