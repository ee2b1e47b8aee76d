package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"handover/core/workspace"
)

// A damaged file stops the ingest with an error that names the file (the
// office manager has twenty exports in a folder: "which one?"), says what is
// wrong and what to do, and saves nothing of it.
func TestDamagedInputsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	sqliteHead := append([]byte("SQLite format 3\x00"), make([]byte, 84)...)
	sqliteHead = append(sqliteHead, []byte(strings.Repeat("not a b-tree page ", 300))...)
	// A real workbook cut short: the zip's central directory is gone.
	xlsxPath := filepath.Join(dir, "whole.xlsx")
	xf := excelize.NewFile()
	for r := 1; r <= 400; r++ {
		xf.SetSheetRow("Sheet1", fmt.Sprintf("A%d", r), &[]any{fmt.Sprintf("2024-%03d", r), "Ruiz v. Acme, a matter with a long description", r * 17})
	}
	if err := xf.SaveAs(xlsxPath); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"corrupt-clients.sqlite": sqliteHead,
		"truncated-matters.xlsx": whole[:len(whole)/2],
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			write(t, path, data)
			ws, err := workspace.Create(filepath.Join(t.TempDir(), "firm.handover"))
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			_, err = Run(context.Background(), ws, []string{path}, Options{})
			if err == nil {
				t.Fatalf("a damaged %s was read without an error", name)
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("the error does not name the file %s: %v", name, err)
			}
			srcs, err := ws.Sources(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(srcs) != 0 {
				t.Errorf("a damaged file left %d source(s) in the project", len(srcs))
			}
		})
	}
}
