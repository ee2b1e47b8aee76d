package check

import (
	"context"
	"path/filepath"
	"testing"

	"handover/core/clean"
	"handover/core/model"
	"handover/core/workspace"
)

// The findings are "up to date" exactly until something a check reads
// changes: a file read, a cleaning fix or its undo, a setting the rules use.
// Package and upload use EnsureFresh, so an unchanged project is checked once.
func TestStateFollowsEveryChangeTheCheckReads(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "firm.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	stage := func(name string, keys ...string) {
		st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/" + name, Name: name, Format: "csv"})
		if err != nil {
			t.Fatal(err)
		}
		h, _ := st.Header(ctx, "", []string{"First", "Last"})
		for i, k := range keys {
			c := &model.Contact{Type: "Person", FirstName: "Ana", LastName: k}
			if err := st.Stage(ctx, workspace.Row{Num: int64(i + 2), Header: h, Raw: []string{"Ana", k},
				Records: []model.Record{{Entity: model.Contacts, Key: "t:contacts:" + k, Data: c}}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	state := func() State {
		t.Helper()
		s, err := ReadState(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	mustStale := func(why string, want bool) {
		t.Helper()
		if s := state(); s.Stale != want {
			t.Fatalf("%s: stale = %v, want %v (%+v)", why, s.Stale, want, s)
		}
	}
	mustStale("a new project", true)
	stage("a.csv", "Ruiz", "Ortiz")
	mustStale("after reading a file, never checked", true)
	ran, err := EnsureFresh(ctx, ws, Options{}, nil)
	if err != nil || !ran {
		t.Fatalf("EnsureFresh on a stale project: ran %v, err %v", ran, err)
	}
	mustStale("right after a check", false)
	if s := state(); !s.Checked || s.At.IsZero() {
		t.Fatalf("a finished check is not recorded: %+v", s)
	}
	ran, err = EnsureFresh(ctx, ws, Options{}, nil)
	if err != nil || ran {
		t.Fatalf("EnsureFresh on an unchanged project checked again (ran %v, err %v)", ran, err)
	}
	ws.SetSetting(ctx, workspace.SettingFirmName, "Harbor & Lane")
	mustStale("a setting no rule reads", false)

	ws.SetSetting(ctx, workspace.SettingCountry, "CA")
	mustStale("the country phones are read in", true)
	Run(ctx, ws, Options{}, nil)
	ws.SetSetting(ctx, workspace.SettingCountry, "CA")
	mustStale("the same country set again", false)

	recipe := clean.Open(ws, "US")
	if _, err := recipe.Add(ctx, clean.Op{Kind: clean.Exclude, Entity: model.Contacts, Targets: []string{"t:contacts:Ruiz"}, Note: "test"}); err != nil {
		t.Fatal(err)
	}
	mustStale("a cleaning fix", true)
	Run(ctx, ws, Options{}, nil)
	if ok, err := recipe.Undo(ctx); err != nil || !ok {
		t.Fatalf("undo: %v %v", ok, err)
	}
	mustStale("undoing a fix", true)
	Run(ctx, ws, Options{}, nil)
	stage("b.csv", "Vega")
	mustStale("reading another file", true)
	Run(ctx, ws, Options{}, nil)
	srcs, _ := ws.Sources(ctx)
	if err := ws.RemoveSource(ctx, srcs[0].ID); err != nil {
		t.Fatal(err)
	}
	mustStale("removing a file", true)
}
