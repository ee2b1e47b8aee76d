package tabular

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// ErrNeedMDBTools is returned when an Access database is given but mdbtools is not installed.
var ErrNeedMDBTools = errors.New("Reading Access databases needs mdbtools (Debian/Ubuntu: sudo apt install mdbtools). On Windows: open the database in Access and use External Data > Export > Text File for each table, then add the CSV files.")

type mdbReader struct {
	path   string
	info   Info
	tables []string
	next   int
	cur    *csvReader
	cmd    *exec.Cmd
	cancel context.CancelFunc
	stderr *bytes.Buffer
	table  string
	opts   Options
}

func openMDB(path string, opts Options) (Reader, error) {
	tablesBin, err1 := exec.LookPath("mdb-tables")
	_, err2 := exec.LookPath("mdb-export")
	if err1 != nil || err2 != nil {
		return nil, ErrNeedMDBTools
	}
	out, err := exec.Command(tablesBin, "-1", path).Output()
	if err != nil {
		var ee *exec.ExitError
		msg := err.Error()
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			msg = strings.TrimSpace(string(ee.Stderr))
		}
		return nil, fmt.Errorf("mdbtools could not list the tables of this Access database (%s); if it is password-protected or from a newer Access, export each table to CSV from Access instead", msg)
	}
	r := &mdbReader{path: path, opts: opts, info: Info{Format: FormatMDB, Encoding: "utf-8", Delimiter: ",", HeaderRow: 1, Guessed: map[string]string{}}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		t := strings.TrimRight(sc.Text(), "\r")
		if t == "" {
			continue
		}
		if opts.Sheet != "" && !strings.EqualFold(t, opts.Sheet) {
			continue
		}
		r.tables = append(r.tables, t)
	}
	if opts.Sheet != "" && len(r.tables) == 0 {
		return nil, fmt.Errorf("the Access database has no table named %q", opts.Sheet)
	}
	if len(r.tables) == 0 {
		r.info.Notes = append(r.info.Notes, "the Access database has no user tables")
	}
	return r, nil
}

func (r *mdbReader) Info() Info { return r.info }

func (r *mdbReader) startTable() error {
	t := r.tables[r.next]
	r.next++
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "mdb-export", "-D", "%Y-%m-%d %H:%M:%S", r.path, t)
	r.stderr = &bytes.Buffer{}
	cmd.Stderr = &limitedBuffer{b: r.stderr, max: 64 << 10}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return fmt.Errorf("mdb-export could not start: %v", err)
	}
	// mdb-export writes UTF-8 CSV with a header line.
	cr, err := newCSVReader(stdout, Options{Encoding: "utf-8", Delimiter: ',', HeaderRow: 1}, t)
	if err != nil {
		cancel()
		cmd.Wait()
		if strings.Contains(err.Error(), "not the start of a readable record") {
			// No output at all: an empty table still has a header line, so this is a failure.
			return fmt.Errorf("mdb-export gave no output for table %s: %s", t, strings.TrimSpace(r.stderr.String()))
		}
		return fmt.Errorf("table %s: %v", t, err)
	}
	r.cur, r.cmd, r.cancel, r.table = cr, cmd, cancel, t
	return nil
}

func (r *mdbReader) finishTable() error {
	err := r.cmd.Wait()
	r.cancel()
	r.cur, r.cmd = nil, nil
	if err != nil {
		return fmt.Errorf("mdb-export failed on table %s (%v): %s", r.table, err, strings.TrimSpace(r.stderr.String()))
	}
	return nil
}

func (r *mdbReader) Next() (Row, error) {
	for {
		if r.cur == nil {
			if r.next >= len(r.tables) {
				return Row{}, io.EOF
			}
			if err := r.startTable(); err != nil {
				return Row{}, err
			}
		}
		row, err := r.cur.Next()
		if err == io.EOF {
			if err := r.finishTable(); err != nil {
				return Row{}, err
			}
			continue
		}
		if err != nil {
			r.cancel()
			r.cmd.Wait()
			r.cur, r.cmd = nil, nil
			return Row{}, fmt.Errorf("table %s: %v", r.table, err)
		}
		return row, nil
	}
}

func (r *mdbReader) Close() error {
	if r.cmd != nil {
		r.cancel()
		r.cmd.Wait()
		r.cmd, r.cur = nil, nil
	}
	return nil
}

type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
