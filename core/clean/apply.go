package clean

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"handover/core/model"
)

type applier struct {
	tx      *sql.Tx
	country string
}

type rec struct {
	id     int64
	key    string
	fields map[string]any
}

func (a *applier) load(ctx context.Context, entity, key string) (*rec, error) {
	var r rec
	var data string
	err := a.tx.QueryRowContext(ctx, `SELECT id, key, coalesce(effective, data) FROM rows
		WHERE outcome = 'record' AND entity = ? AND key = ?`, entity, key).Scan(&r.id, &r.key, &data)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), &r.fields); err != nil {
		return nil, fmt.Errorf("record %s: %w", key, err)
	}
	return &r, nil
}

func (a *applier) save(ctx context.Context, r *rec) error {
	b, err := json.Marshal(r.fields)
	if err != nil {
		return err
	}
	_, err = a.tx.ExecContext(ctx, `UPDATE rows SET effective = ? WHERE id = ?`, string(b), r.id)
	return err
}

func (a *applier) setState(ctx context.Context, id int64, state, note string, mergedInto any) error {
	_, err := a.tx.ExecContext(ctx, `UPDATE rows SET state = ?, state_note = ?, merged_into = ? WHERE id = ?`, state, note, mergedInto, id)
	return err
}

func (a *applier) apply(ctx context.Context, op Op) error {
	e := string(op.Entity)
	switch op.Kind {
	case Merge:
		var recs []*rec
		var missing []string
		for _, k := range op.Targets {
			r, err := a.load(ctx, e, k)
			if err != nil {
				return err
			}
			if r == nil {
				missing = append(missing, k)
				continue
			}
			recs = append(recs, r)
		}
		if len(recs) < 2 || recs[0].key != op.Targets[0] {
			return notApplicable{fmt.Sprintf("records no longer in the project: %s", strings.Join(missing, ", "))}
		}
		survivor := recs[0]
		byKey := map[string]*rec{}
		for _, r := range recs {
			byKey[r.key] = r
		}
		for field, from := range op.Choose {
			if src, ok := byKey[from]; ok {
				if v, ok := src.fields[field]; ok {
					survivor.fields[field] = v
				} else {
					delete(survivor.fields, field)
				}
			}
		}
		// Lists (e-mails, phones, addresses, web sites) are united, so a merge
		// never loses a way to reach the client.
		for _, list := range MergeUnites {
			for _, r := range recs[1:] {
				survivor.fields[list] = unite(survivor.fields[list], r.fields[list])
			}
		}
		if err := a.save(ctx, survivor); err != nil {
			return err
		}
		for _, r := range recs[1:] {
			if err := a.setState(ctx, r.id, "merged", "merged into "+survivor.key, survivor.key); err != nil {
				return err
			}
		}
		return nil
	case Exclude, Include:
		found := 0
		for _, k := range op.Targets {
			r, err := a.load(ctx, e, k)
			if err != nil {
				return err
			}
			if r == nil {
				continue
			}
			found++
			state, note := "excluded", op.Note
			if op.Kind == Include {
				state, note = "active", ""
			}
			if err := a.setState(ctx, r.id, state, note, nil); err != nil {
				return err
			}
		}
		if found == 0 {
			return notApplicable{"none of its records are in the project any more"}
		}
		return nil
	case Set:
		r, err := a.load(ctx, e, op.Targets[0])
		if err != nil {
			return err
		}
		if r == nil {
			return notApplicable{fmt.Sprintf("record %s is no longer in the project", op.Targets[0])}
		}
		var v any
		json.Unmarshal(op.Value, &v)
		r.fields[op.Field] = v
		return a.save(ctx, r)
	case Normalize, MapValues:
		return a.eachRecord(ctx, e, func(r *rec) (bool, error) {
			if op.Kind == MapValues {
				return mapValue(r.fields, op.Field, op.Values), nil
			}
			return normalize(r.fields, op.Norm, a.country), nil
		})
	}
	return fmt.Errorf("unknown operation %q", op.Kind)
}

// eachRecord visits every active record of a type in batches, so a bulk fix
// over a million records runs in flat memory.
func (a *applier) eachRecord(ctx context.Context, entity string, fn func(*rec) (bool, error)) error {
	last := int64(0)
	for {
		rows, err := a.tx.QueryContext(ctx, `SELECT id, key, coalesce(effective, data) FROM rows
			WHERE outcome = 'record' AND entity = ? AND state = 'active' AND id > ? ORDER BY id LIMIT 1000`, entity, last)
		if err != nil {
			return err
		}
		var batch []*rec
		for rows.Next() {
			r := &rec{}
			var data string
			if err := rows.Scan(&r.id, &r.key, &data); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal([]byte(data), &r.fields); err != nil {
				rows.Close()
				return fmt.Errorf("record %s: %w", r.key, err)
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, r := range batch {
			last = r.id
			changed, err := fn(r)
			if err != nil {
				return err
			}
			if changed {
				if err := a.save(ctx, r); err != nil {
					return err
				}
			}
		}
	}
}

func unite(a, b any) any {
	la, _ := a.([]any)
	lb, _ := b.([]any)
	seen := map[string]bool{}
	var out []any
	for _, v := range append(append([]any{}, la...), lb...) {
		k := identity(v)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, v)
	}
	if out == nil {
		return a
	}
	return out
}

// identity compares list entries by their value (address, number), not by label.
func identity(v any) string {
	if m, ok := v.(map[string]any); ok {
		for _, f := range []string{"address", "number"} {
			if s, ok := m[f].(string); ok {
				return f + ":" + strings.ToLower(strings.Join(strings.Fields(s), ""))
			}
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func mapValue(fields map[string]any, field string, values map[string]string) bool {
	cur, ok := fields[field].(string)
	if !ok {
		return false
	}
	want := strings.ToLower(strings.TrimSpace(cur))
	for from, to := range values {
		if strings.ToLower(strings.TrimSpace(from)) == want {
			if cur == to {
				return false
			}
			fields[field] = to
			return true
		}
	}
	return false
}

func normalize(fields map[string]any, norm, country string) bool {
	changed := false
	each := func(list, field string, fn func(string) string) {
		items, _ := fields[list].([]any)
		for _, it := range items {
			m, ok := it.(map[string]any)
			if !ok {
				continue
			}
			if s, ok := m[field].(string); ok {
				if n := fn(s); n != s {
					m[field] = n
					changed = true
				}
			}
		}
	}
	switch norm {
	case NormPhones:
		each("phone_numbers", "number", func(s string) string { return E164(s, country) })
	case NormEmails:
		each("email_addresses", "address", func(s string) string { return strings.ToLower(strings.TrimSpace(s)) })
	case NormNameCase:
		for _, f := range []string{"first_name", "middle_name", "last_name", "prefix"} {
			if s, ok := fields[f].(string); ok {
				if n := NameCase(s); n != s {
					fields[f] = n
					changed = true
				}
			}
		}
	case NormEmailPhones:
		changed = moveEmailPhones(fields)
	case NormTrim:
		for f, v := range fields {
			if s, ok := v.(string); ok {
				if n := strings.Join(strings.Fields(s), " "); n != s && !strings.Contains(s, "\n") {
					fields[f] = n
					changed = true
				}
			}
		}
	}
	return changed
}

// moveEmailPhones moves each e-mail entry whose address is a phone number
// (model.LooksLikePhone, and not a valid address) to the phone numbers,
// keeping its label where Clio's phone labels have it (Work, Home; else
// Other). A number the contact already has is not added twice.
func moveEmailPhones(fields map[string]any) bool {
	emails, _ := fields["email_addresses"].([]any)
	phones, _ := fields["phone_numbers"].([]any)
	have := map[string]bool{}
	for _, p := range phones {
		have[identity(p)] = true
	}
	var kept []any
	moved := false
	for _, e := range emails {
		m, ok := e.(map[string]any)
		addr, _ := m["address"].(string)
		if !ok || model.ValidEmail(addr) || !model.LooksLikePhone(strings.TrimSpace(addr)) {
			kept = append(kept, e)
			continue
		}
		moved = true
		label, _ := m["name"].(string)
		if label != "Work" && label != "Home" {
			label = "Other"
		}
		p := map[string]any{"name": label, "number": strings.TrimSpace(addr)}
		if !have[identity(p)] {
			have[identity(p)] = true
			phones = append(phones, p)
		}
	}
	if !moved {
		return false
	}
	if len(kept) == 0 {
		delete(fields, "email_addresses")
	} else {
		fields["email_addresses"] = kept
	}
	fields["phone_numbers"] = phones
	return true
}

// E164 formats a phone number for the firm's country ("(555) 123-4567" →
// "+15551234567"); a number that does not parse is returned unchanged.
func E164(s, country string) string {
	num, err := phonenumbers.Parse(s, country)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return s
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

// NameCase fixes names typed all in capitals or all in lower case. Mixed-case
// names ("McDonald", "van der Berg") are left alone: they are probably right.
func NameCase(s string) string {
	if s != strings.ToUpper(s) && s != strings.ToLower(s) {
		return s
	}
	out := []rune(strings.ToLower(s))
	start := true
	for i, r := range out {
		if start && unicode.IsLetter(r) {
			out[i] = unicode.ToUpper(r)
		}
		start = r == ' ' || r == '-' || r == '\'' || r == '.'
	}
	return string(out)
}
