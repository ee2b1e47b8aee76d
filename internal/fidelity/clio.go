package fidelity

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"handover/core/clio"
	"handover/core/model"
	"handover/core/readiness"
	"handover/core/resolve"
	"handover/core/upload"
	"handover/core/workspace"
	"handover/internal/fakeclio"
	"handover/internal/firmgen"
)

// InClio is what one firm's upload left in Clio: the project, once checked,
// is uploaded into a local Clio (internal/fakeclio, a real HTTP server that
// validates every request against Clio's OpenAPI spec) whose users are the
// firm's people, with blockers allowed (their records are skipped, as the
// office manager would upload), and Clio's state is read back through the
// API and held against the truth.
type InClio struct {
	// Records: truth records in Clio / truth records staged that the check
	// let through (no blocker or warning naming them: Held). A record whose
	// upload journal names a Clio id that Clio does not have is not in Clio.
	Records Count `json:"records"`
	// OfTruth: truth records in Clio / every truth record (end to end:
	// ingest, check and upload together).
	OfTruth Count `json:"of_truth"`
	// Links: truth links of those records that Clio holds — the child's
	// matter, client, contact or parent pointing at the parent's Clio record,
	// and a time entry's user, a task's assignee, an event's calendar being
	// the truth's person.
	Links   Count            `json:"links"`
	LinksBy map[string]Count `json:"links_by"`
	// Balances: truth balances (of owners not held back) as exactly one line
	// in Clio — an A/R activity on the matter, a trust transaction on the
	// matter or the client — with the amount to the cent.
	Balances Count `json:"balances"`
	// Held: truth records staged and not uploaded where the check said why
	// beforehand, with a blocker or warning naming the record. HeldBy: per
	// rule that holds them (for records under a held parent, the parent's
	// own rule); HeldWrongly: of those, where the truth planted no such
	// problem on the record the rule fired on (a finding on a clean record,
	// often a value the importers read wrong, costs its records end to end).
	Held        int            `json:"held"`
	HeldBy      map[string]int `json:"held_by"`
	HeldWrongly map[string]int `json:"held_wrongly"`
	// Skipped: records (truth or not) the upload skipped or Clio refused
	// though the check named nothing on them: WithParent of them went with a
	// parent the check did name (a client with a blocker takes its matters
	// and their time along), Unsaid had nothing said on any parent either.
	// Both must be 0: losing a record without a word is as bad as losing it.
	WithParent int `json:"skipped_with_parent"`
	Unsaid     int `json:"skipped_unsaid"`
	// Doubles: Clio records that repeat a truth record's (same type and
	// content) and stand for no truth record of their own, and balance lines
	// beyond the one per owner.
	Doubles int `json:"doubles"`
	// Extra: Clio records standing for no truth record and repeating none
	// (staged from rows the truth has no such record at).
	Extra int `json:"extra"`
	// Values: the truth's values the project read right that Clio has too
	// (a date shifted or an amount scaled by the upload is lost here).
	Values     Count `json:"values"`
	Requests   int   `json:"requests"`
	Violations int   `json:"spec_violations"`

	silentEx []string
	valMiss  map[string]int
	valEx    map[string]string
	linkMiss map[string]int
	linkEx   map[string]string
	balEx    []string
	doubleEx []string
}

// clioColl is the Clio collection a project type goes to.
var clioColl = map[string]string{
	"contacts": "contacts", "matters": "matters", "relationships": "relationships", "tasks": "tasks", "notes": "notes",
	"calendar_events": "calendar_entries", "emails": "communications", "phone_logs": "communications",
	"time_entries": "activities", "ar_balances": "activities", "trust_balances": "bank_transactions", "documents": "documents",
}

// readBack lists what is read of each collection.
var readBack = []struct{ coll, fields, typ string }{
	{"contacts", "id,type,name,first_name,last_name,email_addresses{address}", ""},
	{"matters", "id,display_number,client_reference,open_date,status,client{id}", ""},
	{"relationships", "id,description,matter{id},contact{id}", ""},
	{"tasks", "id,name,due_at,status,assignee{id},matter{id}", ""},
	{"notes", "id,type,subject,date,matter{id},contact{id}", "Matter"},
	{"notes", "id,type,subject,date,matter{id},contact{id}", "Contact"},
	{"calendar_entries", "id,summary,start_at,all_day,calendar_owner{id},matter{id}", ""},
	{"communications", "id,type,subject,received_at,matter{id},senders{id,type},receivers{id,type}", ""},
	{"activities", "id,type,date,quantity,price,note,matter{id},user{id},activity_description{id,name}", ""},
	{"bank_transactions", "id,amount,date,matter{id},client{id}", ""},
	{"documents", "id,name,matter{id},contact{id}", ""},
}

// fakeUsers are the firm's people ("Name <email>") as Clio users.
func fakeUsers(people []string) []fakeclio.User {
	var out []fakeclio.User
	for _, s := range people {
		p := resolve.ParsePerson(s)
		first, last, _ := strings.Cut(p.Name, " ")
		ini := ""
		for _, w := range []string{first, last} {
			if r := []rune(w); len(r) > 0 {
				ini += string(r[:1])
			}
		}
		out = append(out, fakeclio.User{FirstName: first, LastName: last, Initials: strings.ToUpper(ini), Email: p.Email})
	}
	return out
}

// clioPeople are the fake Clio's users as the check is given them: the
// people upload's user match reads from Clio.
func clioPeople(users []fakeclio.User) []resolve.Person {
	out := make([]resolve.Person, len(users))
	for i, u := range users {
		out[i] = resolve.Person{Name: strings.TrimSpace(u.FirstName + " " + u.LastName), FirstName: u.FirstName, LastName: u.LastName,
			Initials: u.Initials, Email: u.Email}
	}
	return out
}

// saidBefore is, per record (entity/key), what the check said that stops or
// questions it: the rule of a blocker naming the record, else of a warning.
func saidBefore(ctx context.Context, ws *workspace.Workspace) (map[string]string, error) {
	said := map[string]string{}
	sevOf := map[string]model.Severity{}
	for _, folded := range []bool{false, true} {
		err := ws.EachFinding(ctx, workspace.FindingFilter{Folded: folded}, func(f workspace.StoredFinding) error {
			k := string(f.Entity) + "/" + f.RecordKey
			// A blocker says why best, then a held parent, then a warning.
			rank := func(rule string, sev model.Severity) int {
				switch {
				case rule == "":
					return 0
				case sev == model.Blocker:
					return 3
				case rule == model.RuleParentHeld:
					return 2
				}
				return 1
			}
			switch {
			case f.RecordKey == "" || f.Severity != model.Blocker && f.Severity != model.Warning:
			case rank(f.Rule, f.Severity) > rank(said[k], sevOf[k]):
				said[k], sevOf[k] = f.Rule, f.Severity
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return said, nil
}

// uploadToClio uploads the checked project into a fresh local Clio and
// holds what Clio has against the truth.
func (res *Result) uploadToClio(ctx context.Context, ws *workspace.Workspace) error {
	said, err := saidBefore(ctx, ws)
	if err != nil {
		return err
	}
	srv, err := fakeclio.New(fakeclio.Options{RateLimit: 1 << 20, Window: time.Second, Users: fakeUsers(res.truth.Users),
		ManualNumbering: true, ValidateSpec: true})
	if err != nil {
		return fmt.Errorf("starting the local Clio: %w", err)
	}
	base, err := srv.Start()
	if err != nil {
		return err
	}
	defer srv.Close()
	tok, _ := srv.IssueToken("handover-fidelity")
	c, err := clio.New(base, clio.StaticToken(tok), clio.WithRetry(3, time.Millisecond, 10*time.Millisecond))
	if err != nil {
		return err
	}
	// The firm keeps one trust account, as Clio asks before opening balances.
	if _, err := c.CreateBankAccount(ctx, clio.BankAccountInput{Type: "Trust", Currency: "USD", Name: "IOLTA Trust"}); err != nil {
		return err
	}
	now := time.Now()
	if err := readiness.Acknowledge(ctx, ws, "Fidelity", now, now); err != nil {
		return err
	}
	rec, err := upload.Run(ctx, ws, c, upload.Options{AllowBlockers: true})
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	ids, err := upload.Uploaded(ctx, ws.DB())
	if err != nil {
		return err
	}
	clioRecs, err := readClio(ctx, c)
	if err != nil {
		return fmt.Errorf("reading Clio back: %w", err)
	}
	users, err := c.Users(ctx)
	if err != nil {
		return err
	}
	st := srv.Snapshot()
	out := &InClio{LinksBy: map[string]Count{}, Requests: st.APIRequests, Violations: len(st.SpecViolations)}
	res.Clio = out
	res.compareClio(rec, ids, clioRecs, users, said)
	return nil
}

func readClio(ctx context.Context, c *clio.Client) (map[string]map[int64]map[string]any, error) {
	out := map[string]map[int64]map[string]any{}
	for _, rb := range readBack {
		q := url.Values{"fields": {rb.fields}}
		if rb.typ != "" {
			q.Set("type", rb.typ)
		}
		if out[rb.coll] == nil {
			out[rb.coll] = map[int64]map[string]any{}
		}
		err := c.List(ctx, "/"+rb.coll+".json", q, func(data json.RawMessage) error {
			var items []map[string]any
			if err := json.Unmarshal(data, &items); err != nil {
				return err
			}
			for _, m := range items {
				out[rb.coll][refID(m["id"])] = m
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rb.coll, err)
		}
	}
	return out, nil
}

// refID is the id of a number, of a string (calendar entries' ids) or of
// a {"id": …} object.
func refID(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case string:
		var id clio.ID
		if json.Unmarshal([]byte(strconv.Quote(x)), &id) == nil {
			return int64(id)
		}
	case map[string]any:
		return refID(x["id"])
	}
	return 0
}

func (res *Result) compareClio(rec *upload.Reconciliation, ids map[string]map[string]int64,
	clioRecs map[string]map[int64]map[string]any, users []clio.User, said map[string]string) {
	out := res.Clio
	byKey := map[string]workspace.StoredRecord{}
	for _, r := range res.recs {
		byKey[string(r.Entity)+"/"+r.Key] = r
	}
	// The Clio record a staged record became, if Clio has it.
	clioOf := func(entity, key string) (int64, map[string]any) {
		id := ids[entity][key]
		if id == 0 {
			return 0, nil
		}
		m := clioRecs[clioColl[entity]][id]
		if m == nil {
			return 0, nil
		}
		return id, m
	}
	// Why a record was held back: a finding on the record (1), or only on a
	// parent the upload did not send (2), or nothing said at all (3).
	memo := map[string]int{} // 0 unknown, 1 said on itself, 2 said on a parent, 3 not said, 4 visiting
	var heldWhy func(k string) int
	heldWhy = func(k string) int {
		if v := memo[k]; v != 0 {
			if v == 4 {
				return 3
			}
			return v
		}
		memo[k] = 4
		v := 3
		if said[k] != "" {
			v = 1
		} else if r, ok := byKey[k]; ok {
			for _, p := range resolve.Parents(r.Data) {
				pr := res.rv.r.Lookup(p)
				if pr.Status != resolve.Found {
					continue
				}
				pk := string(p.Entity) + "/" + pr.Key
				if id, _ := clioOf(string(p.Entity), pr.Key); id != 0 {
					continue
				}
				if heldWhy(pk) != 3 {
					v = 2
					break
				}
			}
		}
		memo[k] = v
		return v
	}
	// What holds a record back: its own finding's rule, or — under a held
	// parent (parent.held) — the rule on the first record up the chain
	// held for a reason of its own; and that record, to tell a planted
	// problem from a finding on a clean one.
	type cause struct{ rule, key string }
	var rootCause func(k string, depth int) cause
	rootCause = func(k string, depth int) cause {
		rule := said[k]
		if rule != model.RuleParentHeld || depth > 4 {
			return cause{rule, k}
		}
		if r, ok := byKey[k]; ok {
			for _, p := range resolve.Parents(r.Data) {
				if pr := res.rv.r.Lookup(p); pr.Status == resolve.Found && said[string(p.Entity)+"/"+pr.Key] != "" {
					return rootCause(string(p.Entity)+"/"+pr.Key, depth+1)
				}
			}
		}
		return cause{rule, k}
	}
	byID := map[string]firmgen.Record{}
	for _, tr := range res.truth.Records {
		byID[tr.ID] = tr
	}
	idOfKey := map[string]string{}
	for id, k := range res.stagedKey {
		idOfKey[byID[id].Entity+"/"+k] = id
	}
	planted := map[string]bool{}
	for _, p := range res.truth.Planted {
		planted[p.ID+"|"+p.Rule] = true
	}
	out.HeldBy, out.HeldWrongly = map[string]int{}, map[string]int{}
	// Everything the upload did not send, truth or not, must have been said.
	for _, f := range append(append([]upload.Failure{}, rec.Skips...), rec.Failures...) {
		why := heldWhy(string(f.Entity) + "/" + f.Key)
		switch why {
		case 2:
			out.WithParent++
		case 3:
			out.Unsaid++
		}
		if why != 1 {
			if len(out.silentEx) < 3 {
				out.silentEx = append(out.silentEx, fmt.Sprintf("%s %s (%s row %d): %s", f.Entity, strconvQuote(f.Name), path.Base(f.Source), f.Row, shorten(f.Message)))
			}
		}
	}
	// Truth records.
	truthClio := map[string]int64{} // truth id → Clio id
	claimed := map[string]map[int64]bool{}
	heldTruth := map[string]bool{}
	for _, tr := range res.truth.Records {
		out.OfTruth.Want++
		k, staged := res.stagedKey[tr.ID]
		if !staged {
			continue
		}
		if id, _ := clioOf(tr.Entity, k); id != 0 {
			out.Records.Want++
			out.Records.Got++
			out.OfTruth.Got++
			truthClio[tr.ID] = id
			coll := clioColl[tr.Entity]
			if claimed[coll] == nil {
				claimed[coll] = map[int64]bool{}
			}
			claimed[coll][id] = true
			continue
		}
		if heldWhy(tr.Entity+"/"+k) == 1 {
			out.Held++
			heldTruth[tr.ID] = true
			c := rootCause(tr.Entity+"/"+k, 0)
			out.HeldBy[c.rule]++
			if !planted[idOfKey[c.key]+"|"+c.rule] {
				out.HeldWrongly[c.rule]++
			}
		} else {
			out.Records.Want++
		}
	}
	// Links, and the person a record is filed under.
	lost := func(name, why, ex string) {
		if out.linkMiss == nil {
			out.linkMiss, out.linkEx = map[string]int{}, map[string]string{}
		}
		out.linkMiss[name+"|"+why]++
		if out.linkEx[name+"|"+why] == "" {
			out.linkEx[name+"|"+why] = ex
		}
	}
	counted := func(id string) bool { _, staged := res.stagedKey[id]; return staged && !heldTruth[id] }
	for _, l := range res.truth.Links {
		child := byID[l.Child]
		if !counted(l.Child) {
			continue
		}
		name := child.Entity + "." + l.Field
		c := out.LinksBy[name]
		c.Want++
		where := fmt.Sprintf("%s row %d", path.Base(child.Loc.File), child.Loc.Row)
		cid, pid := truthClio[l.Child], truthClio[l.Parent]
		switch {
		case cid == 0:
			lost(name, "the record is not in Clio", where)
		case pid == 0:
			lost(name, "the parent is not in Clio", where)
		default:
			m := clioRecs[clioColl[child.Entity]][cid]
			field := l.Field
			got := refID(m[field])
			if coll := clioColl[child.Entity]; coll == "communications" && field == "contact" {
				// A call's caller, an e-mail's sender: a contact among
				// the communication's senders and receivers.
				field = "senders"
				got = partyID(m, "Contact", pid)
			}
			if got == pid {
				c.Got++
			} else if got == 0 {
				lost(name, "Clio's record has no "+field, where)
			} else {
				lost(name, "Clio's record points at another record", where)
			}
		}
		out.LinksBy[name] = c
	}
	emailOf := map[int64]string{}
	calOwner := map[int64]string{}
	for _, u := range users {
		emailOf[int64(u.ID)] = strings.ToLower(u.Email)
		if u.DefaultCalendarID != 0 {
			calOwner[int64(u.DefaultCalendarID)] = strings.ToLower(u.Email)
		}
	}
	for _, tr := range res.truth.Records {
		if tr.User == "" || !counted(tr.ID) {
			continue
		}
		var name, field string
		switch tr.Entity {
		case "time_entries":
			name, field = "time_entries.user", "user"
		case "tasks":
			name, field = "tasks.assignee", "assignee"
		case "calendar_events":
			name, field = "calendar_events.owner", "calendar_owner"
		case "emails", "phone_logs":
			name, field = tr.Entity+".user", "receivers"
		default:
			continue
		}
		c := out.LinksBy[name]
		c.Want++
		where := fmt.Sprintf("%s row %d", path.Base(tr.Loc.File), tr.Loc.Row)
		if cid := truthClio[tr.ID]; cid == 0 {
			lost(name, "the record is not in Clio", where)
		} else {
			m := clioRecs[clioColl[tr.Entity]][cid]
			who := emailOf[refID(m[field])]
			switch field {
			case "calendar_owner":
				who = calOwner[refID(m[field])]
			case "receivers":
				who = ""
				for _, id := range partyIDs(m, "User") {
					if emailOf[id] == strings.ToLower(tr.User) || who == "" {
						who = emailOf[id]
					}
				}
			}
			if who == strings.ToLower(tr.User) {
				c.Got++
			} else {
				lost(name, "filed under another person", fmt.Sprintf("%s: want %s, Clio has %q", where, tr.User, who))
			}
		}
		out.LinksBy[name] = c
	}
	for _, c := range out.LinksBy {
		out.Links.add(c)
	}
	// Values the project read right, as Clio has them.
	for _, tr := range res.truth.Records {
		cid := truthClio[tr.ID]
		if cid == 0 {
			continue
		}
		m := clioRecs[clioColl[tr.Entity]][cid]
		for field, want := range tr.Values {
			if !res.readRight[tr.ID+"|"+field] {
				continue
			}
			out.Values.Want++
			got := clioValue(tr.Entity, field, m)
			if sameValue(field, want, got) || field == "status" && strings.EqualFold(want, got) {
				out.Values.Got++
				continue
			}
			name := tr.Entity + "." + field
			if out.valMiss == nil {
				out.valMiss, out.valEx = map[string]int{}, map[string]string{}
			}
			out.valMiss[name]++
			if out.valEx[name] == "" {
				out.valEx[name] = fmt.Sprintf("%s row %d: want %s, Clio has %s", path.Base(tr.Loc.File), tr.Loc.Row, strconv.Quote(want), strconvQuote(got))
			}
		}
	}
	// Balances: one line per owner, to the cent.
	arLines := map[int64][]float64{}
	trustLines := map[string][]float64{}
	balanceIDs := map[string]map[int64]bool{"activities": {}, "bank_transactions": {}}
	for id, m := range clioRecs["activities"] {
		if d, _ := m["activity_description"].(map[string]any); d != nil && fmt.Sprint(d["name"]) == upload.BalanceActivity {
			arLines[refID(m["matter"])] = append(arLines[refID(m["matter"])], num(m["price"]))
			balanceIDs["activities"][id] = true
		}
	}
	for id, m := range clioRecs["bank_transactions"] {
		k := fmt.Sprintf("matter:%d", refID(m["matter"]))
		if refID(m["matter"]) == 0 {
			k = fmt.Sprintf("contact:%d", refID(m["client"]))
		}
		trustLines[k] = append(trustLines[k], num(m["amount"]))
		balanceIDs["bank_transactions"][id] = true
	}
	owned := map[string]bool{}
	for _, b := range res.truth.Balances {
		if heldTruth[b.Owner] {
			continue
		}
		out.Balances.Want++
		owner := truthClio[b.Owner]
		var lines []float64
		var k string
		if b.Kind == "ar" {
			lines, k = arLines[owner], fmt.Sprintf("ar|%d", owner)
		} else {
			k = fmt.Sprintf("matter:%d", owner)
			if byID[b.Owner].Entity == "contacts" {
				k = fmt.Sprintf("contact:%d", owner)
			}
			lines, k = trustLines[k], "trust|"+k
		}
		owned[k] = true
		if owner != 0 && len(lines) == 1 && int64(math.Round(lines[0]*100)) == b.Cents {
			out.Balances.Got++
			continue
		}
		if len(lines) > 1 {
			out.Doubles += len(lines) - 1
		}
		if len(out.balEx) < 2 {
			o := byID[b.Owner]
			out.balEx = append(out.balEx, fmt.Sprintf("%s of %s row %d: want %s, Clio has %d line(s) %v", b.Kind, path.Base(o.Loc.File), o.Loc.Row, model.Cents(b.Cents), len(lines), lines))
		}
	}
	for m, lines := range arLines {
		if !owned[fmt.Sprintf("ar|%d", m)] {
			out.Extra += len(lines)
		}
	}
	for k, lines := range trustLines {
		if !owned["trust|"+k] {
			out.Extra += len(lines)
		}
	}
	// Doubles: Clio records that repeat a truth record's content and stand
	// for no truth record themselves; the rest that stand for none are extra.
	for coll, recs := range clioRecs {
		groups := map[string][]int64{}
		for id, m := range recs {
			if balanceIDs[coll][id] {
				continue
			}
			s := signature(coll, m)
			groups[s] = append(groups[s], id)
		}
		for s, members := range groups {
			n := 0
			for _, id := range members {
				if claimed[coll][id] {
					n++
				}
			}
			switch {
			case n == 0:
				out.Extra += len(members)
			case len(members) > n:
				out.Doubles += len(members) - n
				if len(out.doubleEx) < 2 {
					out.doubleEx = append(out.doubleEx, fmt.Sprintf("%s %s ×%d", coll, strconvQuote(s), len(members)))
				}
			}
		}
	}
	res.clioMisses()
}

// clioValue is a Clio record's field in the truth's canonical form (as
// valueOf is a staged record's): moments in this computer's zone, as the
// upload reads a time written without one.
func clioValue(entity, field string, m map[string]any) string {
	str := func(k string) string {
		if v, ok := m[k].(string); ok {
			return v
		}
		return ""
	}
	moment := func(k string) string {
		t, err := time.Parse(time.RFC3339, str(k))
		if err != nil {
			return str(k)
		}
		return t.In(time.Local).Format("2006-01-02T15:04:05")
	}
	switch entity + "." + field {
	case "contacts.first_name", "contacts.last_name", "contacts.name", "matters.display_number", "matters.open_date", "matters.status",
		"time_entries.date", "notes.date", "relationships.description", "documents.name":
		return str(field)
	case "contacts.email":
		var all []string
		if es, ok := m["email_addresses"].([]any); ok {
			for _, e := range es {
				if em, ok := e.(map[string]any); ok {
					all = append(all, strings.ToLower(fmt.Sprint(em["address"])))
				}
			}
		}
		return strings.Join(all, " ")
	case "time_entries.quantity_seconds":
		return strconv.FormatInt(int64(math.Round(num(m["quantity"]))), 10)
	case "time_entries.price_cents":
		return strconv.FormatInt(int64(math.Round(num(m["price"])*100)), 10)
	case "tasks.due_at":
		return moment("due_at")
	case "tasks.complete":
		return strconv.FormatBool(str("status") == "complete")
	case "calendar_events.start":
		if m["all_day"] == true {
			return str("start_at")[:min(10, len(str("start_at")))]
		}
		return moment("start_at")
	case "calendar_events.all_day":
		return strconv.FormatBool(m["all_day"] == true)
	case "phone_logs.received_at", "emails.received_at":
		return moment("received_at")
	}
	return "(not read back: " + entity + "." + field + ")"
}

// partyIDs are the ids of a communication's senders and receivers that
// are users (typ "User") or contacts (typ "Contact": Clio may say the
// contact's own type, Person or Company).
func partyIDs(m map[string]any, typ string) []int64 {
	var out []int64
	for _, f := range []string{"senders", "receivers"} {
		ps, _ := m[f].([]any)
		for _, p := range ps {
			if pm, ok := p.(map[string]any); ok && (pm["type"] == "User") == (typ == "User") {
				out = append(out, refID(pm))
			}
		}
	}
	return out
}

// partyID is want when it is among the communication's parties of typ,
// else the first of them (0 when none).
func partyID(m map[string]any, typ string, want int64) int64 {
	ids := partyIDs(m, typ)
	for _, id := range ids {
		if id == want {
			return id
		}
	}
	if len(ids) > 0 {
		return ids[0]
	}
	return 0
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

// signature is what makes two Clio records of a collection the same record.
func signature(coll string, m map[string]any) string {
	g := func(k string) string {
		if v, ok := m[k].(map[string]any); ok {
			return fmt.Sprint(refID(v))
		}
		if m[k] == nil {
			return ""
		}
		return fmt.Sprint(m[k])
	}
	switch coll {
	case "contacts":
		n := g("name")
		if n == "" {
			n = g("first_name") + " " + g("last_name")
		}
		return g("type") + "|" + normName(n)
	case "matters":
		if n := g("display_number"); n != "" {
			return n
		}
		return g("client_reference")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "id" && k != "etag" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + g(k) + "|")
	}
	return b.String()
}

// clioMisses adds what the upload lost to the firm's worst misses.
func (res *Result) clioMisses() {
	out := res.Clio
	if n := out.WithParent + out.Unsaid; n > 0 {
		res.Misses = append(res.Misses, Miss{What: "Clio: skipped at upload though the check named nothing on them", Lost: n,
			Why: fmt.Sprintf("%d with a parent the check named, %d with nothing said, e.g. %s", out.WithParent, out.Unsaid, strings.Join(out.silentEx, "; "))})
	}
	for k, n := range out.linkMiss {
		name, why, _ := strings.Cut(k, "|")
		res.Misses = append(res.Misses, Miss{What: "Clio links " + name, Lost: n, Why: why + ", e.g. " + out.linkEx[k]})
	}
	for rule, n := range out.HeldBy {
		why := "named by the check, held with the records under it"
		if w := out.HeldWrongly[rule]; w > 0 {
			why = fmt.Sprintf("%d of them where the truth planted no such problem (a finding on a clean record)", w)
		}
		res.Misses = append(res.Misses, Miss{What: "held back from Clio by " + rule, Lost: n, Why: why})
	}
	for name, n := range out.valMiss {
		res.Misses = append(res.Misses, Miss{What: "Clio values " + name, Lost: n, Why: "read right, different in Clio, e.g. " + out.valEx[name]})
	}
	if lost := out.Balances.Want - out.Balances.Got; lost > 0 {
		res.Misses = append(res.Misses, Miss{What: "Clio balances", Lost: lost, Why: "not one line to the cent, e.g. " + strings.Join(out.balEx, "; ")})
	}
	if out.Doubles > 0 {
		res.Misses = append(res.Misses, Miss{What: "Clio doubles", Lost: out.Doubles, Why: "records in Clio twice, e.g. " + strings.Join(out.doubleEx, "; ")})
	}
	if out.Violations > 0 {
		res.Misses = append(res.Misses, Miss{What: "Clio spec violations", Lost: out.Violations, Why: "requests or responses that do not match Clio's OpenAPI spec"})
	}
	sortMisses(res.Misses)
}
