package comparescreen

import (
	"fmt"
	"math"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/tui/draw"
)

// columnTop is the line of the detail's first scrolling row: the title, its
// rule, the column's name, its test, a blank line and the table header are
// above it.
const columnTop = 6

func (m *Model) columnRows() int { return max(m.height-columnTop, 1) }

func (m *Model) columnKey(msg tea.KeyPressMsg) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		m.view = viewRanked
		return
	case key.Matches(msg, k.Up):
		m.scroll--
	case key.Matches(msg, k.Down):
		m.scroll++
	case key.Matches(msg, k.PageUp):
		m.scroll -= m.columnRows()
	case key.Matches(msg, k.PageDown):
		m.scroll += m.columnRows()
	case key.Matches(msg, k.First):
		m.scroll = 0
	case key.Matches(msg, k.Last):
		m.scroll = math.MaxInt32
	}
	_, body := m.columnBody()
	m.scroll = max(min(m.scroll, len(body)-m.columnRows()), 0)
}

func (m *Model) columnView() []string {
	st := m.env.Styles
	d, ok := m.current()
	if !ok {
		return nil
	}
	lines := []string{m.title("esc back"), m.rule()}
	kind := string(d.Kind)
	if d.Kind == compare.Date {
		kind += " (compared in days)"
	}
	lines = append(lines,
		" "+st.Subtitle.Render(d.Name)+st.Muted.Render("  "+kind+" · effect ")+st.Number.Render(fmt.Sprintf("%.2f", d.Effect))+
			st.Muted.Render(" ("+effectWord(d.Effect)+")"),
		" "+st.Muted.Render(testLine(d))+" "+st.Accent.Render(d.Mark),
		"")
	header, body := m.columnBody()
	lines = append(lines, header)
	end := min(m.scroll+m.columnRows(), len(body))
	return append(lines, body[m.scroll:end]...)
}

// effectWord reads an effect on the conventional scale.
func effectWord(e float64) string {
	switch {
	case e >= 0.5:
		return "large"
	case e >= 0.3:
		return "medium"
	case e >= 0.1:
		return "small"
	}
	return "negligible"
}

// testLine is the column's test: its statistic, degrees of freedom and
// p-value, before and after the Holm correction.
func testLine(d compare.ColumnDiff) string {
	p := "p " + pValue(d.P) + ", Holm " + pValue(d.PAdjusted)
	if n := d.Numeric; n != nil {
		return fmt.Sprintf("Cohen's d %+.2f · Welch's t %.2f (df %.1f) · %s", n.D, n.T, n.DF, p)
	}
	c := d.Categorical
	return fmt.Sprintf("chi-square %.1f (df %d) · Cramér's V %.3f · %s", c.ChiSquare, c.DF, c.CramersV, p)
}

// columnBody is the detail's table: its header line and its rows.
func (m *Model) columnBody() (string, []string) {
	d, ok := m.current()
	switch {
	case !ok:
		return "", nil
	case d.Numeric != nil:
		return m.numericBody(d)
	case d.Categorical != nil:
		return m.categoricalBody(d)
	}
	return "", nil
}

// categoricalBody has a row per value: its share of A and of B as bars side
// by side on one scale, the counts, and the index.
func (m *Model) categoricalBody(d compare.ColumnDiff) (string, []string) {
	st := m.env.Styles
	res := m.result
	vals := d.Categorical.Values
	valueW := len("value")
	peak := 0.0
	for _, v := range vals {
		valueW = max(valueW, draw.Width(v.Value))
		peak = math.Max(peak, math.Max(v.ShareA, v.ShareB))
	}
	const shareW, countW, indexW = 6, 7, 8
	valueW = min(valueW, 24)
	sideW := max((m.width-2-valueW-2-indexW-4)/2, 3*shareW)
	barW := min(sideW-shareW-countW-2, 30)
	if barW < 3 {
		valueW = max(valueW-(3-barW)*2, 8)
		barW = 3
	}
	sideW = barW + 1 + shareW + 1 + countW
	header := st.Header.Render(draw.Fit("  "+draw.Fit("value", valueW)+"  "+draw.Fit(res.A.Name, sideW)+"  "+
		draw.Fit(res.B.Name, sideW)+"  "+draw.FitRight("index", indexW), m.width))
	side := func(style lipgloss.Style, share float64, n int64) string {
		return style.Render(draw.Fit(draw.HBar(share, peak, barW), barW)) + " " +
			st.Number.Render(draw.FitRight(percent(share), shareW)) + " " + st.Muted.Render(draw.FitRight(draw.Count(n), countW))
	}
	rows := make([]string, 0, len(vals))
	for _, v := range vals {
		idx, idxStyle := index(v), st.Muted
		switch {
		case v.Index == nil || *v.Index >= 120:
			idx, idxStyle = idx+" ▲", st.Accent
		case *v.Index <= 80:
			idx, idxStyle = idx+" ▼", st.Accent
		default:
			idx += "  "
		}
		rows = append(rows, draw.Fit("  "+draw.Fit(v.Value, valueW)+"  "+side(st.SideA, v.ShareA, v.CountA)+"  "+
			side(st.SideB, v.ShareB, v.CountB)+"  "+idxStyle.Render(draw.FitRight(idx, indexW)), m.width))
	}
	rows = append(rows, "", st.Faint.Render(draw.Fit("  index: share in A ÷ share in B × 100 · ▲ over-represented in A (120+), ▼ under (80 or less)", m.width)))
	return header, rows
}

// numericBody is each side's summary, then both distributions drawn on one
// scale.
func (m *Model) numericBody(d compare.ColumnDiff) (string, []string) {
	st := m.env.Styles
	res := m.result
	n := d.Numeric
	const labelW = 9
	sideW := min(max((m.width-2-labelW-4)/2, 10), 24)
	header := st.Header.Render(draw.Fit("  "+draw.Fit("", labelW)+"  "+draw.FitRight(res.A.Name, sideW)+"  "+
		draw.FitRight(res.B.Name, sideW), m.width))
	row := func(label, a, b string) string {
		return draw.Fit("  "+st.Muted.Render(draw.Fit(label, labelW))+"  "+st.Number.Render(draw.FitRight(a, sideW))+"  "+
			st.Number.Render(draw.FitRight(b, sideW)), m.width)
	}
	num := func(f func(compare.Summary) float64) (string, string) {
		return number(d.Kind, f(n.A)), number(d.Kind, f(n.B))
	}
	rows := []string{
		row("values", draw.Count(n.A.N), draw.Count(n.B.N)),
		row("nulls", draw.Count(n.A.Nulls), draw.Count(n.B.Nulls)),
	}
	for _, r := range []struct {
		label string
		f     func(compare.Summary) float64
	}{
		{"mean", func(s compare.Summary) float64 { return s.Mean }},
		{"median", func(s compare.Summary) float64 { return s.Median }},
		{"min", func(s compare.Summary) float64 { return s.Min }},
		{"q25", func(s compare.Summary) float64 { return s.Q25 }},
		{"q75", func(s compare.Summary) float64 { return s.Q75 }},
		{"max", func(s compare.Summary) float64 { return s.Max }},
	} {
		a, b := num(r.f)
		rows = append(rows, row(r.label, a, b))
	}
	rows = append(rows, row("std", spread(d.Kind, n.A.Std), spread(d.Kind, n.B.Std)))
	return header, append(append(rows, m.boxPlots(d)...), m.overlayLines(d)...)
}

// boxPlots draws each side's min, quartiles, median and max on one scale.
func (m *Model) boxPlots(d compare.ColumnDiff) []string {
	st := m.env.Styles
	n := d.Numeric
	if n.A.N == 0 || n.B.N == 0 {
		return nil
	}
	lo, hi := math.Min(n.A.Min, n.B.Min), math.Max(n.A.Max, n.B.Max)
	labelW := min(max(draw.Width(m.result.A.Name), draw.Width(m.result.B.Name)), 20)
	w := min(m.width-2-labelW-4, 72)
	if w < 10 {
		return nil
	}
	name := func(s string) string { return "  " + draw.Fit(s, labelW) + "  " }
	loText, hiText := number(d.Kind, lo), number(d.Kind, hi)
	axis := loText + strings.Repeat(" ", max(w-draw.Width(loText)-draw.Width(hiText), 1)) + hiText
	return []string{
		"",
		st.Muted.Render(draw.Fit("  distribution: ├ min ─ q25 █ median ┃ q75 █ ─ max ┤, both on one scale", m.width)),
		draw.Fit(st.SideA.Render(name(m.result.A.Name)+boxPlot(n.A, lo, hi, w)), m.width),
		draw.Fit(st.SideB.Render(name(m.result.B.Name)+boxPlot(n.B, lo, hi, w)), m.width),
		draw.Fit(st.Faint.Render(name("")+axis), m.width),
	}
}

// boxPlot draws a summary in w cells of a scale from lo to hi.
func boxPlot(s compare.Summary, lo, hi float64, w int) string {
	pos := func(v float64) int {
		if hi <= lo {
			return 0
		}
		return min(max(int(math.Round((v-lo)/(hi-lo)*float64(w-1))), 0), w-1)
	}
	cells := []rune(strings.Repeat(" ", w))
	for i := pos(s.Min); i <= pos(s.Max); i++ {
		cells[i] = '─'
	}
	cells[pos(s.Min)], cells[pos(s.Max)] = '├', '┤'
	for i := pos(s.Q25); i <= pos(s.Q75); i++ {
		cells[i] = '█'
	}
	cells[pos(s.Median)] = '┃'
	return string(cells)
}
