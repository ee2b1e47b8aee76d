package synth

import (
	"encoding/base64"
	"fmt"
	"mime"
	"strings"
	"time"

	"handover/core/model"
)

// Mailbox slots.
const (
	mslotLatin1 = 3 // ISO-8859-1 quoted-printable body
	mslotAttach = 5 // engagement-letter.pdf attached (base64)
	mslotFrom   = 7 // a body line starting "From " (escaped as ">From ")
	mslotNoTag  = 10
)

// FakePDF is the attachment's content: tiny, not a real PDF.
var FakePDF = []byte("%PDF-1.4\n% Harbor & Lane LLP engagement letter (synthetic)\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

var mailTopics = []string{"Documents for review", "Scheduling", "Status update", "Invoice question", "Draft agreement attached", "Hearing date confirmed", "Follow-up from our call", "Signed forms"}

// mboxrdEscape quotes body lines matching ^>*From  with one more '>'.
func mboxrdEscape(body string) string {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimLeft(l, ">"), "From ") {
			lines[i] = ">" + l
		}
	}
	return strings.Join(lines, "\n")
}

// latin1QP encodes s (Latin-1 range only) as quoted-printable ISO-8859-1.
func latin1QP(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		n := 0
		for _, r := range line {
			var tok string
			switch {
			case r == '=' || r > 126:
				tok = fmt.Sprintf("=%02X", r)
			default:
				tok = string(r)
			}
			if n+len(tok) > 75 {
				b.WriteString("=\n")
				n = 0
			}
			b.WriteString(tok)
			n += len(tok)
		}
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (g *gen) mbox() error {
	const rel = "mail/matters.mbox"
	o, err := g.create(rel)
	if err != nil {
		return err
	}
	r := g.rng(rel, 0)
	t := time.Date(2026, 10, 1, 9, 0, 0, 0, time.FixedZone("EDT", -4*3600))
	attachments := 0
	for i := 0; i < g.nMsgs; i++ {
		s := i % period
		t = t.Add(time.Duration(2+r.IntN(40)) * time.Hour).Add(time.Duration(r.IntN(3600)) * time.Second)
		j := g.goodMatter(r.IntN(g.nMatters))
		if i == 0 || s == mslotLatin1 {
			j = g.goodMatter(i / period * period) // the block's first matter: Müller's in block 0
		}
		m := g.matterAt(j)
		cl := g.pclawClient(m.ClientIdx)
		law := Lawyers[r.IntN(4)]
		from, to := fmt.Sprintf("%s <%s>", mime.QEncoding.Encode("utf-8", law.Name()), law.Email), fmt.Sprintf("%s <%s>", mime.QEncoding.Encode("utf-8", cl.Display()), cl.Email)
		envFrom := law.Email
		if r.IntN(2) == 0 {
			from, to = to, from
			envFrom = cl.Email
		}
		subject := fmt.Sprintf("[%s] %s", m.Number, mailTopics[r.IntN(len(mailTopics))])
		if r.IntN(3) == 0 {
			subject = "RE: " + subject
		}
		if s == mslotNoTag {
			subject = "Firm holiday schedule"
		}
		if s == mslotAttach {
			subject = fmt.Sprintf("[%s] Engagement letter", m.Number)
		}
		msgID := fmt.Sprintf("<%d.%08x.%d@%s>", t.Unix(), uint32(g.opts.Seed), i, FirmDomain)
		var h strings.Builder
		fmt.Fprintf(&h, "From %s %s\n", envFrom, t.UTC().Format("Mon Jan _2 15:04:05 2006"))
		fmt.Fprintf(&h, "Return-Path: <%s>\n", envFrom)
		fmt.Fprintf(&h, "From: %s\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: %s\nMIME-Version: 1.0\n",
			from, to, subject, t.Format("Mon, 02 Jan 2006 15:04:05 -0700"), msgID)
		body := fmt.Sprintf("Dear %s,\n\nPlease see below regarding matter %s (%s).\n\n%s\n\nBest regards,\n%s\n%s",
			cl.Display(), m.Number, m.Desc, "Let us know if you have any questions.", law.Name(), Firm)
		switch s {
		case mslotLatin1:
			h.WriteString("Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n")
			h.WriteString(latin1QP("Sehr geehrter Herr Müller,\n\nanbei die Unterlagen für die Übertragung. Bitte prüfen Sie die Angaben zur Größe des Grundstücks.\n\nMit freundlichen Grüßen,\nFrançoise Lemaire (für Harbor & Lane LLP)"))
			h.WriteString("\n")
		case mslotAttach:
			boundary := fmt.Sprintf("----=_NextPart_%08X_%04d", uint32(g.opts.Seed), i)
			fmt.Fprintf(&h, "Content-Type: multipart/mixed; boundary=\"%s\"\n\nThis is a multi-part message in MIME format.\n\n", boundary)
			fmt.Fprintf(&h, "--%s\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: 7bit\n\n%s\n\n", boundary, asciiFold("Attached is the engagement letter for your signature.\n\n"+law.Name()))
			enc := base64.StdEncoding.EncodeToString(FakePDF)
			fmt.Fprintf(&h, "--%s\nContent-Type: application/pdf; name=\"engagement-letter.pdf\"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"engagement-letter.pdf\"\n\n", boundary)
			for len(enc) > 76 {
				h.WriteString(enc[:76] + "\n")
				enc = enc[76:]
			}
			fmt.Fprintf(&h, "%s\n\n--%s--\n", enc, boundary)
			attachments++
		default:
			if s == mslotFrom {
				body += "\n\nFrom the desk of " + law.Name() + ":\nplease bring two forms of ID."
			}
			h.WriteString("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n")
			h.WriteString(mboxrdEscape(body) + "\n")
		}
		h.WriteString("\n")
		o.WriteString(h.String())
	}
	if err := o.Close(); err != nil {
		return err
	}
	g.addFile(rel, FileTruth{Entity: model.Emails, Format: "mboxrd", Encoding: EncUTF8, Header: false,
		Rows: g.nMsgs, Records: g.nMsgs, Also: map[model.Entity]int{model.Documents: attachments},
		Note: fmt.Sprintf("mboxrd, LF; row = message ordinal; subjects carry [matter] tags (one per block untagged); one ISO-8859-1 quoted-printable body; one body line escaped as \">From \"; %d attachment(s) engagement-letter.pdf → documents", attachments)})
	return nil
}
