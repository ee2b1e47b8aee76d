package pack

import (
	"context"
	"io"
	"time"

	"handover/core/report"
	"handover/core/workspace"
)

// stableXLSX writes the readiness workbook, every part stamped with mod, in
// a fixed order, streamed straight into the package (report.WriteXLSXFrom
// holds one row at a time and writes nothing to disk).
func stableXLSX(ctx context.Context, ws *workspace.Workspace, w io.Writer, mod time.Time, g *report.Gathered) error {
	return report.WriteXLSXFrom(ctx, ws, w, mod, g)
}
