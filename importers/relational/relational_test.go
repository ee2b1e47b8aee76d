package relational

import (
	"context"
	"strconv"
	"testing"

	"handover/importers/relational/reltest"
)

func analyze(t *testing.T, path string) *Result {
	t.Helper()
	res, err := Analyze(context.Background(), []string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func holds(res *Result) map[string]string {
	m := map[string]string{}
	for _, t := range res.Tables {
		m[t.Table] = t.Holds
	}
	return m
}

func TestCaseDBTablesTyped(t *testing.T) {
	res := analyze(t, reltest.CaseDB(t, t.TempDir()))
	for _, tr := range res.Tables {
		t.Logf("%s: %s (%s) key=%s", tr.Table, tr.Holds, tr.Why, tr.Key)
		for _, l := range tr.Links {
			t.Logf("   %s", l.Why)
		}
	}
	want := map[string]string{"tblStaff": "staff", "tblStatus": "lookup", "tblClients": "contacts", "tblMatters": "matters",
		"tblMemo": "notes", "tblTime": "time_entries", "tblToDo": "tasks"}
	got := holds(res)
	for tab, w := range want {
		if got[tab] != w {
			t.Errorf("%s holds %q, want %q", tab, got[tab], w)
		}
	}
}

// A column with more distinct values than a small firm's table holds drops
// its value set: memory stays bounded, and the column can no longer be a
// key or a link (it is mapped as the mapping reads it).
func TestColumnValueSetIsCapped(t *testing.T) {
	c := newColumn("EntryID", 0)
	for i := 0; i <= maxDistinct; i++ {
		c.add(strconv.Itoa(i))
	}
	if !c.overflow || c.counts != nil {
		t.Fatalf("after %d distinct values: overflow %v, set of %d kept", maxDistinct+1, c.overflow, len(c.counts))
	}
	tab := &table{rows: c.nonEmpty, cols: []*column{c}}
	if candidate(tab, c) {
		t.Error("an overflowed column is still a key candidate")
	}
	if c.nonEmpty != maxDistinct+1 || c.ints != c.nonEmpty {
		t.Errorf("counts stop with the set: nonEmpty %d, ints %d", c.nonEmpty, c.ints)
	}
}
