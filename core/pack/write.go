package pack

import (
	"bytes"
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
	"handover/core/workspace"
)

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

func (p *packer) documents(ctx context.Context) error {
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
	err := p.ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Documents}, func(r workspace.StoredRecord) error {
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
		if err := p.copyDocument(ctx, df); err != nil {
			return err
		}
		if df.status != "missing" {
			d.Files++
		}
	}
	// Files that changed or vanished since being read are named per record.
	err = p.ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Documents}, func(r workspace.StoredRecord) error {
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
	err = p.ws.EachRecord(ctx, workspace.RecordFilter{Entity: model.Documents}, func(r workspace.StoredRecord) error {
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
func (p *packer) copyDocument(ctx context.Context, df *docFile) error {
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
		if err := ctx.Err(); err != nil {
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
