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
	// beforehand, with a blocker or warning naming the record.
	Held int `json:"held"`
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
	Extra      int `json:"extra"`
	Requests   int `json:"requests"`
	Violations int `json:"spec_violations"`

	silentEx []string
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
	{"contacts", "id,type,name,first_name,last_name", ""},
	{"matters", "id,display_number,client_reference,client{id}", ""},
	{"relationships", "id,description,matter{id},contact{id}", ""},
	{"tasks", "id,name,due_at,assignee{id},matter{id}", ""},
	{"notes", "id,type,subject,date,matter{id},contact{id}", "Matter"},
	{"notes", "id,type,subject,date,matter{id},contact{id}", "Contact"},
	{"calendar_entries", "id,summary,start_at,calendar_owner{id},matter{id}", ""},
	{"communications", "id,type,subject,received_at,matter{id}", ""},
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

// saidBefore is, per record (entity/key), whether the check said anything
// that stops or questions it: a blocker or a warning naming the record.
func saidBefore(ctx context.Context, ws *workspace.Workspace) (map[string]bool, error) {
	said := map[string]bool{}
	for _, folded := range []bool{false, true} {
		err := ws.EachFinding(ctx, workspace.FindingFilter{Folded: folded}, func(f workspace.StoredFinding) error {
			if f.RecordKey != "" && (f.Severity == model.Blocker || f.Severity == model.Warning) {
				said[string(f.Entity)+"/"+f.RecordKey] = true
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
	clioRecs map[string]map[int64]map[string]any, users []clio.User, said map[string]bool) {
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
		if said[k] {
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
		} else {
			out.Records.Want++
		}
	}
	// Links, and the person a record is filed under.
	byID := map[string]firmgen.Record{}
	for _, tr := range res.truth.Records {
		byID[tr.ID] = tr
	}
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
			if field == "calendar_owner" {
				who = calOwner[refID(m[field])]
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
	if lost := out.Balances.Want - out.Balances.Got; lost > 0 {
		res.Misses = append(res.Misses, Miss{What: "Clio balances", Lost: lost, Why: "not one line to the cent, e.g. " + strings.Join(out.balEx, "; ")})
	}
	if out.Doubles > 0 {
		res.Misses = append(res.Misses, Miss{What: "Clio doubles", Lost: out.Doubles, Why: "records in Clio twice, e.g. " + strings.Join(out.doubleEx, "; ")})
	}
	if out.Violations > 0 {
		res.Misses = append(res.Misses, Miss{What: "Clio spec violations", Lost: out.Violations, Why: "requests or responses that do not match Clio's OpenAPI spec"})
	}
	sort.SliceStable(res.Misses, func(i, j int) bool { return res.Misses[i].Lost > res.Misses[j].Lost })
}
