package check

import (
	"fmt"
	"strings"

	"handover/core/model"
	"handover/core/resolve"
	"handover/core/workspace"
)

// parents reports each parent reference of a record (resolve.Parents: the
// list upload skips records for) that resolves to no record, or to two
// equally good ones; and a matter found only by its description, which
// upload uses but a person should look at.
func (c *checker) parents(r workspace.StoredRecord) error {
	for _, p := range resolve.Parents(r.Data) {
		res := c.lookup(p)
		var err error
		switch res.Status {
		case resolve.Empty:
			if p.Required {
				err = c.noParent(r, p)
			}
		case resolve.Missing:
			err = c.orphan(r, p)
		case resolve.Ambiguous:
			err = c.ambiguous(r, p, res)
		case resolve.Found:
			if why, ok := c.em.held[heldKey{p.Entity, res.Key}]; ok {
				err = c.heldParent(r, p, res, why)
			} else if res.Confidence < 1 {
				err = c.em.add(r, model.RuleParentByDescription, W, p.Field, p.Ref.Value,
					fmt.Sprintf("%s %q names %s %q, which matches no matter number; it was linked to matter %s by its description",
						noun(r.Entity), model.DisplayName(r.Data), p.Field, p.Ref.Value, c.label(p.Entity, res.Key)),
					"Check that this is the right matter; if not, pick the matter here", map[string]any{"key": res.Key, "confidence": res.Confidence})
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// refKey is a reference as the resolver reads it.
type refKey struct {
	entity      model.Entity
	kind, value string
}

// maxResolved bounds the cache of answers (≈ 10 MB at most). 64k holds
// every matter of the 1M firm (50k: its 400k time entries name them in no
// order, so 16k kept being cleared): the per-record rules' look-ups 1.6 ->
// 0.9 s, the check 1.5-3 s less CPU, peak RSS of `handover check` +4 MB
// under the command line's memory limit.
const maxResolved = 1 << 16

// lookup resolves a reference, remembering the answer: most references
// recur (every time entry of a matter names its number), and the answer
// only changes when a record is added to the index (index).
func (c *checker) lookup(p resolve.Parent) resolve.Result {
	k := refKey{p.Entity, p.Ref.Kind, p.Ref.Value}
	if res, ok := c.resolved[k]; ok {
		return res
	}
	res := c.ix.Lookup(p)
	if c.resolved == nil || len(c.resolved) >= maxResolved {
		c.resolved = make(map[refKey]resolve.Result)
	}
	c.resolved[k] = res
	return res
}

// index adds a contact or a matter to the resolver; the answers remembered
// so far may no longer hold.
func (c *checker) index(r workspace.StoredRecord) {
	c.ix.Add(r)
	if len(c.resolved) > 0 {
		clear(c.resolved)
	}
}

func (c *checker) noParent(r workspace.StoredRecord, p resolve.Parent) error {
	sys := c.em.system(r)
	switch d := r.Data.(type) {
	case *model.Matter:
		label := "This matter"
		if n := strings.TrimSpace(d.DisplayNumber); n != "" {
			label = "Matter " + n
		}
		return c.em.add(r, model.RuleMatterMissingClient, B, "client", "",
			label+" has no client: Clio would file it under \"Unknown Client\"",
			fmt.Sprintf("Add the client in %s and export again, or pick the client here", sys), nil)
	case *model.Note:
		return c.em.add(r, model.RuleNoteMissingParent, B, p.Field, "",
			fmt.Sprintf("Note %q belongs to no %s: Clio will not import it", d.Subject, p.Field),
			fmt.Sprintf("Add the %s in %s and export again, or pick it here", p.Field, sys), nil)
	}
	rule := model.RuleOrphanMatter
	if p.Entity == model.Contacts {
		rule = model.RuleOrphanContact
	}
	return c.em.add(r, rule, B, p.Field, "", fmt.Sprintf("%s %q names no %s", noun(r.Entity), model.DisplayName(r.Data), p.Field),
		fmt.Sprintf("Pick the %s here, or exclude the record", p.Field), nil)
}

func (c *checker) orphan(r workspace.StoredRecord, p resolve.Parent) error {
	sys := c.em.system(r)
	v := p.Ref.Value
	switch {
	case p.Field == "client":
		label := "This matter"
		if m, ok := r.Data.(*model.Matter); ok && strings.TrimSpace(m.DisplayNumber) != "" {
			label = "Matter " + strings.TrimSpace(m.DisplayNumber)
		}
		return c.em.add(r, model.RuleOrphanClient, B, "client", v, fmt.Sprintf("%s's client %q matches no contact", label, v),
			fmt.Sprintf("Add the client in %s and export again, or pick the client here", sys), nil)
	case p.Entity == model.Matters:
		return c.em.add(r, model.RuleOrphanMatter, B, p.Field, v,
			fmt.Sprintf("%s %q points to matter %q, which is not in the data", noun(r.Entity), model.DisplayName(r.Data), v),
			fmt.Sprintf("Add matter %s in %s and export again, correct the matter number, or exclude this record here", v, sys), nil)
	}
	return c.em.add(r, model.RuleOrphanContact, B, p.Field, v,
		fmt.Sprintf("%s %q points to contact %q, which is not in the data", noun(r.Entity), model.DisplayName(r.Data), v),
		fmt.Sprintf("Add the contact in %s and export again, or pick the contact here", sys), nil)
}

// ambiguous names every candidate: which one is meant is the user's call.
func (c *checker) ambiguous(r workspace.StoredRecord, p resolve.Parent, res resolve.Result) error {
	what := "matters"
	if p.Entity == model.Contacts {
		what = "contacts"
	}
	labels := make([]string, len(res.Candidates))
	for i, k := range res.Candidates {
		labels[i] = c.label(p.Entity, k)
	}
	return c.em.add(r, model.RuleParentAmbiguous, B, p.Field, p.Ref.Value,
		fmt.Sprintf("%s %q names %s %q, which matches %d %s equally well (by %s): %s; Handover does not guess which",
			noun(r.Entity), model.DisplayName(r.Data), p.Field, p.Ref.Value, len(res.Candidates), what, res.Via, joinAnd(labels)),
		fmt.Sprintf("Write the %s so it names one of them (a number, an id or an e-mail) in %s and export again, merge the %s if they are one, or pick the %s here",
			p.Field, c.em.system(r), what, p.Field),
		map[string]any{"candidates": res.Candidates, "via": res.Via})
}

// label is how a finding names a record: its name or number and its key.
// The same candidates recur (a client with many calls), so the last few
// thousand labels are kept rather than read again.
func (c *checker) label(e model.Entity, key string) string {
	ck := string(e) + "/" + key
	if l, ok := c.labels[ck]; ok {
		return l
	}
	l := key
	if c.labelStmt == nil {
		// prepared once: preparing a query per label was a third of a 1M-row check
		st, err := c.ws.DB().PrepareContext(c.ctx, `SELECT coalesce(effective, data) FROM rows WHERE outcome = 'record' AND entity = ? AND key = ?`)
		if err != nil {
			return key
		}
		c.labelStmt = st
	}
	var data string
	if err := c.labelStmt.QueryRowContext(c.ctx, string(e), key).Scan(&data); err == nil {
		if v, err := model.Decode(e, []byte(data)); err == nil {
			if n := strings.TrimSpace(model.DisplayName(v)); n != "" {
				l = fmt.Sprintf("%s (%s)", n, key)
			}
		}
	}
	if c.labels == nil || len(c.labels) >= 4096 {
		c.labels = map[string]string{}
	}
	c.labels[ck] = l
	return l
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// pendingLink is a person's employer, resolved once every contact is known
// (a company often comes after its people: the importers add it after the
// row's person).
type pendingLink struct {
	rec  workspace.StoredRecord // without Data
	name string
	p    resolve.Parent
}

// links warns about links upload would drop (resolve.Links). A contact's
// are kept for the end of the contacts; only people with an employer are.
func (c *checker) links(r workspace.StoredRecord) error {
	for _, p := range resolve.Links(r.Data) {
		if p.Ref.IsZero() {
			continue
		}
		if r.Entity == model.Contacts {
			rec := r
			rec.Data = nil
			c.pending = append(c.pending, pendingLink{rec: rec, name: model.DisplayName(r.Data), p: p})
			continue
		}
		if err := c.link(r, model.DisplayName(r.Data), p); err != nil {
			return err
		}
	}
	return nil
}

// employers resolves the people's employers (called when the contacts are
// all indexed).
func (c *checker) employers() error {
	pending := c.pending
	c.pending = nil
	for _, l := range pending {
		if err := c.link(l.rec, l.name, l.p); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) link(r workspace.StoredRecord, name string, p resolve.Parent) error {
	res := c.lookup(p)
	var msg string
	switch res.Status {
	case resolve.Missing:
		msg = fmt.Sprintf("%s %q names %s %q, which matches no contact: it will be uploaded without that link", noun(r.Entity), name, p.Field, p.Ref.Value)
	case resolve.Ambiguous:
		// named by key only: these warnings can be many (a firm's calls to
		// clients that are in two systems' exports), and reading each
		// candidate for its name was a fifth of a 1M-row check
		msg = fmt.Sprintf("%s %q names %s %q, which matches %d contacts equally well (%s): it will be uploaded without that link",
			noun(r.Entity), name, p.Field, p.Ref.Value, len(res.Candidates), joinAnd(res.Candidates))
	default:
		return nil
	}
	return c.em.add(r, model.RuleLinkUnresolved, W, p.Field, p.Ref.Value, msg,
		fmt.Sprintf("Add the contact in %s and export again, or pick the %s here", c.em.system(r), p.Field), nil)
}

// heldParent names a record the upload will skip because the matter or
// contact it needs has a blocker (or is itself held so): a client with an
// invalid e-mail takes its matters and their time along, and each of them
// is said here rather than left out without a word.
func (c *checker) heldParent(r workspace.StoredRecord, p resolve.Parent, res resolve.Result, why string) error {
	what := "matter"
	if p.Entity == model.Contacts {
		what = "contact"
	}
	if p.Field == "client" {
		what = "client"
	}
	parent := c.label(p.Entity, res.Key)
	if r.Entity == model.Contacts || r.Entity == model.Matters {
		// Its own children are told the first held record and its reason.
		c.em.hold(r, model.RuleParentHeld, W, what+" "+parent+": "+why)
	}
	return c.em.add(r, model.RuleParentHeld, W, p.Field, p.Ref.Value,
		fmt.Sprintf("%s %q will not be uploaded while its %s %s is held: %s", noun(r.Entity), model.DisplayName(r.Data), what, parent, shortWhy(why)),
		fmt.Sprintf("Fix the finding on %s; this record is uploaded with it", parent), map[string]any{"key": res.Key})
}

// shortWhy keeps a parent's reason readable inside a child's message.
func shortWhy(s string) string {
	if r := []rune(s); len(r) > 160 {
		return string(r[:157]) + "…"
	}
	return s
}
