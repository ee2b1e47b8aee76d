package fakeclio

import (
	"strings"
)

// fieldSel is one entry of the `fields` parameter: name or name{a,b}.
type fieldSel struct {
	name string
	sub  []string
}

var defaultFields = []fieldSel{{name: "id"}, {name: "etag"}}

// parseFields parses "id,name,client{id,name}". Braces inside braces
// (second-level nesting) are rejected with 400, like Clio.
func parseFields(s string) ([]fieldSel, *apiErr) {
	s = strings.TrimSpace(s)
	if s == "" {
		return defaultFields, nil
	}
	var out []fieldSel
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && s[j] != ',' && s[j] != '{' && s[j] != '}' {
			j++
		}
		name := strings.TrimSpace(s[i:j])
		if name == "" {
			return nil, badArg("fields: empty field name in %q", s)
		}
		sel := fieldSel{name: name}
		if j < len(s) && s[j] == '}' {
			return nil, badArg("fields: unbalanced '}' in %q", s)
		}
		if j < len(s) && s[j] == '{' {
			k := strings.IndexByte(s[j:], '}')
			if k < 0 {
				return nil, badArg("fields: missing '}' in %q", s)
			}
			inner := s[j+1 : j+k]
			if strings.ContainsAny(inner, "{") {
				return nil, badArg("fields: nested resources may only be one level deep (%q)", name)
			}
			for _, f := range strings.Split(inner, ",") {
				f = strings.TrimSpace(f)
				if f == "" {
					return nil, badArg("fields: empty nested field in %q", name)
				}
				sel.sub = append(sel.sub, f)
			}
			if len(sel.sub) == 0 {
				return nil, badArg("fields: empty braces for %q", name)
			}
			j += k + 1
		}
		out = append(out, sel)
		if j < len(s) {
			if s[j] != ',' {
				return nil, badArg("fields: unexpected %q in %q", string(s[j]), s)
			}
			j++
		}
		i = j
	}
	return out, nil
}

// checkFieldsLocked rejects field names the resource does not have.
func (s *Server) checkFieldsLocked(schema string, sels []fieldSel) *apiErr {
	if s.opts.DisableFieldsCatalog {
		return nil
	}
	cat, err := loadCatalog(s.opts.SpecPath)
	if err != nil || cat == nil {
		return nil
	}
	known := cat[schema]
	if known == nil {
		return nil
	}
	for _, f := range sels {
		nested, ok := known[f.name]
		if !ok {
			return badArg("%s is not a valid field for %s", f.name, schema)
		}
		if len(f.sub) == 0 {
			continue
		}
		nk := cat[nested]
		if nested == "" || nk == nil {
			return badArg("%s is not a nested resource of %s; it has no fields", f.name, schema)
		}
		for _, sf := range f.sub {
			if _, ok := nk[sf]; !ok {
				return badArg("%s is not a valid field for %s.%s", sf, schema, f.name)
			}
		}
	}
	return nil
}

// refTarget says which collection a reference field points to (polymorphic
// references carry their type).
func refTarget(field string, v map[string]any) string {
	if t, ok := v["type"].(string); ok {
		switch field {
		case "parent", "assignee", "senders", "receivers", "attendees", "calendar_owner":
			switch t {
			case "Matter":
				return "matters"
			case "Contact", "Person", "Company":
				return "contacts"
			case "User":
				return "users"
			case "Folder":
				return "folders"
			case "Document":
				return "documents"
			case "Calendar", "UserCalendar", "AccountCalendar":
				return "calendars"
			}
		}
	}
	return refColl[field]
}

var refColl = map[string]string{
	"client": "contacts", "contact": "contacts", "company": "contacts", "matter": "matters",
	"practice_area": "practice_areas", "responsible_attorney": "users", "originating_attorney": "users",
	"responsible_staff": "users", "user": "users", "calendar_owner": "calendars",
	"bank_account": "bank_accounts", "activity_description": "activity_descriptions",
	"custom_field": "custom_fields", "assignee": "users", "parent": "folders", "document": "documents",
}

// projectLocked renders the selected fields of a full record view.
func (s *Server) projectLocked(full map[string]any, sels []fieldSel) map[string]any {
	out := make(map[string]any, len(sels))
	for _, f := range sels {
		v, ok := full[f.name]
		if !ok || v == nil {
			continue
		}
		if len(f.sub) == 0 {
			out[f.name] = v
			continue
		}
		switch x := v.(type) {
		case map[string]any:
			out[f.name] = s.subLocked(f.name, x, f.sub)
		case []any:
			arr := make([]any, 0, len(x))
			for _, e := range x {
				if m, ok := e.(map[string]any); ok {
					arr = append(arr, s.subLocked(f.name, m, f.sub))
				}
			}
			out[f.name] = arr
		default:
			out[f.name] = v
		}
	}
	return out
}

// subLocked resolves a nested reference (when it points to a stored record)
// and keeps only the requested fields; deeper objects keep their defaults.
func (s *Server) subLocked(field string, v map[string]any, sub []string) map[string]any {
	src := v
	if coll := refTarget(field, v); coll != "" && field != "custom_field_values" {
		if r := s.getLocked(coll, idOf(v["id"])); r != nil {
			src = s.fullLocked(coll, r)
			for k, e := range v { // keep what the reference itself carries (e.g. type)
				if _, ok := src[k]; !ok {
					src[k] = e
				}
			}
		}
	}
	out := make(map[string]any, len(sub))
	for _, k := range sub {
		e, ok := src[k]
		if !ok || e == nil {
			continue
		}
		if m, ok := e.(map[string]any); ok {
			e = shallowRef(m)
		}
		out[k] = e
	}
	return out
}

// shallowRef is the default rendering of a second-level nested object.
func shallowRef(m map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"id", "etag", "type", "name"} {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return m
	}
	return out
}
