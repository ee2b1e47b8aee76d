package pack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"handover/core/model"
	"handover/core/readiness"
	"handover/core/workspace"
)

// benchProject stages a synthetic firm of n input rows (HANDOVER_BENCH_RECORDS,
// default 200,000): 20% contacts, 10% matters, 65% unbilled time, 5% billed
// time left out.
func benchProject(b *testing.B, n int) *workspace.Workspace {
	b.Helper()
	ctx := context.Background()
	ws, err := workspace.Create(filepath.Join(b.TempDir(), "bench.handover"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	ws.SetSetting(ctx, workspace.SettingFirmName, "Bench & Co")
	contacts, matters := n/5, n/10
	stage := func(name string, rows int, mk func(i int) workspace.Row) {
		st, err := ws.BeginSource(ctx, workspace.SourceInfo{Path: "/bench/" + name, Name: name, Format: "csv", System: "PCLaw", SHA256: name})
		if err != nil {
			b.Fatal(err)
		}
		h, _ := st.Header(ctx, "", []string{"Id", "A", "B", "C"})
		for i := 0; i < rows; i++ {
			r := mk(i)
			r.Num, r.Header = int64(i+2), h
			if err := st.Stage(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := st.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
	stage("clients.csv", contacts, func(i int) workspace.Row {
		c := &model.Contact{Type: "Person", FirstName: fmt.Sprintf("First%d", i), LastName: fmt.Sprintf("Last%d", i),
			Emails:    []model.Email{{Name: "Work", Address: fmt.Sprintf("p%d@example.com", i), Default: true}},
			Phones:    []model.Phone{{Name: "Work", Number: fmt.Sprintf("+1 212 555 %04d", i%10000), Default: true}},
			Addresses: []model.Address{{Name: "Work", Street: fmt.Sprintf("%d Main St", i), City: "Springfield", Province: "MA", PostalCode: "01101"}}}
		return workspace.Row{Raw: []string{strconv.Itoa(i), c.FirstName, c.LastName, c.Emails[0].Address},
			Records: []model.Record{{Entity: model.Contacts, Key: "pclaw:contacts:" + strconv.Itoa(i), Data: c}}}
	})
	stage("matters.csv", matters, func(i int) workspace.Row {
		m := &model.Matter{DisplayNumber: fmt.Sprintf("M-%06d", i), Description: fmt.Sprintf("Matter %d: purchase of %d Oak Ave", i, i),
			Client: model.Ref{Kind: "id", Value: strconv.Itoa(i % contacts)}, Status: "Open", OpenDate: "2020-01-01"}
		return workspace.Row{Raw: []string{strconv.Itoa(i), m.DisplayNumber, m.Description, ""},
			Records: []model.Record{{Entity: model.Matters, Key: "pclaw:matters:" + strconv.Itoa(i), Data: m}}}
	})
	stage("time.csv", n-contacts-matters, func(i int) workspace.Row {
		t := &model.TimeEntry{Type: "TimeEntry", Date: "2026-01-05", Seconds: int64(360 * (1 + i%40)), Price: 25000, User: "HL",
			Matter: model.Ref{Kind: "number", Value: fmt.Sprintf("M-%06d", i%matters)}, Note: "Drafted correspondence to opposing counsel"}
		raw := []string{strconv.Itoa(i), t.Date, t.Note, "0.5"}
		if i%14 == 13 {
			return workspace.Row{Raw: raw, Excluded: model.BilledHistory, Entity: model.TimeEntries, Excl: t, Detail: "on invoice 123"}
		}
		return workspace.Row{Raw: raw, Records: []model.Record{{Entity: model.TimeEntries, Key: "pclaw:time:" + strconv.Itoa(i), Data: t}}}
	})
	if err := readiness.Acknowledge(ctx, ws, "Bench", cutoff, cutoff); err != nil {
		b.Fatal(err)
	}
	return ws
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkPackage measures packaging throughput: MB/s of package content
// (uncompressed entries), rows per second, the zip's size and the Go heap's
// high-water mark while packaging.
func BenchmarkPackage(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("HANDOVER_BENCH_RECORDS")); err == nil && v > 0 {
		n = v
	}
	ws := benchProject(b, n)
	ctx := context.Background()
	runtime.GC()
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // the Go heap's high-water mark while packaging
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	var size, content int64
	for b.Loop() {
		cw := &countWriter{}
		m, err := Write(ctx, ws, cw, Options{AppVersion: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		size, content = cw.n, 0
		for _, f := range m.Files {
			content += f.Size
		}
	}
	b.SetBytes(content) // MB/s of package content (uncompressed) written
	b.ReportMetric(float64(size)/(1<<20), "zip-MB")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	close(stop)
	<-sampled
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
