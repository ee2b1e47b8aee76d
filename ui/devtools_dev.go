//go:build dev

package ui

import (
	"os"
	"time"
)

func init() {
	devTools = func(u *App) {
		if os.Getenv("HANDOVER_TOUR") == "1" { // scripts/screenshots.sh
			Tour(u, 1500*time.Millisecond)
		}
		Bench(u) // HANDOVER_BENCH=readiness: scripts/bench/readiness.sh
	}
}
