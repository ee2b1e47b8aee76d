package fakeclio

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

func (s *Server) seed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	users := s.opts.Users
	if len(users) == 0 {
		users = []User{
			{FirstName: "Dana", LastName: "Whitfield", Initials: "DW", Email: "dana.whitfield@whitfieldlaw.example", SubscriptionType: "Attorney"},
			{FirstName: "Marcus", LastName: "Okafor", Initials: "MO", Email: "marcus.okafor@whitfieldlaw.example", SubscriptionType: "Attorney"},
			{FirstName: "Priya", LastName: "Raman", Initials: "PR", Email: "priya.raman@whitfieldlaw.example", SubscriptionType: "NonAttorney"},
		}
	}
	s.insertLocked("calendars", map[string]any{"name": "Firm Calendar", "type": "AccountCalendar", "permission": "editor", "visible": true, "color": "#3A87AD"})
	for _, u := range users {
		if u.SubscriptionType == "" {
			u.SubscriptionType = "Attorney"
		}
		enabled := u.Enabled == nil || *u.Enabled
		name := strings.TrimSpace(u.FirstName + " " + u.LastName)
		ur := s.insertLocked("users", map[string]any{
			"first_name": u.FirstName, "last_name": u.LastName, "name": name, "initials": u.Initials,
			"email": u.Email, "enabled": enabled, "subscription_type": u.SubscriptionType,
			"time_zone": "Eastern Time (US & Canada)", "account_owner": len(s.users) == 0,
		})
		if u.ID != 0 { // honour a requested id
			c := s.colls["users"]
			c.remove(ur.id)
			ur.id = u.ID
			c.recs[u.ID] = ur
			c.order = append(c.order, u.ID)
			sort.Slice(c.order, func(i, j int) bool { return c.order[i] < c.order[j] })
		}
		u.ID = ur.id
		cal := s.insertLocked("calendars", map[string]any{"name": name, "type": "UserCalendar", "permission": "owner", "visible": true, "color": "#57A773"})
		u.CalendarID = cal.id
		ur.data["default_calendar_id"] = cal.id
		s.users = append(s.users, u)
	}
	for _, pa := range [][2]string{{"Family", "family"}, {"Litigation", "civil_litigation"}, {"Real Estate", "real_estate"}, {"Wills and Estates", "wills_and_estates"}} {
		s.insertLocked("practice_areas", map[string]any{"name": pa[0], "category": pa[1]})
	}
	s.insertLocked("bank_accounts", map[string]any{"name": "Operating Account", "type": "Operating", "currency": "USD", "balance": 0.0, "default_account": true})
}

// indexMatterLocked keeps the display-number and client indexes of matters.
func (s *Server) indexMatterLocked(r *record, delta int) {
	dn := str(r.data["display_number"])
	if delta > 0 {
		s.matterNums[dn] = r.id
	} else if s.matterNums[dn] == r.id {
		delete(s.matterNums, dn)
	}
	if c := idOf(r.data["client"]); c != 0 {
		s.clientMatters[c] += delta
		if s.clientMatters[c] <= 0 {
			delete(s.clientMatters, c)
		}
	}
}

// computeLocked adds fields derived on read.
func (s *Server) computeLocked(coll string, r *record, out map[string]any) {
	if coll == "contacts" {
		out["is_client"] = s.clientMatters[r.id] > 0
	}
	if coll == "documents" {
		if v, ok := out["latest_document_version"].(map[string]any); ok {
			if u := s.uploads[str(v["uuid"])]; u != nil {
				v["fully_uploaded"] = u.completed
				if u.completed {
					v["size"] = int64(len(u.data))
					out["size"] = int64(len(u.data))
				}
			}
		}
	}
}

func (s *Server) whoAmILocked(ar *apiReq) (apiResp, *apiErr) {
	if len(s.users) == 0 {
		return apiResp{}, errf(404, "NotFound", "no users")
	}
	r := s.getLocked("users", s.users[0].ID)
	return apiResp{status: 200, body: map[string]any{"data": s.projectLocked(s.fullLocked("users", r), ar.fields)}}, nil
}

func (s *Server) showLocked(ar *apiReq, def *resource) (apiResp, *apiErr) {
	r := s.colls[ar.coll].recs[ar.id]
	if r == nil || (r.deleted && ar.q.Get("include_deleted") != "true") {
		return apiResp{}, errf(404, "NotFound", "%s %d not found", strings.TrimSuffix(ar.coll, "s"), ar.id)
	}
	et := r.etag()
	h := http.Header{}
	h.Set("ETag", et)
	h.Set("Last-Modified", r.updated.UTC().Format(http.TimeFormat))
	if inm := ar.r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, et) {
		return apiResp{status: 304, header: h}, nil
	}
	if ims := ar.r.Header.Get("If-Modified-Since"); ims != "" && ar.r.Header.Get("If-None-Match") == "" {
		if t, err := parseHTTPDate(ims); err == nil && !r.updated.Truncate(time.Second).After(t) {
			return apiResp{status: 304, header: h}, nil
		}
	}
	return apiResp{status: 200, header: h, body: map[string]any{"data": s.projectLocked(s.fullLocked(ar.coll, r), ar.fields)}}, nil
}

func parseHTTPDate(v string) (time.Time, error) {
	for _, layout := range []string{http.TimeFormat, time.RFC1123Z, time.RFC1123, time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", v)
}

func etagMatch(header, et string) bool {
	for _, p := range strings.Split(header, ",") {
		p = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p), "W/"))
		if p == "*" || p == et || `"`+p+`"` == et {
			return true
		}
	}
	return false
}

func (s *Server) createLocked(ar *apiReq, def *resource) (apiResp, *apiErr) {
	if ar.data == nil {
		return apiResp{}, badArg("the body must be {\"data\": {...}}")
	}
	if ar.coll == "documents" {
		if p, _ := ar.data["parent"].(map[string]any); p != nil && p["type"] == "Document" {
			return s.addVersionLocked(ar, idOf(p))
		}
	}
	data, e := s.prepareLocked(ar, def, nil)
	if e != nil {
		return apiResp{}, e
	}
	var parts []any
	if ar.coll == "documents" {
		if parts, e = checkMultiparts(ar.data["multiparts"]); e != nil {
			return apiResp{}, e
		}
	}
	r := s.insertLocked(ar.coll, data)
	if ar.coll == "documents" {
		s.newVersionLocked(ar, r, parts)
	}
	if ar.coll == "matters" {
		s.indexMatterLocked(r, 1)
	}
	s.counters.Creates[ar.coll]++
	return apiResp{status: 201, body: map[string]any{"data": s.projectLocked(s.fullLocked(ar.coll, r), ar.fields)}}, nil
}

func (s *Server) updateLocked(ar *apiReq, def *resource) (apiResp, *apiErr) {
	r := s.getLocked(ar.coll, ar.id)
	if r == nil {
		return apiResp{}, errf(404, "NotFound", "%s %d not found", strings.TrimSuffix(ar.coll, "s"), ar.id)
	}
	if im := ar.r.Header.Get("If-Match"); im != "" && !etagMatch(im, r.etag()) {
		return apiResp{}, errf(412, "PreconditionFailed", "The resource has been modified since the ETag %s was issued", im)
	}
	if ar.data == nil {
		return apiResp{}, badArg("the body must be {\"data\": {...}}")
	}
	if ar.coll == "documents" {
		if e := s.completeUploadLocked(ar, r); e != nil {
			return apiResp{}, e
		}
	}
	data, e := s.prepareLocked(ar, def, r)
	if e != nil {
		return apiResp{}, e
	}
	if ar.coll == "matters" {
		s.indexMatterLocked(r, -1)
		defer s.indexMatterLocked(r, 1)
	}
	r.data = data
	s.touchLocked(r)
	s.counters.Updates[ar.coll]++
	h := http.Header{}
	h.Set("ETag", r.etag())
	return apiResp{status: 200, header: h, body: map[string]any{"data": s.projectLocked(s.fullLocked(ar.coll, r), ar.fields)}}, nil
}

func (s *Server) deleteLocked(ar *apiReq, def *resource) (apiResp, *apiErr) {
	r := s.getLocked(ar.coll, ar.id)
	if r == nil {
		return apiResp{}, errf(404, "NotFound", "%s %d not found", strings.TrimSuffix(ar.coll, "s"), ar.id)
	}
	if ar.coll == "contacts" && s.opts.RefuseClientDelete {
		if n := s.clientMatters[r.id]; n > 0 {
			return apiResp{}, unprocessable("Contact cannot be deleted: it is the client of %d matter(s)", n)
		}
	}
	if ar.coll == "matters" {
		s.indexMatterLocked(r, -1)
	}
	if def.trash {
		r.deleted = true
		r.deletedAt = s.now().UTC()
	} else {
		s.colls[ar.coll].remove(r.id)
	}
	s.counters.Deletes[ar.coll]++
	return apiResp{status: 204}, nil
}

// ---- listing ----

var filterRefs = map[string][]string{
	"matter_id": {"matter"}, "contact_id": {"contact", "client"}, "client_id": {"client"},
	"responsible_attorney_id": {"responsible_attorney"}, "originating_attorney_id": {"originating_attorney"},
	"practice_area_id": {"practice_area"}, "user_id": {"user"}, "calendar_id": {"calendar_owner"},
	"bank_account_id": {"bank_account"}, "activity_description_id": {"activity_description"},
	"parent_id": {"parent"}, "assignee_id": {"assignee"},
}

func (s *Server) matchLocked(ar *apiReq, r *record, ids map[int64]bool) bool {
	q := ar.q
	if r.deleted && q.Get("include_deleted") != "true" {
		return false
	}
	if ids != nil && !ids[r.id] {
		return false
	}
	if v := q.Get("created_since"); v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil && r.created.Before(t) {
			return false
		}
	}
	if v := q.Get("updated_since"); v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil && r.updated.Before(t) {
			return false
		}
	}
	for p, fields := range filterRefs {
		v := q.Get(p)
		if v == "" {
			continue
		}
		want, _ := strconv.ParseInt(v, 10, 64)
		ok := false
		for _, f := range fields {
			if idOf(r.data[f]) == want {
				ok = true
			}
		}
		if !ok && (p == "contact_id" || p == "user_id") {
			// communications: a sender or receiver of that kind.
			kind := map[string]string{"contact_id": "Contact", "user_id": "User"}[p]
			for _, f := range []string{"senders", "receivers"} {
				for _, e := range asSlice(r.data[f]) {
					m, _ := e.(map[string]any)
					if idOf(m) == want && str(m["type"]) == kind {
						ok = true
					}
				}
			}
		}
		if !ok {
			return false
		}
	}
	if v := q.Get("type"); v != "" && str(r.data["type"]) != v {
		return false
	}
	if v := q.Get("status"); v != "" && !strings.EqualFold(str(r.data["status"]), v) {
		return false
	}
	if v := q.Get("parent_type"); v != "" && !strings.EqualFold(str(r.data["parent_type"]), v) {
		return false
	}
	if v := q.Get("enabled"); v != "" && fmt.Sprint(r.data["enabled"]) != v {
		return false
	}
	if v := strings.ToLower(strings.TrimSpace(q.Get("query"))); v != "" {
		hay := []string{}
		for _, f := range []string{"name", "first_name", "last_name", "description", "display_number", "subject", "summary", "email", "note"} {
			hay = append(hay, str(r.data[f]))
		}
		for _, f := range []string{"email_addresses", "phone_numbers"} {
			for _, e := range asSlice(r.data[f]) {
				m, _ := e.(map[string]any)
				hay = append(hay, str(m["address"]), str(m["number"]))
			}
		}
		found := false
		for _, h := range hay {
			if strings.Contains(strings.ToLower(h), v) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func parseIDs(q url.Values) (map[int64]bool, *apiErr) {
	vals := append(q["ids[]"], q["ids"]...)
	if len(vals) == 0 {
		return nil, nil
	}
	out := map[int64]bool{}
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
			if err != nil {
				return nil, badArg("ids[] must be integers, got %q", p)
			}
			out[n] = true
		}
	}
	return out, nil
}

type cursor struct {
	after int64
	desc  bool
}

func encodeCursor(c cursor) string {
	d := "a"
	if c.desc {
		d = "d"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("v1:%s:%d", d, c.after)))
}

func decodeCursor(t string) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return cursor{}, false
	}
	parts := strings.Split(string(b), ":")
	if len(parts) != 3 || parts[0] != "v1" {
		return cursor{}, false
	}
	n, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return cursor{}, false
	}
	return cursor{after: n, desc: parts[1] == "d"}, true
}

func (s *Server) listLocked(ar *apiReq, def *resource) (apiResp, *apiErr) {
	q := ar.q
	if ar.coll == "notes" && q.Get("type") == "" {
		return apiResp{}, badArg("type is required (Matter or Contact)")
	}
	maxLimit := 200
	if ar.coll == "users" {
		maxLimit = 2000
	}
	limit := 200
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return apiResp{}, badArg("limit must be between 1 and %d, got %q", maxLimit, v)
		}
		limit = n
	}
	ids, e := parseIDs(q)
	if e != nil {
		return apiResp{}, e
	}
	order := q.Get("order")
	if order == "" {
		order = "id(asc)"
	}
	field, dir, ok := strings.Cut(strings.TrimSuffix(order, ")"), "(")
	if !ok || (dir != "asc" && dir != "desc") || field == "" {
		return apiResp{}, badArg("order must look like id(asc), got %q", order)
	}
	desc := dir == "desc"
	offsetMode := q.Has("offset") || field != "id"
	offset := 0
	if q.Has("offset") {
		n, err := strconv.Atoi(q.Get("offset"))
		if err != nil || n < 0 {
			return apiResp{}, badArg("offset must be a non-negative integer")
		}
		if n >= 10000 {
			return apiResp{}, errf(422, "ArgumentError", "An invalid argument was supplied: offset is limited to 10,000 records; use cursor pagination (order=id(asc) and page_token)")
		}
		offset = n
	}
	var cur *cursor
	if t := q.Get("page_token"); t != "" {
		if offsetMode {
			return apiResp{}, badArg("page_token cannot be combined with offset or a non-id order")
		}
		c, ok := decodeCursor(t)
		if !ok || c.desc != desc {
			return apiResp{}, badArg("page_token is invalid")
		}
		cur = &c
	}
	c := s.coll(ar.coll)
	all := c.ids()
	cursorMode := !offsetMode
	total := -1
	if cursorMode && cur == nil {
		total = 0
		for _, id := range all {
			if s.matchLocked(ar, c.recs[id], ids) {
				total++
			}
		}
	}
	// In cursor mode start right after the cursor and stop once a page
	// (plus one, to know whether there is more) is found.
	startAt := 0
	if cur != nil {
		if desc {
			startAt = len(all) - sort.Search(len(all), func(i int) bool { return all[i] >= cur.after })
		} else {
			startAt = sort.Search(len(all), func(i int) bool { return all[i] > cur.after })
		}
	}
	var matched []*record
	for i := startAt; i < len(all); i++ {
		id := all[i]
		if desc {
			id = all[len(all)-1-i]
		}
		r := c.recs[id]
		if s.matchLocked(ar, r, ids) {
			matched = append(matched, r)
			if cursorMode && len(matched) > limit {
				break
			}
		}
	}
	if total < 0 && offsetMode {
		total = len(matched)
	}
	page := matched
	if offsetMode {
		if offset > len(page) {
			offset = len(page)
		}
		page = page[offset:]
	}
	more := len(page) > limit
	if more {
		page = page[:limit]
	}
	data := make([]any, 0, len(page))
	for _, r := range page {
		data = append(data, s.projectLocked(s.fullLocked(ar.coll, r), ar.fields))
	}
	paging := map[string]any{}
	link := func(set map[string]string) string {
		nq := url.Values{}
		for k, v := range q {
			if k != "page_token" && k != "offset" {
				nq[k] = v
			}
		}
		for k, v := range set {
			nq.Set(k, v)
		}
		return "http://" + ar.r.Host + ar.r.URL.Path + "?" + nq.Encode()
	}
	if offsetMode {
		if more {
			paging["next"] = link(map[string]string{"offset": strconv.Itoa(offset + limit), "limit": strconv.Itoa(limit)})
		}
		if offset > 0 {
			prev := offset - limit
			if prev < 0 {
				prev = 0
			}
			paging["previous"] = link(map[string]string{"offset": strconv.Itoa(prev), "limit": strconv.Itoa(limit)})
		}
	} else if more {
		paging["next"] = link(map[string]string{"page_token": encodeCursor(cursor{after: page[len(page)-1].id, desc: desc})})
	}
	meta := map[string]any{"paging": paging}
	if total >= 0 {
		meta["records"] = total
	}
	return apiResp{status: 200, body: map[string]any{"data": data, "meta": meta}}, nil
}

func (s *Server) folderListLocked(ar *apiReq) (apiResp, *apiErr) {
	pid, _ := strconv.ParseInt(ar.q.Get("parent_id"), 10, 64)
	var data []any
	for _, coll := range []string{"folders", "documents"} {
		c := s.coll(coll)
		for _, id := range c.ids() {
			r := c.recs[id]
			if r.deleted && ar.q.Get("include_deleted") != "true" {
				continue
			}
			if pid == 0 || idOf(r.data["parent"]) == pid {
				data = append(data, s.projectLocked(s.fullLocked(coll, r), ar.fields))
			}
		}
	}
	if data == nil {
		data = []any{}
	}
	return apiResp{status: 200, body: map[string]any{"data": data, "meta": map[string]any{"paging": map[string]any{}, "records": len(data)}}}, nil
}

func (s *Server) subListLocked(ar *apiReq) (apiResp, *apiErr) {
	switch ar.coll {
	case "contacts":
		r := s.getLocked("contacts", ar.id)
		if r == nil {
			return apiResp{}, errf(404, "NotFound", "contact %d not found", ar.id)
		}
		items := asSlice(r.data[ar.sub])
		data := make([]any, 0, len(items))
		for _, it := range items {
			data = append(data, s.projectLocked(it.(map[string]any), ar.fields))
		}
		return apiResp{status: 200, body: map[string]any{"data": data, "meta": map[string]any{"paging": map[string]any{}, "records": len(data)}}}, nil
	case "matters":
		m := s.getLocked("matters", ar.id)
		if m == nil {
			return apiResp{}, errf(404, "NotFound", "matter %d not found", ar.id)
		}
		if ar.sub == "client" {
			cr := s.getLocked("contacts", idOf(m.data["client"]))
			if cr == nil {
				return apiResp{}, errf(404, "NotFound", "client not found")
			}
			return apiResp{status: 200, body: map[string]any{"data": s.projectLocked(s.fullLocked("contacts", cr), ar.fields)}}, nil
		}
		var data []any
		rc := s.coll("relationships")
		for _, id := range rc.ids() {
			rel := rc.recs[id]
			if idOf(rel.data["matter"]) != ar.id {
				continue
			}
			if cr := s.getLocked("contacts", idOf(rel.data["contact"])); cr != nil {
				full := s.fullLocked("contacts", cr)
				full["relationship"] = map[string]any{"id": rel.id, "description": rel.data["description"]}
				data = append(data, s.projectLocked(full, ar.fields))
			}
		}
		if data == nil {
			data = []any{}
		}
		return apiResp{status: 200, body: map[string]any{"data": data, "meta": map[string]any{"paging": map[string]any{}, "records": len(data)}}}, nil
	}
	return apiResp{}, errf(404, "NotFound", "No route matches %s", ar.r.URL.Path)
}
