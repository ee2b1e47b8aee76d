// Package jsonquote writes a Go string as a JSON string exactly as
// encoding/json does, without reflection, for the hot paths that build JSON
// by hand (the findings of `check --json`, stored records, package lines).
package jsonquote

import "unicode/utf8"

// HexDigits are the lower-case hex digits encoding/json writes in \u escapes.
const HexDigits = "0123456789abcdef"

// Append appends s quoted as encoding/json quotes it: \" \\ \b \f \n \r \t,
// \u00XX for other control characters, \ufffd for each byte of broken UTF-8,
// \u2028 \u2029 spelled out, and with escapeHTML (json.Marshal's default;
// an Encoder with SetEscapeHTML(false) turns it off) < > & as \u003c \u003e
// \u0026.
func Append(b []byte, s string, escapeHTML bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!escapeHTML || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', HexDigits[c>>4], HexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', HexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
