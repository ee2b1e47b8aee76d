package workspace

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"handover/core/internal/jsonquote"
)

// The findings' JSON for `handover check --json` is written here without
// reflection, as encoding/json writes it: a stored detail is copied through
// when canonicalDetail proves that decoding and encoding it again would give
// the same bytes, and re-encoded otherwise. The tests and FuzzFindingJSON
// hold the output to json.Marshal's.

// appendJSONString appends s quoted exactly as json.Marshal quotes a string
// (HTML escaping on, as the findings were always written).
func appendJSONString(b []byte, s string) []byte { return jsonquote.Append(b, s, true) }

// canonicalDetail tells whether det is a JSON object that json.Marshal,
// given what json.Unmarshal makes of det in a map[string]any, writes back
// byte for byte: no white space, every object's keys in increasing order
// (no repeats), strings quoted as appendJSONString quotes them, numbers as
// encoding/json writes a float64. It may say no to such an object (then
// the caller encodes it again: slower, never different); it never says yes
// to one that is not.
func canonicalDetail(det string) bool {
	c := canon{s: det}
	return len(det) > 0 && det[0] == '{' && c.value(0) && c.i == len(det)
}

type canon struct {
	s string
	i int
}

// maxCanonDepth bounds the nesting this reader follows; deeper details are
// re-encoded (json.Unmarshal's own limit is far higher).
const maxCanonDepth = 64

func (c *canon) value(depth int) bool {
	if c.i >= len(c.s) || depth > maxCanonDepth {
		return false
	}
	switch ch := c.s[c.i]; {
	case ch == '{':
		return c.object(depth)
	case ch == '[':
		return c.array(depth)
	case ch == '"':
		_, ok := c.str()
		return ok
	case ch == '-' || ch >= '0' && ch <= '9':
		return c.number()
	default:
		for _, lit := range [...]string{"true", "false", "null"} {
			if len(c.s)-c.i >= len(lit) && c.s[c.i:c.i+len(lit)] == lit {
				c.i += len(lit)
				return true
			}
		}
		return false
	}
}

func (c *canon) object(depth int) bool {
	c.i++ // '{'
	if c.i < len(c.s) && c.s[c.i] == '}' {
		c.i++
		return true
	}
	prev, first := "", true
	for {
		start := c.i
		if c.i >= len(c.s) || c.s[c.i] != '"' {
			return false // a key is a string; str takes the quote as read
		}
		plain, ok := c.str()
		if !ok || !plain {
			return false // a key with escapes: its order is the decoded text's
		}
		key := c.s[start+1 : c.i-1]
		if !first && key <= prev {
			return false // out of order, or repeated (the last one wins)
		}
		prev, first = key, false
		if c.i >= len(c.s) || c.s[c.i] != ':' {
			return false
		}
		c.i++
		if !c.value(depth + 1) {
			return false
		}
		if c.i >= len(c.s) {
			return false
		}
		switch c.s[c.i] {
		case ',':
			c.i++
		case '}':
			c.i++
			return true
		default:
			return false
		}
	}
}

func (c *canon) array(depth int) bool {
	c.i++ // '['
	if c.i < len(c.s) && c.s[c.i] == ']' {
		c.i++
		return true
	}
	for {
		if !c.value(depth+1) || c.i >= len(c.s) {
			return false
		}
		switch c.s[c.i] {
		case ',':
			c.i++
		case ']':
			c.i++
			return true
		default:
			return false
		}
	}
}

// str reads a string in appendJSONString's spelling; plain says it had no
// escapes (its bytes are its text).
func (c *canon) str() (plain, ok bool) {
	c.i++ // '"'
	plain = true
	for c.i < len(c.s) {
		ch := c.s[c.i]
		switch {
		case ch == '"':
			c.i++
			return plain, true
		case ch == '\\':
			plain = false
			if !c.escape() {
				return false, false
			}
		case ch < 0x20 || ch == '<' || ch == '>' || ch == '&':
			return false, false // Marshal escapes these
		case ch < utf8.RuneSelf:
			c.i++
		default:
			r, size := utf8.DecodeRuneInString(c.s[c.i:])
			if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
				return false, false // Marshal writes \ufffd, \u2028, \u2029
			}
			c.i += size
		}
	}
	return false, false
}

// escape reads one escape that Marshal itself writes.
func (c *canon) escape() bool {
	if c.i+1 >= len(c.s) {
		return false
	}
	switch c.s[c.i+1] {
	case '"', '\\', 'b', 'f', 'n', 'r', 't':
		c.i += 2
		return true
	case 'u':
	default:
		return false // \/ and the like decode to a character Marshal writes bare
	}
	if c.i+6 > len(c.s) {
		return false
	}
	hex := c.s[c.i+2 : c.i+6]
	switch {
	case hex == "2028" || hex == "2029":
	case hex[:2] == "00":
		lo := hex[2:]
		v, err := strconv.ParseUint(lo, 16, 8)
		if err != nil || lo != string([]byte{jsonquote.HexDigits[v>>4], jsonquote.HexDigits[v&0xF]}) {
			return false // not lower-case hex as Marshal writes it
		}
		switch byte(v) {
		case '<', '>', '&':
		case '\b', '\f', '\n', '\r', '\t':
			return false // Marshal writes these as \b \f \n \r \t
		default:
			if v >= 0x20 {
				return false
			}
		}
	default:
		return false // \ufffd among them: it stood for a broken byte and comes back as the character
	}
	c.i += 6
	return true
}

// number reads a number that encoding/json writes the same after reading it
// as a float64.
func (c *canon) number() bool {
	start := c.i
	for c.i < len(c.s) {
		ch := c.s[c.i]
		if ch == '-' || ch == '+' || ch == '.' || ch == 'e' || ch == 'E' || ch >= '0' && ch <= '9' {
			c.i++
			continue
		}
		break
	}
	lit := c.s[start:c.i]
	// the common case, whole numbers of up to 15 digits: exact in a float64
	// and written back as they are
	digits := lit
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if whole := len(digits) > 0 && len(digits) <= 15 && (digits[0] != '0' || len(digits) == 1); whole {
		for i := 0; i < len(digits); i++ {
			if digits[i] < '0' || digits[i] > '9' {
				whole = false
				break
			}
		}
		if whole {
			return lit != "-0"
		}
	}
	if !json.Valid([]byte(lit)) {
		return false
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return false
	}
	re, err := json.Marshal(f)
	return err == nil && string(re) == lit
}
