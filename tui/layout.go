package tui

import (
	"fmt"

	"github.com/segscope/segscope/tui/draw"
)

// layout is the frame's regions, computed once per resize.
type layout struct {
	tabs, body, status, help draw.Rect
	tabHits                  []tabHit
}

type tabHit struct {
	screen    Screen
	key, name string // the label: the number key, then the screen's name
	x, w      int
}

// Short terminals lose the key hints line before anything else.
const minHeightForHints = 12

func newLayout(w, h int, order []Screen) layout {
	var l layout
	full := draw.Rect{W: w, H: h}
	l.tabs, full = full.SplitY(1)
	hints := 0
	if h >= minHeightForHints {
		hints = 1
	}
	l.body, full = full.SplitY(full.H - 1 - hints)
	l.status, l.help = full.SplitY(1)
	// Padded labels when they all fit, tight ones otherwise: at 80 columns all
	// eight tabs must still be visible and clickable.
	pad := " "
	if tabsWidth(order, pad) > w {
		pad = ""
	}
	x := 1
	for _, s := range order {
		t := tabHit{screen: s, key: fmt.Sprintf("%s%d ", pad, int(s)), name: s.String() + pad, x: x}
		t.w = draw.Width(t.key + t.name)
		l.tabHits = append(l.tabHits, t)
		x += t.w + 1
	}
	return l
}

func tabsWidth(order []Screen, pad string) int {
	w := 1
	for _, s := range order {
		w += draw.Width(fmt.Sprintf("%s%d %s%s", pad, int(s), s, pad)) + 1
	}
	return w
}

// tabAt finds the tab under a click.
func (l layout) tabAt(x, y int) (Screen, bool) {
	if !l.tabs.Contains(x, y) {
		return 0, false
	}
	for _, t := range l.tabHits {
		if x >= t.x && x < t.x+t.w {
			return t.screen, true
		}
	}
	return 0, false
}
