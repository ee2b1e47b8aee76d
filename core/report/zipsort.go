package report

import (
	"archive/zip"
	"bytes"
	"io"
	"sort"

	"github.com/xuri/excelize/v2"
)

// writeSorted writes the workbook with its zip entries in name order.
// excelize writes the parts in map-iteration order, so the same report would
// otherwise come out as different bytes from run to run, and a migration
// package must be reproducible. The entries are copied without recompressing.
func writeSorted(f *excelize.File, w io.Writer) error {
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return err
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	zw := zip.NewWriter(w)
	for _, zf := range files {
		hdr := zf.FileHeader
		raw, err := zf.OpenRaw()
		if err != nil {
			return err
		}
		out, err := zw.CreateRaw(&hdr)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, raw); err != nil {
			return err
		}
	}
	return zw.Close()
}
