package check

import (
	"context"
	"path/filepath"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
)

// item is one staged row: a record, or a ledger line (excluded).
type item struct {
	row    int64
	entity model.Entity
	id     string // legacy id: the key is <profile>:<entity>:<id>
	data   any
	ledger *model.LedgerLine
	finds  []workspace.Finding
}

func newWS(t testing.TB) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.Create(filepath.Join(t.TempDir(), "t.handover"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// load stages one source the way an importer does.
func load(t testing.TB, ws *workspace.Workspace, name, system string, items ...item) {
	t.Helper()
	ctx := context.Background()
	st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/src/" + name, Name: name, Format: "csv", System: system, Profile: system})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		r := workspace.Row{Num: it.row, Raw: []string{name, it.id}, Findings: it.finds}
		if it.ledger != nil {
			r.Excluded, r.Entity, r.Ledger = model.AccountingHistory, model.TrustBalances, it.ledger
		} else {
			r.Records = []model.Record{{Entity: it.entity, Key: system + ":" + string(it.entity) + ":" + it.id, Data: it.data}}
		}
		if err := st.Stage(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func person(first, last string, emails []string, phones ...string) *model.Contact {
	c := &model.Contact{Type: "Person", FirstName: first, LastName: last}
	for _, e := range emails {
		c.Emails = append(c.Emails, model.Email{Name: "Work", Address: e})
	}
	for _, p := range phones {
		c.Phones = append(c.Phones, model.Phone{Name: "Work", Number: p})
	}
	return c
}

func company(name string) *model.Contact { return &model.Contact{Type: "Company", Name: name} }

func num(n string) model.Ref { return model.Ref{Kind: "number", Value: n} }
func cid(n string) model.Ref { return model.Ref{Kind: "id", Value: n} }

func matter(n string, client model.Ref, desc, status, open, close, atty string) *model.Matter {
	return &model.Matter{DisplayNumber: n, Client: client, Description: desc, Status: status, OpenDate: open, CloseDate: close, ResponsibleAttorney: atty}
}

func te(date string, secs int64, price model.Cents, user, mat string) *model.TimeEntry {
	return &model.TimeEntry{Type: "TimeEntry", Date: date, Seconds: secs, Price: price, User: user, Matter: num(mat), Note: "work"}
}

func ev(summary, start, end, owner, mat string) *model.CalendarEvent {
	e := &model.CalendarEvent{Summary: summary, StartAt: start, EndAt: end, Owner: owner}
	if mat != "" {
		e.Matter = num(mat)
	}
	return e
}

// plantedProject is a small firm with one of every problem the check knows,
// and clean records around them.
func plantedProject(t testing.TB) *workspace.Workspace {
	ws := newWS(t)
	C, M := model.Contacts, model.Matters
	dan := person("Dan", "Green", nil)
	dan.DateOfBirth = "1850-01-01"
	dan.CustomFields = map[string]string{"Date the client first contacted the firm": "2019", "Referral": "web"}
	load(t, ws, "clients.csv", "PCLaw",
		item{row: 2, entity: C, id: "C1", data: person("Robert", "Smith", []string{"rsmith@example.com"}, "650-253-0001")},
		item{row: 3, entity: C, id: "C2", data: person("Mary", "Smith", []string{"mary@smith.org"}, "650-253-0002")},
		item{row: 4, entity: C, id: "C3", data: company("Acme Holdings Inc.")},
		item{row: 5, entity: C, id: "C4", data: person("", "", []string{"nobody@example.com"})},
		item{row: 6, entity: C, id: "C5", data: person("Walsh, John", "", nil)},
		item{row: 7, entity: C, id: "C6", data: person("Anna", "Jones LLP", nil)},
		item{row: 8, entity: C, id: "C7", data: person("Ann", "Lee", []string{"555-201-3344"})},
		item{row: 9, entity: C, id: "C8", data: person("Tom", "Brown", nil, "555-01")},
		item{row: 10, entity: C, id: "C9", data: dan},
		item{row: 11, entity: C, id: "C10", data: &model.Contact{Type: "Organisation", Name: "Zed Ltd"}},
	)
	load(t, ws, "outlook.csv", "Outlook",
		item{row: 2, entity: C, id: "O1", data: person("Bob", "Smith", nil, "+1 (650) 253-0001")},
		item{row: 3, entity: C, id: "O2", data: company("Acme Holdings, Inc")},
		item{row: 4, entity: C, id: "O3", data: person("Kim", "Park", []string{" KPark@Example.com "})},
		item{row: 5, entity: C, id: "O4", data: person("Kimberly", "Park", []string{"kpark@example.com"})},
	)
	load(t, ws, "matters.csv", "PCLaw",
		item{row: 2, entity: M, id: "1", data: matter("16-1001", cid("C1"), "Smith estate", "Open", "2020-01-01", "", "HL")},
		item{row: 3, entity: M, id: "2", data: matter("16-1002", model.Ref{Kind: "name", Value: "Smith, Mary"}, "Smith divorce", "Closed", "2021-01-01", "2020-06-01", "JH")},
		item{row: 4, entity: M, id: "3", data: matter("16-1003", cid("C99"), "Lost client", "Open", "", "", "")},
		item{row: 5, entity: M, id: "4", data: matter("16-1004", model.Ref{}, "No client", "Open", "", "", "")},
		item{row: 6, entity: M, id: "5", data: matter("16-1005", cid("C2"), "", "Open", "", "", "")},
		item{row: 7, entity: M, id: "6", data: matter("", cid("C2"), "No number", "Open", "", "", "")},
		item{row: 8, entity: M, id: "7", data: matter("16-1007", cid("C2"), "Bad status", "Active", "", "", "")},
		item{row: 9, entity: M, id: "8", data: matter("16-1008", model.Ref{Kind: "name", Value: "acme holdings inc"}, "Acme lease", "pending", "", "", "XX")},
	)
	T := model.TimeEntries
	load(t, ws, "time.csv", "PCLaw",
		item{row: 2, entity: T, id: "1", data: te("2026-01-05", 3600, 25000, "HL", "16-1001")},
		item{row: 3, entity: T, id: "2", data: te("2026-01-05", 3600, 25000, "", "16-1001")},
		item{row: 4, entity: T, id: "3", data: te("", 3600, 25000, "HL", "16-1001")},
		item{row: 5, entity: T, id: "4", data: te("2026-01-05", 0, 25000, "HL", "16-1001")},
		item{row: 6, entity: T, id: "5", data: te("2026-01-05", 3600, 0, "HL", "16-1001")},
		item{row: 7, entity: T, id: "6", data: te("2026-01-05", -5400, 25000, "HL", "16-1001")},
		item{row: 8, entity: T, id: "7", data: te("2026-01-05", 30*3600, 25000, "HL", "16-1001")},
		item{row: 9, entity: T, id: "8", data: te("2026-01-05", 3600, 25000, "HL", "99-9999")},
		item{row: 10, entity: T, id: "9", data: te("2026-01-05", 3600, 25000, "XX", "16-1002")},
		item{row: 11, entity: T, id: "10", data: te("1899-12-31", 3600, 25000, "JH", "16-1002")},
		item{row: 12, entity: T, id: "11", data: te("2026-01-06", 1800, 0, "JH", "16-1002")},
	)
	// Non-billable time without a rate is fine.
	ws.DB().Exec(`UPDATE rows SET data = json_set(data, '$.non_billable', json('true')) WHERE key = 'PCLaw:time_entries:11'`)
	E := model.CalendarEvents
	load(t, ws, "cal.ics", "Outlook",
		item{row: 1, entity: E, id: "e1", data: ev("Hearing", "2026-02-01T09:00:00Z", "2026-02-01T10:00:00Z", "hlane@firm.com", "16-1001")},
		item{row: 2, entity: E, id: "e2", data: ev("", "2026-02-01T09:00:00Z", "2026-02-01T10:00:00Z", "hlane@firm.com", "")},
		item{row: 3, entity: E, id: "e3", data: ev("Backwards", "2026-02-01T09:00:00Z", "2026-02-01T07:00:00Z", "hlane@firm.com", "")},
		item{row: 4, entity: E, id: "e4", data: ev("Ownerless", "2026-02-01T09:00:00Z", "2026-02-01T10:00:00Z", "", "")},
		item{row: 5, entity: E, id: "e5", data: ev("Orphan", "2026-02-01", "2026-02-01", "Helen Lane", "77-7777")},
	)
	N := model.Notes
	load(t, ws, "notes.csv", "Generic",
		item{row: 2, entity: N, id: "n1", data: &model.Note{Type: "Matter", Matter: num("16-1001"), Subject: "Intake", Date: "2024-01-01"},
			finds: []workspace.Finding{{Rule: model.RuleDateAmbiguous, Severity: model.Warning, Field: "date", Value: "01/02/2024", Message: "day or month?"}}},
		item{row: 3, entity: N, id: "n2", data: &model.Note{Type: "Matter", Subject: "Lost"}},
		item{row: 4, entity: N, id: "n3", data: &model.Note{Type: "Contact", Contact: cid("C404"), Subject: "Who"}},
		item{row: 5, entity: N, id: "n4", data: &model.Note{Type: "Contact", Contact: model.Ref{Kind: "key", Value: "Outlook:contacts:O3"}, Subject: "Kim"}},
	)
	K := model.Tasks
	load(t, ws, "tasks.csv", "Generic",
		item{row: 2, entity: K, id: "k1", data: &model.Task{Name: "File answer", Matter: num("16-1002"), Assignee: "Helen Lane", Priority: "High", DueAt: "2026-12-01"}},
		item{row: 3, entity: K, id: "k2", data: &model.Task{Name: "", Matter: num("16-1002"), Assignee: "HL"}},
		item{row: 4, entity: K, id: "k3", data: &model.Task{Name: "Call", Assignee: "HL", Priority: "Urgent"}},
	)
	R := model.Relationships
	load(t, ws, "related.csv", "Generic",
		item{row: 2, entity: R, id: "r1", data: &model.Relationship{Matter: num("16-1001"), Contact: cid("C2"), Description: "Spouse"}},
		item{row: 3, entity: R, id: "r2", data: &model.Relationship{Matter: num("16-1001"), Contact: model.Ref{Kind: "name", Value: "Nobody Known"}}},
	)
	Em := model.Emails
	load(t, ws, "mail.mbox", "Mail",
		item{row: 1, entity: Em, id: "m1", data: &model.Communication{Subject: "Hello", ReceivedAt: "2025-05-01T10:00:00Z", Matter: num("16-1001")}},
		item{row: 2, entity: Em, id: "m2", data: &model.Communication{Subject: "Lost", ReceivedAt: "2025-05-01T10:00:00Z", Matter: num("55-5555")}},
	)
	load(t, ws, "trust.csv", "PCLaw",
		item{row: 2, ledger: &model.LedgerLine{Kind: model.LedgerTrustDeposit, Matter: num("16-1001"), Amount: 100000, Date: "2025-01-01"}},
		item{row: 3, ledger: &model.LedgerLine{Kind: model.LedgerTrustWithdrawal, Matter: num("16-1001"), Amount: 150000, Date: "2025-02-01"}},
		item{row: 4, ledger: &model.LedgerLine{Kind: model.LedgerTrustDeposit, Matter: num("16-1002"), Amount: 2500, Date: "2025-02-01"}},
		item{row: 5, ledger: &model.LedgerLine{Kind: model.LedgerInvoice, Matter: num("12-0000"), Amount: 9900}},
	)
	return ws
}
