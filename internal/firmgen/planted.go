package firmgen

import (
	"math/rand/v2"
	"slices"
)

// Planted is a data problem the firm really has, which the readiness check
// should find: a finding of that rule on that record is right, any other
// finding is a false positive.
type Planted struct {
	ID   string `json:"id"`   // the record's truth id
	Rule string `json:"rule"` // the finding rule that should fire on it
}

// The problems planted, as model's rule ids (the truth stores strings so
// the generator needs nothing of the pipeline).
const (
	plantEmailInvalid    = "email.invalid"
	plantDuplicate       = "duplicate.contact"
	plantCloseBeforeOpen = "matter.close_before_open"
)

// plant gives the firm the few problems real data has: a phone number typed
// into an e-mail field, a client entered twice, a matter closed before it
// was opened. byID: clients are referenced by id, so a second copy of one
// does not make a reference by name ambiguous (which would lose links the
// truth expects kept).
func plant(w *world, r *rand.Rand, byID bool) {
	clients := []int{}
	named := map[int]bool{}
	for _, p := range w.parties {
		named[p.Contact] = true
	}
	for i, c := range w.contacts {
		if !c.party {
			clients = append(clients, i)
		}
	}
	for n := 1 + r.IntN(2); n > 0; n-- {
		i := clients[r.IntN(len(clients))]
		if len(w.contacts[i].planted) == 0 {
			w.contacts[i].Email = w.contacts[i].Phone
			w.contacts[i].planted = append(w.contacts[i].planted, plantEmailInvalid)
		}
	}
	if byID {
		for tries := 0; tries < 20; tries++ {
			i := clients[r.IntN(len(clients))]
			c := w.contacts[i]
			if c.Company != "" || named[i] || len(c.planted) > 0 {
				continue
			}
			dup := c
			dup.ID = len(w.contacts) + 1
			dup.planted = []string{plantDuplicate}
			w.contacts[i].planted = []string{plantDuplicate}
			w.contacts = append(w.contacts, dup)
			break
		}
	}
	for mi := range w.matters {
		m := &w.matters[mi]
		if m.Status == "Closed" && r.IntN(8) == 0 {
			m.Closed = m.Opened.AddDate(0, 0, -5-r.IntN(60))
			m.planted = append(m.planted, plantCloseBeforeOpen)
		}
	}
}

func (c contact) hasPlanted(rule string) bool { return slices.Contains(c.planted, rule) }
