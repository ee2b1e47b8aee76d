package fakeclio

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"sort"
	"strconv"
	"time"
)

// record is one stored resource. data holds the writable and computed
// fields; id, etag, created_at and updated_at are added on output.
type record struct {
	id        int64
	data      map[string]any
	created   time.Time
	updated   time.Time
	version   int
	deleted   bool
	deletedAt time.Time
}

func (r *record) etag() string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d/%d/%d", r.id, r.version, r.updated.UnixNano())))
	return `"` + hex.EncodeToString(h[:10]) + `"`
}

type collection struct {
	recs  map[int64]*record
	order []int64 // ascending ids (ids only grow)
}

func (c *collection) ids() []int64 { return c.order }

func (c *collection) remove(id int64) {
	delete(c.recs, id)
	i := sort.Search(len(c.order), func(i int) bool { return c.order[i] >= id })
	if i < len(c.order) && c.order[i] == id {
		c.order = append(c.order[:i], c.order[i+1:]...)
	}
}

// idBase spreads collections over disjoint id ranges so that a contact id
// used as a matter id (or a user id as a calendar id) is caught as a 404/422.
var idBase = map[string]int64{
	"users": 344_000, "calendars": 777_000, "practice_areas": 5_000, "custom_fields": 8_000,
	"activity_descriptions": 9_000, "bank_accounts": 11_000, "contacts": 10_000_000,
	"matters": 20_000_000, "relationships": 30_000_000, "tasks": 40_000_000, "notes": 50_000_000,
	"calendar_entries": 60_000_000, "communications": 70_000_000, "activities": 80_000_000,
	"bank_transactions": 90_000_000, "folders": 100_000_000, "documents": 110_000_000,
	"document_versions": 120_000_000, "nested": 200_000_000,
}

func (s *Server) newIDLocked(coll string) int64 {
	if _, ok := s.nextID[coll]; !ok {
		s.nextID[coll] = idBase[coll]
		if s.nextID[coll] == 0 {
			s.nextID[coll] = 300_000_000
		}
	}
	s.nextID[coll]++
	return s.nextID[coll]
}

func (s *Server) coll(name string) *collection {
	c, ok := s.colls[name]
	if !ok {
		c = &collection{recs: map[int64]*record{}}
		s.colls[name] = c
	}
	return c
}

// insertLocked stores data as a new record of coll.
func (s *Server) insertLocked(coll string, data map[string]any) *record {
	now := s.now().UTC()
	r := &record{id: s.newIDLocked(coll), data: data, created: now, updated: now, version: 1}
	c := s.coll(coll)
	c.recs[r.id] = r
	c.order = append(c.order, r.id)
	return r
}

func (s *Server) getLocked(coll string, id int64) *record {
	c, ok := s.colls[coll]
	if !ok {
		return nil
	}
	r := c.recs[id]
	if r == nil || r.deleted {
		return nil
	}
	return r
}

func (s *Server) touchLocked(r *record) {
	r.version++
	now := s.now().UTC()
	if !now.After(r.updated) {
		now = r.updated.Add(time.Microsecond)
	}
	r.updated = now
}

func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z07:00") }

// fullLocked is the complete JSON-like view of a record (deep copy).
func (s *Server) fullLocked(coll string, r *record) map[string]any {
	out := deepCopy(r.data).(map[string]any)
	out["id"] = r.id
	if coll == "calendar_entries" {
		out["id"] = strconv.FormatInt(r.id, 10)
	}
	out["etag"] = r.etag()
	out["created_at"] = fmtTime(r.created)
	out["updated_at"] = fmtTime(r.updated)
	if r.deleted {
		out["deleted_at"] = fmtTime(r.deletedAt)
	}
	s.computeLocked(coll, r, out)
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	case []map[string]any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

// idOf reads an id from a JSON value (number, json.Number or numeric string).
func idOf(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case float64:
		return int64(x)
	case json.Number:
		n, _ := x.Int64()
		return n
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	case map[string]any:
		return idOf(x["id"])
	}
	return 0
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

type randSource struct{ r *mrand.Rand }

func newRandSource(seed int64) *randSource {
	return &randSource{r: mrand.New(mrand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))}
}

func (r *randSource) Float64() float64 { return r.r.Float64() }
func (r *randSource) IntN(n int) int   { return r.r.IntN(n) }
