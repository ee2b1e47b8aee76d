package check

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	fastjson "github.com/goccy/go-json"
	"github.com/hbollon/go-edlib"

	"handover/core/model"
	"handover/core/workspace"
)

// Cluster is a group of contacts that are probably the same person or
// company, with the evidence.
type Cluster struct {
	ID      string                   `json:"id"` // "dup:" + the key of its first member: stable across runs
	Members []workspace.StoredRecord `json:"members"`
	Why     []string                 `json:"why"`   // "same e-mail a@b.com", "same phone +1…", "names Bob Smith ~ Robert Smith (1.00)"
	Score   float64                  `json:"score"` // the weakest link's confidence, 0..1
}

// nicknames maps a short or familiar first name to the formal one.
var nicknames = map[string]string{
	"bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert", "bert": "robert",
	"bill": "william", "billy": "william", "will": "william", "willy": "william", "liam": "william",
	"liz": "elizabeth", "lizzie": "elizabeth", "beth": "elizabeth", "betty": "elizabeth", "eliza": "elizabeth", "libby": "elizabeth", "betsy": "elizabeth",
	"jim": "james", "jimmy": "james", "jamie": "james",
	"mike": "michael", "mikey": "michael", "mick": "michael",
	"dave": "david", "davy": "david", "dan": "daniel", "danny": "daniel",
	"tom": "thomas", "tommy": "thomas", "joe": "joseph", "joey": "joseph",
	"chris": "christopher", "kit": "christopher", "matt": "matthew", "tony": "anthony",
	"nick": "nicholas", "steve": "steven", "stephen": "steven",
	"ed": "edward", "eddie": "edward", "ted": "edward", "ned": "edward",
	"rick": "richard", "ricky": "richard", "dick": "richard", "rich": "richard", "richie": "richard",
	"chuck": "charles", "charlie": "charles", "andy": "andrew", "drew": "andrew",
	"alex": "alexander", "sam": "samuel", "sammy": "samuel", "ben": "benjamin", "benny": "benjamin",
	"greg": "gregory", "jeff": "jeffrey", "geoff": "jeffrey", "geoffrey": "jeffrey",
	"johnny": "john", "jack": "john", "jon": "john", "ken": "kenneth", "kenny": "kenneth",
	"larry": "lawrence", "pat": "patrick", "pete": "peter", "phil": "philip", "phillip": "philip",
	"ron": "ronald", "ronnie": "ronald", "russ": "russell", "stan": "stanley", "tim": "timothy", "timmy": "timothy",
	"walt": "walter", "hank": "henry", "harry": "henry", "fred": "frederick", "freddie": "frederick",
	"kate": "katherine", "katie": "katherine", "kathy": "katherine", "cathy": "katherine", "catherine": "katherine", "kat": "katherine",
	"peggy": "margaret", "maggie": "margaret", "meg": "margaret", "sue": "susan", "susie": "susan",
	"jen": "jennifer", "jenny": "jennifer", "jess": "jessica", "jessie": "jessica", "becky": "rebecca",
	"patty": "patricia", "trish": "patricia", "debbie": "deborah", "deb": "deborah", "debra": "deborah",
	"mandy": "amanda", "abby": "abigail", "cindy": "cynthia", "vicky": "victoria", "sandy": "sandra",
	"pam": "pamela", "barb": "barbara", "dot": "dorothy", "tina": "christina", "josh": "joshua",
	"nate": "nathan", "zach": "zachary", "vince": "vincent", "don": "donald", "donnie": "donald",
	"doug": "douglas", "gene": "eugene", "jerry": "gerald", "ray": "raymond", "terry": "terrence",
	"theo": "theodore", "manny": "manuel", "pepe": "jose", "paco": "francisco", "frank": "francis",
}

var nameSuffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "esq": true, "md": true, "phd": true}

// personFingerprint: "Bob J. Smith Jr." → first "robert", last "smith".
func personParts(first, last string) (f, l string) {
	if last == "" && strings.Contains(first, ",") { // "Smith, John" typed into First name
		p := strings.SplitN(first, ",", 2)
		first, last = p[1], p[0]
	}
	var ft []string
	for _, w := range strings.Fields(fold(first)) {
		if len([]rune(w)) > 1 || len(ft) == 0 {
			ft = append(ft, w)
		}
	}
	if len(ft) > 0 {
		f = ft[0]
		if n, ok := nicknames[f]; ok {
			f = n
		}
	}
	var lt []string
	for _, w := range strings.Fields(fold(last)) {
		if !nameSuffixes[w] && len([]rune(w)) > 1 {
			lt = append(lt, w)
		}
	}
	return f, strings.Join(lt, " ")
}

// companyFingerprint: "The Acme Holdings, Inc." → "acme holdings".
func companyFingerprint(name string) string {
	var out []string
	for i, w := range strings.Fields(fold(name)) {
		if companySuffixes[w] || (i == 0 && w == "the") {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// dcon is what duplicate detection keeps per contact.
type dcon struct {
	idx      int32 // position in the order contacts were added
	id       int64
	key      string
	name     string // display name
	fp       string // name fingerprint
	first    string
	last     string
	company  bool
	emails   []string
	phones   []string
	sourceID int64
	source   string
	row      int64
}

// dupCollector gathers what duplicate detection needs per contact. It
// does not keep it in memory: every contact and each of its blocking keys
// go into a private temporary SQLite database (an unnamed one, deleted by
// SQLite when it is closed), and cluster walks the blocks in key order
// from there, holding one block at a time. What stays in memory grows by
// five bytes per contact (the union-find forest and a mark), so a project
// ten times larger does not need ten times the memory to check.
type dupCollector struct {
	opts             Options
	spill            *workspace.Scratch
	tx               *sql.Tx
	insCon           *sql.Stmt // insertBatch rows at a time
	insKey           *sql.Stmt
	conArgs, keyArgs []any // rows waiting for a full batch (flush)
	n                int
}

const dupSchema = `
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE con(idx INTEGER PRIMARY KEY, id INTEGER, key TEXT, name TEXT, fp TEXT, first TEXT, last TEXT,
	company INTEGER, emails TEXT, phones TEXT, source_id INTEGER, source TEXT, row_no INTEGER);
CREATE TABLE bkey(k TEXT NOT NULL, idx INTEGER NOT NULL);
CREATE TABLE blk(k TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE link(seq INTEGER PRIMARY KEY, a INTEGER NOT NULL, why TEXT NOT NULL, score REAL NOT NULL);
CREATE TABLE member(idx INTEGER PRIMARY KEY, root INTEGER NOT NULL);`

// newDupCollector opens the collector's spill database; close releases it.
func newDupCollector(ctx context.Context, opts Options) (_ *dupCollector, err error) {
	spill, err := workspace.OpenScratch(ctx, "duplicate detection", dupSchema)
	if err != nil {
		return nil, err
	}
	d := &dupCollector{opts: opts, spill: spill}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	if d.tx, err = spill.Conn.BeginTx(ctx, nil); err != nil {
		return nil, err
	}
	if d.insCon, err = d.tx.PrepareContext(ctx, `INSERT INTO con VALUES`+valuesList(insertBatch, conCols)); err != nil {
		return nil, err
	}
	if d.insKey, err = d.tx.PrepareContext(ctx, `INSERT INTO bkey VALUES`+valuesList(insertBatch, 2)); err != nil {
		return nil, err
	}
	return d, nil
}

// close drops the spill database (safe to call more than once).
func (d *dupCollector) close() {
	if d.tx != nil {
		d.tx.Rollback()
		d.tx = nil
	}
	if d.spill != nil {
		d.spill.Close()
		d.spill = nil
	}
}

func (d *dupCollector) add(ctx context.Context, r workspace.StoredRecord, c *model.Contact) error {
	var phones []string
	for _, p := range c.Phones {
		if e := e164(p.Number, d.opts.Country); e != "" {
			phones = append(phones, e)
		}
	}
	return d.addParsed(ctx, r, c, phones)
}

// addParsed is add with the contact's valid phone numbers already in E.164.
func (d *dupCollector) addParsed(ctx context.Context, r workspace.StoredRecord, c *model.Contact, e164s []string) error {
	x := dcon{idx: int32(d.n), id: r.ID, key: r.Key, name: model.DisplayName(c), sourceID: r.Prov.SourceID, source: r.Prov.Source, row: r.Prov.Row}
	if !strings.EqualFold(c.Type, "Company") && (c.FirstName != "" || c.LastName != "") {
		x.first, x.last = personParts(c.FirstName, c.LastName)
		x.fp = strings.TrimSpace(x.first + " " + x.last)
	} else {
		x.company = true
		x.fp = companyFingerprint(c.Name)
	}
	for _, e := range c.Emails {
		if a := normEmail(e.Address); strings.Contains(a, "@") && !contains(x.emails, a) {
			x.emails = append(x.emails, a)
		}
	}
	for _, e := range e164s {
		if !contains(x.phones, e) {
			x.phones = append(x.phones, e)
		}
	}
	emails, _ := json.Marshal(x.emails)
	phones, _ := json.Marshal(x.phones)
	d.conArgs = append(d.conArgs, d.n, x.id, x.key, x.name, x.fp, x.first, x.last, x.company, string(emails), string(phones),
		x.sourceID, x.source, x.row)
	for _, k := range x.blockKeys() {
		d.keyArgs = append(d.keyArgs, k, d.n)
	}
	d.n++
	return d.flush(ctx, false)
}

// Rows go into the spill database insertBatch at a time: one statement
// per row cost more than the row itself.
const (
	insertBatch = 64
	conCols     = 13
)

// valuesList is "(?,?),(?,?)…" for n rows of cols values.
func valuesList(n, cols int) string {
	row := "(" + strings.Repeat("?,", cols-1) + "?)"
	return strings.Repeat(row+",", n-1) + row
}

// flush writes the full batches waiting, and with all the rest too.
func (d *dupCollector) flush(ctx context.Context, all bool) error {
	write := func(st *sql.Stmt, args *[]any, cols int, table string) error {
		for len(*args) >= insertBatch*cols {
			if _, err := st.ExecContext(ctx, (*args)[:insertBatch*cols]...); err != nil {
				return fmt.Errorf("duplicate detection: %w", err)
			}
			*args = append((*args)[:0], (*args)[insertBatch*cols:]...)
		}
		if all && len(*args) > 0 {
			if _, err := d.tx.ExecContext(ctx, `INSERT INTO `+table+` VALUES`+valuesList(len(*args)/cols, cols), *args...); err != nil {
				return fmt.Errorf("duplicate detection: %w", err)
			}
			*args = (*args)[:0]
		}
		return nil
	}
	if err := write(d.insCon, &d.conArgs, conCols, "con"); err != nil {
		return err
	}
	return write(d.insKey, &d.keyArgs, 2, "bkey")
}

const dconCols = `c.idx, c.id, c.key, c.name, c.fp, c.first, c.last, c.company, c.emails, c.phones, c.source_id, c.source, c.row_no`

func scanDcon(rows *sql.Rows, lead ...any) (dcon, error) {
	var x dcon
	var emails, phones string
	dest := append(lead, &x.idx, &x.id, &x.key, &x.name, &x.fp, &x.first, &x.last, &x.company, &emails, &phones,
		&x.sourceID, &x.source, &x.row)
	if err := rows.Scan(dest...); err != nil {
		return x, err
	}
	// the spill holds json.Marshal's output: the fast decoder reads it alike (core/model's decode tests)
	if err := fastjson.Unmarshal([]byte(emails), &x.emails); err != nil {
		return x, err
	}
	if err := fastjson.Unmarshal([]byte(phones), &x.phones); err != nil {
		return x, err
	}
	return x, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func shared(a, b []string) string {
	for _, x := range a {
		if contains(b, x) {
			return x
		}
	}
	return ""
}

// skippedBlock is a blocking key shared by too many contacts to compare.
type skippedBlock struct {
	key  string
	size int
}

// blockKeys are the keys a contact is compared under: e-mail, phone, exact
// name fingerprint, and a looser name key (last name + first initial, or a
// company's first word) for near-miss spellings.
func (x *dcon) blockKeys() []string {
	var ks []string
	for _, e := range x.emails {
		ks = append(ks, "e:"+e)
	}
	for _, p := range x.phones {
		ks = append(ks, "p:"+p)
	}
	if x.fp != "" {
		ks = append(ks, "n:"+x.fp)
		if !x.company && x.last != "" && x.first != "" {
			ks = append(ks, "l:"+x.last+"|"+x.first[:1])
		} else if x.company {
			ks = append(ks, "c:"+strings.Fields(x.fp)[0])
		}
	}
	return ks
}

// compare decides whether two contacts are the same.
func compare(a, b *dcon) (bool, []string, float64) {
	var why []string
	email, phone := shared(a.emails, b.emails), shared(a.phones, b.phones)
	if email != "" {
		why = append(why, "same e-mail "+email)
	}
	if phone != "" {
		why = append(why, "same phone "+phone)
	}
	sim := -1.0
	if a.fp != "" && b.fp != "" {
		if a.fp == b.fp {
			sim = 1
		} else {
			sim = float64(edlib.JaroWinklerSimilarity(a.fp, b.fp))
		}
	}
	var ok bool
	switch {
	case sim == 1:
		ok = true
	case email != "" && (sim < 0 || sim >= 0.75):
		ok = true
	case phone != "" && (sim < 0 || sim >= 0.88):
		ok = true
	case sim >= 0.96 && a.company == b.company:
		ok = true
	}
	if !ok {
		return false, nil, 0
	}
	score := 1.0
	if sim >= 0 {
		why = append(why, fmt.Sprintf("names %s ~ %s (%.2f)", a.name, b.name, sim))
		score = sim
		if email != "" {
			score = 1 - (1-score)/2
		}
		if phone != "" {
			score = 1 - (1-score)/2
		}
	}
	return true, why, score
}

// cluster blocks, compares within blocks and unions the links. It first
// reports the blocks too large to compare (in key order) to skip, then
// each cluster to fn, ordered by its first member, with the members in the
// order they were added, the evidence in the order it was found and the
// weakest link's score; it returns the number of clusters.
func (d *dupCollector) cluster(ctx context.Context, skip func(skippedBlock) error, fn func(members []dcon, why []string, score float64) error) (int, error) {
	big, err := d.compare(ctx)
	if err != nil {
		return 0, err
	}
	for _, s := range big {
		if err := skip(s); err != nil {
			return 0, err
		}
	}
	return d.clusters(ctx, fn)
}

// compare is cluster's first phase: it compares the contacts within each
// block, links the pairs that match and groups the linked contacts. It
// returns the blocks too large to compare, in key order. Nothing in it
// writes to the project, so the check runs it beside its other rules.
func (d *dupCollector) compare(ctx context.Context) ([]skippedBlock, error) {
	if err := d.flush(ctx, true); err != nil {
		return nil, err
	}
	if err := d.tx.Commit(); err != nil {
		return nil, err
	}
	d.tx = nil
	c := d.spill.Conn
	if _, err := c.ExecContext(ctx, `CREATE INDEX bkey_k ON bkey(k, idx)`); err != nil {
		return nil, err
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	d.tx = tx

	// Blocks too large to compare: few (each has more than MaxBlock members).
	skipped := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT k, count(*) FROM bkey GROUP BY k HAVING count(*) > ? ORDER BY k`, d.opts.MaxBlock)
	if err != nil {
		return nil, err
	}
	var big []skippedBlock
	for rows.Next() {
		var s skippedBlock
		if err := rows.Scan(&s.key, &s.size); err != nil {
			rows.Close()
			return nil, err
		}
		big = append(big, s)
		skipped[s.key] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	parent := make([]int32, d.n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	insLink, err := tx.PrepareContext(ctx, `INSERT INTO link(a, why, score) VALUES(?,?,?)`)
	if err != nil {
		return nil, err
	}
	defer insLink.Close()
	// A pair is compared in the first block (in key order) that holds both,
	// as the in-memory version did with a set of the pairs already linked.
	comparedBefore := func(k string, a, b []string) bool {
		for _, s := range a {
			if s < k && !skipped[s] && contains(b, s) {
				return true
			}
		}
		return false
	}
	// A cluster's evidence is the distinct reasons of its links in the order
	// they were found, and its score the weakest link's. So a link with the
	// same reasons and score as an earlier one already in its cluster adds
	// nothing and is not stored: in a block of twenty copies of one person
	// the 190 pairs all say "same e-mail …; names A ~ A (1.00)".
	type linkKey struct {
		why   string
		score float64
	}
	stored := map[linkKey][]int32{} // this block's stored links: reasons → their first contacts
	var block []dcon
	var keys [][]string
	compareBlock := func(k string) error {
		if len(block) < 2 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		keys = keys[:0]
		for i := range block {
			keys = append(keys, block[i].blockKeys())
		}
		clear(stored)
		for i := 0; i < len(block); i++ {
			for j := i + 1; j < len(block); j++ {
				if comparedBefore(k, keys[i], keys[j]) {
					continue
				}
				a, b := &block[i], &block[j]
				ok, why, score := compare(a, b)
				if !ok {
					continue
				}
				if ra, rb := find(a.idx), find(b.idx); ra != rb {
					if ra < rb {
						parent[rb] = ra
					} else {
						parent[ra] = rb
					}
				}
				w, _ := json.Marshal(why)
				lk := linkKey{string(w), score}
				root := find(a.idx)
				if !d.opts.plain && slices.ContainsFunc(stored[lk], func(x int32) bool { return find(x) == root }) {
					continue
				}
				stored[lk] = append(stored[lk], a.idx)
				if _, err := insLink.ExecContext(ctx, a.idx, lk.why, score); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// The blocks worth comparing go into a table first: an IN (subquery)
	// would hold every such key in memory while the walk runs.
	if _, err := tx.ExecContext(ctx, `INSERT INTO blk SELECT k FROM bkey GROUP BY k HAVING count(*) BETWEEN 2 AND ?`, d.opts.MaxBlock); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT b.k, `+dconCols+` FROM blk CROSS JOIN bkey b ON b.k = blk.k CROSS JOIN con c ON c.idx = b.idx
		ORDER BY blk.k, b.idx`)
	if err != nil {
		return nil, err
	}
	cur := ""
	for rows.Next() {
		var k string
		x, err := scanDcon(rows, &k)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if k != cur {
			if err := compareBlock(cur); err != nil {
				rows.Close()
				return nil, err
			}
			cur, block = k, block[:0]
		}
		block = append(block, x)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	rows.Close()
	if err := compareBlock(cur); err != nil {
		return nil, err
	}
	block, keys, stored = nil, nil, nil

	// Members: every contact whose tree holds a link, with its root (the
	// smallest index in the cluster, as union keeps the smaller root).
	linked := make([]bool, d.n)
	rows, err = tx.QueryContext(ctx, `SELECT a FROM link`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a int32
		if err := rows.Scan(&a); err != nil {
			rows.Close()
			return nil, err
		}
		linked[find(a)] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	insMember, err := tx.PrepareContext(ctx, `INSERT INTO member VALUES(?,?)`)
	if err != nil {
		return nil, err
	}
	for i := range parent {
		if r := find(int32(i)); linked[r] {
			if _, err := insMember.ExecContext(ctx, i, r); err != nil {
				insMember.Close()
				return nil, err
			}
		}
	}
	insMember.Close()
	parent, linked = nil, nil
	for _, q := range []string{`CREATE INDEX member_root ON member(root, idx)`, `CREATE INDEX link_a ON link(a, seq)`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	return big, nil
}

// clusters is cluster's second phase: each cluster compare found, to fn.
func (d *dupCollector) clusters(ctx context.Context, fn func(members []dcon, why []string, score float64) error) (int, error) {
	tx := d.tx
	whyQ, err := tx.PrepareContext(ctx, `SELECT l.why, l.score FROM member m JOIN link l ON l.a = m.idx WHERE m.root = ? ORDER BY l.seq`)
	if err != nil {
		return 0, err
	}
	defer whyQ.Close()
	n := 0
	var members []dcon
	emit := func(root int32) error {
		if len(members) == 0 {
			return nil
		}
		n++
		lr, err := whyQ.QueryContext(ctx, root)
		if err != nil {
			return err
		}
		defer lr.Close()
		var why []string
		score := 1.0
		for lr.Next() {
			var w string
			var s float64
			if err := lr.Scan(&w, &s); err != nil {
				return err
			}
			var ws []string
			if err := fastjson.Unmarshal([]byte(w), &ws); err != nil {
				return err
			}
			for _, x := range ws {
				if !contains(why, x) {
					why = append(why, x)
				}
			}
			score = min(score, s)
		}
		if err := lr.Err(); err != nil {
			return err
		}
		return fn(members, why, score)
	}
	rows, err := tx.QueryContext(ctx, `SELECT m.root, `+dconCols+` FROM member m JOIN con c ON c.idx = m.idx ORDER BY m.root, m.idx`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	root := int32(-1)
	for rows.Next() {
		var r int32
		x, err := scanDcon(rows, &r)
		if err != nil {
			return 0, err
		}
		if r != root {
			if err := emit(root); err != nil {
				return 0, err
			}
			root, members = r, members[:0]
		}
		members = append(members, x)
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if err := emit(root); err != nil {
		return 0, err
	}
	return n, nil
}

func blockLabel(k string) string {
	switch k[:2] {
	case "e:":
		return "the e-mail address " + k[2:]
	case "p:":
		return "the phone number " + k[2:]
	case "n:":
		return "the name " + k[2:]
	case "l:":
		return "the surname " + strings.Replace(k[2:], "|", " and first initial ", 1)
	case "c:":
		return "company names starting with " + k[2:]
	}
	return k
}

// duplicates writes one duplicate.contact warning per member of each
// cluster, and an info finding per block too large to compare.
func (c *checker) duplicates() (int, error) {
	defer c.dup.close()
	skip := func(s skippedBlock) error {
		return c.em.fw.Add(c.ctx, workspace.StoredFinding{Rule: model.RuleDuplicateContact, Severity: I, Entity: model.Contacts,
			Field: "contact", Value: s.key[2:],
			Message: fmt.Sprintf("%d contacts share %s: too many to compare for duplicates automatically", s.size, blockLabel(s.key)),
			Fix:     "Look through them on the Clean screen (filter by that value) and merge any that are the same",
			Detail:  map[string]any{"block": s.key, "size": s.size}})
	}
	var labels []string
	var msg strings.Builder
	write := func(members []dcon, why []string, score float64) error {
		keys := make([]string, len(members))
		labels = labels[:0]
		for i := range members {
			keys[i] = members[i].key
			labels = append(labels, fmt.Sprintf("%q (%s)", members[i].name, keys[i]))
		}
		id := "dup:" + keys[0]
		// the same detail for every member: encoded once (as FindingWriter.Add would)
		detail, err := json.Marshal(map[string]any{"cluster": id, "members": keys, "why": why, "score": score})
		if err != nil {
			return err
		}
		because := strings.Join(why, "; ")
		for m := range members {
			x := &members[m]
			msg.Reset()
			fmt.Fprintf(&msg, "%q is probably the same as ", x.name)
			first := true
			for i, k := range keys {
				if k != x.key {
					if !first {
						msg.WriteString(", ")
					}
					msg.WriteString(labels[i])
					first = false
				}
			}
			msg.WriteString(": ")
			msg.WriteString(because)
			rec := workspace.StoredRecord{Record: model.Record{ID: x.id, Entity: model.Contacts, Key: x.key,
				Prov: model.Provenance{SourceID: x.sourceID, Source: x.source, Row: x.row}}}
			if err := c.em.addEncoded(rec, model.RuleDuplicateContact, W, "contact", x.name, msg.String(),
				"Merge them on the Clean screen (or mark them as different people)", string(detail)); err != nil {
				return err
			}
		}
		return nil
	}
	if c.dupw == nil {
		return c.dup.cluster(c.ctx, skip, write)
	}
	big, err := c.dupw.wait()
	if err != nil {
		return 0, err
	}
	for _, s := range big {
		if err := skip(s); err != nil {
			return 0, err
		}
	}
	return c.dup.clusters(c.ctx, write)
}

// FindDuplicates groups the project's active contacts into clusters of
// probable duplicates, for the Clean screen. It reads the contacts twice
// (once for the comparison data, spilled to disk, once to return the
// members).
func FindDuplicates(ctx context.Context, ws *workspace.Workspace, opts Options) ([]Cluster, error) {
	opts.defaults(ctx, ws)
	d, err := newDupCollector(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer d.close()
	err = ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(r workspace.StoredRecord) error {
		if c, ok := r.Data.(*model.Contact); ok {
			return d.add(ctx, r, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []Cluster
	where := map[int64][2]int{} // record id → cluster, member slot
	_, err = d.cluster(ctx, func(skippedBlock) error { return nil }, func(members []dcon, why []string, score float64) error {
		i := len(out)
		out = append(out, Cluster{ID: "dup:" + members[0].key, Why: why, Score: score, Members: make([]workspace.StoredRecord, len(members))})
		for j := range members {
			where[members[j].id] = [2]int{i, j}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.close()
	if out == nil {
		out = []Cluster{}
	}
	err = ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(r workspace.StoredRecord) error {
		if p, ok := where[r.ID]; ok {
			out[p[0]].Members[p[1]] = r
		}
		return nil
	})
	return out, err
}
