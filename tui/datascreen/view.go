package datascreen

import (
	"fmt"
	"strings"

	"github.com/segscope/segscope/tui/draw"
)

// rects are the screen's regions, computed once per resize or panel toggle.
type rects struct {
	side, bar, grid, foot, prof draw.Rect
}

// Below this width the profile panel takes the sidebar's place.
const wideEnough = 150

func (m *Model) relayout() {
	r := draw.Rect{W: m.width, H: m.height}
	sideW := 0
	switch {
	case m.width >= wideEnough || !m.showProfile && m.width >= 120:
		sideW = min(28, m.width/5)
	case !m.showProfile && m.width >= 70:
		sideW = 20
	}
	profW := 0
	switch {
	case m.showProfile && m.width >= wideEnough:
		profW = 44 // room for a histogram two cells per bin
	case m.showProfile:
		profW = 36
	}
	var rest draw.Rect
	m.rects.side, rest = r.SplitX(sideW)
	var main draw.Rect
	main, m.rects.prof = rest.SplitX(rest.W - profW)
	barH := 1
	if m.bar.open {
		barH = 2
	}
	var g draw.Rect
	m.rects.bar, g = main.SplitY(barH)
	m.rects.grid, m.rects.foot = g.SplitY(g.H - 1)
	// A margin of one cell each side keeps the grid off the panel rules.
	m.rects.grid.X++
	m.rects.grid.W--
	if profW > 0 {
		m.rects.grid.W--
	}
	m.grid.SetSize(m.rects.grid.W, m.rects.grid.H)
	if m.tl.loaded {
		m.sizeTimeline()
	}
	if m.focus == focusTables && sideW == 0 {
		m.focus = focusGrid
	}
}

// View draws the screen, exactly its width and height.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	main := m.mainView()
	var blocks []string
	if m.sidebarShown() {
		blocks = append(blocks, m.sidebarView())
	}
	blocks = append(blocks, main)
	if m.rects.prof.W > 0 {
		blocks = append(blocks, m.profileView())
	}
	return draw.SideBySide(blocks...)
}

func (m *Model) mainView() string {
	st := m.env.Styles
	w := m.rects.bar.W
	var body string
	switch {
	case m.loadErr != nil && !m.ready:
		body = draw.Block("\n "+st.Error.Render("✗ "+m.loadErr.Error()), w, m.rects.grid.H)
	case len(m.tables) == 0 && !m.load.Running() && m.loadErr == nil && !m.imp.shown:
		body = draw.Block("\n "+st.Muted.Render("This workspace has no tables yet. Import one with: segscope import FILE"), w, m.rects.grid.H)
	case !m.ready:
		body = draw.Block("\n "+st.Muted.Render("loading…"), w, m.rects.grid.H)
	default:
		g := m.grid.View(m.source())
		lines := strings.Split(g, "\n")
		for i := range lines {
			lines[i] = " " + lines[i]
		}
		body = draw.Block(strings.Join(lines, "\n"), w, m.rects.grid.H)
	}
	return m.filterView() + "\n" + body + "\n" + m.footer(w)
}

// footer says where the cursor is: the row out of how many, and the column.
func (m *Model) footer(w int) string {
	st := m.env.Styles
	if !m.ready {
		return draw.Fit("", w)
	}
	total := m.rowCount()
	pos := "no rows"
	if total > 0 {
		pos = fmt.Sprintf("row %s of %s", draw.Count(m.grid.Cursor()+1), draw.Count(total))
	}
	left := " " + st.Muted.Render(pos)
	var right []string
	if i := m.grid.CurrentColumn(); i >= 0 {
		col := m.grid.Columns()[i]
		desc := st.Accent.Render(col.Name) + st.Faint.Render(" "+strings.ToLower(col.Type))
		switch {
		case col.Masked():
			desc += st.Masked.Render(" · masked " + col.PII.String() + " (r reveals)")
		case col.Revealed:
			desc += st.Revealed.Render(" · revealed")
		}
		right = append(right, desc)
	}
	if order, desc := m.sorted(); order != "" {
		dir := "ascending"
		if desc {
			dir = "descending"
		}
		right = append(right, st.HeaderSort.Render("sorted by "+order+" "+dir))
	}
	r := strings.Join(right, st.Faint.Render("  ·  ")) + " "
	gap := w - draw.Width(left) - draw.Width(r)
	if gap < 1 {
		return draw.Fit(left+"  "+r, w)
	}
	return left + strings.Repeat(" ", gap) + r
}
