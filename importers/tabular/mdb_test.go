package tabular

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func fakeMDB(t *testing.T) string {
	// An Access file header: the magic is what Detect looks at.
	b := make([]byte, 4096)
	copy(b[4:], "Standard Jet DB\x00")
	return writeFile(t, "firm data.mdb", b)
}

func TestMDBNeedsMDBTools(t *testing.T) {
	p := fakeMDB(t)
	if f, _ := Detect(p); f != FormatMDB {
		t.Fatalf("Detect = %q", f)
	}
	t.Setenv("PATH", t.TempDir())
	_, err := Open(p, Options{})
	if !errors.Is(err, ErrNeedMDBTools) || !strings.Contains(err.Error(), "sudo apt install mdbtools") || !strings.Contains(err.Error(), "External Data > Export > Text File") {
		t.Fatalf("err = %v", err)
	}
}

func TestMDBThroughFakeMDBTools(t *testing.T) {
	p := fakeMDB(t)
	bin := t.TempDir()
	script := func(name, body string) {
		mustNil(t, os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body), 0o755))
	}
	script("mdb-tables", `[ "$1" = "-1" ] || exit 2
printf 'Clients\nMatter Notes\nBroken\n'
`)
	script("mdb-export", `[ "$1" = "-D" ] && [ "$2" = "%Y-%m-%d %H:%M:%S" ] || exit 3
case "$4" in
Clients) printf 'ID,Name,Opened\n1,"Smith, John",2024-03-15 00:00:00\n2,"Line1\nLine2",\n3,x\n' ;;
"Matter Notes") printf 'ID,Note\n' ;;
*) echo "table not found" >&2; exit 1 ;;
esac
`)
	t.Setenv("PATH", bin)
	r, err := Open(p, Options{})
	mustNil(t, err)
	defer r.Close()
	var rows []Row
	var last error
	for {
		row, err := r.Next()
		if err != nil {
			last = err
			break
		}
		rows = append(rows, row)
	}
	if last == nil || !strings.Contains(last.Error(), "Broken") || !strings.Contains(last.Error(), "table not found") {
		t.Fatalf("want the failing table named in the error, got %v", last)
	}
	if info := r.Info(); info.Format != "mdb" {
		t.Errorf("info %+v", info)
	}
	if len(rows) != 3 {
		t.Fatalf("rows %+v", rows)
	}
	if rows[0].Table.Name != "Clients" || !reflect.DeepEqual(rows[0].Table.Header, []string{"ID", "Name", "Opened"}) {
		t.Errorf("table %+v", rows[0].Table)
	}
	if !reflect.DeepEqual(rows[0].Values, []string{"1", "Smith, John", "2024-03-15 00:00:00"}) || rows[1].Values[1] != "Line1\nLine2" {
		t.Errorf("values %q %q", rows[0].Values, rows[1].Values)
	}
	if rows[2].Kind != Data || rows[2].Values[2] != "" || !strings.Contains(rows[2].Warning, "2 fields, the header has 3") {
		t.Errorf("row missing its last field: %+v", rows[2]) // read with it empty, and says so
	}

	_, rows = readAll(t, p, Options{Sheet: "matter notes"})
	if len(rows) != 0 {
		t.Errorf("empty table gave %+v", rows)
	}
}
