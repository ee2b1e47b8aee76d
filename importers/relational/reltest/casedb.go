// Package reltest builds small in-house case databases for the relational
// pre-pass's tests: real SQLite files shaped the way firms' own databases
// are (Access-style or snake_case names, declared and undeclared foreign
// keys, lookups by code and staff by initials, epoch dates, 0/1 flags).
package reltest

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite" // driver "sqlite"
)

// Counts are what a built database holds.
type Counts struct {
	Staff, Statuses, Clients, Matters, Memos, Times, Todos int
}

// Firm is the Access-style database's expected contents.
var Firm = Counts{Staff: 4, Statuses: 3, Clients: 12, Matters: 15, Memos: 30, Times: 40, Todos: 20}

var staff = [][3]string{{"JS", "Jane Smith", "jane@firm.example"}, {"RK", "Raj Kumar", "raj@firm.example"},
	{"AM", "Ana Morales", "ana@firm.example"}, {"TW", "Tom Walsh", "tom@firm.example"}}

var first = []string{"Maria", "John", "Li", "Olga", "Peter", "Sara", "Omar", "Ines", "Karl", "Nadia", "Paul", "Rita"}
var last = []string{"Garcia", "Baker", "Wong", "Petrova", "Novak", "Lindqvist", "Haddad", "Costa", "Brandt", "Aziz", "Mensah", "Ferreira"}

// MatterNo is the number the firm wrote on matter i (1-based).
func MatterNo(i int) string { return fmt.Sprintf("%d-%03d", 2019+i%5, i) }

// CaseDB writes the Access-style case database into dir and returns its path.
// Declared: tblMatters.ClientID → tblClients, tblToDo.MatterID → tblMatters.
// Not declared: tblMatters.StatusCode, tblMatters.RespAtty, tblMemo.MatterID,
// tblMemo.ByInit, tblTime.MatterNo (the matter's number, not its id),
// tblTime.StaffInit, tblToDo.AssignedTo.
func CaseDB(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "casedb.sqlite")
	exec, done := open(t, path)
	defer done()
	exec(`CREATE TABLE tblStaff (Initials TEXT PRIMARY KEY, StaffName TEXT, EMail TEXT)`)
	exec(`CREATE TABLE tblStatus (StatusCode INTEGER PRIMARY KEY, StatusDesc TEXT)`)
	exec(`CREATE TABLE tblClients (ClientID INTEGER PRIMARY KEY, FirstName TEXT, LastName TEXT, Company TEXT, EMail TEXT, Phone TEXT)`)
	exec(`CREATE TABLE tblMatters (MatterID INTEGER PRIMARY KEY, MatterNo TEXT, ClientID INTEGER REFERENCES tblClients(ClientID),
		Descr TEXT, StatusCode INTEGER, RespAtty TEXT, Opened TEXT)`)
	exec(`CREATE TABLE tblMemo (MemoID INTEGER PRIMARY KEY, MatterID INTEGER, MemoDate INTEGER, MemoText TEXT, ByInit TEXT)`)
	exec(`CREATE TABLE tblTime (TimeID INTEGER PRIMARY KEY, MatterNo TEXT, WorkDate TEXT, Hrs REAL, StaffInit TEXT, Narrative TEXT)`)
	exec(`CREATE TABLE tblToDo (ToDoID INTEGER PRIMARY KEY, MatterID INTEGER REFERENCES tblMatters(MatterID), Task TEXT, DueDate TEXT, Done INTEGER, AssignedTo TEXT)`)
	for _, s := range staff {
		exec(`INSERT INTO tblStaff VALUES (?,?,?)`, s[0], s[1], s[2])
	}
	for i, s := range []string{"Open", "Closed", "Pending"} {
		exec(`INSERT INTO tblStatus VALUES (?,?)`, i+1, s)
	}
	for i := 0; i < Firm.Clients; i++ {
		company := ""
		if i%4 == 3 {
			company = last[i] + " Holdings LLC"
		}
		exec(`INSERT INTO tblClients VALUES (?,?,?,?,?,?)`, 101+i, first[i], last[i], company,
			fmt.Sprintf("%s.%s@mail.example", first[i], last[i]), fmt.Sprintf("(555) 010-%04d", 1000+i))
	}
	areas := []string{"Estate of", "Lease dispute for", "Divorce of", "Purchase by", "Injury claim of"}
	for i := 1; i <= Firm.Matters; i++ {
		c := (i*7)%Firm.Clients + 101
		exec(`INSERT INTO tblMatters VALUES (?,?,?,?,?,?,?)`, i, MatterNo(i), c,
			areas[i%len(areas)]+" "+last[c-101], i%3+1, staff[i%4][0], fmt.Sprintf("20%02d-%02d-%02d", 18+i%6, i%12+1, i%27+1))
	}
	for i := 1; i <= Firm.Memos; i++ {
		m := (i*5)%Firm.Matters + 1
		exec(`INSERT INTO tblMemo VALUES (?,?,?,?,?)`, 500+i, m, 1_600_000_000+i*86_400*3,
			fmt.Sprintf("Spoke with the client about the next steps on file %d; they will send the signed documents by the end of the month (call %d).", m, i),
			staff[i%4][0])
	}
	for i := 1; i <= Firm.Times; i++ {
		m := (i*3)%Firm.Matters + 1
		exec(`INSERT INTO tblTime VALUES (?,?,?,?,?,?)`, i, MatterNo(m), fmt.Sprintf("2024-%02d-%02d", i%12+1, i%28+1),
			float64(i%8+1)*0.25, staff[i%4][0], "Drafting and review")
	}
	for i := 1; i <= Firm.Todos; i++ {
		m := (i*11)%Firm.Matters + 1
		exec(`INSERT INTO tblToDo VALUES (?,?,?,?,?,?)`, i, m, fmt.Sprintf("Follow up %d", i), fmt.Sprintf("2025-%02d-%02d", i%12+1, i%28+1), i%2, staff[(i+1)%4][0])
	}
	return path
}

// open creates the SQLite database at path and returns a statement runner
// that fails the test on error, and the close.
func open(t testing.TB, path string) (exec func(q string, args ...any), done func()) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	return func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}, func() { db.Close() }
}

// SnakeDB writes a snake_case database (person, matter, note, and
// matter_person: who else is party to each matter) into dir:
// matter.person_id is not declared, note.matter_id is. Returns its path.
func SnakeDB(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "office.db")
	exec, done := open(t, path)
	defer done()
	exec(`CREATE TABLE person (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT, phone TEXT)`)
	exec(`CREATE TABLE matter (id INTEGER PRIMARY KEY, number TEXT, person_id INTEGER, title TEXT, opened_on TEXT)`)
	exec(`CREATE TABLE note (id INTEGER PRIMARY KEY, matter_id INTEGER REFERENCES matter(id), body TEXT, written TEXT)`)
	exec(`CREATE TABLE matter_person (matter_id INTEGER, person_id INTEGER, role TEXT)`)
	for i := 0; i < 10; i++ {
		exec(`INSERT INTO person VALUES (?,?,?,?,?)`, i+1, first[i], last[i], fmt.Sprintf("%s@home.example", first[i]), fmt.Sprintf("+1 555 020 %04d", i))
	}
	for i := 1; i <= 8; i++ {
		exec(`INSERT INTO matter VALUES (?,?,?,?,?)`, i, fmt.Sprintf("M%04d", 40+i), (i*3)%10+1, "Matter of "+last[(i*3)%10], fmt.Sprintf("2023-%02d-10", i))
	}
	for i := 1; i <= 8; i++ { // the other side and a witness on each matter
		exec(`INSERT INTO matter_person VALUES (?,?,?)`, i, (i*3+4)%10+1, "Opposing party")
		exec(`INSERT INTO matter_person VALUES (?,?,?)`, i, (i*7+1)%10+1, "Witness")
	}
	for i := 1; i <= 16; i++ {
		exec(`INSERT INTO note VALUES (?,?,?,?)`, i, i%8+1, fmt.Sprintf("Telephone attendance: discussed the draft and the timetable for matter %d at some length with the client.", i%8+1), fmt.Sprintf("2024-01-%02d", i))
	}
	return path
}

// QuestionDB writes a database whose tblFileNotes.RefID holds numbers that
// are both matter ids and client ids (1…8 in each): nothing but the firm
// can say which it means. Returns its path.
func QuestionDB(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "office.mdb.sqlite")
	exec, done := open(t, path)
	defer done()
	exec(`CREATE TABLE tblFileNotes (NoteID INTEGER PRIMARY KEY, RefID INTEGER, NoteDate TEXT, NoteText TEXT)`)
	exec(`CREATE TABLE tblClients (ClientID INTEGER PRIMARY KEY, FirstName TEXT, LastName TEXT, EMail TEXT)`)
	exec(`CREATE TABLE tblMatters (MatterID INTEGER PRIMARY KEY, MatterNo TEXT, ClientID INTEGER, Descr TEXT)`)
	for i := 1; i <= 8; i++ {
		exec(`INSERT INTO tblClients VALUES (?,?,?,?)`, i, first[i], last[i], fmt.Sprintf("%s@mail.example", first[i]))
		exec(`INSERT INTO tblMatters VALUES (?,?,?,?)`, i, MatterNo(i), 9-i, "Advice to "+last[9-i])
	}
	for i := 1; i <= 12; i++ {
		exec(`INSERT INTO tblFileNotes VALUES (?,?,?,?)`, i, i%8+1, fmt.Sprintf("2024-05-%02d", i),
			fmt.Sprintf("Attendance note %d: went through the papers with the client and agreed what to file next.", i))
	}
	return path
}
