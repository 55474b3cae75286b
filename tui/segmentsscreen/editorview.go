package segmentsscreen

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/segments/rule"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/ruleview"
	"github.com/segscope/segscope/tui/styles"
)

// labelW is the column of field labels, with a space before and two after.
const labelW = 14

// editorChrome is the editor's lines other than the rule's: title, rule,
// name, table, the box's borders, size, description, reason, a blank and the
// message line.
const editorChrome = 11

// ruleW is the width inside the rule box: the labels, borders and a space of
// padding on each side taken away.
func (e *editor) ruleW() int { return max(e.width-labelW-4, 8) }

// ruleLines are the lines inside the rule box: the rule wrapped and
// highlighted, with the error pointed at under its line. cursorLine is the
// line the cursor is on.
func (e *editor) ruleLines(st *styles.Styles) (lines []string, cursorLine int) {
	text := e.ruleText()
	cursor := e.cursor()
	if e.focus != fieldRule {
		cursor = -1
	}
	w := e.ruleW()
	re := e.ruleError()
	bad := ruleview.ErrorSpan(text, re)
	rows := ruleview.RuleRows(st, text, cursor, w, bad)
	at := -1 // the row the error points into
	if re != nil {
		for i, r := range rows {
			if r.From <= bad.From {
				at = i
			}
		}
	}
	runes := []rune(text)
	for i, r := range rows {
		if cursor >= r.From && (cursor < r.To || cursor == r.To && (i+1 == len(rows) || rows[i+1].From > cursor)) {
			cursorLine = len(lines)
		}
		lines = append(lines, r.Line)
		if i == at {
			col := draw.Width(string(runes[r.From:min(bad.From, len(runes))]))
			width := max(min(bad.To, r.To+1)-bad.From, 1)
			lines = append(lines, pointLines(st, col, width, ruleview.RuleErrorText(re), w)...)
		}
	}
	if text == "" {
		hint := st.Placeholder.Render("e.g. plan = 'premium' and days_since_login > 30")
		if cursor == 0 {
			hint = st.InputCursor.Render(" ") + hint
		}
		lines = []string{hint}
	}
	return lines, cursorLine
}

// pointLines point at an error: a caret under it and the message beside it,
// or, with no room beside it, the message wrapped under the caret.
func pointLines(st *styles.Styles, col, w int, msg string, width int) []string {
	msgW := draw.Width(msg)
	if col+w+1+msgW <= width || msgW+1 <= col {
		return []string{ruleview.PointAt(st, col, w, msg, 0, width)}
	}
	out := []string{ruleview.PointAt(st, col, w, "", 0, width)}
	for _, l := range strings.Split(ansi.Wordwrap(msg, width, " "), "\n") {
		out = append(out, st.Error.Render(l))
	}
	return out
}

// follow sizes the rule box to the rule, up to its most, and scrolls it so
// the cursor's line is inside.
func (e *editor) follow(st *styles.Styles) {
	lines, at := e.ruleLines(st)
	e.rows = max(min(len(lines)+1, e.maxRows), min(3, e.maxRows))
	e.top = draw.Follow(at, e.top, len(lines), e.rows)
}

func (m *Model) editorView() string {
	st := m.env.Styles
	e := &m.editor
	w := m.width

	var title string
	if e.existing != nil {
		title = " " + st.Title.Render("Edit "+e.existing.Name) +
			st.Muted.Render(fmt.Sprintf("  version %d → %d", e.existing.Version, e.existing.Version+1))
	} else {
		title = " " + st.Title.Render("New segment")
	}
	lines := []string{
		draw.HeadLine(title, st.Faint.Render("ctrl+s save · esc back "), w),
		st.Rule.Render(strings.Repeat("─", w)),
		m.nameLine(),
		m.tableLine(),
	}
	lines = append(lines, m.ruleBox()...)
	lines = append(lines,
		m.label("Size", false)+m.sizeText(),
		m.label("Description", e.focus == fieldDesc)+e.desc.View(),
		m.label("Reason", e.focus == fieldReason)+e.reason.View(),
		"",
		" "+m.editorMessage(),
	)
	if room := m.height - len(lines) - 1; room >= 3 {
		lines = append(lines, "")
		lines = append(lines, m.reference(room)...)
	}
	return strings.Join(lines, "\n")
}

// label starts a field's line, marked when the field has the keyboard.
func (m *Model) label(name string, focused bool) string {
	st := m.env.Styles
	if focused {
		return st.Accent.Render("▸" + draw.Fit(name, labelW-1))
	}
	return " " + st.Muted.Render(draw.Fit(name, labelW-1))
}

func (m *Model) nameLine() string {
	st := m.env.Styles
	e := &m.editor
	if e.existing != nil {
		return m.label("Name", false) + st.Title.Render(e.existing.Name) + st.Faint.Render("  a segment keeps its name")
	}
	line := m.label("Name", e.focus == fieldName) + e.name.View()
	if err := m.nameProblem(); err != nil && e.name.Value() != "" {
		line = m.label("Name", e.focus == fieldName) + draw.Fit(e.name.View(), 24) + " " + st.Error.Render("✗ "+err.Error())
	}
	return line
}

func (m *Model) tableLine() string {
	st := m.env.Styles
	e := &m.editor
	focused := e.focus == fieldTable
	name := e.table
	if name == "" {
		name = "(no table with a key column)"
	}
	info := ""
	if e.table != "" {
		info = "  no key column: a segment needs one to name its members"
	}
	for _, t := range e.tables {
		if t.Name == e.table {
			info = fmt.Sprintf("  %s rows · key %s", draw.Count(t.Rows), t.Key)
		}
	}
	switch {
	case e.existing != nil:
		return m.label("Table", false) + st.Title.Render(name) + st.Muted.Render(info)
	case focused:
		return m.label("Table", true) + st.Accent.Render("‹ ") + st.Title.Render(name) + st.Accent.Render(" ›") +
			st.Muted.Render(info) + st.Faint.Render("  ←/→ change")
	}
	return m.label("Table", false) + st.Item.Render(name) + st.Muted.Render(info)
}

// ruleBox draws the rule in a box, scrolled to keep the cursor inside.
func (m *Model) ruleBox() []string {
	st := m.env.Styles
	e := &m.editor
	focused := e.focus == fieldRule
	border := st.Rule
	if focused {
		border = st.Accent
	}
	lines, _ := e.ruleLines(st)
	w := e.ruleW()
	above, below := e.top, max(len(lines)-e.top-e.rows, 0)
	edge := func(left, right string, more int, arrow string) string {
		fill := strings.Repeat("─", w+2)
		if more > 0 {
			note := fmt.Sprintf(" %s %d more ", arrow, more)
			fill = "─" + note + strings.Repeat("─", max(w+1-draw.Width(note), 0))
		}
		return border.Render(left + fill + right)
	}
	out := []string{m.label("Rule", focused) + edge("╭", "╮", above, "↑")}
	indent := strings.Repeat(" ", labelW)
	for i := e.top; i < e.top+e.rows; i++ {
		line := ""
		if i < len(lines) {
			line = lines[i]
		}
		out = append(out, indent+border.Render("│")+" "+draw.Fit(line, w)+" "+border.Render("│"))
	}
	return append(out, indent+edge("╰", "╯", below, "↓"))
}

// sizeText is the live preview: how many rows the rule selects.
func (m *Model) sizeText() string {
	st := m.env.Styles
	e := &m.editor
	c, ok := e.checked()
	switch {
	case strings.TrimSpace(e.ruleText()) == "":
		return st.Faint.Render("type a rule to see how many rows it selects")
	case !ok:
		return st.Muted.Render("counting…")
	case c.err != nil && e.ruleError() != nil:
		return st.Error.Render("✗ not a valid rule")
	case c.err != nil:
		return st.Error.Render("✗ " + c.err.Error())
	}
	text := st.Good.Render(draw.Count(c.n)) + st.Muted.Render(" of "+draw.Count(c.total)+" · "+percent(c.n, c.total))
	barW := min(24, e.width-labelW-draw.Width(text)-4)
	if barW >= 4 && c.total > 0 {
		text += "  " + st.Bar.Render(draw.HBar(float64(c.n), float64(c.total), barW))
	}
	return text
}

// editorMessage is the line under the form: why the save failed, or that it runs.
func (m *Model) editorMessage() string {
	st := m.env.Styles
	e := &m.editor
	var re *rule.Error
	switch {
	case m.save.Running():
		return st.Muted.Render("saving…")
	case e.saveErr != nil && errors.As(e.saveErr, &re):
		return st.Error.Render("✗ not saved: the rule has an error, marked above")
	case e.saveErr != nil:
		return st.Error.Render("✗ not saved: " + e.saveErr.Error())
	case e.refused != nil:
		return st.Error.Render("✗ " + e.refused.Error())
	}
	return st.Faint.Render("tab next field · enter new line in the rule · ctrl+t fill from a template")
}
