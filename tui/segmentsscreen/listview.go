package segmentsscreen

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/ruleview"
)

// columns are the list's column widths, set when the width or the segments change.
type columns struct {
	name, table, bar, desc int
	trend                  int // 0: no segment has a snapshot
	changed                int // 0: no room for when it changed
}

// Fixed column widths: size, share, version, last change.
const (
	sizeW    = 9
	shareW   = 6
	versionW = 4
	changedW = 12
	gap      = 2
	marker   = 2 // "▸ " before the cursor row
)

// listTop is the line of the first segment: title, rule, header above it.
const listTop = 3

func (l *list) layout(width int) {
	name, table := len("name"), len("table")
	for _, it := range l.items {
		name = max(name, draw.Width(it.seg.Name))
		table = max(table, draw.Width(it.seg.Table))
	}
	c := columns{name: min(name, 24), table: min(table, 16), bar: 10, changed: changedW}
	if len(l.series) > 0 {
		c.trend = trendW
	}
	fixed := func() int {
		n := marker + c.name + gap + c.table + gap + sizeW + gap + shareW + 1 + c.bar + gap + riskW + gap + versionW
		if c.trend > 0 {
			n += gap + c.trend
		}
		if c.changed > 0 {
			n += gap + c.changed
		}
		return n
	}
	if over := fixed() - width; over > 0 {
		c.bar = max(c.bar-over, 8)
	}
	// The sparkline says more than when the segment last changed, which its
	// detail says too.
	if c.trend > 0 && fixed() > width {
		c.changed = 0
	}
	if over := fixed() - width; over > 0 {
		c.name = max(c.name-over, 10)
	}
	if rest := width - fixed() - gap; rest >= 16 {
		c.desc = rest
	}
	l.cols = c
}

// listRows is how many segments fit above the detail of the current one.
func (m *Model) listRows() int {
	room := m.height - listTop
	return max(min(len(m.list.items), room-detailMin), min(room, 3), 1)
}

// detailMin is the least the detail panel under the list is given.
const detailMin = 7

func (m *Model) listView() string {
	st := m.env.Styles
	l := &m.list
	w := m.width
	title := " " + st.Title.Render("Segments")
	var info string
	switch {
	case l.err != nil:
		info = st.Error.Render("✗ " + l.err.Error())
	case !l.loaded && m.load.Running():
		info = st.Muted.Render("loading…")
	case !l.loaded:
		info = st.Muted.Render("not loaded · r loads the list")
	default:
		n := int64(len(l.items))
		info = st.Muted.Render(draw.Count(n) + " " + draw.Plural(n, "segment", "segments"))
	}
	head := draw.HeadLine(title+"  "+info, st.Faint.Render("n new · t from a template "), w)
	lines := []string{head, st.Rule.Render(strings.Repeat("─", w))}
	if !l.loaded {
		return strings.Join(lines, "\n")
	}
	if len(l.items) == 0 {
		return strings.Join(append(lines, m.emptyList()...), "\n")
	}
	lines = append(lines, m.headerRow())
	rows := m.listRows()
	for i := l.offset; i < len(l.items) && i < l.offset+rows; i++ {
		lines = append(lines, m.itemRow(i))
	}
	for len(lines) < listTop+rows {
		lines = append(lines, "")
	}
	if detailH := m.height - len(lines); detailH >= 3 {
		lines = append(lines, m.detail(detailH)...)
	}
	return strings.Join(lines, "\n")
}

func (m *Model) emptyList() []string {
	st := m.env.Styles
	return []string{
		"",
		"  " + st.Title.Render("No segments yet."),
		"",
		"  " + st.HelpKey.Render("n") + st.Muted.Render("  write a rule for a new segment"),
		"  " + st.HelpKey.Render("t") + st.Muted.Render("  start from a template that fits the table (churn risk, lapsed, new, high value…)"),
		"  " + st.HelpKey.Render("S") + st.Muted.Render("  on the Data (1) or Slice (2) screen, save the filter you applied as a segment"),
	}
}

func (m *Model) headerRow() string {
	st := m.env.Styles
	c := m.list.cols
	row := strings.Repeat(" ", marker) + draw.Fit("name", c.name) + pad() + draw.Fit("table", c.table) + pad() +
		draw.FitRight("size", sizeW) + pad() + draw.FitRight("share", shareW) + " " + draw.Fit("", c.bar) + pad() +
		draw.Fit("risk", riskW) + pad() + draw.FitRight("ver", versionW)
	if c.trend > 0 {
		row += pad() + draw.Fit("trend", c.trend)
	}
	if c.changed > 0 {
		row += pad() + draw.Fit("changed", c.changed)
	}
	if c.desc > 0 {
		row += pad() + "description"
	}
	return st.Header.Render(draw.Fit(row, m.width))
}

func pad() string { return strings.Repeat(" ", gap) }

func (m *Model) itemRow(i int) string {
	st := m.env.Styles
	l := &m.list
	c := l.cols
	it := l.items[i]
	seg := it.seg
	total := m.rows(seg.Table)

	size, share, bar := "–", "–", ""
	sizeSt, shareSt, barSt := st.Muted, st.Muted, st.Bar
	switch {
	case it.broken():
		bar, barSt = "✗ broken", st.Error
	case !it.sized && m.sizes.Running():
		size, share, sizeSt, shareSt = "counting", "…", st.Loading, st.Loading
	case !it.sized:
		bar, barSt = "r recount", st.Faint
	default:
		size, share, sizeSt = draw.Count(it.size), percent(it.size, total), st.Number
		switch {
		case it.size == 0:
			bar, barSt = "empty", st.Warn
		case it.size == total:
			bar, barSt = "all rows", st.Warn
		default:
			bar = draw.HBar(float64(it.size), float64(total), c.bar)
		}
	}
	riskText, riskSt := m.riskCell(it)
	base, mark := st.Item, "  "
	if i == l.cursor {
		// One style across the row, so the cursor row reads as one bar.
		base, mark = st.ItemCursor, "▸ "
		sizeSt, shareSt, barSt, riskSt = base, base, base, base.Render
	}
	sp := base.Render(pad())
	row := base.Render(mark+draw.Fit(seg.Name, c.name)) + sp + base.Render(draw.Fit(seg.Table, c.table)) + sp +
		sizeSt.Render(draw.FitRight(size, sizeW)) + sp + shareSt.Render(draw.FitRight(share, shareW)) + base.Render(" ") +
		barSt.Render(draw.Fit(bar, c.bar)) + sp + riskSt(draw.Fit(riskText, riskW)) + sp +
		base.Render(draw.FitRight("v"+strconv.Itoa(seg.Version), versionW))
	if c.trend > 0 {
		trendSt := st.Bar
		if i == l.cursor {
			trendSt = base
		}
		row += sp + trendSt.Render(draw.FitRight(it.trend, c.trend))
	}
	if c.changed > 0 {
		row += sp + base.Render(draw.Fit(ago(m.env.Now(), seg.Updated), c.changed))
	}
	if c.desc > 0 {
		row += sp + base.Render(draw.Fit(seg.Description, c.desc))
	}
	if rest := m.width - draw.Width(row); rest > 0 {
		row += base.Render(strings.Repeat(" ", rest))
	}
	return draw.Fit(row, m.width)
}

// detail describes the current segment under the list: who changed it when,
// its description and its rule; beside them, when it has snapshots, the chart
// of its size and reach over time.
func (m *Model) detail(h int) []string {
	st := m.env.Styles
	w := m.width
	seg, ok := m.current()
	if !ok {
		return nil
	}
	it := m.list.items[m.list.cursor]
	series := m.list.series[seg.Name]
	chartW, _ := m.chartSize(series, h)
	lw := w - chartW
	if chartW > 0 {
		lw-- // a space between the text and the chart
	}
	lines := []string{}
	who := fmt.Sprintf(" · version %d by %s · changed %s", seg.Version, seg.Owner, stamp(seg.Updated, m.env.Now()))
	if seg.Owner == "" {
		who = fmt.Sprintf(" · version %d · changed %s", seg.Version, stamp(seg.Updated, m.env.Now()))
	}
	lines = append(lines, " "+st.Subtitle.Render(seg.Name)+st.Muted.Render(" on "+seg.Table+who))
	if seg.Description != "" {
		lines = append(lines, " "+st.Item.Render(seg.Description))
	} else {
		lines = append(lines, " "+st.Faint.Render("no description"))
	}
	if it.broken() {
		lines = append(lines, " "+st.Error.Render("✗ "+it.err.Error()))
	}
	lines = append(lines, m.riskLines(it)...)
	if len(series) > 0 {
		lines = append(lines, m.detailTrend(series)...)
	}
	lines = append(lines, "")
	for _, r := range ruleview.RuleRows(st, seg.Rule, -1, lw-4, draw.Span{}) {
		if len(lines) >= h-1 {
			break
		}
		lines = append(lines, "   "+r.Line)
	}
	top := st.Rule.Render(strings.Repeat("─", w))
	if chartW == 0 {
		return append([]string{top}, lines...)
	}
	left := draw.Block(strings.Join(lines, "\n"), lw, h-1)
	var chart []string
	if c := m.chart; c.segment == seg.Name && c.w == chartW {
		chart = c.lines
	}
	right := draw.Block(strings.Join(chart, "\n"), chartW, h-1)
	return append([]string{top}, strings.Split(draw.SideBySide(left, strings.Repeat(" \n", h-2)+" ", right), "\n")...)
}

// percent is n's share of total, to one decimal.
func percent(n, total int64) string {
	if total <= 0 {
		return "–"
	}
	return strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64) + "%"
}

// ago says how long before now t was, the way people say it.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	case d < 48*time.Hour:
		return "yesterday"
	case d < 30*24*time.Hour:
		return fmt.Sprintf("%d days ago", int(d.Hours()/24))
	}
	return t.In(now.Location()).Format("2 Jan 2006")
}

// stamp is a time in the clock's zone, to the minute.
func stamp(t, now time.Time) string {
	return t.In(now.Location()).Format("2006-01-02 15:04")
}
