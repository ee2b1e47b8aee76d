package upload

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/workspace"
	"handover/internal/fakeclio"
)

// TestContactsAlreadyInClioByFoldedName: the firm keeps José Núñez in Clio
// already, written Clio's way ("Dr. JOSE Nunez Jr."): the upload links the
// demo's José Núñez to it instead of creating him again. Zoé Hartmann is in
// Clio twice: the upload links her to neither, creates no third, reports it,
// and hangs none of her matters on either — also when run again.
func TestContactsAlreadyInClioByFoldedName(t *testing.T) {
	ctx := context.Background()
	f := startFake(t, fakeclio.Options{})
	create := func(in clio.ContactInput) clio.ID {
		c, err := f.client.CreateContact(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	jose := create(clio.ContactInput{Type: "Person", Prefix: "Dr.", FirstName: "JOSE", LastName: "Nunez Jr."})
	zoe1 := create(clio.ContactInput{Type: "Person", FirstName: "Zoe", LastName: "Hartmann"})
	zoe2 := create(clio.ContactInput{Type: "Person", FirstName: "Zoë", LastName: "HARTMANN"})

	ws := openWS(t, demoProject(t))
	keysOf := func(last string) []string {
		var keys []string
		ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(r workspace.StoredRecord) error {
			if c := r.Data.(*model.Contact); c.LastName == last {
				keys = append(keys, r.Key)
			}
			return nil
		})
		if len(keys) == 0 {
			t.Fatalf("the demo firm has no contact named %s", last)
		}
		return keys
	}
	joseKeys, zoeKeys := keysOf("Núñez"), keysOf("Hartmann")

	for run := 1; run <= 2; run++ {
		rec, err := Run(ctx, ws, f.client, Options{AllowBlockers: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range joseKeys {
			var state, id string
			ws.DB().QueryRow(`SELECT state, clio_id FROM upload_journal WHERE entity='contacts' AND record_key=?`, k).Scan(&state, &id)
			if state != StateLinked || id != jose.String() {
				t.Errorf("run %d: %s is %s to %q, want linked to %s", run, k, state, id, jose)
			}
		}
		for _, k := range zoeKeys {
			var state, id string
			ws.DB().QueryRow(`SELECT state, clio_id FROM upload_journal WHERE entity='contacts' AND record_key=?`, k).Scan(&state, &id)
			if state != StateSkipped || id != "" {
				t.Errorf("run %d: %s is %s to %q, want skipped", run, k, state, id)
			}
		}
		reported := false
		var contactSkips []string
		for _, s := range rec.Skips {
			if s.Entity != model.Contacts {
				continue
			}
			contactSkips = append(contactSkips, s.Name+": "+s.Message)
			if strings.Contains(s.Message, fmt.Sprintf("(id %d)", zoe1)) && strings.Contains(s.Message, fmt.Sprintf("(id %d)", zoe2)) {
				reported = true
				t.Logf("run %d: %s: %s (%s)", run, s.Name, s.Message, s.Fix)
			}
		}
		if !reported {
			t.Errorf("run %d: no skip of Zoé Hartmann names both Clio contacts; contacts skipped: %q", run, contactSkips)
		}

		st := f.srv.Snapshot()
		named := map[string][]clio.ID{}
		for _, c := range st.Resources["contacts"] {
			n := normName(fmt.Sprint(c["first_name"], " ", c["last_name"]))
			named[n] = append(named[n], idOf(c["id"]))
		}
		if ids := named["jose nunez jr"]; len(ids) != 1 || len(named["jose nunez"]) != 0 {
			t.Errorf("run %d: José Núñez in Clio: %v and %v, want only the firm's own %d", run, ids, named["jose nunez"], jose)
		}
		if ids := named["zoe hartmann"]; len(ids) != 2 {
			t.Errorf("run %d: Zoé Hartmann in Clio %d times, want the firm's two", run, len(ids))
		}
		for _, m := range st.Resources["matters"] {
			if c := idOf(m["client"]); c == zoe1 || c == zoe2 {
				t.Errorf("run %d: matter %v was hung on Clio contact %d, one of two equal Zoé Hartmanns", run, m["display_number"], c)
			}
		}
	}
	specViolations(t, f)
}
