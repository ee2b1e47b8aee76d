package pack

import (
	"archive/zip"
	"compress/flate"
	"context"
	"io"
	"os"
	"sort"
	"time"

	"filippo.io/age"

	"handover/core/report"
	"handover/core/workspace"
)

// stableXLSX writes the readiness workbook with its parts in a fixed order.
//
// excelize writes an .xlsx's parts in map order, so two runs give the same
// content in different bytes. The workbook is re-zipped here:
// [Content_Types].xml first, then the parts by name, fixed time, fixed
// compression. Re-zipping needs random access to the finished workbook, and
// the workbook holds the firm's data, so it is spooled to a temporary file
// encrypted with a throw-away age key that exists only in memory: no
// plaintext on disk, memory stays flat however large the report is.
func stableXLSX(ctx context.Context, ws *workspace.Workspace, w io.Writer, mod time.Time) error {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return err
	}
	spool, err := os.CreateTemp("", "handover-report-*.age")
	if err != nil {
		return err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	aw, err := age.Encrypt(spool, id.Recipient())
	if err != nil {
		return err
	}
	if err := report.WriteXLSX(ctx, ws, aw); err != nil {
		return err
	}
	if err := aw.Close(); err != nil {
		return err
	}
	st, err := spool.Stat()
	if err != nil {
		return err
	}
	ra, size, err := age.DecryptReaderAt(spool, st.Size(), id)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return err
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.SliceStable(files, func(i, j int) bool {
		a, b := files[i].Name == "[Content_Types].xml", files[j].Name == "[Content_Types].xml"
		if a != b {
			return a
		}
		return files[i].Name < files[j].Name
	})
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, compressionLevel)
	})
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		dst, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: mod})
		if err == nil {
			_, err = io.Copy(dst, rc)
		}
		rc.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}
