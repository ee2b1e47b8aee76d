// Package documents reads a folder tree of a firm's documents filed per
// matter: every file becomes a Clio document (path, size, SHA-256, content
// type) belonging to the matter whose number the nearest enclosing folder's
// name carries ("Documents/2024-017 Ruiz v. Acme/Pleadings/complaint.pdf"
// belongs to matter 2024-017). Operating-system litter (Thumbs.db,
// desktop.ini, .DS_Store, Office "~$" lock files) is accounted as not data,
// never dropped silently. Files are referenced where they are, not copied;
// each is read once, streamed, to hash it.
package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"handover/core/model"
)

// Item is one file of the tree: exactly one of Records, Excluded or Reject is set.
type Item struct {
	Num      int64  // 1-based position in the walk (lexical order)
	Locator  string // the path below the tree's root, with forward slashes
	Records  []model.Record
	Excluded model.Reason
	Detail   string
	Reject   string
}

// Options steer Read.
type Options struct {
	// Skip names files below the tree that are read by another importer
	// (e-mails saved in a matter folder); they are left out of the walk.
	Skip func(path string) bool
	// Known, when set, reports whether a value is, in some written form, the
	// number of a matter in the project: a folder led by a short code the
	// project has ("M2 Fischer") is then that matter's folder.
	Known func(value string) bool
}

// dataExt are files Handover reads as data, not as documents: a folder
// holding them directly is an export folder, not a documents tree.
var dataExt = map[string]bool{".csv": true, ".tsv": true, ".xlsx": true, ".xls": true, ".dbf": true, ".db": true, ".sqlite": true, ".sqlite3": true,
	".mdb": true, ".accdb": true, ".vcf": true, ".ics": true, ".mbox": true}

// docExt are files that are documents whatever their content.
var docExt = map[string]string{
	".pdf": "application/pdf", ".doc": "application/msword", ".dot": "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".docm": "application/vnd.ms-word.document.macroEnabled.12",
	".dotx": "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
	".ppt":  "application/vnd.ms-powerpoint", ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".msg": "application/vnd.ms-outlook", ".rtf": "application/rtf", ".wpd": "application/vnd.wordperfect", ".odt": "application/vnd.oasis.opendocument.text",
	".ods": "application/vnd.oasis.opendocument.spreadsheet", ".txt": "text/plain", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
	".gif": "image/gif", ".tif": "image/tiff", ".tiff": "image/tiff", ".heic": "image/heic", ".bmp": "image/bmp", ".zip": "application/zip",
	".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".wav": "audio/wav", ".mp4": "video/mp4", ".mov": "video/quicktime", ".htm": "text/html", ".html": "text/html",
	".xps": "application/vnd.ms-xpsdocument", ".pages": "application/vnd.apple.pages", ".eml": "message/rfc822",
}

// IsJunk reports operating-system and editor litter: thumbnail caches,
// folder settings, Finder metadata, AppleDouble files, Office and
// LibreOffice lock files.
func IsJunk(name string) bool {
	l := strings.ToLower(name)
	switch l {
	case "thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store", "icon\r", ".localized":
		return true
	}
	return strings.HasPrefix(name, "~$") || strings.HasPrefix(name, "._") || strings.HasPrefix(l, ".~lock.")
}

// reMatterNumber finds a matter number in a folder name: a leading token, or
// one in brackets, made of letters and digits joined by - . / _ with at
// least two digits ("2024-017 Ruiz v. Acme", "16-1001", "[A-0042] Smith",
// "Smith (2023.101)", "1042 - Estate of Wong").
var (
	reLeadNumber   = regexp.MustCompile(`^\s*((?:[A-Za-z]{1,4}[-./]?)?\d[A-Za-z0-9]*(?:[-./][A-Za-z0-9]+)*)(?:\s|$|[-–_,:])`)
	reBracketed    = regexp.MustCompile(`[\[(]\s*((?:[A-Za-z]{1,4}[-./]?)?\d[A-Za-z0-9]*(?:[-./][A-Za-z0-9]+)*)\s*[\])]`)
	reTrailNumber  = regexp.MustCompile(`\s[-–]\s*((?:[A-Za-z]{1,4}[-./]?)?\d[A-Za-z0-9]*(?:[-./][A-Za-z0-9]+)*)\s*$`)
	reOnlyYearDate = regexp.MustCompile(`^(?:19|20)\d\d(?:[-._ ](?:0?[1-9]|1[0-2]))?(?:[-._ ](?:0?[1-9]|[12]\d|3[01]))?$`)
)

// MatterNumber returns the matter number a folder's name carries, or "".
// A name that is only a year or a date ("2024", "2024-03") files by time,
// not by matter.
func MatterNumber(folder string) string {
	name := strings.TrimSpace(folder)
	if reOnlyYearDate.MatchString(name) {
		return ""
	}
	for _, re := range []*regexp.Regexp{reLeadNumber, reBracketed, reTrailNumber} {
		if m := re.FindStringSubmatch(name); m != nil && numberLike(m[1]) && !dateFolder(m[1]) {
			return m[1]
		}
	}
	// "M3 - DUI defence": a letter code typed straight onto a one-digit
	// number, in the "number - description" form matter folders are named
	// in; alone ("Q1", "V2 drafts") it is too little to tell from a section.
	if m := reCodeThenDescription.FindStringSubmatch(name); m != nil {
		return m[1]
	}
	return ""
}

var reCodeThenDescription = regexp.MustCompile(`^\s*([A-Za-z]{1,4}\d)\s+[-–]\s+\S`)

// dateFolder: a token that files by time — a year, or a full date — rather
// than a matter number. A year and one more number before a description
// ("2025-7 - Severance review") is a matter number: a month folder is named
// by the month alone ("2024-03"), and that whole name is caught above.
func dateFolder(tok string) bool {
	if !reOnlyYearDate.MatchString(tok) {
		return false
	}
	return len(tok) == 4 || len(strings.FieldsFunc(tok, func(r rune) bool { return r == '-' || r == '.' || r == '_' || r == ' ' })) >= 3
}

// numberLike: three digits or more, two with a letter or separator
// ("A-42"), or a letter code joined to a number ("M-2"): "01 Pleadings" and
// "2 Drafts" number folders, not matters.
func numberLike(s string) bool {
	d := digits(s)
	return d >= 3 || d == 2 && len(s) > 2 || rePrefixed.MatchString(s)
}

// rePrefixed: a letter code and a number joined by a separator ("M-2", "CV.7").
var rePrefixed = regexp.MustCompile(`^[A-Za-z]{1,4}[-./]\d+$`)

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// IsTree decides whether dir holds documents filed per matter rather than
// data exports, from its structure: most of its subfolders are named by
// matter numbers, or it holds no data files of its own and the files below
// it are mostly documents (office, PDF, image, mail files).
func IsTree(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	subs, numbered := 0, 0
	for _, e := range entries {
		if e.IsDir() {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			subs++
			if MatterNumber(e.Name()) != "" {
				numbered++
			}
		} else if dataExt[strings.ToLower(filepath.Ext(e.Name()))] {
			return false // an export folder, perhaps with a documents folder inside
		}
	}
	if numbered > 0 && numbered*2 >= subs {
		return true
	}
	docs, data, seen := 0, 0, 0
	errStop := errors.New("enough")
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if IsJunk(d.Name()) {
			return nil
		}
		seen++
		ext := strings.ToLower(filepath.Ext(d.Name()))
		switch {
		case dataExt[ext]:
			data++
		case docExt[ext] != "" && ext != ".txt" && ext != ".eml": // saved e-mails are read as e-mails
			docs++
		}
		if seen >= 500 {
			return errStop
		}
		return nil
	})
	return docs > 0 && docs >= 4*data && docs*2 >= seen
}

// Listing hashes the tree's shape (each file's path, size and modification
// time) without reading the files: the same listing means an unchanged tree.
func Listing(ctx context.Context, root string, opts Options) (sum string, files int64, bytes int64, err error) {
	h := sha256.New()
	err = walk(root, opts, func(path, rel string, d fs.DirEntry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		files++
		bytes += st.Size()
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", rel, st.Size(), st.ModTime().UnixNano())
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), files, bytes, err
}

// walk visits the tree's files in WalkDir's lexical order, streaming (a
// tree of any size costs no memory per file), skipping hidden folders (as
// the folder walk of an ingest does) and files opts.Skip claims.
func walk(root string, opts Options, fn func(path, rel string, d fs.DirEntry) error) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if opts.Skip != nil && !IsJunk(d.Name()) && opts.Skip(path) {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		return fn(path, filepath.ToSlash(rel), d)
	})
}

// Read walks the tree and calls fn once per file. Key of a document record:
// "folder:documents:<tree folder name>/<path below it>", stable across
// re-reads of the same tree. An unreadable file is a reject naming it.
func Read(ctx context.Context, root string, opts Options, fn func(Item) error) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	base := filepath.Base(abs)
	rootMatter := model.Ref{}
	// the tree is one matter's folder ("2024-017 Ruiz v. Acme"); a bare
	// "001" is a numbered folder, not a matter
	if n := MatterNumber(base); n != "" && !(n == strings.TrimSpace(base) && digits(n) == len(n)) {
		rootMatter = model.Ref{Kind: "number", Value: n}
	}
	var n int64
	return walk(abs, opts, func(path, rel string, d fs.DirEntry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n++
		it := Item{Num: n, Locator: rel}
		if IsJunk(d.Name()) {
			it.Excluded, it.Detail = model.NotData, "operating-system or editor file, not a document"
			return fn(it)
		}
		doc, err := read(path)
		if err != nil {
			it.Reject = fmt.Sprintf("%s could not be read: %v. Check the file opens, then add the folder again.", rel, err)
			return fn(it)
		}
		if doc.Matter = rootMatter; doc.Matter.IsZero() {
			doc.Matter = matterOf(rel, opts.Known)
		}
		if doc.Matter.IsZero() {
			doc.Contact = clientOf(rel) // a client's folder, outside its matters' folders
		}
		it.Records = []model.Record{{Entity: model.Documents, Key: "folder:documents:" + base + "/" + rel, Data: doc}}
		return fn(it)
	})
}

// matterOf is the matter of the outermost folder below the tree's root whose
// name carries a matter number (the file's own name does not count): inside
// a matter's folder, numbered subfolders ("001 Pleadings") are its sections.
func matterOf(rel string, known func(string) bool) model.Ref {
	parts := strings.Split(rel, "/")
	for i := 0; i < len(parts)-1; i++ {
		if n := MatterNumber(parts[i]); n != "" {
			return model.Ref{Kind: "number", Value: n}
		}
		if known == nil {
			continue
		}
		// a short code leading the name ("M2 Fischer", "C7-Smith"), too
		// little alone to tell from a section, when the project has it
		if m := reLeadCode.FindStringSubmatch(parts[i]); m != nil && known(m[1]) {
			return model.Ref{Kind: "number", Value: m[1]}
		}
	}
	return model.Ref{}
}

var reLeadCode = regexp.MustCompile(`^\s*([A-Za-z]{1,4}[-./]?\d{1,9})(?:\s|$|[-–_,:])`)

// reClientFolder: a folder named like a client — "Last, First" or a
// company ("Acme LLC", "Müller GmbH") — and with no digits.
var (
	reClientFolder = regexp.MustCompile(`^\p{L}[\p{L}'’ .-]*,\s*\p{L}[\p{L}'’ .-]*$`)
	reCompanyWord  = regexp.MustCompile(`(?i)\b(?:llc|llp|inc|ltd|limited|corp|corporation|gmbh|ag|kg|plc|pllc|sa|sarl|sl|bv|nv|co)\.?$`)
)

// clientOf is the client a file is filed under when no folder names its
// matter: the first folder below the tree's root, when it is named like a
// client (see reClientFolder). Folders like "Templates" name no one.
func clientOf(rel string) model.Ref {
	parts := strings.Split(rel, "/")
	if len(parts) < 2 {
		return model.Ref{}
	}
	name := strings.TrimSpace(parts[0])
	if digits(name) == 0 && (reClientFolder.MatchString(name) || reCompanyWord.MatchString(name)) {
		return model.Ref{Kind: "name", Value: name}
	}
	return model.Ref{}
}

func read(path string) (*model.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 512)
	k, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	head = head[:k]
	h := sha256.New()
	h.Write(head)
	size, err := io.Copy(h, f)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(path)
	return &model.Document{Name: filepath.Base(path), Path: abs, Size: size + int64(k), SHA256: hex.EncodeToString(h.Sum(nil)),
		ContentType: contentType(path, head)}, nil
}

func contentType(path string, head []byte) string {
	ext := strings.ToLower(filepath.Ext(path))
	if ct := docExt[ext]; ct != "" {
		return ct
	}
	if ct := mime.TypeByExtension(ext); ct != "" {
		return ct
	}
	if len(head) == 0 {
		return "application/octet-stream"
	}
	return http.DetectContentType(head)
}
