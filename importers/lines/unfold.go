package lines

import (
	"io"
	"strings"
)

// Folding is how a format continues a content line on the next physical
// line. vCard and iCalendar share the rule (RFC 5545 §3.1, RFC 6350 §3.2): a
// physical line starting with a space or tab continues the previous one; the
// zero value is that rule.
type Folding struct {
	// KeepSpace keeps the continuation's leading space or tab (vCard 2.1);
	// the RFCs remove that one character.
	KeepSpace bool
	// SoftBreak reports whether a logical line that began with the physical
	// line first and so far ends with last goes on with next whatever next
	// starts with, the line break kept in the text: vCard 2.1
	// quoted-printable values whose line ends in "=".
	SoftBreak func(first, last, next string) bool
}

// Logical is one unfolded content line and the physical lines it came from.
type Logical struct {
	Text      string
	Phys      []string
	Line      int64 // number of its first physical line
	Truncated bool  // a physical line was cut, or the whole grew past the reader's Max
}

// piece is what next adds to a logical line (first … last); ok is false when
// next does not continue it.
func (f Folding) piece(first, last, next string) (string, bool) {
	switch {
	case f.SoftBreak != nil && f.SoftBreak(first, last, next):
		return "\r\n" + next, true
	case next == "" || next[0] != ' ' && next[0] != '\t':
		return "", false
	case f.KeepSpace:
		return next, true
	}
	return next[1:], true
}

// Unfold joins the physical lines of one item (first is the number of
// phys[0]) into logical lines.
func (f Folding) Unfold(phys []string, first int64) []Logical {
	var out []Logical
	var b strings.Builder
	flush := func() {
		if n := len(out); n > 0 && len(out[n-1].Phys) > 1 {
			out[n-1].Text = b.String()
		}
		b.Reset()
	}
	for i, l := range phys {
		if n := len(out); n > 0 {
			cur := &out[n-1]
			if p, ok := f.piece(cur.Phys[0], cur.Phys[len(cur.Phys)-1], l); ok {
				if b.Len() == 0 {
					b.WriteString(cur.Text)
				}
				b.WriteString(p)
				cur.Phys = append(cur.Phys, l)
				continue
			}
		}
		flush()
		out = append(out, Logical{Text: l, Phys: []string{l}, Line: first + int64(i)})
	}
	flush()
	return out
}

// Unfolder streams logical lines from a Reader, never holding more than one
// logical line (its text capped near the Reader's Max).
type Unfolder struct {
	Reader  *Reader
	Folding Folding
	pending *string
	pendNo  int64
}

// NewUnfolder unfolds what r reads with the rule f.
func NewUnfolder(r *Reader, f Folding) *Unfolder { return &Unfolder{Reader: r, Folding: f} }

// Next returns the next logical line, or io.EOF after the last one.
func (u *Unfolder) Next() (Logical, error) {
	lr := u.Reader
	var ll Logical
	if u.pending != nil {
		ll = Logical{Text: *u.pending, Line: u.pendNo}
		u.pending = nil
	} else {
		l, err := lr.Next()
		if err != nil {
			return Logical{}, err
		}
		ll = Logical{Text: l, Line: lr.LineNo, Truncated: lr.Truncated}
	}
	ll.Phys = []string{ll.Text}
	physBytes := int64(len(ll.Text))
	var b *strings.Builder // built only for folded lines
	for {
		l, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Logical{}, err
		}
		p, ok := u.Folding.piece(ll.Phys[0], ll.Phys[len(ll.Phys)-1], l)
		if !ok {
			u.pending, u.pendNo = &l, lr.LineNo
			break
		}
		if b == nil {
			b = &strings.Builder{}
			b.WriteString(ll.Text)
		}
		if int64(b.Len()) < lr.Max {
			b.WriteString(p)
		} else {
			ll.Truncated = true
		}
		// The physical lines are kept up to Max too: a damaged file can
		// fold one "line" over gigabytes.
		if physBytes += int64(len(l)) + 2; physBytes <= lr.Max {
			ll.Phys = append(ll.Phys, l)
		} else {
			ll.Truncated = true
		}
		ll.Truncated = ll.Truncated || lr.Truncated
	}
	if b != nil {
		ll.Text = b.String()
	}
	return ll, nil
}
