package tui

import (
	"fmt"

	"github.com/segscope/segscope/tui/common"
)

// layout is the frame's regions, computed once per resize.
type layout struct {
	tabs, body, status, help common.Rect
	tabHits                  []tabHit
}

type tabHit struct {
	screen Screen
	x, w   int
}

// Short terminals lose the key hints line before anything else.
const minHeightForHints = 12

func newLayout(w, h int, order []Screen) layout {
	var l layout
	full := common.Rect{W: w, H: h}
	l.tabs, full = full.SplitY(1)
	hints := 0
	if h >= minHeightForHints {
		hints = 1
	}
	l.body, full = full.SplitY(full.H - 1 - hints)
	l.status, l.help = full.SplitY(1)
	x := 1
	for _, s := range order {
		tw := common.Width(tabLabel(s))
		l.tabHits = append(l.tabHits, tabHit{screen: s, x: x, w: tw})
		x += tw + 1
	}
	return l
}

func tabLabel(s Screen) string { return fmt.Sprintf(" %d %s ", int(s), s) }

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
