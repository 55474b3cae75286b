package draw

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Width is ansi.StringWidth, made fast for the text a frame is mostly made
// of: ASCII, SGR colour codes, box drawing, blocks and common punctuation.
// Anything else (wide, combining or zero-width characters, other escape
// sequences) goes to ansi.StringWidth, which segments graphemes properly.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			end, ok := skipSGR(s, i)
			if !ok {
				return ansi.StringWidth(s)
			}
			i = end
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c < 0x80:
			return ansi.StringWidth(s)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !narrow(r) {
				return ansi.StringWidth(s)
			}
			n++
			i += size
		}
	}
	return n
}

// skipSGR returns the index after a CSI sequence starting at i.
func skipSGR(s string, i int) (int, bool) {
	if i+1 >= len(s) || s[i+1] != '[' {
		return 0, false
	}
	for j := i + 2; j < len(s); j++ {
		switch c := s[j]; {
		case c >= 0x40 && c <= 0x7e:
			return j + 1, true
		case c < 0x20 || c > 0x3f:
			return 0, false
		}
	}
	return 0, false
}

// narrow reports whether r is one cell wide and stands alone as a grapheme.
func narrow(r rune) bool {
	switch {
	case r >= 0xa0 && r <= 0x2ff: // Latin-1 and Latin Extended letters, spacing modifiers
		return r != 0xad
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e: // dashes, quotes, bullets, ellipsis
		return true
	case r >= 0x2190 && r <= 0x21ff, r >= 0x2200 && r <= 0x22ff: // arrows, maths (∅)
		return true
	case r >= 0x2500 && r <= 0x25ff: // box drawing, blocks, geometric shapes
		return true
	}
	return false
}
