package relational

import (
	"strings"

	"handover/importers/internal/namewords"
)

// words splits a table or column name into lower-case words ("tblClients" →
// tbl clients, "MatterNo" → matter no, "fk_matter" → fk matter): the one
// splitter the mapping's header rules use too.
func words(s string) []string { return namewords.Split(s) }

// linkWords mark a column that refers to something by a key.
var linkWords = map[string]bool{"id": true, "no": true, "nr": true, "num": true, "number": true, "ref": true, "code": true,
	"key": true, "fk": true, "init": true, "initials": true, "nbr": true, "cd": true}

// noise words of table names.
var tableNoise = map[string]bool{"tbl": true, "tb": true, "t": true, "tab": true, "table": true, "dbo": true, "lkp": true, "lu": true, "lookup": true, "ref": true}

// stem is the thing a name is about, singular: "tblClients" → client,
// "person_id" → person, "MatterNo" → matter, "fk_matter" → matter.
func stem(name string) string {
	var keep []string
	for _, w := range words(name) {
		if linkWords[w] || tableNoise[w] {
			continue
		}
		keep = append(keep, w)
	}
	if len(keep) == 0 {
		return ""
	}
	return singular(strings.Join(keep, ""))
}

func singular(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"):
		return w
	case strings.HasSuffix(w, "s") && len(w) > 3:
		return w[:len(w)-1]
	}
	return w
}

// linkish: the name says the column holds a key (ClientID, MatterNo, case_ref, fk_matter).
func linkish(name string) bool {
	for _, w := range words(name) {
		if linkWords[w] {
			return true
		}
	}
	return false
}

func hasWord(name string, set map[string]bool) bool {
	for _, w := range words(name) {
		if set[w] || set[singular(w)] {
			return true
		}
		for k := range set {
			if len(k) >= 5 && strings.Contains(w, k) {
				return true
			}
		}
	}
	return false
}

// Conventions of naming, used only to choose between links the values allow.
var (
	staffWords = map[string]bool{"staff": true, "atty": true, "attorney": true, "lawyer": true, "user": true, "employee": true, "emp": true,
		"author": true, "assigned": true, "assignee": true, "resp": true, "responsible": true, "orig": true, "originating": true,
		"timekeeper": true, "tk": true, "earner": true, "worker": true, "by": true, "owner": true, "solicitor": true, "paralegal": true,
		"initials": true, "init": true, "partner": true, "handler": true, "personnel": true}
	contactWords = map[string]bool{"client": true, "contact": true, "customer": true, "party": true, "person": true, "people": true,
		"individual": true, "company": true, "organisation": true, "organization": true, "cust": true, "cli": true, "kunde": true, "mandant": true}
	dateWords = map[string]bool{"date": true, "dt": true, "day": true, "when": true, "created": true, "modified": true, "updated": true, "at": true,
		"on": true, "time": true, "due": true, "opened": true, "closed": true, "start": true, "end": true, "datum": true, "stamp": true, "timestamp": true,
		"fecha": true, "data": true} // date in Spanish, Italian and Portuguese, as the status words are read
	hourWords  = map[string]bool{"hours": true, "hour": true, "hrs": true, "hr": true, "duration": true, "spent": true, "elapsed": true, "units": true, "qty": true, "quantity": true, "stunden": true, "minutes": true, "mins": true}
	moneyWords = map[string]bool{"amount": true, "amt": true, "total": true, "fee": true, "sum": true, "value": true, "balance": true, "debit": true, "credit": true, "paid": true, "price": true, "cents": true, "charge": true,
		"deposit": true, "withdrawal": true, "receipt": true, "payment": true, "billed": true, "outstanding": true,
		"betrag": true, "summe": true, "saldo": true, "montant": true, "solde": true, "payé": true, "importe": true, "monto": true, "pagado": true, "bedrag": true, "honoraires": true}
	statusWords = map[string]bool{"open": true, "closed": true, "pending": true, "active": true, "inactive": true, "archived": true, "complete": true,
		"completed": true, "done": true, "onhold": true, "hold": true, "current": true, "settled": true, "dormant": true}
	origWords = map[string]bool{"orig": true, "originating": true, "introduced": true, "referred": true, "referral": true, "source": true}
	areaWords = map[string]bool{"area": true, "practice": true, "type": true, "dept": true, "department": true, "category": true, "kind": true}
	doneWords = map[string]bool{"done": true, "complete": true, "completed": true, "finished": true, "closed": true, "status": true}
)

func dateWord(name string) bool { return hasWord(name, dateWords) }
