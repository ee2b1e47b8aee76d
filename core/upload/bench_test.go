package upload

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"handover/core/model"
	"handover/internal/fakeclio"
)

// BenchmarkUploadPacing uploads the demo firm at Clio's peak (50) and
// off-peak (300) limits, with the window shortened from 60 s to 2 s so a run
// takes seconds (HANDOVER_BENCH_WINDOW=10s for a closer look): go test ./core/upload -run '^$' -bench UploadPacing -benchtime 1x
//
// Reported: achieved requests per window vs the limit, 429s (0 when the
// X-RateLimit headers are honoured), requests per uploaded record, and the
// plan's estimate (scaled to the short window) vs the actual time.
func BenchmarkUploadPacing(b *testing.B) {
	window := 2 * time.Second
	if d, err := time.ParseDuration(os.Getenv("HANDOVER_BENCH_WINDOW")); err == nil && d > 0 {
		window = d // e.g. 10s: Clio's Reset header is whole seconds, which costs a 2 s window up to half its budget
	}
	for _, limit := range []int{50, 300} {
		b.Run(fmt.Sprintf("limit%d", limit), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				f := startFake(b, fakeclio.Options{RateLimit: limit, Window: window})
				ws := openWS(b, demoProject(b))
				ctx := context.Background()
				p, err := Plan(ctx, ws, f.client, Options{AllowBlockers: true})
				if err != nil {
					b.Fatal(err)
				}
				// a fresh token (and window) for the run itself
				f.token, _ = f.srv.IssueToken("bench")
				f.client = f.newClient(b)
				time.Sleep(window)
				start := time.Now()
				rec, err := Run(ctx, ws, f.client, Options{AllowBlockers: true})
				if err != nil {
					b.Fatal(err)
				}
				took := time.Since(start)
				st := f.srv.Snapshot()
				var records int64
				for _, e := range model.Entities {
					records += rec.Created[e] + rec.Linked[e]
				}
				// the plan's estimate assumes limit per minute: scale it to this window
				est := time.Duration(float64(estimate(p.Requests, limit)) * float64(window) / float64(time.Minute))
				rate := float64(rec.Requests) / took.Seconds() * window.Seconds()
				b.ReportMetric(rate, "req/window")
				b.ReportMetric(float64(limit), "limit/window")
				b.ReportMetric(float64(st.MaxRequestsInWindow), "max-in-window")
				b.ReportMetric(float64(st.RateLimited), "429s")
				b.ReportMetric(float64(rec.Requests)/float64(records), "req/record")
				b.ReportMetric(est.Seconds(), "est-s")
				b.ReportMetric(took.Seconds(), "actual-s")
				b.Logf("limit %d/%s: %d requests for %d records in %s (%.1f/window, max %d in a window), 429s %d, plan %d requests est %s",
					limit, window, rec.Requests, records, took.Round(time.Millisecond), rate, st.MaxRequestsInWindow, st.RateLimited, p.Requests, est.Round(time.Millisecond))
			}
		})
	}
}
