package report

import (
	"archive/zip"
	"compress/flate"
	"context"
	"io"
	"os"
	"sort"
	"time"

	"filippo.io/age"
	"github.com/xuri/excelize/v2"
)

// writeStable writes the workbook with its parts in a fixed order, stamped
// with mod, at a fixed compression level. excelize writes an .xlsx's parts
// in map order, so two runs would give the same content in different bytes,
// and a migration package must be reproducible.
//
// Re-zipping needs random access to the finished workbook, and the workbook
// holds the firm's data, so it is spooled to a temporary file encrypted with
// a throw-away age key that exists only in memory: no plaintext on disk from
// this step, and memory stays flat however large the report is.
func writeStable(ctx context.Context, f *excelize.File, w io.Writer, mod time.Time) error {
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
	if _, err := f.WriteTo(aw); err != nil {
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
		return flate.NewWriter(out, 6)
	})
	for _, zf := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		rc, err := zf.Open()
		if err != nil {
			return err
		}
		dst, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: mod})
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
