package styles

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Paint is a style reduced to the escape codes before and after its text. The
// grid draws thousands of cells a frame, where lipgloss's general-purpose
// Render (borders, padding, wrapping) costs more than the frame budget; a
// Paint only concatenates. It suits single-line text without width or padding.
type Paint struct{ pre, post string }

// PaintOf reduces s to a Paint.
func PaintOf(s lipgloss.Style) Paint {
	r := s.Render("x") // an escape sequence never contains an x
	i := strings.IndexByte(r, 'x')
	return Paint{pre: r[:i], post: r[i+1:]}
}

// Render wraps text in the style's codes.
func (p Paint) Render(text string) string {
	if p.pre == "" {
		return text
	}
	return p.pre + text + p.post
}
