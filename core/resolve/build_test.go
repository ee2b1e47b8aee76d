package resolve

import (
	"context"
	"path/filepath"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
)

// Build (one pass over the project) and the check's way (active records
// added as they stream past, then AddMerged) answer alike: a merged
// contact's forms lead to its survivor, an excluded one's to nothing.
func TestBuildMatchesStreaming(t *testing.T) {
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "p.handover"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/x/c.csv", Name: "c.csv", Format: "csv"})
	if err != nil {
		t.Fatal(err)
	}
	recs := []model.Record{
		{Entity: model.Contacts, Key: "p:contacts:1", Data: &model.Contact{Type: "Person", FirstName: "Ana", MiddleName: "M.", LastName: "Ruiz"}},
		{Entity: model.Contacts, Key: "o:contacts:h1", Data: &model.Contact{Type: "Person", FirstName: "Anna", LastName: "Ruiz", Emails: []model.Email{{Address: "ana@x.com"}}}},
		{Entity: model.Contacts, Key: "p:contacts:2", Data: &model.Contact{Type: "Person", FirstName: "Bo", LastName: "Left"}},
		{Entity: model.Matters, Key: "p:matters:7", Data: &model.Matter{DisplayNumber: "2024-007", Description: "Ruiz estate"}},
	}
	for i, r := range recs {
		if err := st.Stage(ctx, workspace.Row{Num: int64(i + 2), Raw: []string{r.Key}, Records: []model.Record{r}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	// as cleaning leaves them: Anna merged into Ana, Bo left out
	if _, err := ws.DB().ExecContext(ctx, `UPDATE rows SET state = 'merged', merged_into = 'p:contacts:1' WHERE key = 'o:contacts:h1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.DB().ExecContext(ctx, `UPDATE rows SET state = 'excluded' WHERE key = 'p:contacts:2'`); err != nil {
		t.Fatal(err)
	}
	built, err := Build(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	streamed := New()
	if err := streamed.AddMerged(ctx, ws); err != nil {
		t.Fatal(err)
	}
	if err := ws.EachRecord(ctx, workspace.RecordFilter{}, func(r workspace.StoredRecord) error { streamed.Add(r); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ref  model.Ref
		want string
	}{
		{model.Ref{Kind: "email", Value: "ANA@x.com"}, "p:contacts:1"},
		{model.Ref{Kind: "key", Value: "o:contacts:h1"}, "p:contacts:1"},
		{model.Ref{Kind: "name", Value: "Ruiz, Anna"}, "p:contacts:1"},
		{model.Ref{Kind: "name", Value: "Ana Ruiz"}, "p:contacts:1"},
		{model.Ref{Kind: "name", Value: "Bo Left"}, ""},
		{model.Ref{Kind: "id", Value: "2"}, ""},
	} {
		for name, r := range map[string]*Resolver{"Build": built, "streamed": streamed} {
			res := r.Contact(tc.ref)
			got := ""
			if res.Status == Found {
				got = res.Key
			}
			if got != tc.want || (tc.want == "" && res.Status != Missing) {
				t.Errorf("%s: %+v → %s %q, want %q", name, tc.ref, res.Status, got, tc.want)
			}
		}
	}
	if res := built.Matter(model.Ref{Kind: "number", Value: "2024/7"}); res.Status != Found || res.Key != "p:matters:7" {
		t.Errorf("matter: %+v", res)
	}
}
