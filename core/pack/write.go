package pack

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"handover/core/model"
	"handover/core/report"
	"handover/core/workspace"
)

// packer writes the entries of one package in their fixed order.
type packer struct {
	ctx         context.Context
	ws          *workspace.Workspace
	z           *zipOut
	m           *Manifest
	opts        Options
	done, total int64
}

func (p *packer) tick() error {
	p.done++
	if p.done%1000 == 0 {
		if err := p.ctx.Err(); err != nil {
			return err
		}
		if p.opts.Progress != nil {
			p.opts.Progress(p.done, p.total)
		}
	}
	return nil
}

func (p *packer) run() error {
	if p.opts.Progress != nil {
		p.opts.Progress(0, p.total)
	}
	asOf := ""
	if t, ok := parseTime(p.m.Cutoff.Cutoff); ok {
		asOf = t.Format("2006-01-02")
	}
	refs, err := newRefs(p.ctx, p.ws)
	if err != nil {
		return err
	}
	defer refs.close()
	// The readiness reports need nothing the other entries compute: they are
	// written on their own goroutine, into temporary files, while the rest of
	// the package is, and copied in at their place in the fixed order.
	reports := p.startReports()
	defer reports.discard()
	cw := &clioWriter{ctx: p.ctx, ws: p.ws, z: p.z, refs: refs, asOf: asOf}
	steps := []func() error{cw.write, func() error { refs.close(); return nil }, p.data, p.documents, p.excluded,
		func() error { return p.reports(reports) }}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
		if err := p.ctx.Err(); err != nil {
			return err
		}
	}
	if p.opts.Progress != nil {
		p.opts.Progress(p.done, max(p.done, p.total))
	}
	return nil
}

// DataLine is one line of data/<type>.jsonl: the cleaned record, its key,
// where it came from, and the values as imported when cleaning changed them.
type DataLine struct {
	Key        string           `json:"key"`
	ID         int64            `json:"id"`
	Entity     model.Entity     `json:"entity"`
	Provenance model.Provenance `json:"provenance"`
	Derived    bool             `json:"derived,omitempty"`
	Data       any              `json:"data"`
	Original   any              `json:"original,omitempty"`
}

// DataFiles are the data/ entries in zip (name) order.
func DataFiles() []model.Entity {
	es := append([]model.Entity(nil), model.Entities...)
	sort.Slice(es, func(i, j int) bool { return es[i] < es[j] })
	return es
}

func marshalLine(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func (p *packer) data() error {
	for _, e := range DataFiles() {
		f, err := p.z.jsonl("data/" + string(e) + ".jsonl")
		if err != nil {
			return err
		}
		var n int64
		err = p.ws.EachRecordWithOriginal(p.ctx, e, func(r workspace.StoredRecord, original any) error {
			line := DataLine{Key: r.Key, ID: r.ID, Entity: e, Provenance: r.Prov, Derived: r.Derived, Data: r.Data}
			if r.Cleaned {
				line.Original = original
			}
			switch v := r.Data.(type) {
			case *model.ARBalance:
				p.m.Balances.AR.Cents += v.Amount
				p.m.Balances.ARLines++
			case *model.TrustBalance:
				p.m.Balances.Trust.Cents += v.Amount
				p.m.Balances.TrustLines++
			}
			b, err := marshalLine(line)
			if err != nil {
				return err
			}
			n++
			if err := f.line(b); err != nil {
				return err
			}
			return p.tick()
		})
		if err != nil {
			return err
		}
		if err := f.close(); err != nil {
			return err
		}
		p.m.Counts[e] = n
	}
	p.m.Balances.AR.Formatted = p.m.Balances.AR.Cents.String()
	p.m.Balances.Trust.Formatted = p.m.Balances.Trust.Cents.String()
	return nil
}

type docFile struct {
	sha, path, ext string
	status         string // included | missing | changed
	actual         string
}

func docExt(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if len(ext) < 2 || len(ext) > 9 {
		return ""
	}
	for _, r := range ext[1:] {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return ext
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (p *packer) documents() error {
	d := &p.m.Documents
	if p.opts.SkipDocuments {
		return nil
	}
	d.Included = true
	byPath := map[string]*docFile{} // one entry per file on disk
	bySHA := map[string]*docFile{}
	missing := func(r workspace.StoredRecord, doc *model.Document, reason string) {
		d.Missing = append(d.Missing, MissingFile{Key: r.Key, Name: doc.Name, Path: doc.Path, Reason: reason})
	}
	err := p.ws.EachRecord(p.ctx, workspace.RecordFilter{Entity: model.Documents}, func(r workspace.StoredRecord) error {
		doc := r.Data.(*model.Document)
		if doc.Path == "" || strings.HasPrefix(doc.Path, "email:") {
			missing(r, doc, "the file's bytes were not kept when it was read")
			return nil
		}
		if df, ok := byPath[doc.Path]; ok {
			if df.sha == "" {
				missing(r, doc, "the file is not on this computer any more")
			}
			return nil
		}
		sha := strings.ToLower(doc.SHA256)
		st, err := os.Stat(doc.Path)
		if err != nil || !st.Mode().IsRegular() {
			missing(r, doc, "the file is not on this computer any more")
			byPath[doc.Path] = &docFile{status: "missing"}
			return nil
		}
		if len(sha) != 64 {
			if sha, err = hashFile(doc.Path); err != nil {
				missing(r, doc, "the file cannot be read: "+err.Error())
				byPath[doc.Path] = &docFile{status: "missing"}
				return nil
			}
		}
		df := bySHA[sha]
		if df == nil {
			df = &docFile{sha: sha, path: doc.Path, ext: docExt(doc.Name)}
			bySHA[sha] = df
		}
		byPath[doc.Path] = df
		return nil
	})
	if err != nil {
		return err
	}
	shas := make([]string, 0, len(bySHA))
	for s := range bySHA {
		shas = append(shas, s)
	}
	sort.Strings(shas)
	for _, s := range shas {
		df := bySHA[s]
		if err := p.copyDocument(df); err != nil {
			return err
		}
		if df.status != "missing" {
			d.Files++
		}
	}
	// Files that changed or vanished since being read are named per record.
	err = p.ws.EachRecord(p.ctx, workspace.RecordFilter{Entity: model.Documents}, func(r workspace.StoredRecord) error {
		doc := r.Data.(*model.Document)
		if df := byPath[doc.Path]; df != nil && df.sha != "" {
			switch df.status {
			case "missing":
				missing(r, doc, "the file is not on this computer any more")
			case "changed":
				missing(r, doc, "the file changed since it was read (SHA-256 now "+df.actual+"): the package holds the bytes as they are now")
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.SliceStable(d.Missing, func(i, j int) bool { return d.Missing[i].Key < d.Missing[j].Key })
	f, err := p.z.csv("documents/index.csv", false, []string{"key", "name", "matter", "contact", "email", "size", "sha256", "file", "status"},
		text, text, text, text, text, number)
	if err != nil {
		return err
	}
	err = p.ws.EachRecord(p.ctx, workspace.RecordFilter{Entity: model.Documents}, func(r workspace.StoredRecord) error {
		doc := r.Data.(*model.Document)
		file, status := "", "missing"
		if df := byPath[doc.Path]; df != nil && df.sha != "" && df.status != "missing" {
			file, status = "documents/"+df.sha+df.ext, df.status
		}
		return f.row(r.Key, doc.Name, doc.Matter.Value, doc.Contact.Value, doc.Email.Value, itoa(doc.Size), doc.SHA256, file, status)
	})
	if err != nil {
		return err
	}
	return f.close()
}

// copyDocument streams one file into documents/<sha256><ext>, checking its
// SHA-256 while copying.
func (p *packer) copyDocument(df *docFile) error {
	src, err := os.Open(df.path)
	if err != nil {
		df.status = "missing"
		return nil
	}
	defer src.Close()
	e, err := p.z.create("documents/"+df.sha+df.ext, true)
	if err != nil {
		return err
	}
	buf := make([]byte, 256<<10)
	for {
		if err := p.ctx.Err(); err != nil {
			return err
		}
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, err := e.Write(buf[:n]); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("reading the document %s: %w", df.path, rerr)
		}
	}
	e.done()
	got := e.z.files[len(e.z.files)-1].SHA256
	df.status = "included"
	if got != df.sha {
		df.status, df.actual = "changed", got
	}
	p.m.Documents.Bytes += e.n
	return nil
}

var leftOutHeader = []string{"source", "row", "locator", "outcome", "entity", "reason", "explanation", "detail", "values"}

// excluded writes excluded/rows.csv and excluded/rows.jsonl from one pass
// over the left-out rows (on a large firm as many as its records): the JSON
// lines wait in a spool until the CSV entry is done.
func (p *packer) excluded() error {
	cf, err := p.z.csv("excluded/rows.csv", true, leftOutHeader, text, number)
	if err != nil {
		return err
	}
	lines, err := newSpool("handover-excluded-*.jsonl.age")
	if err != nil {
		return err
	}
	defer lines.remove()
	var n int64
	err = p.ws.EachLeftOut(p.ctx, func(o workspace.OutcomeRow) error {
		n++
		if err := cf.row(o.Source, itoa(o.Row), o.Locator, o.Outcome, string(o.Entity), o.Reason, explain(o), o.Detail, joinValues(o)); err != nil {
			return err
		}
		b, err := marshalLine(o)
		if err != nil {
			return err
		}
		lines.Write(b)
		if err := lines.WriteByte('\n'); err != nil {
			return err
		}
		return p.tick()
	})
	if err != nil {
		return err
	}
	if err := cf.close(); err != nil {
		return err
	}
	if err := lines.finish(); err != nil {
		return err
	}
	e, err := p.z.copySpool("excluded/rows.jsonl", false, lines)
	if err != nil {
		return err
	}
	e.records, e.hasRecs = n, true
	e.done()
	p.m.LeftOutRows = n
	return nil
}

func explain(o workspace.OutcomeRow) string {
	if o.Outcome == "rejected" {
		return "The row could not be read as a record."
	}
	return model.Reason(o.Reason).Explain()
}

// joinValues shows a row's raw values as "Header: value" pairs for people;
// excluded/rows.jsonl keeps them exactly.
func joinValues(o workspace.OutcomeRow) string {
	var b strings.Builder
	for i, v := range o.Raw {
		if v == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" | ")
		}
		if i < len(o.Header) && o.Header[i] != "" {
			b.WriteString(o.Header[i])
			b.WriteString(": ")
		}
		b.WriteString(v)
	}
	return b.String()
}

// spooledReports are the readiness reports being written ahead (spool.go).
type spooledReports struct {
	cancel     context.CancelFunc
	done       chan struct{}
	html, xlsx *spool
	gathered   *report.Gathered // the summary both reports read; its counts fill the manifest
	err        error
}

func (p *packer) startReports() *spooledReports {
	ctx, cancel := context.WithCancel(p.ctx)
	s := &spooledReports{cancel: cancel, done: make(chan struct{})}
	// The summary is read once for both reports, then each is written on its
	// own goroutine: the workbook takes about twice the page's work.
	go func() {
		defer close(s.done)
		g, err := report.Gather(ctx, p.ws)
		if err != nil {
			s.err = fmt.Errorf("readiness report: %w", err)
			return
		}
		s.gathered = g
		var htmlErr error
		htmlDone := make(chan struct{})
		go func() {
			defer close(htmlDone)
			if s.html, htmlErr = spoolReport(".html", func(w io.Writer) error { return report.WriteHTMLFrom(ctx, p.ws, w, g) }); htmlErr != nil {
				htmlErr = fmt.Errorf("readiness report (HTML): %w", htmlErr)
			}
		}()
		if s.xlsx, err = spoolReport(".xlsx", func(w io.Writer) error { return stableXLSX(ctx, p.ws, w, p.z.mod, g) }); err != nil {
			err = fmt.Errorf("readiness report (XLSX): %w", err)
		}
		<-htmlDone
		s.err = cmp.Or(htmlErr, err)
	}()
	return s
}

func spoolReport(ext string, write func(io.Writer) error) (*spool, error) {
	s, err := newSpool("handover-report-*" + ext + ".age")
	if err != nil {
		return nil, err
	}
	if err := write(s); err != nil {
		s.remove()
		return nil, err
	}
	if err := s.finish(); err != nil {
		s.remove()
		return nil, err
	}
	return s, nil
}

// wait returns once the reports are written (or failed).
func (s *spooledReports) wait() error {
	<-s.done
	return s.err
}

// discard stops the reports if they are still being written and removes the
// temporary files; it returns only when the goroutines no longer read the
// project.
func (s *spooledReports) discard() {
	s.cancel()
	<-s.done
	s.html.remove()
	s.xlsx.remove()
}

// copySpool writes a spooled entry as path.
func (z *zipOut) copySpool(path string, store bool, s *spool) (*entry, error) {
	e, err := z.create(path, store)
	if err != nil {
		return nil, err
	}
	if err := s.copyTo(e); err != nil {
		return nil, err
	}
	return e, nil
}

func (p *packer) reports(spooled *spooledReports) error {
	if p.m.Blockers != nil {
		f, err := p.z.jsonl("report/blockers.jsonl")
		if err != nil {
			return err
		}
		err = p.ws.EachFinding(p.ctx, workspace.FindingFilter{Severity: model.Blocker}, func(s workspace.StoredFinding) error {
			b, err := marshalLine(s)
			if err != nil {
				return err
			}
			return f.line(b)
		})
		if err != nil {
			return err
		}
		if err := f.close(); err != nil {
			return err
		}
	}
	if err := spooled.wait(); err != nil {
		return err
	}
	c := spooled.gathered.Counts()
	p.m.Excluded, p.m.Rejected, p.m.Rows = c.Excluded, c.Rejected, c.Rows
	e, err := p.z.copySpool("report/readiness.html", false, spooled.html)
	if err != nil {
		return fmt.Errorf("readiness report (HTML): %w", err)
	}
	e.done()
	if e, err = p.z.copySpool("report/readiness.xlsx", true, spooled.xlsx); err != nil {
		return fmt.Errorf("readiness report (XLSX): %w", err)
	}
	e.done()
	return nil
}
