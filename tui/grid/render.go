package grid

import (
	"strings"

	"github.com/segscope/segscope/tui/draw"
	"github.com/segscope/segscope/tui/styles"
)

// View draws the grid: a header, a rule, then the visible rows, with a
// scrollbar on the right. Every line is exactly the grid's width.
func (m *Model) View(src Source) string {
	if m.width <= 0 || m.high <= 0 {
		return ""
	}
	cols := m.layout()
	lines := make([]string, 0, m.high)
	lines = append(lines, m.headerLine(cols))
	lines = append(lines, m.ruleLine(cols))
	rows := m.Rows()
	bar := m.scrollbar(rows)
	for r := range rows {
		i := m.top + int64(r)
		var line string
		switch {
		case i >= m.total:
			line = strings.Repeat(" ", m.width-scrollbarW)
		default:
			vals, ok := src.Row(i)
			line = m.rowLine(cols, i, vals, ok)
		}
		lines = append(lines, line+bar[r])
	}
	if m.total == 0 && rows > 0 && len(m.cols) > 0 {
		lines[headerLines] = draw.Fit(m.paint.muted.Render("  no rows"), m.width)
	}
	return strings.Join(lines, "\n")
}

func (m *Model) headerLine(cols []placed) string {
	st := &m.paint
	var b strings.Builder
	x := 0
	for _, c := range cols {
		b.WriteString(strings.Repeat(" ", c.x-x))
		style := st.header
		switch {
		case c.pos == m.col:
			style = st.headerCurrent
		case c.src == m.sortCol:
			style = st.headerSort
		}
		name, marker := m.headerParts(c.src)
		text := style.Render(name)
		if marker != "" {
			text += st.revealed.Render(marker)
		}
		if m.cols[c.src].Numeric {
			b.WriteString(draw.FitRight(text, c.w))
		} else {
			b.WriteString(draw.Fit(text, c.w))
		}
		x = c.x + c.w
		if c.pos < m.frozen {
			b.WriteString(st.rule.Render(" │ "))
			x += frozenSep
		}
	}
	return draw.Fit(b.String(), m.width-scrollbarW) + " "
}

func (m *Model) ruleLine(cols []placed) string {
	st := &m.paint
	w := m.width - scrollbarW
	if m.frozen == 0 || len(cols) == 0 {
		return st.rule.Render(strings.Repeat("─", w)) + " "
	}
	c := cols[0]
	left := c.x + c.w + 1
	return st.rule.Render(strings.Repeat("─", min(left, w))+"┼"+strings.Repeat("─", max(w-left-1, 0))) + " "
}

func (m *Model) rowLine(cols []placed, i int64, vals []any, loaded bool) string {
	st := &m.paint
	cursor := i == m.row
	var base styles.Paint
	if cursor {
		base = st.cursorRow
	}
	var b strings.Builder
	x := 0
	for _, c := range cols {
		if c.x > x {
			b.WriteString(base.Render(strings.Repeat(" ", c.x-x)))
		}
		b.WriteString(m.cell(c, vals, loaded, cursor))
		x = c.x + c.w
		if c.pos < m.frozen {
			if cursor {
				b.WriteString(base.Render(" │ "))
			} else {
				b.WriteString(st.rule.Render(" │ "))
			}
			x += frozenSep
		}
	}
	if w := m.width - scrollbarW; x < w {
		b.WriteString(base.Render(strings.Repeat(" ", w-x)))
	}
	return b.String()
}

func (m *Model) cell(c placed, vals []any, loaded, cursor bool) string {
	st := &m.paint
	col := m.cols[c.src]
	if !loaded || c.src >= len(vals) {
		style := st.loading
		if cursor {
			style = st.cursorRow
		}
		return style.Render(draw.Fit("·", c.w))
	}
	v := vals[c.src]
	text := m.text(c.src, v)
	var cell string
	if col.Numeric && v != nil {
		cell = draw.FitRight(text, c.w)
	} else {
		cell = draw.Fit(text, c.w)
	}
	var style styles.Paint
	switch {
	case cursor && c.pos == m.col:
		style = st.cursorCell
	case cursor && col.Masked():
		style = st.cursorMasked
	case cursor && col.Numeric:
		style = st.cursorNumber
	case cursor:
		style = st.cursorRow
	case v == nil:
		style = st.null
	case col.Masked():
		style = st.masked
	case c.pos < m.frozen:
		style = st.frozen
	case col.Numeric:
		style = st.number
	default:
		style = st.cell
	}
	return style.Render(cell)
}

// scrollbar returns one cell per visible row: a thumb where the view sits
// within all rows, a faint track elsewhere, blank when everything fits.
func (m *Model) scrollbar(rows int) []string {
	out := make([]string, rows)
	if int64(rows) >= m.total || rows == 0 {
		for i := range out {
			out[i] = " "
		}
		return out
	}
	thumb := max(int(int64(rows)*int64(rows)/m.total), 1)
	span := m.total - int64(rows)
	start := int(m.top * int64(rows-thumb) / max(span, 1))
	for i := range out {
		if i >= start && i < start+thumb {
			out[i] = m.paint.thumb.Render("┃")
		} else {
			out[i] = m.paint.track.Render("│")
		}
	}
	return out
}
