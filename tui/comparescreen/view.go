package comparescreen

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/tui/draw"
)

// View draws the picker, the ranked columns or a column's detail.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var lines []string
	switch m.view {
	case viewPick:
		lines = m.pickView()
	case viewColumn:
		lines = m.columnView()
	default:
		lines = m.rankedView()
	}
	return draw.Block(strings.Join(lines, "\n"), m.width, m.height)
}

// title is the screen's first line: what is compared with what.
func (m *Model) title(hint string) string {
	st := m.env.Styles
	left := " " + st.Title.Render("Compare")
	if res := m.result; res != nil && m.view != viewPick {
		left += "  " + st.SideA.Bold(true).Render(res.A.Name) + st.Muted.Render(" vs ") +
			st.SideB.Bold(true).Render(res.B.Name) + st.Muted.Render("  on "+res.Table)
	}
	return draw.HeadLine(left, st.Faint.Render(hint+" "), m.width)
}

func (m *Model) rule() string { return m.env.Styles.Rule.Render(strings.Repeat("─", m.width)) }

func (m *Model) rankedView() []string {
	st := m.env.Styles
	lines := []string{m.title("a/b choose · s swap · enter detail"), m.rule()}
	res := m.result
	switch {
	case res == nil && m.err != nil:
		return append(lines, "", " "+st.Error.Render("✗ "+m.err.Error()))
	case res == nil && m.run.Running():
		return append(lines, "", " "+st.Muted.Render("comparing…"))
	case res == nil:
		return append(lines, "", " "+st.Muted.Render("Nothing compared yet: a chooses A, b what to compare it with."))
	}
	lines = append(lines, m.sideLine("A", res.A, res, st.SideA), m.sideLine("B", res.B, res, st.SideB), m.overlapLine())
	lines = append(lines, m.rankHeader())
	rows := m.rankRows()
	for i := m.offset; i < len(res.Columns) && i < m.offset+rows; i++ {
		lines = append(lines, m.rankRow(i))
	}
	for len(lines) < rankTop+rows {
		lines = append(lines, "")
	}
	return append(lines, m.legend()...)
}

// sideLine is one side's size and share of the table, with a bar.
func (m *Model) sideLine(label string, s compare.Side, res *compare.Result, bar lipgloss.Style) string {
	st := m.env.Styles
	nameW := min(max(draw.Width(res.A.Name), draw.Width(res.B.Name), 8), 28)
	size := draw.Count(s.Size) + " " + draw.Plural(s.Size, "row", "rows")
	text := " " + st.Title.Render(label) + "  " + draw.Fit(s.Name, nameW) + "  " + st.Number.Render(draw.FitRight(size, 12)) +
		"  " + st.Muted.Render(draw.FitRight(percent(s.Share), 6)+" of "+res.Table) + "  "
	barW := min(m.width-draw.Width(text)-1, 30)
	return text + bar.Render(draw.HBar(s.Share, 1, barW))
}

// overlapLine says how the two sides overlap, or that they cannot.
func (m *Model) overlapLine() string {
	st := m.env.Styles
	res := m.result
	label := " " + st.Muted.Render("overlap  ")
	o := res.Overlap
	if o == nil {
		return label + st.Faint.Render("none: B is every row of "+res.Table+" that is not in A")
	}
	text := label + st.Number.Render(draw.Count(o.Both)) + st.Muted.Render(" in both · ") +
		st.Number.Render(draw.Count(o.AOnly)) + st.Muted.Render(" only A · ") +
		st.Number.Render(draw.Count(o.BOnly)) + st.Muted.Render(" only B · Jaccard ") + st.Number.Render(fmt.Sprintf("%.3f", o.Jaccard))
	if o.Both > 0 && draw.Width(text)+40 < m.width {
		text += st.Faint.Render("  (rows in both count on both sides)")
	}
	return text
}

func (m *Model) rankHeader() string {
	st := m.env.Styles
	c := m.cols
	res := m.result
	b := res.B.Name
	if res.Rest {
		b = "rest"
	}
	sp := strings.Repeat(" ", c.gap)
	row := strings.Repeat(" ", markW) + draw.Fit("column", c.name) + sp + draw.Fit("kind", kindW) + sp +
		draw.FitRight(res.A.Name, c.summary) + sp + draw.FitRight(b, c.summary) + sp +
		draw.Fit("effect", c.bar+1+effectW) + sp + draw.Fit("p (Holm)", pW)
	return st.Header.Render(draw.Fit(row, m.width))
}

// rankRow is one column's line: its kind, each side at a glance, the effect
// with a bar on a fixed 0–1 scale, and the corrected p-value with its marks.
// Columns without a significant difference are dimmed.
func (m *Model) rankRow(i int) string {
	st := m.env.Styles
	c := m.cols
	d := m.result.Columns[i]
	a, b := summaries(d, c.summary)
	base, num, bar, mark := st.Item, st.Number, st.Bar, st.Accent
	if d.Mark == "" {
		base, num, bar = st.Muted, st.Muted, st.Faint
	}
	cursor := "  "
	if i == m.cursor {
		// One style across the row, so the cursor row reads as one bar.
		base, num, bar, mark, cursor = st.ItemCursor, st.ItemCursor, st.ItemCursor, st.ItemCursor, "▸ "
	}
	sp := base.Render(strings.Repeat(" ", c.gap))
	row := base.Render(cursor+draw.Fit(d.Name, c.name)) + sp + base.Render(draw.Fit(kindLabel(d.Kind), kindW)) + sp +
		num.Render(draw.FitRight(a, c.summary)) + sp + num.Render(draw.FitRight(b, c.summary)) + sp +
		bar.Render(draw.Fit(draw.HBar(d.Effect, 1, c.bar), c.bar)) + base.Render(" ") +
		num.Render(draw.FitRight(fmt.Sprintf("%.2f", d.Effect), effectW)) + sp +
		base.Render(draw.FitRight(pValue(d.PAdjusted), 7)) + base.Render(" ") + mark.Render(draw.Fit(d.Mark, pW-8))
	if rest := m.width - draw.Width(row); rest > 0 {
		row += base.Render(strings.Repeat(" ", rest))
	}
	return draw.Fit(row, m.width)
}

// summaries are a column's two sides at a glance in w cells each: the means
// of a number or date, or a category's most over-represented value in A with
// its share on each side.
func summaries(d compare.ColumnDiff, w int) (string, string) {
	if n := d.Numeric; n != nil {
		return number(d.Kind, n.A.Mean), number(d.Kind, n.B.Mean)
	}
	if d.Categorical == nil || len(d.Categorical.Values) == 0 {
		return "–", "–"
	}
	v := topValue(d.Categorical)
	value := v.Value
	share := func(s float64) string {
		p := percent(s)
		return draw.Fit(value, max(w-len(p)-1, 1)) + " " + p
	}
	return share(v.ShareA), share(v.ShareB)
}

// legend explains the marks, and names the columns left out.
func (m *Model) legend() []string {
	st := m.env.Styles
	res := m.result
	if m.err != nil {
		// A run that failed leaves the last answer on screen, under its error.
		return []string{" " + st.Error.Render("✗ "+m.err.Error())}
	}
	lines := []string{st.Faint.Render(fmt.Sprintf(" %d compared · effect 0.1 small, 0.3 medium, 0.5 large · *** p<0.001 ** p<0.01 * p<0.05 after Holm",
		len(res.Columns)))}
	if m.footerLines() > 1 {
		if len(res.Skipped) == 0 {
			lines = append(lines, "")
		} else {
			var names []string
			for _, s := range res.Skipped {
				names = append(names, s.Column+" ("+s.Reason+")")
			}
			lines = append(lines, st.Faint.Render(" not compared: "+strings.Join(names, ", ")))
		}
	}
	return lines
}
