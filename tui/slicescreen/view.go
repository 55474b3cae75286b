package slicescreen

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/segscope/segscope/query"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/ruleview"
)

const (
	pickerW   = 28
	headLines = 2 // scope line and rule
)

func (m *Model) resultRows() int { return max(m.height-headLines-2, 1) }

// layout is where things go, worked out on resize and after each message
// (the groups' label widths follow the result), never in View.
type layout struct {
	bodyH            int // below the scope line and its rule
	pickerW, resultW int // the pickers' column (less its margin) and the groups'
	// The groups' table: how many label columns, their widths, the bars'.
	nLabels int
	labelW  []int
	barW    int
}

const countW, shareW, measureW = 9, 7, 12

// relayout sizes the columns for the screen's area and the result shown.
func (m *Model) relayout() {
	l := &m.lay
	l.bodyH = m.height - headLines
	pw := min(pickerW, m.width/3)
	l.pickerW, l.resultW = pw-2, m.width-pw-1
	l.nLabels, l.labelW, l.barW = 0, nil, 0
	res := m.result
	if res == nil || len(m.by) == 0 {
		return
	}
	g := m.Grouping()
	n := len(res.Columns) - 2
	if g.Measure.Func != "" {
		n--
	}
	l.nLabels = max(min(n, len(g.By)), 0)
	l.labelW = make([]int, l.nLabels)
	fixed := 0
	for i := range l.nLabels {
		w := draw.Width(res.Columns[i].Name)
		for _, r := range res.Rows {
			w = max(w, draw.Width(label(r[i])))
		}
		l.labelW[i] = min(w, 22)
		fixed += l.labelW[i] + 2
	}
	fixed += countW + shareW + 2
	if g.Measure.Func != "" {
		fixed += measureW + 1
	}
	l.barW = max(l.resultW-fixed-1, 6)
}

// View draws the scope line, the pickers on the left and the groups on the right.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.env.Styles
	head := m.scopeLine() + "\n" + st.Rule.Render(strings.Repeat("─", m.width))
	bodyH, l := m.lay.bodyH, m.lay
	if len(m.by) == 0 {
		msg := "\n " + st.Muted.Render("Open a table on the Data screen (1) to slice it.")
		return head + "\n" + draw.Block(msg, m.width, bodyH)
	}
	left := draw.Block(m.pickerView(l.pickerW, bodyH), l.pickerW, bodyH)
	sep := strings.TrimSuffix(strings.Repeat(st.Rule.Render(" │")+"\n", bodyH), "\n")
	right := draw.Block(m.resultView(bodyH), l.resultW, bodyH)
	return head + "\n" + draw.SideBySide(left, sep, " "+strings.ReplaceAll(right, "\n", "\n "))
}

func (m *Model) scopeLine() string {
	st := m.env.Styles
	s := m.scope
	if s.Table.Name == "" {
		return draw.Fit("", m.width)
	}
	left := " " + st.Title.Render(s.Table.Name) + "  "
	if s.Where == "" {
		info := st.Muted.Render("all " + draw.Count(s.Table.Rows) + " rows · no filter (set one on the Data screen with /)")
		return draw.Fit(left+info, m.width)
	}
	count := st.Good.Render(draw.Count(s.Matching)) + st.Muted.Render(" of "+draw.Count(s.Table.Rows)+" rows")
	label := st.Accent.Render("filter ")
	ruleW := max(m.width-draw.Width(left)-draw.Width(label)-draw.Width(count)-2, 8)
	rule, _ := ruleview.RuleLine(st, s.Rule, -1, ruleW, draw.Span{})
	if draw.Width(s.Rule) > ruleW {
		rule = ansi.Truncate(rule, ruleW, draw.Ellipsis)
	}
	return draw.Fit(left+label+draw.Fit(rule, ruleW)+"  "+count, m.width)
}

func (m *Model) pickerView(w, h int) string {
	st := m.env.Styles
	var lines []string
	for f := range fieldCount {
		value := m.options(f)[m.choice[f]]
		name := draw.Fit(fieldNames[f], 9)
		if f == m.focus {
			lines = append(lines, st.Accent.Render("▸ "+name)+" "+st.Title.Render(draw.Fit(value, w-12)))
		} else {
			lines = append(lines, "  "+st.Muted.Render(name)+" "+draw.Fit(value, w-12))
		}
	}
	lines = append(lines, "", " "+st.Subtitle.Render("Choose "+strings.ToLower(fieldNames[m.focus])))
	opts := m.options(m.focus)
	room := max(h-len(lines), 1)
	cur := m.choice[m.focus]
	first := max(min(cur-room/2, len(opts)-room), 0)
	for i := first; i < len(opts) && i < first+room; i++ {
		label := opts[i]
		if i == cur {
			lines = append(lines, st.Selected.Render(draw.Fit(" › "+label, w)))
		} else {
			lines = append(lines, "   "+draw.Fit(label, w-3))
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) resultView(h int) string {
	st := m.env.Styles
	switch {
	case m.err != nil:
		return "\n" + st.Error.Render("✗ "+m.err.Error())
	case m.result == nil && m.job.Running():
		return "\n" + st.Muted.Render("grouping…")
	case m.result == nil:
		return ""
	}
	res := m.result
	g := m.Grouping()
	ms := m.measures[m.choice[fieldMeasure]]
	nLabels, labelW, barW := m.lay.nLabels, m.lay.labelW, m.lay.barW

	var header strings.Builder
	for i := range nLabels {
		header.WriteString(st.Header.Render(draw.Fit(res.Columns[i].Name, labelW[i])) + "  ")
	}
	header.WriteString(st.Header.Render(draw.FitRight("count", countW) + draw.FitRight("share", shareW+1)))
	if g.Measure.Func != "" {
		header.WriteString(st.Header.Render(draw.FitRight(g.Measure.Func, measureW+1)))
	}
	lines := []string{header.String()}

	peak := 0.0
	for _, r := range res.Rows {
		peak = math.Max(peak, m.barValue(r, nLabels, ms))
	}
	rows := h - 2
	end := min(m.offset+rows, len(res.Rows))
	for _, r := range res.Rows[m.offset:end] {
		var b strings.Builder
		for i := range nLabels {
			b.WriteString(draw.Fit(label(r[i]), labelW[i]) + "  ")
		}
		b.WriteString(st.Number.Render(draw.FitRight(draw.Count(toInt(r[nLabels])), countW)))
		b.WriteString(st.Muted.Render(draw.FitRight(percent(r[nLabels+1]), shareW+1)))
		if g.Measure.Func != "" {
			b.WriteString(st.Number.Render(draw.FitRight(formatMeasure(r[nLabels+2], g.Measure.Func), measureW+1)))
		}
		b.WriteString("  " + st.Bar.Render(draw.HBar(m.barValue(r, nLabels, ms), peak, barW)))
		lines = append(lines, b.String())
	}
	foot := fmt.Sprintf("%s %s", draw.Count(int64(len(res.Rows))), draw.Plural(int64(len(res.Rows)), "group", "groups"))
	if len(res.Rows) > rows {
		foot = fmt.Sprintf("groups %d–%d of %s · pgup/pgdn scroll", m.offset+1, end, draw.Count(int64(len(res.Rows))))
	}
	if res.Truncated {
		foot += fmt.Sprintf(" · only the largest %d shown", groupLimit)
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	lines = append(lines, st.Faint.Render(foot))
	return strings.Join(lines, "\n")
}

// label is a group's value as shown, NULL named.
func label(v any) string {
	if v == nil {
		return "(null)"
	}
	return query.FormatValue(v)
}

func (m *Model) barValue(r []any, nLabels int, ms measure) float64 {
	if ms.fn != "" && nLabels+2 < len(r) {
		return toFloat(r[nLabels+2])
	}
	return toFloat(r[nLabels])
}

func toFloat(v any) float64 {
	f, _ := strconv.ParseFloat(query.FormatValue(v), 64)
	return f
}

func toInt(v any) int64 { return int64(toFloat(v)) }

func percent(v any) string { return strconv.FormatFloat(toFloat(v)*100, 'f', 1, 64) + "%" }

// formatMeasure shows rates as percentages, averages with two decimals and
// sums of whole numbers as whole numbers, thousands separated.
func formatMeasure(v any, fn string) string {
	if v == nil {
		return "–"
	}
	if fn == "rate" {
		return percent(v)
	}
	f := toFloat(v)
	if fn == "sum" && f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return draw.Count(int64(f))
	}
	whole, frac, _ := strings.Cut(strconv.FormatFloat(math.Abs(f), 'f', 2, 64), ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	out := draw.Count(n) + "." + frac
	if f < 0 {
		return "-" + out
	}
	return out
}
