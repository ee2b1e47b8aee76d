package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"handover/importers/tabular"
)

// A file the relational pre-pass read for this run is mapped from what that
// read saw, not read a second time: the plans, tables, row count and reader
// info must be exactly those of scanning the file itself.
func TestScanFromThePrePassMatchesScanningTheFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var b strings.Builder
	b.WriteString("Report of time\n\nDate,Matter,Hours,Amount,Notes,Ref\n")
	for i := 0; i < 300; i++ {
		day := 1 + i%12 // day and month both <= 12 until the last rows: the order is settled late
		if i == 290 {
			day = 25
		}
		b.WriteString(strings.Join([]string{
			fmt.Sprintf("03/%02d/2024", day), fmt.Sprintf("M-%02d", 1+i%7), "1.5", `"1,234.50"`, fmt.Sprintf("Call %d", i), fmt.Sprintf("16-10%02d", i%90),
		}, ","))
		b.WriteString("\n")
		if i == 150 {
			b.WriteString("\n,,,,,\n")
		}
	}
	time := write("time.csv", b.String())
	write("matters.csv", "Matter,Client\nM-01,Ana Ruiz\nM-02,Bo Lee\nM-03,Cy Xu\nM-04,Di Po\nM-05,Ed Ng\nM-06,Fa Wu\nM-07,Gu Li\n")

	ctx := context.Background()
	scanWith := func(rel *related) (map[string]*tableState, []string, int64, tabular.Info) {
		tables, order, rows, info, err := scan(ctx, time, nil, Options{related: rel})
		if err != nil {
			t.Fatal(err)
		}
		return tables, order, rows, info
	}
	fromRead := newRelated(nil, []string{time})
	read, ok := fromRead.hints(ctx, time, nil, Options{}).Read(time)
	if !ok || read.Rows == 0 {
		t.Fatal("the pre-pass kept nothing of the file the run reads")
	}
	tablesA, orderA, rowsA, infoA := scanWith(fromRead)
	tablesB, orderB, rowsB, infoB := scanWith(newRelated(nil, nil)) // the pre-pass keeps nothing: scan reads the file
	if rowsA != rowsB || !reflect.DeepEqual(orderA, orderB) || !reflect.DeepEqual(infoA, infoB) {
		t.Fatalf("rows %d vs %d, order %v vs %v, info %+v vs %+v", rowsA, rowsB, orderA, orderB, infoA, infoB)
	}
	for _, k := range orderA {
		a, b := tablesA[k], tablesB[k]
		if a.first != b.first || !reflect.DeepEqual(a.table, b.table) {
			t.Fatalf("table %q: first %d vs %d, %+v vs %+v", k, a.first, b.first, a.table, b.table)
		}
		if !reflect.DeepEqual(a.plan, b.plan) {
			t.Errorf("table %q: the plan from the pre-pass's read differs from the scanned one:\n%+v\n%+v", k, a.plan, b.plan)
		}
		if a.plan.DateOrders["Date"] != "MDY" {
			t.Errorf("the date order was not settled from every row: %v", a.plan.DateOrders)
		}
	}
}
