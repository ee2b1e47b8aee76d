//go:build synth

// Run with: go test -tags synth ./importers/mapping -run Synth
// It maps the generated demo firm (internal/synth) read by importers/tabular and
// compares counts, balances and planted findings with the firm's ground truth.
// Behind a build tag so this package's tests do not depend on those packages.

package mapping

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"testing"

	"handover/core/model"
	"handover/importers/tabular"
	"handover/internal/synth"
)

func TestSynthFirmMatchesTruth(t *testing.T) {
	dir := t.TempDir()
	truth, err := synth.Generate(dir, synth.Options{Seed: 7, Contacts: 200})
	if err != nil {
		t.Fatal(err)
	}
	ar, trust := map[string]model.Cents{}, map[string]model.Cents{}
	seen := map[string]bool{}
	badStatus := 0
	var names []string
	for n := range truth.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		ft := truth.Files[name]
		r, err := tabular.Open(filepath.Join(dir, name), tabular.Options{})
		if err != nil {
			t.Logf("%s: skip (%v)", name, err)
			continue
		}
		type tstate struct {
			plan *Plan
			rows [][]string
			nums []int64
		}
		tables := map[*tabular.Table]*tstate{}
		var order []*tabular.Table
		got := map[string]int{}
		also := map[model.Entity]int{}
		for {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			switch row.Kind {
			case tabular.Empty:
				got["excl:empty_row"]++
				continue
			case tabular.NotData:
				got["excl:not_data"]++
				continue
			case tabular.Deleted:
				got["excl:deleted_in_source"]++
				continue
			case tabular.Rejected:
				got["rejected"]++
				continue
			}
			s := tables[row.Table]
			if s == nil {
				s = &tstate{}
				tables[row.Table] = s
				order = append(order, row.Table)
			}
			s.rows = append(s.rows, row.Values)
			s.nums = append(s.nums, row.Num)
		}
		r.Close()
		for _, tb := range order {
			s := tables[tb]
			p, err := Choose(filepath.Base(name), tb.Name, tb.Header, s.rows[:min(50, len(s.rows))], nil, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range s.rows {
				p.Observe(row)
			}
			p.Finish()
			t.Logf("%s [%s] header=%v → profile %s entity %s ledger %s unmapped %v", name, tb.Name, tb.Header, p.Profile, p.Entity, p.Ledger, p.Unmapped)
			for _, w := range p.Warnings {
				t.Logf("   warning %s %s %q: %s", w.Rule, w.Column, w.Value, w.Message)
				if w.Rule != "" {
					seen[fmt.Sprintf("%s|%s|%d|%s|%s", w.Rule, name, s.nums[0], w.Column, w.Value)] = true
				}
			}
			rej := 0
			for i, row := range s.rows {
				o := p.Map(row)
				switch {
				case o.Reject != "":
					got["rejected"]++
					if rej < 5 {
						t.Logf("   REJECT row %d: %s", s.nums[i], o.Reject)
					}
					rej++
				case o.Excluded != "":
					got["excl:"+string(o.Excluded)]++
					if l := o.Ledger; l != nil {
						switch l.Kind {
						case model.LedgerInvoice:
							ar[l.Matter.Value] += l.Amount
						case model.LedgerPayment, model.LedgerCredit:
							ar[l.Matter.Value] -= l.Amount
						case model.LedgerTrustDeposit:
							trust[l.Matter.Value] += l.Amount
						case model.LedgerTrustWithdrawal:
							trust[l.Matter.Value] -= l.Amount
						}
					}
				default:
					if m, ok := o.Records[0].Data.(*model.Matter); ok && m.Status != "Open" && m.Status != "Closed" && m.Status != "Pending" {
						badStatus++
					}
					for j, rec := range o.Records {
						if j == 0 {
							got["records"]++
						} else {
							also[rec.Entity]++
						}
					}
				}
				for _, f := range o.Findings {
					seen[fmt.Sprintf("%s|%s|%d|%s|%s", f.Rule, name, s.nums[i], f.Field, f.Value)] = true
				}
			}
		}
		want := map[string]int{"records": ft.Records, "rejected": ft.Rejected}
		for k, v := range ft.Excluded {
			want["excl:"+string(k)] = v
		}
		ok := true
		for k, v := range want {
			if got[k] != v {
				ok = false
			}
		}
		for k, v := range got {
			if want[k] != v {
				ok = false
			}
		}
		if !ok || fmt.Sprint(also) != fmt.Sprint(ft.Also) {
			t.Errorf("%s: got %v also %v; want %v also %v", name, got, also, want, ft.Also)
		}
	}
	for k, v := range ar {
		if v == 0 {
			delete(ar, k)
		}
	}
	for k, v := range trust {
		if v == 0 {
			delete(trust, k)
		}
	}
	if fmt.Sprint(ar) != fmt.Sprint(truth.ARBalances) || fmt.Sprint(trust) != fmt.Sprint(truth.TrustBalances) {
		t.Errorf("balances differ:\n ar %v\n want %v\n trust %v\n want %v", ar, truth.ARBalances, trust, truth.TrustBalances)
	}
	invalid := 0
	for _, p := range truth.Planted {
		if p.Rule == model.RuleMatterInvalidStatus {
			invalid++
		}
		if p.Rule == model.RuleExcelMangled || p.Rule == model.RuleDateAmbiguous {
			if !seen[fmt.Sprintf("%s|%s|%d|%s|%s", p.Rule, p.File, p.Row, p.Field, p.Value)] {
				t.Errorf("planted %+v not found", p)
			}
		}
	}
	if invalid != badStatus {
		t.Errorf("%d invalid statuses, %d planted", badStatus, invalid)
	}
}
