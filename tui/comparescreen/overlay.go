package comparescreen

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/NimbleMarkets/ntcharts/v2/canvas"
	"github.com/NimbleMarkets/ntcharts/v2/canvas/runes"
	"github.com/NimbleMarkets/ntcharts/v2/linechart"

	"github.com/segscope/segscope/segments/compare"
	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// A number or date column's drill-down draws both sides' distributions over
// each other (segments/compare.Distributions): the share of each side's values
// in each of a few bins of one width. A is a line of box-drawing strokes and B
// one of braille dots, so the two read apart without colour.

// overlayBins is how finely the drill-down bins a column.
const overlayBins = 24

// overlayH is the chart's height, its axis labels included.
const overlayH = 10

// distMsg is a column's binned distributions.
type distMsg struct {
	id     uint64
	column string
	hist   *compare.Histogram
	err    error
}

// overlay is the loaded distributions of one column and its drawn chart.
type overlay struct {
	column string
	hist   *compare.Histogram
	err    error
	// lines are the chart drawn for the screen's width and theme.
	lines []string
}

// openColumn shows the column under the cursor in detail, and bins its values
// when it is a number or a date.
func (m *Model) openColumn() tea.Cmd {
	d, ok := m.current()
	if !ok {
		return nil
	}
	m.view, m.scroll = viewColumn, 0
	if d.Numeric == nil || m.over.column == d.Name && m.over.err == nil {
		return nil
	}
	m.over = overlay{column: d.Name}
	a, b := m.nameA(), m.nameB()
	ctx, id := m.env.Start(&m.dist, "binning "+d.Name)
	ws, store := m.env.WS, m.env.Store
	return func() tea.Msg {
		h, err := compare.Distributions(ctx, ws, store, a, b, d.Name, overlayBins)
		return distMsg{id: id, column: d.Name, hist: h, err: err}
	}
}

func (m *Model) onDist(msg distMsg) {
	if !m.dist.Finish(msg.id) || msg.column != m.over.column {
		return
	}
	m.over.hist, m.over.err = msg.hist, msg.err
	m.redrawOverlay()
}

// redrawOverlay draws the loaded chart for the screen's width and theme, in
// Update, so View only pastes it.
func (m *Model) redrawOverlay() {
	o := &m.over
	o.lines = nil
	if o.hist == nil || m.result == nil {
		return
	}
	if d, ok := m.result.Column(o.column); ok {
		o.lines = m.drawOverlay(d, o.hist, min(m.width-4, 80))
	}
}

// SetStyles redraws the chart in the new theme.
func (m *Model) SetStyles(*styles.Styles) { m.redrawOverlay() }

// overlayLines are the drill-down's rows for the chart: a heading, the chart,
// the range under it and a legend.
func (m *Model) overlayLines(d compare.ColumnDiff) []string {
	st := m.env.Styles
	o := &m.over
	head := st.Muted.Render(draw.Fit("  distributions: the share of each side's values in each range, overlaid", m.width))
	switch {
	case o.column != d.Name:
		return nil
	case o.err != nil:
		return []string{"", head, "  " + st.Error.Render(draw.Fit("✗ "+o.err.Error(), m.width-2))}
	case o.hist == nil:
		return []string{"", head, "  " + st.Loading.Render("binning…")}
	}
	return append([]string{"", head}, o.lines...)
}

// drawOverlay draws both sides' shares per bin on one chart w cells wide.
func (m *Model) drawOverlay(d compare.ColumnDiff, h *compare.Histogram, w int) []string {
	st := m.env.Styles
	shares := func(counts []int64) []float64 {
		var total int64
		for _, c := range counts {
			total += c
		}
		out := make([]float64, len(counts))
		for i, c := range counts {
			if total > 0 {
				out[i] = float64(c) / float64(total)
			}
		}
		return out
	}
	a, b := shares(h.A), shares(h.B)
	peak := 0.0
	for i := range a {
		peak = max(peak, a[i], b[i])
	}
	lc := linechart.New(w, overlayH, 0, float64(len(a)-1), 0, max(peak, 0.01),
		linechart.WithXYSteps(0, 2), linechart.WithYLabelFormatter(func(_ int, v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }),
		linechart.WithStyles(st.Rule, st.Muted, st.SideA))
	lc.DrawXYAxisAndLabel()
	pt := func(i int, v float64) canvas.Float64Point { return canvas.Float64Point{X: float64(i), Y: v} }
	for i := range b {
		j := min(i+1, len(b)-1)
		lc.DrawBrailleLineWithStyle(pt(i, b[i]), pt(j, b[j]), st.SideB)
	}
	for i := range a {
		j := min(i+1, len(a)-1)
		lc.DrawLineWithStyle(pt(i, a[i]), pt(j, a[j]), runes.ArcLineStyle, st.SideA)
	}
	var lines []string
	for _, l := range strings.Split(lc.View(), "\n") {
		lines = append(lines, "  "+draw.Fit(l, w))
	}
	lo, hi := number(d.Kind, h.Low), number(d.Kind, h.High)
	gap := w - lc.Origin().X - 1 - draw.Width(lo) - draw.Width(hi)
	lines = append(lines, "  "+st.Faint.Render(draw.Fit(strings.Repeat(" ", lc.Origin().X+1)+lo+strings.Repeat(" ", max(gap, 1))+hi, w)),
		"  "+st.SideA.Render("─ "+m.result.A.Name)+"   "+st.SideB.Render("⠤ "+m.result.B.Name))
	for i, l := range lines {
		lines[i] = draw.Fit(l, m.width)
	}
	return lines
}
