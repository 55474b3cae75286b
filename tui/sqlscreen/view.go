package sqlscreen

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/grid"
)

// View draws the editor, a line about the last run, and the results.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.env.Styles
	title := st.PanelTitle.Render(" SQL ") + st.Muted.Render("read-only · ctrl+r or f5 runs · ctrl+↑/↓ history")
	switch {
	case !m.editing:
		title = st.Muted.Render(" SQL ") + st.Faint.Render("i or enter to edit")
	case m.pristine:
		title = st.PanelTitle.Render(" SQL ") + st.Muted.Render("a starter: ctrl+r runs it · typing replaces it · arrows to edit it")
	}
	editor := m.editor.View()
	lines := strings.Split(editor, "\n")
	for i := range lines {
		lines[i] = " " + lines[i]
	}
	top := draw.Fit(title, m.width) + "\n" + draw.Block(strings.Join(lines, "\n"), m.width, m.editorH)
	status := draw.Fit(m.statusLine(), m.width)
	bodyH := m.height - m.top.H - 1
	var body string
	switch {
	case m.err != nil:
		body = m.errorView(bodyH)
	case m.result == nil:
		body = draw.Block("\n "+st.Faint.Render("Results appear here. Tables: see the Data screen (1)."), m.width, bodyH)
	default:
		g := strings.Split(m.grid.View(grid.Rows(m.result.Rows)), "\n")
		for i := range g {
			g[i] = " " + g[i]
		}
		body = draw.Block(strings.Join(g, "\n"), m.width, bodyH)
	}
	return top + "\n" + status + "\n" + body
}

func (m *Model) statusLine() string {
	st := m.env.Styles
	rule := st.Rule.Render(strings.Repeat("─", 2))
	switch {
	case m.job.Running():
		return rule + st.Warn.Render(" running… ") + st.Faint.Render("esc cancels")
	case m.err != nil:
		line := rule + st.Error.Render(" ✗ query failed ")
		return line + st.Rule.Render(strings.Repeat("─", max(m.width-draw.Width(line), 0)))
	case m.result == nil:
		return st.Rule.Render(strings.Repeat("─", m.width))
	}
	n := int64(len(m.result.Rows))
	info := fmt.Sprintf(" %s %s · %d columns · %s ", draw.Count(n), draw.Plural(n, "row", "rows"), len(m.result.Columns), m.took.Round(1e6))
	if m.result.Truncated {
		info = fmt.Sprintf(" first %s rows (more not shown) · %d columns · %s ", draw.Count(n), len(m.result.Columns), m.took.Round(1e6))
	}
	if m.result != nil && m.grid.Total() > 0 {
		info += st.Faint.Render(fmt.Sprintf("· row %s ", draw.Count(m.grid.Cursor()+1)))
	}
	line := rule + st.Good.Render(info)
	return line + st.Rule.Render(strings.Repeat("─", max(m.width-draw.Width(line), 0)))
}

func (m *Model) errorView(h int) string {
	st := m.env.Styles
	w := m.width - 4
	var lines []string
	for _, l := range strings.Split(ansi.Wordwrap(m.err.Error(), w, " "), "\n") {
		lines = append(lines, "  "+st.Error.Render(l))
	}
	if why := explain(m.err); why != "" {
		lines = append(lines, "")
		for _, l := range strings.Split(ansi.Wordwrap(why, w, " "), "\n") {
			lines = append(lines, "  "+st.Muted.Render(l))
		}
	}
	return draw.Block("\n"+strings.Join(lines, "\n"), m.width, h)
}
