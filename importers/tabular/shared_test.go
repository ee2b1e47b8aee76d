package tabular

import (
	"os"
	"path/filepath"
)

// sharedTestdata is ../shared/testdata beside the repository (files other
// people's tools wrote), found from the module root so a clone anywhere, as
// CI makes one, finds the copy laid beside it. The tests that use it fail
// when it is missing rather than pass on nothing.
func sharedTestdata(sub string) string {
	if dir, err := os.Getwd(); err == nil {
		for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				return filepath.Join(filepath.Dir(d), "shared", "testdata", sub)
			}
		}
	}
	return filepath.Join("..", "..", "..", "shared", "testdata", sub)
}

var (
	spectrumDir = sharedTestdata("csv-spectrum")
	dbaseDir    = sharedTestdata("dbase")
)
