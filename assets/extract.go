package assets

import (
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// DemoExportTime is when the fictional firm exported its data (the evening of
// its cut-off day, 20 November 2026, New York time). The extracted files carry
// it as their modification time, which is how Handover tells a file's export
// time.
var DemoExportTime = time.Date(2026, 11, 20, 22, 30, 0, 0, time.UTC)

// ExtractDemo writes the demo firm's export files (not the ground truth,
// which stays inside the binary for tests) into dir/exports and returns that
// folder, replacing whatever was there.
func ExtractDemo(dir string) (string, error) {
	sub, err := fs.Sub(Demo, "demo")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "exports")
	if err := os.RemoveAll(out); err != nil {
		return "", err
	}
	err = fs.WalkDir(sub, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(out, filepath.FromSlash(path))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if path == "truth.json" {
			return nil
		}
		b, err := fs.ReadFile(sub, path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, b, 0o644); err != nil {
			return err
		}
		return os.Chtimes(target, DemoExportTime, DemoExportTime)
	})
	return out, err
}
