package relational

import (
	"context"
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
