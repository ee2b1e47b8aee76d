package check

import (
	"context"
	"fmt"
	"sort"
	"strings"

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

type dupCollector struct {
	opts Options
	cons []dcon
	src  map[string]string // interned source names
}

func newDupCollector(opts Options) *dupCollector {
	return &dupCollector{opts: opts, src: map[string]string{}}
}

func (d *dupCollector) add(r workspace.StoredRecord, c *model.Contact) {
	var phones []string
	for _, p := range c.Phones {
		if e := e164(p.Number, d.opts.Country); e != "" {
			phones = append(phones, e)
		}
	}
	d.addParsed(r, c, phones)
}

// addParsed is add with the contact's valid phone numbers already in E.164.
func (d *dupCollector) addParsed(r workspace.StoredRecord, c *model.Contact, e164s []string) {
	x := dcon{id: r.ID, key: r.Key, name: model.DisplayName(c), sourceID: r.Prov.SourceID, row: r.Prov.Row}
	if s, ok := d.src[r.Prov.Source]; ok {
		x.source = s
	} else {
		d.src[r.Prov.Source] = r.Prov.Source
		x.source = r.Prov.Source
	}
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
	d.cons = append(d.cons, x)
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

type link struct {
	a, b  int32
	why   []string
	score float64
}

// skippedBlock is a blocking key shared by too many contacts to compare.
type skippedBlock struct {
	key  string
	size int
}

type rawCluster struct {
	members []int32
	why     []string
	score   float64
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

// cluster blocks, compares within blocks and unions the links.
func (d *dupCollector) cluster(ctx context.Context) ([]rawCluster, []skippedBlock, error) {
	blocks := map[string][]int32{}
	for i := range d.cons {
		for _, k := range d.cons[i].blockKeys() {
			blocks[k] = append(blocks[k], int32(i))
		}
	}
	parent := make([]int32, len(d.cons))
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
	var links []link
	linked := map[uint64]bool{}
	var skipped []skippedBlock
	for _, k := range sortedKeys(blocks) {
		m := blocks[k]
		if len(m) < 2 {
			continue
		}
		if len(m) > d.opts.MaxBlock {
			skipped = append(skipped, skippedBlock{k, len(m)})
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		for i := 0; i < len(m); i++ {
			for j := i + 1; j < len(m); j++ {
				a, b := m[i], m[j]
				pk := uint64(a)<<32 | uint64(b)
				if linked[pk] {
					continue
				}
				ok, why, score := compare(&d.cons[a], &d.cons[b])
				if !ok {
					continue
				}
				linked[pk] = true
				links = append(links, link{a, b, why, score})
				if ra, rb := find(a), find(b); ra != rb {
					if ra < rb {
						parent[rb] = ra
					} else {
						parent[ra] = rb
					}
				}
			}
		}
	}
	byRoot := map[int32]*rawCluster{}
	var roots []int32
	for _, l := range links {
		r := find(l.a)
		c := byRoot[r]
		if c == nil {
			c = &rawCluster{score: 1}
			byRoot[r] = c
			roots = append(roots, r)
		}
		for _, w := range l.why {
			if !contains(c.why, w) {
				c.why = append(c.why, w)
			}
		}
		c.score = min(c.score, l.score)
	}
	for i := range d.cons {
		if c := byRoot[find(int32(i))]; c != nil {
			c.members = append(c.members, int32(i))
		}
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i] < roots[j] })
	out := make([]rawCluster, 0, len(roots))
	for _, r := range roots {
		out = append(out, *byRoot[r])
	}
	return out, skipped, nil
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
	clusters, skipped, err := c.dup.cluster(c.ctx)
	if err != nil {
		return 0, err
	}
	for _, s := range skipped {
		if err := c.em.fw.Add(c.ctx, workspace.StoredFinding{Rule: model.RuleDuplicateContact, Severity: I, Entity: model.Contacts,
			Field: "contact", Value: s.key[2:],
			Message: fmt.Sprintf("%d contacts share %s: too many to compare for duplicates automatically", s.size, blockLabel(s.key)),
			Fix:     "Look through them on the Clean screen (filter by that value) and merge any that are the same",
			Detail:  map[string]any{"block": s.key, "size": s.size}}); err != nil {
			return 0, err
		}
	}
	for _, cl := range clusters {
		keys := make([]string, len(cl.members))
		names := make([]string, len(cl.members))
		for i, m := range cl.members {
			keys[i], names[i] = c.dup.cons[m].key, c.dup.cons[m].name
		}
		id := "dup:" + keys[0]
		for _, m := range cl.members {
			x := &c.dup.cons[m]
			var others []string
			for i, k := range keys {
				if k != x.key {
					others = append(others, fmt.Sprintf("%q (%s)", names[i], k))
				}
			}
			rec := workspace.StoredRecord{Record: model.Record{ID: x.id, Entity: model.Contacts, Key: x.key,
				Prov: model.Provenance{SourceID: x.sourceID, Source: x.source, Row: x.row}}}
			if err := c.em.add(rec, model.RuleDuplicateContact, W, "contact", x.name,
				fmt.Sprintf("%q is probably the same as %s: %s", x.name, strings.Join(others, ", "), strings.Join(cl.why, "; ")),
				"Merge them on the Clean screen (or mark them as different people)",
				map[string]any{"cluster": id, "members": keys, "why": cl.why, "score": cl.score}); err != nil {
				return 0, err
			}
		}
	}
	return len(clusters), nil
}

// FindDuplicates groups the project's active contacts into clusters of
// probable duplicates, for the Clean screen. It reads the contacts twice
// (once for the compact comparison data, once to return the members).
func FindDuplicates(ctx context.Context, ws *workspace.Workspace, opts Options) ([]Cluster, error) {
	opts.defaults(ctx, ws)
	d := newDupCollector(opts)
	err := ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(r workspace.StoredRecord) error {
		if c, ok := r.Data.(*model.Contact); ok {
			d.add(r, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	raw, _, err := d.cluster(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Cluster, len(raw))
	where := map[int64][2]int{} // record id → cluster, member slot
	for i, rc := range raw {
		out[i] = Cluster{ID: "dup:" + d.cons[rc.members[0]].key, Why: rc.why, Score: rc.score,
			Members: make([]workspace.StoredRecord, len(rc.members))}
		for j, m := range rc.members {
			where[d.cons[m].id] = [2]int{i, j}
		}
	}
	d.cons = nil
	err = ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Contacts}, func(r workspace.StoredRecord) error {
		if p, ok := where[r.ID]; ok {
			out[p[0]].Members[p[1]] = r
		}
		return nil
	})
	return out, err
}
