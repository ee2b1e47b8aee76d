package tabular

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchXLSXFiles are the bench data's workbooks: the 1M-row firm's A/R ledger
// (inline strings, dates, amounts; read by the CSV ingest's pre-pass as a
// sibling) and the 200k-row time.xlsx of `make bench` (shared strings).
// HANDOVER_XLSX_BENCH names another one.
func benchXLSXFiles(b *testing.B) map[string]string {
	files := map[string]string{
		"ar-ledger": "/work/wt/benchdata/firm-c100000-s1/pclaw/ar-ledger.xlsx",
		"time200k":  "/work/wt/benchdata/firm-c100000-s1/bench-200000/time.xlsx",
	}
	if p := os.Getenv("HANDOVER_XLSX_BENCH"); p != "" {
		files = map[string]string{filepath.Base(p): p}
	}
	for k, p := range files {
		if _, err := os.Stat(p); err != nil {
			delete(files, k)
		}
	}
	if len(files) == 0 {
		b.Skip("no bench workbook; set HANDOVER_XLSX_BENCH")
	}
	return files
}

// BenchmarkXLSXRead reads every row of each bench workbook through Open/Next.
func BenchmarkXLSXRead(b *testing.B) {
	for name, p := range benchXLSXFiles(b) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r, err := Open(p, Options{})
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				r.Close()
				b.ReportMetric(float64(n), "rows")
			}
		})
	}
}
