package cli

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"handover/core/workspace"
)

func recordsDump(t *testing.T, project string) string {
	t.Helper()
	ws, err := workspace.Open(project)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var lines []string
	ws.EachRecord(context.Background(), workspace.RecordFilter{}, func(r workspace.StoredRecord) error {
		b, _ := json.Marshal(r.Data)
		lines = append(lines, string(r.Entity)+" "+string(b))
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func recordsRejects(t *testing.T, project string) string {
	t.Helper()
	ws, err := workspace.Open(project)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var lines []string
	ws.EachLeftOut(context.Background(), func(o workspace.OutcomeRow) error {
		lines = append(lines, o.Outcome+": "+o.Reason)
		return nil
	})
	return strings.Join(lines, "\n")
}
