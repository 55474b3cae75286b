// Package common holds what every part of the console shares: layout
// rectangles, width-safe text helpers and the messages screens send each other.
package draw

import (
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query/counts"
)

// Ellipsis marks text cut to fit.
const Ellipsis = "…"

// Fit makes s exactly w cells wide: cut with an ellipsis when longer, padded
// with spaces when shorter. s may hold colour codes.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := Width(s)
	if n > w {
		s = ansi.Truncate(s, w, Ellipsis)
		n = Width(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// FitRight is Fit with the text aligned to the right edge.
func FitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := Width(s)
	if n > w {
		return ansi.Truncate(s, w, Ellipsis)
	}
	return strings.Repeat(" ", w-n) + s
}

// Block makes s exactly h lines of exactly w cells, cutting or padding both ways.
func Block(s string, w, h int) string {
	if h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i := range lines {
		lines[i] = Fit(lines[i], w)
	}
	blank := strings.Repeat(" ", max(w, 0))
	for len(lines) < h {
		lines = append(lines, blank)
	}
	return strings.Join(lines, "\n")
}

// HeadLine puts left and right on one line of w cells, right aligned, dropping
// right when both do not fit.
func HeadLine(left, right string, w int) string {
	gap := w - Width(left) - Width(right)
	if gap < 1 {
		return Fit(left, w)
	}
	return left + strings.Repeat(" ", gap) + right
}

// SideBySide joins blocks of equal height column-wise; each block must
// already be padded to its width.
func SideBySide(blocks ...string) string {
	var split [][]string
	rows := 0
	for _, b := range blocks {
		lines := strings.Split(b, "\n")
		split = append(split, lines)
		rows = max(rows, len(lines))
	}
	var out strings.Builder
	for r := range rows {
		if r > 0 {
			out.WriteByte('\n')
		}
		for _, lines := range split {
			if r < len(lines) {
				out.WriteString(lines[r])
			}
		}
	}
	return out.String()
}

// Count formats n with thousands separators: 12,345.
func Count(n int64) string { return counts.Format(n) }

// Plural picks the singular or plural noun for n.
func Plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

var eighthsRight = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// HBar draws a horizontal bar for value out of peak, at most width cells long,
// to an eighth of a cell. A positive value always shows at least a sliver.
func HBar(value, peak float64, width int) string {
	if peak <= 0 || width <= 0 || value <= 0 {
		return ""
	}
	eighths := max(int(math.Round(min(value/peak, 1)*float64(width*8))), 1)
	return strings.Repeat("█", eighths/8) + eighthsRight[eighths%8]
}
