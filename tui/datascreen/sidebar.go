package datascreen

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/segscope/segscope/tui/draw"
)

// Each table takes two lines in the sidebar: its name, then its size.
const (
	sideHeader   = 2
	sideItemRows = 2
)

func (m *Model) sidebarKey(msg tea.KeyPressMsg) tea.Cmd {
	g := m.keys.Grid
	switch {
	case key.Matches(msg, g.Up):
		m.sideCursor = max(m.sideCursor-1, 0)
	case key.Matches(msg, g.Down):
		m.sideCursor = min(m.sideCursor+1, len(m.tables)-1)
	case key.Matches(msg, g.Top):
		m.sideCursor = 0
	case key.Matches(msg, g.Bottom):
		m.sideCursor = len(m.tables) - 1
	case key.Matches(msg, m.keys.Open, g.Right):
		if m.sideCursor < 0 || m.sideCursor >= len(m.tables) {
			return nil
		}
		m.focus = focusGrid
		if t := m.tables[m.sideCursor]; t.Name != m.table.Name {
			return m.open(t)
		}
	}
	return nil
}

// sidebarFirst is the first table listed: the list scrolls to keep the
// cursor in view.
func (m *Model) sidebarFirst() int {
	room := max((m.rects.side.H-sideHeader)/sideItemRows, 1)
	return max(m.sideCursor-room+1, 0)
}

// sidebarHit maps a line of the sidebar to a table.
func (m *Model) sidebarHit(y int) (int, bool) {
	i := m.sidebarFirst() + (y-sideHeader)/sideItemRows
	if y < sideHeader || i >= len(m.tables) {
		return 0, false
	}
	return i, true
}

func (m *Model) sidebarShown() bool { return m.rects.side.W > 0 }

func (m *Model) sidebarView() string {
	st := m.env.Styles
	r := m.rects.side
	w := r.W - 1 // the separator on the right
	title := st.Muted.Render("Tables")
	if m.focus == focusTables {
		title = st.PanelTitle.Render("Tables")
	}
	lines := []string{draw.Fit(" "+title, w), ""}
	for i := m.sidebarFirst(); i < len(m.tables); i++ {
		t := m.tables[i]
		nameStyle, sizeStyle, marker := st.Item, st.Muted, "  "
		if t.Name == m.table.Name {
			nameStyle, marker = st.ItemActive, "▌ "
		}
		if i == m.sideCursor && m.focus == focusTables {
			nameStyle, sizeStyle = st.ItemCursor, st.ItemCursor
		}
		size := draw.Count(t.Rows) + " " + draw.Plural(t.Rows, "row", "rows")
		// ↗ marks a table attached where its files are (the panel is narrow).
		switch {
		case t.Problem != "":
			size = "↗ files changed"
		case t.Attached:
			size = "↗ " + size
		}
		if e, ok := m.eventEntry(t.Name); ok {
			size += " · events of " + e.Audience
		}
		lines = append(lines,
			st.ItemActive.Render(marker)+nameStyle.Render(draw.Fit(t.Name, w-2)),
			"  "+sizeStyle.Render(draw.Fit(size, w-2)))
	}
	if len(m.tables) == 0 && m.loadErr == nil {
		lines = append(lines, st.Muted.Render("  loading…"))
	}
	sep := st.Rule.Render("│")
	out := strings.Split(draw.Block(strings.Join(lines, "\n"), w, r.H), "\n")
	for i := range out {
		out[i] += sep
	}
	return strings.Join(out, "\n")
}
