package fakeclio

import (
	"testing"
)

// BenchmarkCreateContact measures one POST /contacts.json round trip on loopback.
func BenchmarkCreateContact(b *testing.B) {
	c := start(b, Options{Logf: func(string, ...any) {}})
	body := data(map[string]any{"type": "Person", "first_name": "Bench", "last_name": "Mark",
		"email_addresses": []any{map[string]any{"name": "Work", "address": "b@m.example"}}})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := c.try("POST", "/contacts.json", body); err != nil || r.status != 201 {
			b.Fatalf("%v %d", err, r.status)
		}
	}
}
