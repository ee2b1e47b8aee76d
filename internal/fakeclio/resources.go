package fakeclio

import (
	"fmt"
	"math"
	"mime"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// resource describes one collection under /api/v4.
type resource struct {
	schema string // component schema name in openapi.json (fields catalog)
	list   bool
	show   bool
	del    bool
	trash  bool // DELETE moves to the trash (documents, folders)
	create bool
	update bool
	rules  rules
	// hook runs after the generic rules: validates and completes out
	// (old == nil on create).
	hook func(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr
}

// rules are the declarative checks of a resource body.
type rules struct {
	required []string            // on create
	enums    map[string][]string // allowed values when present
	refs     []string            // {id} references that must exist
	nested   map[string][]string // nested arrays → allowed `name` labels (nil: any)
	dates    []string            // YYYY-MM-DD
	times    []string            // RFC 3339
}

var resources map[string]*resource

func init() {
	ro := func(schema string) *resource { return &resource{schema: schema, list: true, show: true} }
	rw := func(schema string, r rules) *resource {
		return &resource{schema: schema, list: true, show: true, del: true, create: true, update: true, rules: r}
	}
	resources = map[string]*resource{
		"users":     ro("User"),
		"calendars": ro("Calendar"),
		"practice_areas": rw("PracticeArea", rules{required: []string{"name"},
			enums: map[string][]string{"category": practiceCategories}}),
		"custom_fields": rw("CustomField", rules{required: []string{"name", "parent_type", "field_type"},
			enums: map[string][]string{"parent_type": {"Contact", "Matter"}, "field_type": {"checkbox", "contact", "currency", "date", "time", "email", "matter", "numeric", "picklist", "text_area", "text_line", "url"}}}),
		"activity_descriptions": rw("ActivityDescription", rules{required: []string{"name"}}),
		"contacts": rw("Contact", rules{required: []string{"type"},
			enums: map[string][]string{"type": {"Person", "Company"}},
			refs:  []string{"company"},
			nested: map[string][]string{
				"email_addresses":    {"Work", "Home", "Other"},
				"phone_numbers":      {"Work", "Home", "Mobile", "Fax", "Pager", "Skype", "Other"},
				"addresses":          {"Work", "Home", "Billing", "Other"},
				"web_sites":          {"Work", "Personal", "Twitter", "Facebook", "LinkedIn", "Instant Messenger", "Other"},
				"instant_messengers": {"Work", "Personal", "Other"},
			},
			dates: []string{"date_of_birth"}}),
		"matters": rw("Matter", rules{required: []string{"client", "description"},
			refs:  []string{"client", "practice_area", "responsible_attorney", "originating_attorney", "responsible_staff"},
			dates: []string{"open_date", "close_date", "pending_date"}}),
		"relationships": rw("Relationship", rules{required: []string{"matter", "contact"}, refs: []string{"matter", "contact"}}),
		"tasks": rw("Task", rules{required: []string{"name", "description", "assignee"}, refs: []string{"matter"},
			enums: map[string][]string{"priority": {"High", "Normal", "Low"}, "status": {"pending", "in_progress", "in_review", "complete", "draft"},
				"permission": {"private", "public"}, "description_text_type": {"plain_text", "rich_text"}}}),
		"notes": rw("Note", rules{required: []string{"type"}, refs: []string{"matter", "contact"},
			enums: map[string][]string{"type": {"Matter", "Contact"}, "detail_text_type": {"plain_text", "rich_text"}}, dates: []string{"date"}}),
		"calendar_entries": rw("CalendarEntry", rules{required: []string{"summary", "start_at", "end_at", "calendar_owner"}, refs: []string{"matter"},
			times: []string{"start_at", "end_at"}}),
		"communications": rw("Communication", rules{required: []string{"type", "subject", "body", "received_at"}, refs: []string{"matter"},
			enums: map[string][]string{"type": {"EmailCommunication", "PhoneCommunication"}}, times: []string{"received_at"}}),
		"activities": rw("Activity", rules{required: []string{"type", "date"}, refs: []string{"matter", "user", "activity_description"},
			enums: map[string][]string{"type": {"TimeEntry", "ExpenseEntry", "HardCostEntry", "SoftCostEntry"}}, dates: []string{"date"}}),
		"bank_accounts": rw("BankAccount", rules{required: []string{"type", "currency"},
			enums: map[string][]string{"type": {"Operating", "Trust"}}}),
		"bank_transactions": rw("BankTransaction", rules{required: []string{"amount", "bank_account", "date"},
			refs: []string{"bank_account", "matter", "client"}, dates: []string{"date"}}),
		"folders":   rw("Folder", rules{required: []string{"name", "parent"}}),
		"documents": rw("Document", rules{required: []string{"name", "parent"}, times: []string{"received_at"}}),
	}
	resources["users"].show = true
	resources["folders"].trash = true
	resources["documents"].trash = true
	resources["custom_fields"].update = true
	resources["calendars"].del = false

	resources["contacts"].hook = contactHook
	resources["matters"].hook = matterHook
	resources["tasks"].hook = taskHook
	resources["notes"].hook = noteHook
	resources["calendar_entries"].hook = calendarEntryHook
	resources["communications"].hook = communicationHook
	resources["activities"].hook = activityHook
	resources["bank_accounts"].hook = bankAccountHook
	resources["bank_transactions"].hook = bankTransactionHook
	resources["folders"].hook = folderHook
	resources["documents"].hook = documentHook
	resources["custom_fields"].hook = customFieldHook
}

// practiceCategories is PracticeArea.category's enum in openapi.json.
var practiceCategories = strings.Fields(`administrative admiralty_and_maritime anti_trust_and_competition appellate
	banking_and_finance bankruptcy business_formation_and_compliance civil_litigation civil_rights_and_constitutional
	collections_and_debt commercial_and_sale_of_goods commercial_litigation construction consumer_protection contracts
	corporate_litigation criminal disability_and_social_security education elder employment_and_labor
	energy_and_environmental ethics family food_and_drug general_practice government healthcare immigration
	in_house_counsel insurance intellectual_property international juvenile legal_aid mediation_and_arbitration
	medical_malpractice military multi_practice non_profit_and_pro_bono other personal_injury
	privacy_and_information_security private_client product_liability real_estate science_and_technology
	securities_and_mergers_and_acquisitions small_claims sports_and_entertainment_and_gaming tax telecommunications
	traffic_offenses transportation tribal trusts wills_and_estates workers_compensation`)

var (
	dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

func isBlank(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case map[string]any:
		return len(x) == 0
	}
	return false
}

func humanize(f string) string {
	f = strings.ReplaceAll(f, "_", " ")
	if f == "" {
		return f
	}
	return strings.ToUpper(f[:1]) + f[1:]
}

var readOnly = map[string]bool{"id": true, "etag": true, "created_at": true, "updated_at": true, "deleted_at": true}

// prepareLocked applies the generic rules and the resource hook, returning
// the data to store.
func (s *Server) prepareLocked(ar *apiReq, def *resource, old *record) (map[string]any, *apiErr) {
	in := ar.data
	if in == nil {
		in = map[string]any{}
	}
	out := map[string]any{}
	if old != nil {
		out = deepCopy(old.data).(map[string]any)
	}
	for k, v := range in {
		if readOnly[k] {
			continue
		}
		if _, nested := def.rules.nested[k]; nested || k == "custom_field_values" {
			continue
		}
		out[k] = v
	}
	if old == nil {
		for _, f := range def.rules.required {
			if isBlank(out[f]) {
				return nil, unprocessable("%s can't be blank", humanize(f))
			}
		}
	} else {
		for _, f := range def.rules.required {
			if v, ok := in[f]; ok && isBlank(v) {
				return nil, unprocessable("%s can't be blank", humanize(f))
			}
		}
	}
	for f, allowed := range def.rules.enums {
		v, ok := in[f]
		if !ok || v == nil {
			continue
		}
		str, _ := v.(string)
		if !contains(allowed, str) {
			return nil, unprocessable("%s is not included in the list (got %v; allowed: %s)", humanize(f), v, strings.Join(allowed, ", "))
		}
	}
	for _, f := range def.rules.dates {
		if v, ok := in[f]; ok && v != nil {
			str, _ := v.(string)
			if _, err := time.Parse("2006-01-02", str); err != nil || !dateRe.MatchString(str) {
				return nil, unprocessable("%s must be an ISO-8601 date (YYYY-MM-DD), got %v", humanize(f), v)
			}
		}
	}
	for _, f := range def.rules.times {
		if v, ok := in[f]; ok && v != nil {
			str, _ := v.(string)
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				return nil, unprocessable("%s must be an ISO-8601 timestamp, got %v", humanize(f), v)
			}
		}
	}
	for _, f := range def.rules.refs {
		v, ok := in[f]
		if !ok {
			continue
		}
		ref, e := s.refLocked(f, v)
		if e != nil {
			return nil, e
		}
		if ref == nil {
			delete(out, f)
		} else {
			out[f] = ref
		}
	}
	for f, labels := range def.rules.nested {
		v, ok := in[f]
		if !ok {
			continue
		}
		arr, e := s.nestedLocked(f, labels, out[f], v)
		if e != nil {
			return nil, e
		}
		out[f] = arr
	}
	if v, ok := in["custom_field_values"]; ok {
		arr, e := s.customValuesLocked(def.schema, out["custom_field_values"], v)
		if e != nil {
			return nil, e
		}
		out["custom_field_values"] = arr
	}
	if def.hook != nil {
		if e := def.hook(s, ar, in, out, old); e != nil {
			return nil, e
		}
	}
	return out, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// refLocked validates a reference {id[,type]} and returns what to store.
func (s *Server) refLocked(field string, v any) (map[string]any, *apiErr) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, unprocessable("%s must be an object like {\"id\": 123}", humanize(field))
	}
	id := idOf(m["id"])
	if id == 0 {
		return nil, unprocessable("%s id is missing", humanize(field))
	}
	coll := refTarget(field, m)
	if coll == "" {
		return nil, unprocessable("%s type %v is not valid", humanize(field), m["type"])
	}
	if s.getLocked(coll, id) == nil {
		return nil, unprocessable("%s with id %d does not exist (expected a %s id)", humanize(field), id, strings.TrimSuffix(coll, "s"))
	}
	out := map[string]any{"id": id}
	if t, ok := m["type"]; ok {
		out["type"] = t
	}
	return out, nil
}

// nestedLocked merges a nested array (emails, phones, addresses ...):
// items with id update (or `_destroy: true` delete), items without id are added.
func (s *Server) nestedLocked(field string, labels []string, oldV, inV any) ([]any, *apiErr) {
	in, ok := inV.([]any)
	if !ok {
		if inV == nil {
			return []any{}, nil
		}
		return nil, unprocessable("%s must be an array", humanize(field))
	}
	old, _ := oldV.([]any)
	cur := make([]any, len(old))
	copy(cur, old)
	for _, e := range in {
		item, ok := e.(map[string]any)
		if !ok {
			return nil, unprocessable("%s items must be objects", humanize(field))
		}
		destroy := item["_destroy"] == true
		delete(item, "_destroy")
		if idv, has := item["id"]; has && idv != nil {
			idx := -1
			for i, o := range cur {
				if idOf(o.(map[string]any)["id"]) == idOf(idv) {
					idx = i
				}
			}
			if idx < 0 {
				return nil, errf(404, "NotFound", "%s with id %v not found on this record", humanize(field), idv)
			}
			if destroy {
				cur = append(cur[:idx], cur[idx+1:]...)
				continue
			}
			merged := cur[idx].(map[string]any)
			for k, v := range item {
				merged[k] = v
			}
			item = merged
		} else {
			if destroy {
				continue
			}
			if _, ok := item["name"]; !ok && labels != nil {
				item["name"] = "Other"
			}
			item["id"] = s.newIDLocked("nested")
			cur = append(cur, item)
		}
		if labels != nil {
			name, _ := item["name"].(string)
			if !contains(labels, name) {
				return nil, unprocessable("%s name %q is not included in the list (allowed: %s)", humanize(strings.TrimSuffix(field, "es")), name, strings.Join(labels, ", "))
			}
		}
	}
	return cur, nil
}

// customValuesLocked applies custom_field_values; instance ids look like
// "text_line-12" and differ from the custom field (definition) ids.
func (s *Server) customValuesLocked(schema string, oldV, inV any) ([]any, *apiErr) {
	in, ok := inV.([]any)
	if !ok {
		return nil, unprocessable("Custom field values must be an array")
	}
	old, _ := oldV.([]any)
	cur := make([]any, len(old))
	copy(cur, old)
	for _, e := range in {
		item, ok := e.(map[string]any)
		if !ok {
			return nil, unprocessable("Custom field values items must be objects")
		}
		destroy := item["_destroy"] == true
		if idv, has := item["id"]; has && idv != nil {
			ids, _ := idv.(string)
			idx := -1
			for i, o := range cur {
				if o.(map[string]any)["id"] == ids {
					idx = i
				}
			}
			if idx < 0 {
				return nil, errf(404, "NotFound", "Custom field value %v not found on this record (use the value id such as \"text_line-12\", not the custom field id)", idv)
			}
			if destroy {
				cur = append(cur[:idx], cur[idx+1:]...)
				continue
			}
			if v, ok := item["value"]; ok {
				cur[idx].(map[string]any)["value"] = v
			}
			continue
		}
		if destroy {
			continue
		}
		cfRef, _ := item["custom_field"].(map[string]any)
		cfID := idOf(cfRef)
		cf := s.getLocked("custom_fields", cfID)
		if cf == nil {
			return nil, unprocessable("Custom field with id %d does not exist", cfID)
		}
		if pt, _ := cf.data["parent_type"].(string); pt != schema {
			return nil, unprocessable("Custom field %d belongs to %s records, not %s", cfID, pt, schema)
		}
		for _, o := range cur {
			if idOf(o.(map[string]any)["custom_field"]) == cfID {
				return nil, unprocessable("Custom field %d already has a value on this record; update it by its value id %v", cfID, o.(map[string]any)["id"])
			}
		}
		ft, _ := cf.data["field_type"].(string)
		v := item["value"]
		if ft == "picklist" && v != nil {
			ok := false
			opts, _ := cf.data["picklist_options"].([]any)
			for _, o := range opts {
				om, _ := o.(map[string]any)
				if idOf(om["id"]) == idOf(v) && idOf(v) != 0 {
					ok = true
				}
			}
			if !ok {
				return nil, unprocessable("Value %v is not a picklist option id of custom field %d", v, cfID)
			}
		}
		cur = append(cur, map[string]any{
			"id":           fmt.Sprintf("%s-%d", ft, s.newIDLocked("nested")),
			"field_name":   cf.data["name"],
			"field_type":   ft,
			"value":        v,
			"custom_field": map[string]any{"id": cfID, "field_type": ft},
		})
	}
	return cur, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func contactHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	typ := str(out["type"])
	if typ == "Company" {
		if isBlank(out["name"]) {
			return unprocessable("Name can't be blank")
		}
		if c, ok := in["company"]; ok && c != nil {
			return unprocessable("Invalid attributes present for a Company: company")
		}
	} else {
		first, last := strings.TrimSpace(str(out["first_name"])), strings.TrimSpace(str(out["last_name"]))
		if first == "" && last == "" {
			if n := strings.Fields(str(in["name"])); len(n) > 0 {
				// Clio guesses the components from `name` (discouraged).
				first = n[0]
				if len(n) > 1 {
					last = strings.Join(n[1:], " ")
				}
				out["first_name"], out["last_name"] = first, last
			}
		}
		if first == "" && last == "" {
			return unprocessable("At least one of first name or last name must be provided")
		}
		out["name"] = strings.TrimSpace(strings.Join(strings.Fields(str(out["first_name"])+" "+str(out["middle_name"])+" "+str(out["last_name"])), " "))
		if first == "" || last == "" {
			out["name"] = strings.TrimSpace(first + " " + last)
		}
		ini := ""
		for _, p := range []string{first, last} {
			if p != "" {
				ini += strings.ToUpper(p[:1])
			}
		}
		out["initials"] = ini
		if c, ok := out["company"].(map[string]any); ok {
			if cr := s.getLocked("contacts", idOf(c)); cr == nil || cr.data["type"] != "Company" {
				return unprocessable("Company must be a Company contact")
			}
		}
	}
	delete(out, "primary_email_address")
	delete(out, "primary_phone_number")
	if p := markPrimary(out["email_addresses"], "default_email"); p != nil {
		out["primary_email_address"] = p["address"]
	}
	if p := markPrimary(out["phone_numbers"], "default_number"); p != nil {
		out["primary_phone_number"] = p["number"]
	}
	return nil
}

// markPrimary sets `primary` (the read-side name of the write-only
// default_email / default_number flag) on a nested array: the last item
// flagged default wins, else the first item. It returns the primary item.
func markPrimary(v any, flag string) map[string]any {
	items, _ := v.([]any)
	if len(items) == 0 {
		return nil
	}
	p := items[0].(map[string]any)
	for _, e := range items {
		if m := e.(map[string]any); m[flag] == true {
			p = m
		}
	}
	for _, e := range items {
		m := e.(map[string]any)
		m["primary"] = m["id"] == p["id"]
		delete(m, flag)
	}
	return p
}

var matterStatus = map[string]string{"open": "Open", "pending": "Pending", "closed": "Closed"}

func matterHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	if v, ok := in["status"]; ok {
		st, _ := v.(string)
		cap, ok := matterStatus[st]
		if !ok {
			return unprocessable("Status is not included in the list (got %q; send open, pending or closed in lowercase)", st)
		}
		out["status"] = cap
	} else if old == nil {
		out["status"] = "Open"
	}
	if old == nil {
		if _, ok := in["billable"]; !ok {
			out["billable"] = true
		}
	}
	if dn, ok := in["display_number"]; ok {
		if !s.opts.ManualNumbering {
			return unprocessable("Display number cannot be set: this account does not use manual matter numbering")
		}
		d, _ := dn.(string)
		if strings.TrimSpace(d) == "" {
			return unprocessable("Display number can't be blank")
		}
		if other, ok := s.matterNums[d]; ok && (old == nil || other != old.id) {
			return unprocessable("Display number has already been taken")
		}
		out["custom_number"] = d
	}
	if old == nil {
		s.nextID["matter_number"]++
		n := s.nextID["matter_number"]
		out["number"] = n
		if _, ok := out["display_number"]; !ok {
			out["display_number"] = fmt.Sprintf("%05d", n)
		}
	}
	if c, ok := out["client"].(map[string]any); ok {
		out["client_id"] = idOf(c)
	}
	return nil
}

func taskHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	if v, ok := in["assignee"]; ok {
		m, _ := v.(map[string]any)
		t := str(m["type"])
		if t != "User" && t != "Contact" {
			return unprocessable("Assignee type must be User or Contact")
		}
		ref, e := s.refLocked("assignee", m)
		if e != nil {
			return e
		}
		out["assignee"] = ref
	}
	if v, ok := in["due_at"]; ok && v != nil {
		d := str(v)
		if _, err := time.Parse("2006-01-02", d); err != nil {
			if _, err := time.Parse(time.RFC3339, d); err != nil {
				return unprocessable("Due at must be an ISO-8601 date")
			}
			out["due_at"] = d[:10]
		}
	}
	if old == nil {
		if _, ok := out["status"]; !ok {
			out["status"] = "pending"
		}
		if _, ok := out["priority"]; !ok {
			out["priority"] = "Normal"
		}
	}
	return nil
}

func noteHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	switch str(out["type"]) {
	case "Matter":
		if out["matter"] == nil {
			return unprocessable("Matter can't be blank for a Matter note")
		}
		delete(out, "contact")
	case "Contact":
		if out["contact"] == nil {
			return unprocessable("Contact can't be blank for a Contact note")
		}
		delete(out, "matter")
	}
	return nil
}

func calendarEntryHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	if v, ok := in["calendar_owner"]; ok {
		m, _ := v.(map[string]any)
		id := idOf(m)
		if s.getLocked("calendars", id) == nil {
			if s.getLocked("users", id) != nil {
				return unprocessable("Calendar owner %d is a user id; calendar_owner must be a calendar id (see the user's default_calendar_id)", id)
			}
			return unprocessable("Calendar owner with id %d does not exist", id)
		}
		cal := s.getLocked("calendars", id)
		out["calendar_owner"] = map[string]any{"id": id, "type": cal.data["type"], "name": cal.data["name"]}
	}
	st, _ := time.Parse(time.RFC3339, str(out["start_at"]))
	en, _ := time.Parse(time.RFC3339, str(out["end_at"]))
	if en.Before(st) {
		return unprocessable("End at must be after start at")
	}
	if v, ok := in["attendees"]; ok && v != nil {
		arr, _ := v.([]any)
		for _, a := range arr {
			if _, e := s.refLocked("attendees", a); e != nil {
				return e
			}
		}
	}
	return nil
}

func communicationHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	for _, f := range []string{"senders", "receivers"} {
		v, ok := in[f]
		if !ok || v == nil {
			continue
		}
		arr, ok := v.([]any)
		if !ok {
			return unprocessable("%s must be an array", humanize(f))
		}
		var refs []any
		for _, a := range arr {
			m, _ := a.(map[string]any)
			if t := str(m["type"]); t != "User" && t != "Contact" {
				return unprocessable("%s type must be User or Contact", humanize(f))
			}
			ref, e := s.refLocked(f, m)
			if e != nil {
				return e
			}
			refs = append(refs, ref)
		}
		out[f] = refs
	}
	return nil
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		var f float64
		_, err := fmt.Sscan(x, &f)
		return f, err == nil
	}
	return 0, false
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func activityHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	if v, ok := in["quantity"]; ok && v != nil {
		q, ok := num(v)
		if !ok || q < 0 {
			return unprocessable("Quantity must be a positive number")
		}
		if str(out["type"]) == "TimeEntry" && versionMinor(ar.version) < 4 {
			q *= 3600 // ≤ 4.0.3: hours
		}
		out["quantity"] = q
	}
	if v, ok := in["price"]; ok && v != nil {
		p, ok := num(v)
		if !ok {
			return unprocessable("Price must be a number")
		}
		out["price"] = p
	}
	if out["user"] == nil && len(s.users) > 0 {
		out["user"] = map[string]any{"id": s.users[0].ID}
	}
	q, _ := num(out["quantity"])
	p, _ := num(out["price"])
	if str(out["type"]) == "TimeEntry" {
		out["quantity_in_hours"] = round2(q / 3600)
		out["rounded_quantity"] = q
		out["rounded_quantity_in_hours"] = round2(q / 3600)
		out["total"] = round2(p * q / 3600)
	} else {
		out["total"] = round2(p * q)
	}
	if old == nil {
		out["billed"] = false
		out["on_bill"] = false
		if _, ok := out["non_billable"]; !ok {
			out["non_billable"] = false
		}
	}
	return nil
}

func bankAccountHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	if old == nil {
		if _, ok := out["balance"]; !ok {
			out["balance"] = 0.0
		}
		if _, ok := out["name"]; !ok {
			out["name"] = str(out["type"]) + " Account"
		}
	}
	return nil
}

func bankTransactionHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	amt, ok := num(out["amount"])
	if !ok {
		return unprocessable("Amount must be a number")
	}
	out["amount"] = amt
	if old == nil {
		ba := s.getLocked("bank_accounts", idOf(out["bank_account"]))
		bal, _ := num(ba.data["balance"])
		ba.data["balance"] = round2(bal + amt)
		s.touchLocked(ba)
		if _, ok := out["currency"]; !ok {
			out["currency"] = ba.data["currency"]
		}
	}
	return nil
}

func customFieldHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	if old != nil {
		for _, f := range []string{"parent_type", "field_type"} {
			if v, ok := in[f]; ok && v != old.data[f] {
				return unprocessable("%s cannot be changed", humanize(f))
			}
		}
	}
	if opts, ok := in["picklist_options"].([]any); ok {
		var cur []any
		for _, o := range opts {
			m, _ := o.(map[string]any)
			if isBlank(m["option"]) {
				return unprocessable("Picklist option can't be blank")
			}
			cur = append(cur, map[string]any{"id": s.newIDLocked("nested"), "option": m["option"]})
		}
		out["picklist_options"] = cur
	}
	if old == nil && str(out["field_type"]) == "picklist" && len(asSlice(out["picklist_options"])) == 0 {
		return unprocessable("Picklist options can't be blank for a picklist field")
	}
	if old == nil {
		if _, ok := out["displayed"]; !ok {
			out["displayed"] = true
		}
		out["deleted"] = false
	}
	return nil
}

func asSlice(v any) []any { a, _ := v.([]any); return a }

func (s *Server) parentLocked(in map[string]any, allowed ...string) (map[string]any, *apiErr) {
	m, ok := in["parent"].(map[string]any)
	if !ok {
		return nil, unprocessable("Parent must be an object like {\"id\": 1, \"type\": \"Matter\"}")
	}
	t := str(m["type"])
	if !contains(allowed, t) {
		return nil, unprocessable("Parent type %q is not included in the list (allowed: %s)", t, strings.Join(allowed, ", "))
	}
	return s.refLocked("parent", m)
}

func folderHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	if _, ok := in["parent"]; ok {
		p, e := s.parentLocked(in, "Folder", "Contact", "Matter")
		if e != nil {
			return e
		}
		out["parent"] = p
	}
	if old == nil {
		out["type"] = "Folder"
		out["locked"] = false
		out["root"] = false
	}
	return nil
}

func documentHook(s *Server, ar *apiReq, in, out map[string]any, old *record) *apiErr {
	if _, ok := in["parent"]; ok {
		p, e := s.parentLocked(in, "Document", "Folder", "Contact", "Matter")
		if e != nil {
			return e
		}
		out["parent"] = p
		delete(out, "matter")
		delete(out, "contact")
		switch p["type"] {
		case "Matter":
			out["matter"] = map[string]any{"id": p["id"]}
		case "Contact":
			out["contact"] = map[string]any{"id": p["id"]}
		}
	}
	delete(out, "multiparts")
	delete(out, "uuid")
	delete(out, "fully_uploaded")
	if old != nil {
		return nil
	}
	out["type"] = "Document"
	out["locked"] = false
	name := str(out["name"])
	ct := str(out["content_type"])
	if ct == "" {
		ct = mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = ct[:i]
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
	}
	out["content_type"] = ct
	if _, ok := out["filename"]; !ok {
		out["filename"] = name
	}
	out["size"] = int64(0)
	return nil
}
