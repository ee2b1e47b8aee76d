package firmgen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"strings"
	"time"
)

// vcf writes the contacts as an address-book export (one card each).
func (g *gen) vcf(rel string, w *world) error {
	var b strings.Builder
	n := 0
	for i, c := range w.contacts {
		if c.party {
			continue
		}
		n++
		b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\n")
		if c.Company != "" {
			fmt.Fprintf(&b, "N:;;;;\r\nFN:%s\r\nORG:%s\r\n", c.Company, c.Company)
		} else {
			fmt.Fprintf(&b, "N:%s;%s;%s;;\r\nFN:%s\r\n", c.Last, c.First, c.Middle, strings.TrimSpace(c.First+" "+c.Last))
		}
		fmt.Fprintf(&b, "EMAIL;TYPE=INTERNET,WORK:%s\r\nTEL;TYPE=WORK,VOICE:%s\r\nADR;TYPE=WORK:;;%s;%s;;%s;\r\nEND:VCARD\r\n",
			c.Email, c.Phone, c.Street, c.City, c.Zip)
		id := cid(i)
		loc := Loc{File: rel, Row: int64(n)}
		g.truth.Records = append(g.truth.Records, Record{ID: id, Entity: "contacts", Loc: loc, Values: contactValues(c)})
		for _, rule := range c.planted {
			g.truth.Planted = append(g.truth.Planted, Planted{ID: id, Rule: rule})
		}
		g.locs[id] = loc
	}
	g.truth.Files = append(g.truth.Files, FileTruth{File: rel, Format: "vcf", Rows: n})
	return g.write(rel, []byte(b.String()))
}

// ics writes the calendar; the matter number is in the summary, as a
// secretary types it.
func (g *gen) ics(rel string, w *world, r *rand.Rand) error {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Firm//Calendar//EN\r\n")
	for i, e := range w.events {
		m := w.matters[e.Matter]
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:evt-%d@firm.example\r\n", e.ID)
		fmt.Fprintf(&b, "SUMMARY:%s - %s %s\r\n", e.Title, g.st.typedNumber(m), w.contacts[m.Client].lastOrCompany())
		if e.AllDay {
			fmt.Fprintf(&b, "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", e.Start.Format("20060102"), e.Start.AddDate(0, 0, 1).Format("20060102"))
		} else {
			end := e.Start.Add(time.Duration(e.Minutes) * time.Minute)
			fmt.Fprintf(&b, "DTSTART:%s\r\nDTEND:%s\r\n", e.Start.Format("20060102T150405"), end.Format("20060102T150405"))
		}
		if e.Location != "" {
			fmt.Fprintf(&b, "LOCATION:%s\r\n", e.Location)
		}
		fmt.Fprintf(&b, "ORGANIZER;CN=%s:mailto:%s\r\nEND:VEVENT\r\n", w.staff[e.Owner].First+" "+w.staff[e.Owner].Last, w.staff[e.Owner].Email)
		id := fmt.Sprintf("E%d", e.ID)
		loc := Loc{File: rel, Row: int64(i + 1)}
		g.truth.Records = append(g.truth.Records, Record{ID: id, Entity: "calendar_events", Loc: loc, Values: eventValues(e), User: w.staff[e.Owner].Email})
		g.truth.Links = append(g.truth.Links, link(id, "matter", mid(e.Matter)))
	}
	b.WriteString("END:VCALENDAR\r\n")
	g.truth.Files = append(g.truth.Files, FileTruth{File: rel, Format: "ics", Rows: len(w.events)})
	return g.write(rel, []byte(b.String()))
}

func (c contact) lastOrCompany() string {
	if c.Company != "" {
		return c.Company
	}
	return c.Last
}

// subjectRef puts the matter number in a subject in one of the forms firms use.
func subjectRef(r *rand.Rand, subject, no string) string {
	switch r.IntN(4) {
	case 0:
		return "Our ref: " + no + " - " + subject
	case 1:
		return "[" + no + "] " + subject
	case 2:
		return "RE: " + subject + " (Ref " + no + ")"
	}
	return no + " " + subject
}

func (g *gen) message(w *world, e email, subject string) string {
	c := w.contacts[e.From]
	s := w.staff[e.To]
	return fmt.Sprintf("From: %s <%s>\r\nTo: %s %s <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <msg-%d@mail.example>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
		displayName(c), c.Email, s.First, s.Last, s.Email, subject, e.At.Format(time.RFC1123Z), e.ID, e.Body)
}

// emls writes a folder of saved messages, one file each.
func (g *gen) emls(dir string, w *world, r *rand.Rand) error {
	for _, e := range w.emails {
		no := g.st.typedNumber(w.matters[e.Matter])
		subj := subjectRef(r, e.Subject, no)
		rel := fmt.Sprintf("%s/%s %s %d.eml", dir, e.At.Format("2006-01-02"), safeName(e.Subject), e.ID)
		if err := g.write(rel, []byte(g.message(w, e, subj))); err != nil {
			return err
		}
		id := fmt.Sprintf("Q%d", e.ID)
		g.truth.Records = append(g.truth.Records, Record{ID: id, Entity: "emails", Loc: Loc{File: rel, Row: 1}, User: w.staff[e.To].Email})
		g.truth.Links = append(append(g.truth.Links, link(id, "matter", mid(e.Matter))), w.party(id, e.From)...)
		g.truth.Files = append(g.truth.Files, FileTruth{File: rel, Format: "eml", Rows: 1})
	}
	return nil
}

// mbox writes the messages as one mailbox (mboxrd).
func (g *gen) mbox(rel string, w *world, r *rand.Rand) error {
	var b strings.Builder
	for i, e := range w.emails {
		no := g.st.typedNumber(w.matters[e.Matter])
		msg := g.message(w, e, subjectRef(r, e.Subject, no))
		fmt.Fprintf(&b, "From %s %s\n", w.contacts[e.From].Email, e.At.Format("Mon Jan _2 15:04:05 2006"))
		for _, line := range strings.Split(strings.ReplaceAll(msg, "\r\n", "\n"), "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
				line = ">" + line
			}
			b.WriteString(line + "\n")
		}
		id := fmt.Sprintf("Q%d", e.ID)
		g.truth.Records = append(g.truth.Records, Record{ID: id, Entity: "emails", Loc: Loc{File: rel, Row: int64(i + 1)}, User: w.staff[e.To].Email})
		g.truth.Links = append(append(g.truth.Links, link(id, "matter", mid(e.Matter))), w.party(id, e.From)...)
	}
	g.truth.Files = append(g.truth.Files, FileTruth{File: rel, Format: "mbox", Rows: len(w.emails)})
	return g.write(rel, []byte(b.String()))
}

// documents files each matter's documents in a folder named for the matter
// (by number, or under the client's folder), with the junk a shared drive
// collects: Thumbs.db, desktop.ini, .DS_Store, Office lock files.
func (g *gen) documents(root string, w *world, r *rand.Rand, byClient bool) error {
	used := map[string]bool{}
	junkDone := map[string]bool{}
	for _, d := range w.docs {
		m := w.matters[d.Matter]
		c := w.contacts[m.Client]
		no := strings.ReplaceAll(g.st.typedNumber(m), "/", "-")
		folder := root + "/" + no + " " + safeName(c.lastOrCompany())
		if byClient {
			cn := c.Company
			if cn == "" {
				cn = c.Last + ", " + c.First
			}
			folder = root + "/" + safeName(cn) + "/" + no + " - " + safeName(m.Desc)
		}
		rel := folder + "/" + d.Name
		if used[rel] {
			continue
		}
		used[rel] = true
		if err := g.write(rel, []byte(d.Body)); err != nil {
			return err
		}
		mt := d.Date
		if p, err := g.path(rel); err == nil {
			os.Chtimes(p, mt, mt)
		}
		id := fmt.Sprintf("D%d", d.ID)
		g.truth.Records = append(g.truth.Records, Record{ID: id, Entity: "documents", Loc: Loc{File: rel, Row: 1}, Values: map[string]string{"name": d.Name}})
		g.truth.Links = append(g.truth.Links, link(id, "matter", mid(d.Matter)))
		g.truth.Files = append(g.truth.Files, FileTruth{File: rel, Format: "document", Rows: 1})
		if !junkDone[folder] && r.IntN(3) == 0 {
			junkDone[folder] = true
			junk := pick(r, []string{"Thumbs.db", "desktop.ini", ".DS_Store", "~$" + d.Name})
			jrel := folder + "/" + junk
			if !used[jrel] {
				used[jrel] = true
				if err := g.write(jrel, []byte{0, 1, 2, 3}); err != nil {
					return err
				}
				g.truth.Excluded = append(g.truth.Excluded, Excluded{Loc: Loc{File: jrel, Row: 1}, Reason: "not_data"})
			}
		}
	}
	return nil
}

func safeName(s string) string {
	return strings.Map(func(c rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, c) {
			return '-'
		}
		return c
	}, s)
}

func (g *gen) write(rel string, b []byte) error {
	p, err := g.path(path.Clean(rel))
	if err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}

// party is the link from a call or an e-mail to the contact it is from —
// none when that client was entered twice (a planted duplicate): the same
// name and address are then on two records, and which one the firm meant is
// for the office manager to settle (the check says so), not the truth.
func (w *world) party(id string, contact int) []Link {
	if w.contacts[contact].hasPlanted(plantDuplicate) {
		return nil
	}
	return []Link{link(id, "contact", cid(contact))}
}
