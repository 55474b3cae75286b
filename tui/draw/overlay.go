package draw

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Overlay draws box over base, centred across and a third of the way down,
// keeping base visible around it. The box starts no higher than row top, so a
// caller can keep its first rows (the root's tab bar) in sight.
func Overlay(base, box string, width, top int) string {
	lines := strings.Split(base, "\n")
	boxLines := strings.Split(box, "\n")
	bw := 0
	for _, l := range boxLines {
		bw = max(bw, Width(l))
	}
	bw = min(bw, width)
	x := max((width-bw)/2, 0)
	y := max((len(lines)-len(boxLines))/3, top)
	for i, bl := range boxLines {
		row := y + i
		if row >= len(lines) {
			break
		}
		left := ansi.Cut(lines[row], 0, x)
		right := ansi.Cut(lines[row], x+bw, width)
		// The resets stop a style left open in the cut base line from bleeding
		// into the box, and one left open in the box from bleeding out of it.
		lines[row] = left + ansi.ResetStyle + Fit(bl, bw) + ansi.ResetStyle + right
	}
	return strings.Join(lines, "\n")
}
