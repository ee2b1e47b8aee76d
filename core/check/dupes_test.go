package check

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"handover/core/internal/heaptest"
	"handover/core/model"
	"handover/core/workspace"
)

func TestFindDuplicates(t *testing.T) {
	ws := plantedProject(t)
	cl, err := FindDuplicates(context.Background(), ws, Options{Country: "US"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Cluster{}
	for _, c := range cl {
		var keys []string
		for _, m := range c.Members {
			if m.Data == nil {
				t.Fatalf("cluster %s: member without data", c.ID)
			}
			keys = append(keys, m.Key)
		}
		got[strings.Join(keys, " ")] = c
	}
	want := map[string][]string{
		"PCLaw:contacts:C1 Outlook:contacts:O1":   {"same phone +16502530001", "names Robert Smith ~ Bob Smith (1.00)"},
		"PCLaw:contacts:C3 Outlook:contacts:O2":   {"names Acme Holdings Inc. ~ Acme Holdings, Inc (1.00)"},
		"Outlook:contacts:O3 Outlook:contacts:O4": {"same e-mail kpark@example.com"},
	}
	if len(got) != len(want) {
		t.Errorf("clusters: %v", keysOf(got))
	}
	for members, why := range want {
		c, ok := got[members]
		if !ok {
			t.Errorf("missing cluster %s (got %v)", members, keysOf(got))
			continue
		}
		for _, w := range why {
			if !contains(c.Why, w) {
				t.Errorf("%s: why %q, want %q in it", members, c.Why, w)
			}
		}
		if c.Score <= 0.8 || c.Score > 1 || c.ID != "dup:"+strings.Fields(members)[0] {
			t.Errorf("%s: id %s score %v", members, c.ID, c.Score)
		}
	}
	for k := range got {
		if strings.Contains(k, "C2") {
			t.Errorf("Mary Smith clustered: %s", k)
		}
	}
}

func TestFingerprints(t *testing.T) {
	cases := []struct{ first, last, want string }{
		{"Bob", "Smith", "robert smith"},
		{"Robert J.", "Smith Jr.", "robert smith"},
		{"Liz", "Núñez", "elizabeth nunez"},
		{"Smith, Bill", "", "william smith"},
		{"José", "O'Brien", "jose obrien"},
	}
	for _, c := range cases {
		f, l := personParts(c.first, c.last)
		if got := strings.TrimSpace(f + " " + l); got != c.want {
			t.Errorf("%s %s → %q, want %q", c.first, c.last, got, c.want)
		}
	}
	for in, want := range map[string]string{"Acme Holdings, Inc": "acme holdings", "The Acme Holdings Inc.": "acme holdings",
		"Smith & Jones LLP": "smith and jones", "Müller GmbH": "muller"} {
		if got := companyFingerprint(in); got != want {
			t.Errorf("%s → %q, want %q", in, got, want)
		}
	}
	if len(nicknames) < 60 {
		t.Errorf("only %d nicknames", len(nicknames))
	}
}

func TestHugeBlockIsSkippedWithInfo(t *testing.T) {
	ws := newWS(t)
	var items []item
	for i := 0; i < 6; i++ { // six different people behind one shared office e-mail
		items = append(items, item{row: int64(i + 2), entity: model.Contacts, id: fmt.Sprint(i),
			data: person([]string{"Ann", "Ben", "Cy", "Dee", "Eve", "Flo"}[i], []string{"Ash", "Birch", "Cedar", "Dogwood", "Elm", "Fir"}[i], []string{"office@firm.com"})})
	}
	load(t, ws, "c.csv", "X", items...)
	res, err := Run(context.Background(), ws, Options{Now: now, MaxBlock: 5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var info []workspace.StoredFinding
	for _, f := range findings(t, ws, "check") {
		if f.Rule == model.RuleDuplicateContact {
			info = append(info, f)
		}
	}
	if res.Clusters != 0 || len(info) != 1 || info[0].Severity != model.Info || !strings.Contains(info[0].Message, "6 contacts share the e-mail address office@firm.com") {
		t.Errorf("clusters %d, findings %+v", res.Clusters, info)
	}
}

func keysOf(m map[string]Cluster) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Duplicate detection keeps its per-contact data on disk, not in memory:
// with the compact in-memory entries it had before, a 1M-row project's
// check peaked at 500 MB. Adding 40,000 contacts, and walking their blocks
// down to the first cluster, must leave the live heap about where it was
// (a few bytes per contact for the union-find forest, nothing per key).
func TestDupCollectorSpillsToDisk(t *testing.T) {
	ctx := context.Background()
	d, err := newDupCollector(ctx, Options{Country: "US", MaxBlock: 500})
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	const n = 40000
	base := heaptest.Live()
	for i := 0; i < n; i++ {
		j := i
		if i%1000 == 999 { // a copy of the contact before it, in another source
			j = i - 1
		}
		r := workspace.StoredRecord{Record: model.Record{ID: int64(i + 1), Entity: model.Contacts, Key: fmt.Sprintf("x:contacts:%d", i),
			Prov: model.Provenance{SourceID: 1, Source: "contacts-with-a-long-file-name.csv", Row: int64(i + 2)}}}
		c := person(fmt.Sprintf("First%d", j), fmt.Sprintf("Surname%d", j), []string{fmt.Sprintf("person.%d@example.com", j)})
		if err := d.addParsed(ctx, r, c, []string{fmt.Sprintf("+1212%07d", j)}); err != nil {
			t.Fatal(err)
		}
	}
	grew := heaptest.Live() - base
	t.Logf("live heap after adding %d contacts: %+d bytes", n, grew)
	if grew > 1<<20 {
		t.Errorf("the live heap grew by %d kB for %d contacts: duplicate detection is holding them in memory", grew>>10, n)
	}
	var atFirst int64 = -1
	clusters, err := d.cluster(ctx, func(skippedBlock) error { return nil }, func(members []dcon, why []string, score float64) error {
		if atFirst < 0 {
			atFirst = heaptest.Live() - base
		}
		if len(members) != 2 || members[0].key[len("x:contacts:"):] == members[1].key[len("x:contacts:"):] {
			t.Errorf("cluster %v", members)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d clusters; live heap at the first: %+d bytes", clusters, atFirst)
	if clusters != n/1000 {
		t.Errorf("%d clusters, want %d", clusters, n/1000)
	}
	if atFirst > 2<<20 {
		t.Errorf("the live heap grew by %d kB while clustering %d contacts: blocks or links are held in memory", atFirst>>10, n)
	}
}
