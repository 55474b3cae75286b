package comparescreen

import (
	"strings"

	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/ruleview"
)

// ruleLines is how many lines under each list show the chosen side's rule.
const ruleLines = 3

func (m *Model) pickView() []string {
	st := m.env.Styles
	lines := []string{m.title("enter compare · tab A ⇄ B"), m.rule()}
	switch {
	case m.segs.Err != nil:
		return append(lines, "", " "+st.Error.Render("✗ "+m.segs.Err.Error()))
	case !m.segs.Loaded:
		return append(lines, "", " "+st.Muted.Render("reading segments…"))
	case len(m.segs.List) == 0:
		return append(lines,
			"",
			"  "+st.Title.Render("No segments to compare yet."),
			"",
			"  "+st.Muted.Render("Define one on the Segments screen (3): ")+st.HelpKey.Render("n")+st.Muted.Render(" writes a rule, ")+
				st.HelpKey.Render("t")+st.Muted.Render(" starts from a template."),
			"  "+st.Muted.Render("Then compare it here with the rest of its table, or with another segment of the same table."))
	}
	lw := (m.width - 3) / 2
	rw := m.width - lw - 3
	// The lists are as long as the longer one, so the rules sit right under them.
	listH := min(max(len(m.segs.List), len(m.choicesB()))+1, max(m.height-len(lines)-1-ruleLines-2, 2))
	left := m.sideList(sideA, lw, listH)
	right := m.sideList(sideB, rw, listH)
	sep := st.Rule.Render(" │ ")
	for i := range left {
		lines = append(lines, left[i]+sep+right[i])
	}
	lines = append(lines, "")
	a, b := m.sideRule(sideA, lw), m.sideRule(sideB, rw)
	for i := range ruleLines {
		lines = append(lines, a[i]+"   "+b[i])
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	return append(lines, m.pickFooter())
}

// sideList is one side's choices, h lines of w cells: a heading, then the
// choices around the one chosen.
func (m *Model) sideList(s side, w, h int) []string {
	st := m.env.Styles
	heading, names, cur := "A  the segment", m.segNames(), m.pickA
	if s == sideB {
		heading, names, cur = "B  compared with", m.choicesB(), m.pickB
	}
	hs := st.Muted
	if s == m.focus {
		hs = st.Subtitle
	}
	out := []string{" " + draw.Fit(hs.Render(heading), w-1)}
	rows := h - 1
	first := max(min(cur-rows/2, len(names)-rows), 0)
	for i := first; i < len(names) && len(out) < h; i++ {
		out = append(out, m.choiceRow(s, names[i], i == cur, w))
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", w))
	}
	return out
}

// longestName is the width of the longest segment name, for the picker's
// table column to line up after it.
func (m *Model) longestName() int {
	n := 0
	for _, s := range m.segs.List {
		n = max(n, draw.Width(s.Name))
	}
	return n
}

func (m *Model) segNames() []string {
	names := make([]string, len(m.segs.List))
	for i, s := range m.segs.List {
		names[i] = s.Name
	}
	return names
}

// choiceRow is one choice: a segment and its table, or the rest of A's table.
func (m *Model) choiceRow(s side, name string, chosen bool, w int) string {
	st := m.env.Styles
	label, table := name, ""
	if seg, ok := m.segmentOf(name); ok {
		table = seg.Table
	}
	if name == "" {
		label = "the rest of " + m.tableA()
	}
	if s == sideB && table != "" {
		table = "" // every B is on A's table
	}
	nameW := w - 2
	if table != "" {
		nameW = min(m.longestName(), max(w-2-draw.Width(table)-2, w/2))
	}
	text := draw.Fit(label, nameW)
	if table != "" {
		text += "  " + table
	}
	switch {
	case chosen && s == m.focus:
		return st.ItemCursor.Render(draw.Fit("▸ "+text, w))
	case chosen:
		return draw.Fit(st.ItemActive.Render("▸ "+text), w)
	}
	if table != "" {
		return draw.Fit("  "+draw.Fit(label, nameW)+"  "+st.Muted.Render(table), w)
	}
	return draw.Fit("  "+text, w)
}

// sideRule describes the chosen side under its list: the segment's rule, or
// what "the rest" means.
func (m *Model) sideRule(s side, w int) []string {
	st := m.env.Styles
	name := m.nameA()
	if s == sideB {
		name = m.nameB()
	}
	out := []string{" " + st.Muted.Render(draw.Fit("rule", w-1))}
	if name == "" {
		out = append(out, " "+draw.Fit(st.Faint.Render("every row of "+m.tableA()+" not in "+m.nameA()), w-1))
	} else if seg, ok := m.segmentOf(name); ok {
		for _, r := range ruleview.RuleRows(st, seg.Rule, -1, w-3, draw.Span{}) {
			out = append(out, "   "+draw.Fit(r.Line, w-3))
		}
	}
	for len(out) < ruleLines {
		out = append(out, "")
	}
	out = out[:ruleLines]
	for i := range out {
		out[i] = draw.Fit(out[i], w)
	}
	return out
}

func (m *Model) pickFooter() string {
	st := m.env.Styles
	if info, ok := m.run.Info(); ok {
		return " " + st.Warn.Render(info.Label+"…") + st.Faint.Render("  esc cancels")
	}
	if m.err != nil {
		return " " + st.Error.Render("✗ "+m.err.Error())
	}
	b := m.nameB()
	if b == "" {
		b = "the rest of " + m.tableA()
	}
	return " " + st.Faint.Render("enter compares ") + st.SideA.Render(m.nameA()) + st.Faint.Render(" with ") + st.SideB.Render(b)
}
