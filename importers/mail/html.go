package mail

import (
	"html"
	"regexp"
	"strings"
)

var (
	htmlDrop    = regexp.MustCompile(`(?is)<!--.*?-->|<(script|style|head|title)\b[^>]*>.*?</(script|style|head|title)\s*>`)
	htmlBreak   = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|tr|h[1-6]|table|blockquote|pre|ul|ol)\s*>|<(p|tr|table|blockquote|ul|ol|h[1-6])\b[^>]*>`)
	htmlItem    = regexp.MustCompile(`(?i)<li\b[^>]*>`)
	htmlCell    = regexp.MustCompile(`(?i)</t[dh]\s*>`)
	htmlTag     = regexp.MustCompile(`(?s)<[^>]*>`)
	spaces      = regexp.MustCompile(`[ \t\f\v\x{00a0}]+`)
	blankLines  = regexp.MustCompile(`\n{3,}`)
	htmlNewline = regexp.MustCompile(`\r?\n`)
)

// HTMLToText turns an HTML mail body into plain text: scripts, styles and
// comments go, block elements and <br> become line breaks, list items get a
// dash, tags are removed and entities decoded. It is meant for reading a
// message in Clio, not for faithful rendering.
func HTMLToText(s string) string {
	s = htmlDrop.ReplaceAllString(s, "")
	s = htmlNewline.ReplaceAllString(s, " ") // source line breaks are not breaks in HTML
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlItem.ReplaceAllString(s, "\n- ")
	s = htmlCell.ReplaceAllString(s, "\t")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
	}
	s = strings.Join(lines, "\n")
	s = blankLines.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}
