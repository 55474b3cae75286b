package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/draw"
)

// View builds the frame: tabs, the visible screen, the status line and key
// hints, with any dialog on top.
func (m *Model) View() tea.View {
	v := tea.NewView(m.frame())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "segscope"
	return v
}

// The smallest terminal the console draws in; below it, it says so.
const minWidth, minHeight = 40, 10

func (m *Model) frame() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		msg := fmt.Sprintf("segscope needs a terminal of at least %d×%d (this one is %d×%d)", minWidth, minHeight, m.width, m.height)
		return draw.Block(ansi.Wordwrap(msg, m.width, " "), m.width, m.height)
	}
	parts := []string{m.tabBar(), draw.Block(m.screens[m.active].View(), m.width, m.layout.body.H), m.statusLine()}
	if m.layout.help.H > 0 {
		parts = append(parts, m.hintLine())
	}
	return m.dialogs.View(strings.Join(parts, "\n"), m.width)
}

func (m *Model) tabBar() string {
	st := m.env.Styles
	var b strings.Builder
	b.WriteString(" ")
	for i, t := range m.layout.tabHits {
		if i > 0 {
			b.WriteString(" ")
		}
		if t.screen == m.active {
			b.WriteString(st.TabActive.Render(t.key + t.name))
		} else {
			b.WriteString(st.TabKey.Render(t.key) + st.Tab.Render(t.name))
		}
	}
	name := st.Subtitle.Render("segscope") + " "
	gap := m.width - draw.Width(b.String()) - draw.Width(name)
	if gap < 1 {
		return draw.Fit(b.String(), m.width)
	}
	return b.String() + strings.Repeat(" ", gap) + name
}

// statusLine shows where the analyst is (workspace, table, rows) and what is
// happening (the running query, or the last message).
func (m *Model) statusLine() string {
	st := m.env.Styles
	sep := st.StatusDim.Render("  │  ")
	scope := m.data.Scope()
	left := st.Status.Render(" ") + st.StatusDim.Render(displayPath(m.env.WS.Path()))
	if scope.Table.Name != "" {
		rows := draw.Count(scope.Table.Rows) + " rows"
		if scope.Where != "" {
			rows = draw.Count(scope.Matching) + " of " + rows + " (filtered)"
		}
		left += sep + st.StatusKey.Render(scope.Table.Name) + sep + st.Status.Render(rows)
	}
	// Every screen that counts people by a rule counts event windows and ago()
	// from the as-of time, so it is in sight wherever the status line is.
	if !m.env.AsOf.IsZero() {
		left += sep + st.Status.Render("as of "+rule.AsOfDate(m.env.AsOf))
	}
	var right string
	switch info, running := m.running(); {
	case running:
		elapsed := m.env.Now().Sub(info.Started).Seconds()
		right = m.spinner.View() + st.StatusBusy.Render(fmt.Sprintf(" %s  %.1fs", info.Label, elapsed)) +
			st.StatusDim.Render("  esc ") + st.Status.Render("cancel ")
	case m.notice != "" && m.noticeErr:
		right = st.StatusErr.Render("✗ " + m.notice + " ")
	case m.notice != "":
		right = st.Status.Render(m.notice + " ")
	}
	rw := draw.Width(right)
	if rw > m.width*2/3 {
		right = ansi.Truncate(right, m.width*2/3, draw.Ellipsis)
		rw = draw.Width(right)
	}
	lw := m.width - rw
	left = ansi.Truncate(left, lw, draw.Ellipsis)
	return left + st.Status.Render(strings.Repeat(" ", max(lw-draw.Width(left), 0))) + right
}

// displayPath shortens the home directory to ~.
func displayPath(p string) string {
	if p == query.Memory {
		return "in-memory workspace"
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		if rel, err := filepath.Rel(home, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.Join("~", rel)
		}
	}
	return p
}

func (m *Model) hintLine() string {
	bindings, ok := m.dialogs.ShortHelp()
	if !ok {
		bindings = m.screens[m.active].Help().ShortHelp()
	}
	bindings = append(bindings, m.keys.ShortHelp()...)
	return draw.Fit(" "+m.help.ShortHelpView(bindings), m.width)
}
