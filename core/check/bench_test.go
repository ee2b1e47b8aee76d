package check

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"handover/core/model"
	"handover/core/workspace"
)

var (
	benchFirst = []string{"Ada", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena", "Milo", "Nia", "Omar", "Pia",
		"Quinn", "Rosa", "Sol", "Tara", "Uma", "Vic", "Wes", "Xena", "Yuri", "Zoe", "Robert", "Bob", "William", "Bill"}
	benchLast = []string{"Abbott", "Baker", "Castillo", "Dunn", "Ellis", "Fischer", "Garcia", "Hughes", "Ibarra", "Jensen", "Kowalski",
		"Lindqvist", "Moreau", "Nakamura", "Okafor", "Patel", "Quist", "Rossi", "Santos", "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zhang"}
)

// genProject stages a synthetic firm: contacts (about 1 in 20 a near copy of
// another, in a second source), matters and time entries.
func genProject(b *testing.B, contacts, matters, times int) *workspace.Workspace {
	b.Helper()
	ws := newWS(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	stage := func(name string, n int, mk func(i int) (model.Entity, string, any)) {
		st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/bench/" + name, Name: name, Format: "csv", System: "PCLaw"})
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < n; i++ {
			e, id, data := mk(i)
			if err := st.Stage(ctx, workspace.Row{Num: int64(i + 2), Raw: []string{id},
				Records: []model.Record{{Entity: e, Key: "pclaw:" + string(e) + ":" + id, Data: data}}}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := st.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
	phone := func(i int) string { return fmt.Sprintf("(212) %03d-%04d", 200+i/10000%800, i%10000) }
	stage("clients.csv", contacts, func(i int) (model.Entity, string, any) {
		j := i
		if i%20 == 19 { // a near copy of an earlier contact
			j = r.IntN(i)
		}
		f, l := benchFirst[j%len(benchFirst)], benchLast[(j/len(benchFirst))%len(benchLast)]
		if i%20 == 19 && r.IntN(2) == 0 {
			f = map[string]string{"Robert": "Bob", "William": "Bill"}[f] + f[:0]
			if f == "" {
				f = benchFirst[j%len(benchFirst)]
			}
		}
		c := person(f, fmt.Sprintf("%s-%d", l, j/(len(benchFirst)*len(benchLast))),
			[]string{fmt.Sprintf("p%d@example.com", j)}, phone(j))
		return model.Contacts, fmt.Sprint(i), c
	})
	stage("matters.csv", matters, func(i int) (model.Entity, string, any) {
		return model.Matters, fmt.Sprint(i), matter(fmt.Sprintf("%02d-%04d", 10+i/10000, i%10000), cid(fmt.Sprint(r.IntN(contacts))),
			"Matter", "Open", "2020-01-01", "", "HL")
	})
	stage("time.csv", times, func(i int) (model.Entity, string, any) {
		m := r.IntN(matters)
		return model.TimeEntries, fmt.Sprint(i), te("2026-01-05", int64(360*(1+r.IntN(40))), 25000, []string{"HL", "JH", "MP"}[i%3],
			fmt.Sprintf("%02d-%04d", 10+m/10000, m%10000))
	})
	return ws
}

func BenchmarkCheck(b *testing.B) {
	ws := genProject(b, 5000, 2500, 50000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(ctx, ws, Options{Now: now, ClioUsers: clioUsers("Helen Lane", "James Harbor", "María Peña")}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(57500, "records/op")
}

func benchDupes(b *testing.B, n int) {
	ws := genProject(b, n, 1, 0)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var clusters int
	for b.Loop() {
		cl, err := FindDuplicates(ctx, ws, Options{Country: "US"})
		if err != nil {
			b.Fatal(err)
		}
		clusters = len(cl)
	}
	b.ReportMetric(float64(clusters), "clusters")
}

func BenchmarkDuplicates10k(b *testing.B)  { benchDupes(b, 10000) }
func BenchmarkDuplicates100k(b *testing.B) { benchDupes(b, 100000) }
func BenchmarkDuplicates1M(b *testing.B)   { benchDupes(b, 1000000) }
