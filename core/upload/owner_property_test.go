package upload

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"handover/core/check"
	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
	"handover/internal/fakeclio"
	"handover/internal/synth"
)

// Over generated projects — tasks, events and time entries whose person is
// empty, a lawyer, or someone Clio does not know, with or without a saved
// default owner — the records the check holds for want of a person are
// exactly those the upload skips for want of a person, and a default owner
// leaves none of either.
func TestCheckAndUploadAgreeOnRecordsWithNoPerson(t *testing.T) {
	cases := 200
	if testing.Short() {
		cases = 30
	}
	ctx := context.Background()
	f := startFake(t, fakeclio.Options{})
	var clioUsers []resolve.Person
	for _, l := range synth.Lawyers {
		clioUsers = append(clioUsers, resolve.Person{Name: l.First + " " + l.Last, FirstName: l.First, LastName: l.Last, Email: l.Email})
	}
	var totalHeld, owned int
	for i := 0; i < cases; i++ {
		r := rand.New(rand.NewPCG(uint64(i), 14))
		ws, err := workspace.Create(filepath.Join(t.TempDir(), fmt.Sprint("p", i, ".handover")))
		if err != nil {
			t.Fatal(err)
		}
		person := func() string {
			switch r.IntN(4) {
			case 0, 1:
				return ""
			case 2:
				return synth.Lawyers[r.IntN(len(synth.Lawyers))].Initials
			}
			return "Somebody Else"
		}
		for _, e := range []model.Entity{model.Tasks, model.CalendarEvents, model.TimeEntries} {
			n := r.IntN(6)
			if n == 0 {
				continue
			}
			name := fmt.Sprintf("%s-%d.csv", e, r.IntN(2))
			st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/gen/" + name, Name: name, Format: "csv", System: "Gen"})
			if err != nil {
				t.Fatal(err)
			}
			for j := 0; j < n; j++ {
				var data any
				switch e {
				case model.Tasks:
					data = &model.Task{Name: fmt.Sprint("Task ", j), Assignee: person()}
				case model.CalendarEvents:
					data = &model.CalendarEvent{Summary: fmt.Sprint("Event ", j), StartAt: "2026-02-01T09:00:00Z", EndAt: "2026-02-01T10:00:00Z", Owner: person()}
				case model.TimeEntries:
					data = &model.TimeEntry{Type: "TimeEntry", Date: "2026-01-05", Seconds: 3600, Price: 25000, User: person(), Note: "work"}
				}
				key := fmt.Sprintf("gen:%s:%d", e, j)
				if err := st.Stage(ctx, workspace.Row{Num: int64(j + 2), Raw: []string{key}, Records: []model.Record{{Entity: e, Key: key, Data: data}}}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := st.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		}
		withOwner := r.IntN(3) == 0
		if withOwner {
			ChooseDefaultOwner(ctx, ws, synth.Lawyers[r.IntN(len(synth.Lawyers))].Email)
		}
		if _, err := check.Run(ctx, ws, check.Options{Country: "US", Now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC), ClioUsers: clioUsers}, nil); err != nil {
			t.Fatal(err)
		}
		var held []string
		for _, rule := range model.MissingPersonRules {
			ws.EachFinding(ctx, workspace.FindingFilter{Rule: rule, Severity: model.Blocker, Folded: true}, func(f workspace.StoredFinding) error {
				held = append(held, string(f.Entity)+"/"+f.RecordKey)
				return nil
			})
		}
		p, err := Plan(ctx, ws, f.client, Options{AllowBlockers: true})
		if err != nil {
			t.Fatal(err)
		}
		var skipped []string
		for _, s := range p.Skips {
			if strings.Contains(s.Message, "no default owner") {
				skipped = append(skipped, string(s.Entity)+"/"+s.Key)
			}
		}
		slices.Sort(held)
		slices.Sort(skipped)
		if !slices.Equal(held, skipped) {
			t.Errorf("case %d (default owner %v): the check holds %v, the upload skips %v", i, withOwner, held, skipped)
		}
		totalHeld += len(held)
		if withOwner {
			owned++
		}
		if withOwner && len(held)+len(skipped) > 0 {
			t.Errorf("case %d: a default owner is saved, yet %v / %v", i, held, skipped)
		}
		ws.Close()
	}
	if totalHeld == 0 || owned == 0 {
		t.Errorf("the generator never made a record with no person (%d) or never saved a default owner (%d cases)", totalHeld, owned)
	}
	t.Logf("%d cases, %d records held for want of a person, %d cases with a default owner", cases, totalHeld, owned)
}
